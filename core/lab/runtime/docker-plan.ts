// What the docker runtime will ask the engine for, worked out before it asks: the lab's
// networks with their subnets, each node's addresses and MACs, and each container's create
// options with the agent's command line. Pure, so the choices below are tested without an
// engine (docker-plan.test.ts).
//
// The choices, and why:
// - One network per link: bridge driver, internal (no gateway out, no port publishing), an
//   explicit subnet. Every endpoint gets a fixed address and the MAC 02:42:<address>, the one
//   older engines generate for it anyway, so the agent can be told `packet-mac:<MAC>` before
//   the container starts (machine-facts.md: API 1.41 ignores a MAC for a second network).
// - One management network per lab for the console and mgmt ports, published on 127.0.0.1
//   only. It cannot be internal: the engine publishes no ports for containers on internal
//   networks only (tried on 20.10). It is created without masquerading, and the engine runs
//   with --iptables=false --ip-forward=false, so nothing is NATed or forwarded out; the agent
//   only listens there. Being the lab's one non-internal network, it is always eth0.
// - The container kernel keeps its Docker address on each link NIC, beside the router that
//   owns the wire through a packet socket. It is made mute instead of removed (that would
//   need NET_ADMIN and iproute2 in the image): arp_ignore=8 on the link NICs (never answer
//   ARP there), IPv6 off (no NDP/MLD/RS frames on the wire), forwarding off (lab packets it
//   sees are dropped silently, no ICMP). Lab addresses never collide with the 10.255/16 pool.
// - no-new-privileges, every capability dropped but NET_RAW, SETUID and SETGID. The agent
//   starts as root only to open its packet sockets (NET_RAW; a file capability cannot give it
//   to another user under no-new-privileges), then becomes the lab folder's owner (`--user`,
//   so files it writes there stay theirs; uid 1000 when the owner is unknown), which leaves
//   it no capability at all before it reads a file or listens on a port.
// - The console and mgmt API listen on the node's management address only, not 0.0.0.0:
//   the engine's port publishing reaches them there, and no link network can.
import { isAbsolute, relative, resolve, sep } from "node:path";
import type Docker from "dockerode";
import { platformArgs, type Lab } from "../topology";
import { containerName, LABEL_LINK, LABEL_NODE, labLabels, linkNetworkName, macForAddress, mgmtNetworkName } from "./docker-labels";
import { containerAddress, formatCidr, gatewayOf, type Cidr } from "./docker-subnets";

/** The agent's ports inside its container; the host side is chosen per node on 127.0.0.1. */
export const CONTAINER_CONSOLE_PORT = 2323;
export const CONTAINER_MGMT_PORT = 2324;
export const TOKEN_ENV = "FLEXLAB_TOKEN";
export const CONTAINER_LAB_DIR = "/lab";
export const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;
/** SIGTERM, then SIGKILL after 3 s (the Runtime contract). */
export const STOP_TIMEOUT_SEC = 3;

export interface NetworkPlan {
  readonly name: string;
  readonly role: "mgmt" | "link";
  readonly linkIndex?: number;
  readonly subnet: Cidr;
  readonly create: Docker.NetworkCreateOptions;
}

export interface EndpointPlan {
  readonly network: string;
  readonly linkIndex: number;
  /** Canonical IOS name, e.g. "Ethernet0/0". */
  readonly iface: string;
  readonly ip: string;
  readonly mac: string;
}

export interface NodePlan {
  readonly name: string;
  readonly containerName: string;
  readonly mgmtIp: string;
  /** Link endpoints, connected after create in this order. */
  readonly links: readonly EndpointPlan[];
  readonly consolePort: number;
  readonly mgmtPort: number;
  readonly create: Docker.ContainerCreateOptions;
}

export interface LabPlan {
  readonly mgmt: NetworkPlan;
  readonly links: readonly NetworkPlan[];
  readonly nodes: readonly NodePlan[];
}

export interface PlanInputs {
  readonly lab: Lab;
  readonly image: string;
  readonly token: string;
  /** "uid:gid" the agent runs as. */
  readonly user: string;
  readonly mgmtSubnet: Cidr;
  /** One per lab link, in lab.links order. */
  readonly linkSubnets: readonly Cidr[];
  /** Host ports on 127.0.0.1 per node. */
  readonly hostPorts: ReadonlyMap<string, { readonly console: number; readonly mgmt: number }>;
  readonly memoryBytes?: number;
}

/** What a lab asks for that Docker networks cannot give, or undefined when all is well. */
export function dockerLimitation(lab: Lab): string | undefined {
  for (const link of lab.links) {
    const seen = new Set<string>();
    for (const e of link.endpoints) {
      if (seen.has(e.node)) {
        return `link ${link.index} joins two interfaces of ${e.node}: the docker runtime gives a container one NIC per network (use the process runtime, or two links)`;
      }
      seen.add(e.node);
    }
  }
  return undefined;
}

/**
 * The user the agent becomes once its ports are open: the lab folder's owner, so `write
 * memory` can replace the startup-configs there and they stay theirs. That is a normal user
 * on a desktop. Only when root owns the folder does the agent stay root, because nobody else
 * may write it; even then it holds no capability but NET_RAW, SETUID and SETGID, under
 * no-new-privileges. Unknown owners get the image's own `flexlab` user.
 */
export function containerUser(uid: number | undefined, gid: number | undefined): string {
  return uid === undefined || gid === undefined ? "1000:1000" : `${uid}:${gid}`;
}

function network(lab: Lab, name: string, role: "mgmt" | "link", subnet: Cidr, linkIndex?: number): NetworkPlan {
  const labels = { ...labLabels(lab.name, lab.dir, role), ...(linkIndex === undefined ? {} : { [LABEL_LINK]: String(linkIndex) }) };
  const options: Record<string, string> =
    role === "mgmt"
      ? { "com.docker.network.bridge.enable_ip_masquerade": "false", "com.docker.network.bridge.host_binding_ipv4": "127.0.0.1" }
      : {};
  return {
    name,
    role,
    subnet,
    ...(linkIndex === undefined ? {} : { linkIndex }),
    create: {
      Name: name,
      Driver: "bridge",
      Internal: role === "link",
      CheckDuplicate: true,
      EnableIPv6: false,
      IPAM: { Driver: "default", Config: [{ Subnet: formatCidr(subnet), Gateway: gatewayOf(subnet) }] },
      Options: options,
      Labels: labels,
    },
  };
}

/** Where the startup-config is inside the container: in the lab folder, bound at /lab. A
 * config anywhere else is refused rather than bound: the container writes what it is given
 * (`write memory`), and loadLab already keeps every config inside the folder. */
export function configPlace(lab: Lab, nodeName: string, config: string): { dir: string; file: string } {
  const host = resolve(lab.dir, config);
  const rel = relative(lab.dir, host);
  if (rel && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel)) {
    return { dir: CONTAINER_LAB_DIR, file: rel.split(sep).join("/") };
  }
  throw new Error(`nodes.${nodeName}.config: config "${config}" is outside the lab folder ${lab.dir}: a container gets the lab folder only`);
}

export function planLab(inputs: PlanInputs): LabPlan {
  const { lab } = inputs;
  if (inputs.linkSubnets.length !== lab.links.length) throw new Error(`planLab: ${lab.links.length} links but ${inputs.linkSubnets.length} subnets`);
  const mgmt = network(lab, mgmtNetworkName(lab.name), "mgmt", inputs.mgmtSubnet);
  const links = lab.links.map((l, i) => network(lab, linkNetworkName(lab.name, l.index), "link", inputs.linkSubnets[i], l.index));
  const endpointsByNode = new Map<string, EndpointPlan[]>(lab.nodes.map((n) => [n.name, []]));
  lab.links.forEach((link, i) => {
    link.endpoints.forEach((e, position) => {
      const ip = containerAddress(inputs.linkSubnets[i], position);
      const plan: EndpointPlan = { network: links[i].name, linkIndex: link.index, iface: e.iface, ip, mac: macForAddress(ip) };
      endpointsByNode.get(e.node)?.push(plan);
    });
  });

  const nodes = lab.nodes.map((n, position): NodePlan => {
    const endpoints = endpointsByNode.get(n.name) ?? [];
    const ports = inputs.hostPorts.get(n.name);
    if (!ports) throw new Error(`planLab: no host ports for ${n.name}`);
    const mgmtIp = containerAddress(inputs.mgmtSubnet, position);
    const config = configPlace(lab, n.name, n.config);
    const memory = inputs.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const cmd = [
      ...["--name", n.name, "--dir", config.dir, "--config", config.file],
      ...["--console-port", String(CONTAINER_CONSOLE_PORT), "--mgmt-port", String(CONTAINER_MGMT_PORT)],
      ...["--token-env", TOKEN_ENV, "--bind", mgmtIp, "--user", inputs.user],
      ...platformArgs(n),
      ...endpoints.flatMap((e) => ["--port", `${e.iface}=packet-mac:${e.mac}`]),
    ];
    // eth0 is the management network; eth1… are the links, one sysctl each.
    const sysctls: Record<string, string> = {
      "net.ipv4.ip_forward": "0",
      "net.ipv6.conf.all.disable_ipv6": "1",
      "net.ipv6.conf.default.disable_ipv6": "1",
    };
    endpoints.forEach((_, i) => (sysctls[`net.ipv4.conf.eth${i + 1}.arp_ignore`] = "8"));
    const tcp = (port: number): string => `${port}/tcp`;
    return {
      name: n.name,
      containerName: containerName(lab.name, n.name),
      mgmtIp,
      links: endpoints,
      consolePort: ports.console,
      mgmtPort: ports.mgmt,
      create: {
        name: containerName(lab.name, n.name),
        Image: inputs.image,
        Cmd: cmd,
        Env: [`${TOKEN_ENV}=${inputs.token}`],
        // Root with three capabilities until the ports are open, then inputs.user with none.
        User: "0:0",
        Labels: { ...labLabels(lab.name, lab.dir, "router"), [LABEL_NODE]: n.name },
        ExposedPorts: { [tcp(CONTAINER_CONSOLE_PORT)]: {}, [tcp(CONTAINER_MGMT_PORT)]: {} },
        StopTimeout: STOP_TIMEOUT_SEC,
        HostConfig: {
          Init: true,
          NetworkMode: mgmt.name,
          PortBindings: {
            [tcp(CONTAINER_CONSOLE_PORT)]: [{ HostIp: "127.0.0.1", HostPort: String(ports.console) }],
            [tcp(CONTAINER_MGMT_PORT)]: [{ HostIp: "127.0.0.1", HostPort: String(ports.mgmt) }],
          },
          Mounts: [{ Type: "bind", Source: lab.dir, Target: CONTAINER_LAB_DIR, ReadOnly: false }],
          CapDrop: ["ALL"],
          CapAdd: ["NET_RAW", "SETUID", "SETGID"],
          SecurityOpt: ["no-new-privileges"],
          ReadonlyRootfs: true,
          Tmpfs: { "/tmp": "rw,nosuid,nodev,size=16m" },
          Memory: memory,
          MemorySwap: memory,
          PidsLimit: 256,
          Sysctls: sysctls,
          RestartPolicy: { Name: "no" },
        },
        NetworkingConfig: { EndpointsConfig: { [mgmt.name]: { IPAMConfig: { IPv4Address: mgmtIp } } } },
      },
    };
  });
  return { mgmt, links, nodes };
}

/** The endpoint settings for connecting a node to one of its link networks; the MAC only
 * where the engine honours it (API 1.44+), older ones derive the same one from the address. */
export function linkEndpointConfig(endpoint: EndpointPlan, perEndpointMac: boolean): Docker.EndpointSettings {
  return { IPAMConfig: { IPv4Address: endpoint.ip }, ...(perEndpointMac ? { MacAddress: endpoint.mac } : {}) };
}
