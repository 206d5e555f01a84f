import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { parseLab } from "../topology";
import { parseCidr, prefixLengthFor, type Cidr } from "./docker-subnets";
import { placementConstraints, planSwarm, serviceName, serviceSpec, subnetSizes, type SwarmPlanInputs } from "./swarm-plan";

const LAB = parseLab(
  `
name: three
runtime: swarm
nodes:
  R1: { kind: router, config: R1.cfg, placement: { site: hq } }
  R2: { kind: router, config: R2.cfg }
  R3: { kind: router, config: R3.cfg, platform: csr1000v }
links:
  - endpoints: [R1:Ethernet0/0, R2:Ethernet0/0]
  - endpoints: [R1:Ethernet0/1, R2:Ethernet0/1, R3:GigabitEthernet1]
`,
  "lab.yaml",
  "/labs/three",
);

function containerSpec(spec: Docker.CreateServiceOptions): Docker.ContainerSpec | undefined {
  const template = spec.TaskTemplate;
  return template && "ContainerSpec" in template ? template.ContainerSpec : undefined;
}

function cidr(text: string): Cidr {
  return parseCidr(text)!;
}

const INPUTS: SwarmPlanInputs = {
  lab: LAB,
  image: "flexlab/router:0.1.0",
  token: "0123456789abcdef0123456789abcdef",
  user: "1000:1000",
  mgmtSubnet: cidr("10.255.0.0/28"),
  linkSubnets: [cidr("10.255.0.16/29"), cidr("10.255.0.24/29")],
  hostPorts: new Map([
    ["R1", { console: 41001, mgmt: 41002 }],
    ["R2", { console: 41003, mgmt: 41004 }],
    ["R3", { console: 41005, mgmt: 41006 }],
  ]),
};

describe("swarm lab plan", () => {
  it("makes every network an internal, attachable overlay with its own subnet", () => {
    const plan = planSwarm(INPUTS);
    for (const net of [plan.mgmt, ...plan.links]) {
      expect(net.create).toMatchObject({ Driver: "overlay", Internal: true, Attachable: true });
      expect(net.create.Labels?.["flexlab.lab"]).toBe("three");
      expect(net.create.Labels?.["flexlab.dir"]).toBe("/labs/three");
    }
    expect(plan.links.map((l) => l.create.IPAM?.Config?.[0].Subnet)).toEqual(["10.255.0.16/29", "10.255.0.24/29"]);
    expect(plan.links[1].create.Labels?.["flexlab.link"]).toBe("1");
    // A link's NIC carries full 1500-byte frames: the driver is given the underlay MTU that leaves that.
    expect(plan.links[0].create.Options).toEqual({ "com.docker.network.driver.mtu": "1550" });
    expect(plan.mgmt.create.Options).toBeUndefined();
  });

  it("sizes each subnet for its ends plus one load-balancer address per swarm node", () => {
    // mgmt: 3 routers + the gateway + 4 swarm nodes; the gateway's bridge; link 1: 3 ends + 4.
    expect(subnetSizes(LAB, 4)).toEqual([prefixLengthFor(8), prefixLengthFor(1), prefixLengthFor(6), prefixLengthFor(7)]);
    expect(subnetSizes(LAB, 1)).toEqual([29, 29, 29, 29]);
    expect(subnetSizes(LAB, 4)[0]).toBe(28);
  });

  it("runs one replica per router, never restarted by the swarm, without a virtual IP", () => {
    const plan = planSwarm(INPUTS);
    const r1 = plan.services[0].spec;
    expect(r1.Name).toBe("flexlab-three-R1");
    expect(r1.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(r1.TaskTemplate?.RestartPolicy?.Condition).toBe("none");
    expect(r1.EndpointSpec?.Mode).toBe("dnsrr");
    expect(r1.Labels).toMatchObject({ "flexlab.lab": "three", "flexlab.node": "R1", "flexlab.role": "router" });
    expect(containerSpec(r1)?.Labels).toMatchObject({ "flexlab.lab": "three", "flexlab.node": "R1" });
  });

  it("tells the agent each link's subnet and the management subnet, since the engine picks NIC names and addresses", () => {
    const plan = planSwarm(INPUTS);
    const args = (node: number): string[] => containerSpec(plan.services[node].spec)?.Args ?? [];
    expect(args(0).join(" ")).toContain("--port Ethernet0/0=packet-subnet:10.255.0.16/29 --port Ethernet0/1=packet-subnet:10.255.0.24/29");
    expect(args(0).join(" ")).toContain("--bind 10.255.0.0/28");
    expect(args(2).join(" ")).toContain("--platform csr1000v");
    expect(args(2).join(" ")).toContain("--port GigabitEthernet1=packet-subnet:10.255.0.24/29");
    expect(containerSpec(plan.services[0].spec)?.Env).toEqual(["FLEXLAB_TOKEN=0123456789abcdef0123456789abcdef"]);
  });

  it("keeps the container kernel off the wires with sysctls that need no interface name", () => {
    const spec = containerSpec(planSwarm(INPUTS).services[0].spec);
    expect(spec?.Sysctls).toMatchObject({ "net.ipv4.ip_forward": "0", "net.ipv4.conf.all.arp_ignore": "1", "net.ipv6.conf.all.disable_ipv6": "1" });
    expect(spec?.CapabilityDrop).toEqual(["ALL"]);
    expect(spec?.CapabilityAdd).toEqual(["CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID"]);
    expect(spec?.ReadOnly).toBe(true);
    expect(spec?.Mounts?.[0]).toMatchObject({ Type: "bind", Source: "/labs/three", Target: "/lab" });
  });

  it("pins a node by lab.yaml's placement labels, and lets the scheduler spread the rest", () => {
    const plan = planSwarm(INPUTS);
    expect(plan.services[0].spec.TaskTemplate?.Placement?.Constraints).toEqual(["node.labels.site==hq"]);
    expect(plan.services[1].spec.TaskTemplate?.Placement?.Constraints).toEqual([]);
    expect(placementConstraints({ rack: "a", "lab.zone": "2" })).toEqual(["node.labels.rack==a", "node.labels.lab.zone==2"]);
  });

  it("attaches a service to the management overlay under a DNS-safe alias, then to its links", () => {
    const plan = planSwarm(INPUTS);
    const ids = new Map([
      ["flexlab-three-link0", "L0"],
      ["flexlab-three-link1", "L1"],
    ]);
    expect(serviceSpec(plan.services[2], "M", ids).TaskTemplate?.Networks).toEqual([{ Target: "M", Aliases: ["router3"] }, { Target: "L1" }]);
    expect(() => serviceSpec(plan.services[0], "M", new Map())).toThrow(/was not created/);
  });

  it("keeps service names within a DNS label, distinct per lab", () => {
    const long = "l".repeat(60);
    expect(serviceName(long, "R1").length).toBeLessThanOrEqual(63);
    expect(serviceName(long, "R1")).not.toBe(serviceName(`${long}x`, "R1"));
    expect(serviceName("seed", "R1-HUB")).toBe("flexlab-seed-R1-HUB");
  });
});
