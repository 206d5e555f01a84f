import { describe, expect, it } from "vitest";
import { parseLab, type Lab } from "../topology";
import { CONTAINER_MGMT_PORT, containerUser, dockerLimitation, linkEndpointConfig, planLab, type PlanInputs } from "./docker-plan";
import { parseCidr, type Cidr } from "./docker-subnets";

const TWO_ROUTERS = `
name: two-routers
nodes:
  R1: { kind: router, config: R1.cfg }
  R2: { kind: router, config: configs/R2.cfg }
links:
  - endpoints: [R1:e0/0, R2:Ethernet0/0]
  - endpoints: [R1:Ethernet0/1, R2:Ethernet0/1]
`;

function cidr(text: string): Cidr {
  return parseCidr(text)!;
}

function inputs(lab: Lab, overrides: Partial<PlanInputs> = {}): PlanInputs {
  return {
    lab,
    image: "flexlab/router:0.1.0",
    token: "0123456789abcdef0123456789abcdef",
    user: "1000:1000",
    mgmtSubnet: cidr("10.255.0.0/29"),
    linkSubnets: [cidr("10.255.0.8/29"), cidr("10.255.0.16/29")],
    hostPorts: new Map([
      ["R1", { console: 40001, mgmt: 40002 }],
      ["R2", { console: 40003, mgmt: 40004 }],
    ]),
    ...overrides,
  };
}

const lab = parseLab(TWO_ROUTERS, "lab.yaml", "/labs/two");

describe("docker lab plan", () => {
  it("makes one internal network per link and a management network that can publish ports", () => {
    const plan = planLab(inputs(lab));
    expect(plan.links.map((l) => [l.name, l.create.Internal, l.create.IPAM?.Config?.[0]?.Subnet])).toEqual([
      ["flexlab-two-routers-link0", true, "10.255.0.8/29"],
      ["flexlab-two-routers-link1", true, "10.255.0.16/29"],
    ]);
    expect(plan.mgmt.create.Internal).toBe(false);
    expect(plan.mgmt.create.Options).toMatchObject({
      "com.docker.network.bridge.enable_ip_masquerade": "false",
      "com.docker.network.bridge.host_binding_ipv4": "127.0.0.1",
    });
    for (const net of [plan.mgmt, ...plan.links]) expect(net.create.Labels).toMatchObject({ "flexlab.lab": "two-routers", "flexlab.dir": "/labs/two" });
  });

  it("gives each endpoint a fixed address after the gateway and the MAC derived from it", () => {
    const [r1, r2] = planLab(inputs(lab)).nodes;
    expect(r1.links.map((e) => [e.iface, e.ip, e.mac])).toEqual([
      ["Ethernet0/0", "10.255.0.10", "02:42:0a:ff:00:0a"],
      ["Ethernet0/1", "10.255.0.18", "02:42:0a:ff:00:12"],
    ]);
    expect(r2.links.map((e) => e.ip)).toEqual(["10.255.0.11", "10.255.0.19"]);
    expect(r1.mgmtIp).toBe("10.255.0.2");
  });

  it("tells the agent each port's MAC and where its startup-config is in the lab folder", () => {
    const [r1, r2] = planLab(inputs(lab)).nodes;
    expect(r1.create.Cmd).toEqual([
      ...["--name", "R1", "--dir", "/lab", "--config", "R1.cfg"],
      ...["--console-port", "2323", "--mgmt-port", "2324", "--token-env", "FLEXLAB_TOKEN", "--bind", "10.255.0.2", "--user", "1000:1000"],
      ...["--port", "Ethernet0/0=packet-mac:02:42:0a:ff:00:0a", "--port", "Ethernet0/1=packet-mac:02:42:0a:ff:00:12"],
    ]);
    expect(r2.create.Cmd).toContain("configs/R2.cfg");
    expect(r1.create.HostConfig?.Mounts).toEqual([{ Type: "bind", Source: "/labs/two", Target: "/lab", ReadOnly: false }]);
  });

  it("tells the agent a node's platform and port count, and plugs links into its own port names", () => {
    const csr = parseLab(TWO_ROUTERS.replace("R2: { kind: router, config: configs/R2.cfg }", "R2: { kind: router, config: configs/R2.cfg, platform: csr1000v, ports: 2 }").replace(/R2:(Ethernet0\/0|Ethernet0\/1)/g, (_m, p: string) => (p === "Ethernet0/0" ? "R2:Gi1" : "R2:Gi2")), "lab.yaml", "/labs/two");
    const [r1, r2] = planLab(inputs(csr)).nodes;
    expect(r1.create.Cmd).not.toContain("--platform");
    const cmd = r2.create.Cmd ?? [];
    expect(cmd.slice(cmd.indexOf("--platform"), cmd.indexOf("--platform") + 4)).toEqual(["--platform", "csr1000v", "--ports", "2"]);
    expect(r2.links.map((e) => e.iface)).toEqual(["GigabitEthernet1", "GigabitEthernet2"]);
  });

  it("refuses a config kept outside the lab folder instead of binding its folder into the container", () => {
    // lab.yaml cannot say this (its paths stay in the lab folder); a Lab built in code can.
    const outside: Lab = { ...lab, nodes: lab.nodes.map((n) => (n.name === "R1" ? { ...n, config: "/etc/flexlab/R1.cfg" } : n)) };
    expect(() => planLab(inputs(outside))).toThrow('nodes.R1.config: config "/etc/flexlab/R1.cfg" is outside the lab folder /labs/two: a container gets the lab folder only');
  });

  it("publishes console and mgmt on 127.0.0.1 only", () => {
    const [r1] = planLab(inputs(lab)).nodes;
    expect(r1.create.HostConfig?.PortBindings).toEqual({
      "2323/tcp": [{ HostIp: "127.0.0.1", HostPort: "40001" }],
      [`${CONTAINER_MGMT_PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: "40002" }],
    });
  });

  it("starts the agent with only NET_RAW, SETUID and SETGID under no-new-privileges, to become the lab's user; init, a memory limit, and a mute kernel on the links", () => {
    const [r1] = planLab(inputs(lab, { memoryBytes: 128 * 1024 * 1024 })).nodes;
    const host = r1.create.HostConfig!;
    expect(r1.create.User).toBe("0:0");
    expect(r1.create.Cmd?.slice(r1.create.Cmd.indexOf("--user"), r1.create.Cmd.indexOf("--user") + 2)).toEqual(["--user", "1000:1000"]);
    expect(host.CapDrop).toEqual(["ALL"]);
    expect(host.CapAdd).toEqual(["NET_RAW", "SETUID", "SETGID"]);
    expect(host.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(host.Init).toBe(true);
    expect(host.Memory).toBe(128 * 1024 * 1024);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Sysctls).toEqual({
      "net.ipv4.ip_forward": "0",
      "net.ipv6.conf.all.disable_ipv6": "1",
      "net.ipv6.conf.default.disable_ipv6": "1",
      "net.ipv4.conf.eth1.arp_ignore": "8",
      "net.ipv4.conf.eth2.arp_ignore": "8",
    });
    expect(r1.create.Labels).toMatchObject({ "flexlab.lab": "two-routers", "flexlab.node": "R1", "flexlab.role": "router" });
    expect(r1.create.Env).toEqual(["FLEXLAB_TOKEN=0123456789abcdef0123456789abcdef"]);
  });

  it("asks for an endpoint's MAC only from engines that honour it", () => {
    const [r1] = planLab(inputs(lab)).nodes;
    expect(linkEndpointConfig(r1.links[0], false)).toEqual({ IPAMConfig: { IPv4Address: "10.255.0.10" } });
    expect(linkEndpointConfig(r1.links[0], true)).toEqual({ IPAMConfig: { IPv4Address: "10.255.0.10" }, MacAddress: "02:42:0a:ff:00:0a" });
  });

  it("runs the agent as the lab folder's owner, or as flexlab when root owns it", () => {
    expect(containerUser(1001, 1002)).toBe("1001:1002");
    expect(containerUser(0, 0)).toBe("0:0");
    expect(containerUser(undefined, undefined)).toBe("1000:1000");
  });

  it("refuses a link joining two interfaces of one node: a container has one NIC per network", () => {
    const loop = parseLab(TWO_ROUTERS.replace("[R1:Ethernet0/1, R2:Ethernet0/1]", "[R1:Ethernet0/1, R1:Ethernet0/2]"), "lab.yaml", "/labs/two");
    expect(dockerLimitation(loop)).toMatch(/link 1 joins two interfaces of R1/);
    expect(dockerLimitation(lab)).toBeUndefined();
  });
});
