// What the swarm runtime asks a swarm manager for, worked out before it asks: one service
// per router, one overlay network per link, a management overlay, and the gateway that brings
// the consoles and mgmt APIs to the manager's loopback. Pure, so the choices below are tested
// without an engine (swarm-plan.test.ts).
//
// The choices, and why:
// - Links are overlay networks (VXLAN), one per link, internal and attachable, each with its
//   own subnet from the pool, rather than UDP tunnels between task addresses: a link of three
//   or more ends (the seed lab's Internet) is one network for the engine, where tunnels would
//   need a bridge process somewhere; the router binds the NIC with a packet socket exactly as
//   on the docker runtime's bridges, so frames on the wire are the same; and the kernel's
//   VXLAN carries them between machines. The engine names and addresses a task's NICs when it
//   starts (eth0… in an order of its own), so the agent is told each link's subnet
//   (`packet-subnet:`) and finds the NIC whose address is inside it; the MAC follows from that
//   address (02:42:<address>, as on bridges) and is read back from the task for the state.
// - A link overlay's MTU is 1500, not the engine's default of the underlay's less 50 (1450
//   here): routers send full Ethernet frames, and the seed lab's IKE_AUTH with certificates
//   fills them. Between machines the VXLAN packets are then 1550 bytes; on a 1500-byte
//   underlay the kernel fragments them (it sets no DF on VXLAN), which costs but works.
// - A subnet holds the link's ends plus one load-balancer address per swarm node (the engine
//   gives every node that joins an overlay one, even without VIPs), plus network, gateway and
//   broadcast. Services use DNS round robin (`dnsrr`): no virtual IP, no IPVS.
// - Management: an internal overlay per lab. The swarm publishes a service's ports on every
//   address of a node (its PortConfig has no host address), so the routers publish nothing.
//   A gateway container on the manager joins the management overlay (it is attachable) and a
//   bridge of its own, and relays one port per console and mgmt API, published on 127.0.0.1
//   only (swarm-gateway.ts). That reaches routers on any node of the swarm, and nothing in
//   the lab has a route out.
// - Each service: one replica, restart policy none (a crashed router stays crashed, shown as
//   such, until `flexlab start`), placement pinned by lab.yaml's `placement:` node labels,
//   else wherever the scheduler spreads it. The container runs as the docker runtime's do:
//   root with NET_RAW, SETUID and SETGID only until its ports are open, then the lab folder's
//   owner; read-only root filesystem; the lab folder bound at /lab (it must exist at the
//   same path on every node a router may run on: one node, or a shared filesystem).
// - The container kernel is kept off the wires by sysctls that need no interface name (the
//   names are the engine's): IPv6 off everywhere, forwarding off, and arp_ignore=1 (answer
//   ARP only for the address of the NIC it arrived on: its pool address, never a lab one).
import { createHash } from "node:crypto";
import type Docker from "dockerode";
import { platformArgs, type Lab } from "../topology";
import { LABEL_LINK, LABEL_NODE, labLabels, linkNetworkName, mgmtNetworkName } from "./docker-labels";
import { configPlace, CONTAINER_CONSOLE_PORT, CONTAINER_LAB_DIR, CONTAINER_MGMT_PORT, DEFAULT_MEMORY_BYTES, STOP_TIMEOUT_SEC, TOKEN_ENV, type NetworkPlan, type PlanInputs } from "./docker-plan";
import { formatCidr, gatewayOf, prefixLengthFor, type Cidr } from "./docker-subnets";

export const OVERLAY_MTU_OPTION = "com.docker.network.driver.mtu";
/** Ethernet's payload, as on the docker runtime's bridges. */
export const LINK_MTU_BYTES = 1500;
/** Outer Ethernet, IPv4, UDP and VXLAN headers. */
const VXLAN_OVERHEAD_BYTES = 50;

/** Docker refuses service names longer than a DNS label. */
const MAX_SERVICE_NAME = 63;

export function serviceName(lab: string, node: string): string {
  const name = `flexlab-${lab}-${node}`;
  if (name.length <= MAX_SERVICE_NAME) return name;
  const hash = createHash("sha256").update(`${lab}\0${node}`).digest("hex").slice(0, 10);
  return `flexlab-${hash}-${node}`.slice(0, MAX_SERVICE_NAME).replace(/[^A-Za-z0-9]+$/, "");
}

/** The name a router answers to on the management overlay, for the gateway: DNS-safe
 * whatever the node is called. */
export function mgmtAlias(position: number): string {
  return `router${position + 1}`;
}

export function gatewayName(lab: string): string {
  return `flexlab-${lab}-gateway`;
}

/** Subnet sizes, in this order: management overlay, gateway bridge, then one per link. */
export function subnetSizes(lab: Lab, swarmNodes: number): number[] {
  return [
    prefixLengthFor(lab.nodes.length + 1 + swarmNodes), // routers, the gateway, one LB address per node
    prefixLengthFor(1),
    ...lab.links.map((l) => prefixLengthFor(l.endpoints.length + swarmNodes)),
  ];
}

/** A network as docker-plan plans one; here its create options make an overlay. */
export type OverlayPlan = NetworkPlan;

export interface ServiceEndpointPlan {
  readonly network: string;
  readonly linkIndex: number;
  readonly iface: string;
  readonly subnet: Cidr;
}

export interface ServicePlan {
  readonly node: string;
  readonly serviceName: string;
  readonly alias: string;
  readonly links: readonly ServiceEndpointPlan[];
  readonly consolePort: number;
  readonly mgmtPort: number;
  /** The spec without its networks' ids (known once they exist): see serviceSpec. */
  readonly spec: Docker.CreateServiceOptions;
}

export interface SwarmPlan {
  readonly mgmt: OverlayPlan;
  readonly links: readonly OverlayPlan[];
  readonly services: readonly ServicePlan[];
}

/** As docker-plan's, but `image` is the reference the swarm's nodes run (the local tag, or the
 * registry's), and `hostPorts` are the gateway's ports on the manager's 127.0.0.1. */
export type SwarmPlanInputs = PlanInputs;

function overlay(lab: Lab, name: string, role: "mgmt" | "link", subnet: Cidr, linkIndex?: number): OverlayPlan {
  return {
    name,
    role,
    subnet,
    ...(linkIndex === undefined ? {} : { linkIndex }),
    create: {
      Name: name,
      Driver: "overlay",
      Internal: true,
      Attachable: true,
      CheckDuplicate: true,
      EnableIPv6: false,
      IPAM: { Driver: "default", Config: [{ Subnet: formatCidr(subnet), Gateway: gatewayOf(subnet) }] },
      // A link carries what a router sends on Ethernet, 1500 bytes (IKE_AUTH with certificates
      // needs all of them); the engine would give a VXLAN NIC 50 less than the underlay.
      // The overlay driver takes this as the underlay's MTU and gives the NIC 50 bytes less.
      ...(role === "link" ? { Options: { [OVERLAY_MTU_OPTION]: String(LINK_MTU_BYTES + VXLAN_OVERHEAD_BYTES) } } : {}),
      Labels: { ...labLabels(lab.name, lab.dir, role), ...(linkIndex === undefined ? {} : { [LABEL_LINK]: String(linkIndex) }) },
    },
  };
}

/** lab.yaml's `placement:` as swarm constraints: `node.labels.KEY==VALUE` each. */
export function placementConstraints(placement: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(placement ?? {}).map(([key, value]) => `node.labels.${key}==${value}`);
}

export function planSwarm(inputs: SwarmPlanInputs): SwarmPlan {
  const { lab } = inputs;
  if (inputs.linkSubnets.length !== lab.links.length) throw new Error(`planSwarm: ${lab.links.length} links but ${inputs.linkSubnets.length} subnets`);
  const mgmt = overlay(lab, mgmtNetworkName(lab.name), "mgmt", inputs.mgmtSubnet);
  const links = lab.links.map((l, i) => overlay(lab, linkNetworkName(lab.name, l.index), "link", inputs.linkSubnets[i], l.index));
  const endpointsByNode = new Map<string, ServiceEndpointPlan[]>(lab.nodes.map((n) => [n.name, []]));
  lab.links.forEach((link, i) => {
    for (const e of link.endpoints) endpointsByNode.get(e.node)?.push({ network: links[i].name, linkIndex: link.index, iface: e.iface, subnet: inputs.linkSubnets[i] });
  });
  const memory = inputs.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  const services = lab.nodes.map((n, position): ServicePlan => {
    const ports = inputs.hostPorts.get(n.name);
    if (!ports) throw new Error(`planSwarm: no host ports for ${n.name}`);
    const endpoints = endpointsByNode.get(n.name) ?? [];
    const name = serviceName(lab.name, n.name);
    const labels = { ...labLabels(lab.name, lab.dir, "router"), [LABEL_NODE]: n.name };
    const config = configPlace(lab, n.name, n.config);
    const args = [
      ...["--name", n.name, "--dir", config.dir, "--config", config.file],
      ...["--console-port", String(CONTAINER_CONSOLE_PORT), "--mgmt-port", String(CONTAINER_MGMT_PORT)],
      ...["--token-env", TOKEN_ENV, "--bind", formatCidr(inputs.mgmtSubnet), "--user", inputs.user],
      ...platformArgs(n),
      ...endpoints.flatMap((e) => ["--port", `${e.iface}=packet-subnet:${formatCidr(e.subnet)}`]),
    ];
    return {
      node: n.name,
      serviceName: name,
      alias: mgmtAlias(position),
      links: endpoints,
      consolePort: ports.console,
      mgmtPort: ports.mgmt,
      spec: {
        Name: name,
        Labels: labels,
        TaskTemplate: {
          ContainerSpec: {
            Image: inputs.image,
            Args: args,
            Env: [`${TOKEN_ENV}=${inputs.token}`],
            Labels: labels,
            Hostname: n.name,
            // Root with three capabilities until the ports are open, then inputs.user with none.
            User: "0:0",
            Init: true,
            ReadOnly: true,
            Mounts: [
              { Type: "bind", Source: lab.dir, Target: CONTAINER_LAB_DIR, ReadOnly: false },
              { Type: "tmpfs", Source: "", Target: "/tmp", TmpfsOptions: { SizeBytes: 16 * 1024 * 1024, Mode: 0o1777 } },
            ],
            StopGracePeriod: STOP_TIMEOUT_SEC * 1e9,
            Sysctls: {
              "net.ipv4.ip_forward": "0",
              "net.ipv4.conf.all.arp_ignore": "1",
              "net.ipv4.conf.all.arp_announce": "2",
              "net.ipv6.conf.all.disable_ipv6": "1",
              "net.ipv6.conf.default.disable_ipv6": "1",
            },
            CapabilityDrop: ["ALL"],
            CapabilityAdd: ["CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID"],
          },
          Resources: { Limits: { MemoryBytes: memory, Pids: 256 } },
          RestartPolicy: { Condition: "none", MaxAttempts: 0 },
          Placement: { Constraints: placementConstraints(n.placement) },
          ForceUpdate: 0,
        },
        Mode: { Replicated: { Replicas: 1 } },
        EndpointSpec: { Mode: "dnsrr" },
      },
    };
  });
  return { mgmt, links, services };
}

/** The service spec with its networks: the management overlay (with the router's alias
 * there, for the gateway) and its links, by id. */
export function serviceSpec(plan: ServicePlan, mgmtId: string, networkIds: ReadonlyMap<string, string>): Docker.CreateServiceOptions {
  const networks = [
    { Target: mgmtId, Aliases: [plan.alias] },
    ...plan.links.map((e) => {
      const id = networkIds.get(e.network);
      if (id === undefined) throw new Error(`serviceSpec: network ${e.network} was not created`);
      return { Target: id };
    }),
  ];
  return { ...plan.spec, TaskTemplate: { ...plan.spec.TaskTemplate, Networks: networks } };
}
