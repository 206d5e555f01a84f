// CDP between IOL routers in a line, R1 — R2 — R3: each lists the others on the right
// local and remote ports with IOS's layouts; `no cdp enable` on a port and `no cdp run` make
// the neighbours' entries age out after the holdtime; `cdp timer` and `cdp holdtime` change
// what is sent; an IOS XE router (CSR1000v) runs CDP only after `cdp run`.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = `hostname R1
ip domain name lab.example
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
 no shutdown
`;
const R2 = `hostname R2
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
 no shutdown
interface Ethernet0/1
 ip address 10.0.23.2 255.255.255.0
 no shutdown
`;
const R3 = `hostname R3
interface Ethernet0/2
 ip address 10.0.23.3 255.255.255.0
 no shutdown
`;

function start(nodes: Record<string, string> = { R1, R2, R3 }, hardware?: SimHardware): Simulation {
  sim = new Simulation({
    nodes,
    links: [
      [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }],
      [{ node: "R2", iface: "Ethernet0/1" }, { node: "R3", iface: "Ethernet0/2" }],
    ],
    hardware,
  });
  sim.settle();
  return sim;
}
type SimHardware = ConstructorParameters<typeof Simulation>[0]["hardware"];

async function configure(s: Simulation, node: string, lines: string[]): Promise<void> {
  for (const line of ["configure terminal", ...lines, "end"]) {
    const out = await s.exec(node, line);
    expect(out, line).not.toContain("%");
  }
}

describe("CDP", () => {
  it("lists each neighbour on the right local and remote ports, as show cdp neighbors prints them", async () => {
    const s = start();
    const r2 = await s.exec("R2", "show cdp neighbors");
    expect(r2).toBe(
      [
        "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge",
        "                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone, ",
        "                  D - Remote, C - CVTA, M - Two-port Mac Relay ",
        "",
        "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID",
        "R1.lab.example   Eth 0/0           180              R B   Linux Uni Eth 0/0",
        "R3               Eth 0/1           180              R B   Linux Uni Eth 0/2",
        "",
        "Total cdp entries displayed : 2",
        "",
      ].join("\n"),
    );
    expect(await s.exec("R3", "show cdp neighbors")).toMatch(/\nR2 {15}Eth 0\/2 {11}180 {14}R B {3}Linux Uni Eth 0\/1\n/);
    expect(await s.exec("R2", "show cdp neighbors Ethernet0/1")).toContain("Total cdp entries displayed : 1");
    // The same neighbours as the mgmt API's typed rows.
    expect(s.table("R2", "cdp-neighbors").map((r) => [r.localInterface, r.deviceId, r.portId, r.platform, r.capabilities.join(" "), r.addresses.join()])).toEqual([
      ["Ethernet0/0", "R1.lab.example", "Ethernet0/0", "Linux Unix", "Router Source-Route-Bridge", "10.0.12.1"],
      ["Ethernet0/1", "R3", "Ethernet0/2", "Linux Unix", "Router Source-Route-Bridge", "10.0.23.3"],
    ]);
    // Holdtime counts down between advertisements.
    s.advance(25_000);
    expect(await s.exec("R1", "show cdp neighbors")).toMatch(/\nR2 {15}Eth 0\/0 {11}155 /);
  });

  it("shows the detail IOS shows: addresses, platform, capabilities, ports, holdtime and version", async () => {
    const s = start();
    const detail = await s.exec("R1", "show cdp neighbors detail");
    expect(detail).toContain(
      [
        "-------------------------",
        "Device ID: R2",
        "Entry address(es): ",
        "  IP address: 10.0.12.2",
        "Platform: Linux Unix,  Capabilities: Router Source-Route-Bridge ",
        "Interface: Ethernet0/0,  Port ID (outgoing port): Ethernet0/0",
        "Holdtime : 180 sec",
        "",
        "Version :",
        "Cisco IOS Software, Linux Software (I86BI_LINUX-ADVENTERPRISEK9-M), Version 15.7(3)M2, RELEASE SOFTWARE (fc2)",
      ].join("\n"),
    );
    expect(detail).toContain("advertisement version: 2\nManagement address(es): \n  IP address: 10.0.12.2\n\n\nTotal cdp entries displayed : 1\n");
    expect(await s.exec("R2", "show cdp entry R1.lab.example protocol")).toBe("Protocol information for R1.lab.example :\n  IP address: 10.0.12.1\n");
    expect(await s.exec("R2", "show cdp entry *")).toContain("Device ID: R3\n");
    expect(await s.exec("R2", "show cdp")).toBe("Global CDP information:\n\tSending CDP packets every 60 seconds\n\tSending a holdtime value of 180 seconds\n\tSending CDPv2 advertisements is  enabled\n");
    const traffic = await s.exec("R2", "show cdp traffic");
    expect(traffic).toMatch(/Total packets output: [1-9]\d*, Input: [1-9]/);
    expect(traffic).toContain("Hdr syntax: 0, Chksum error: 0, Encaps failed: 0");
    expect(await s.exec("R1", "show cdp interface Ethernet0/0")).toBe("Ethernet0/0 is up, line protocol is up\n  Encapsulation ARPA\n  Sending CDP packets every 60 seconds\n  Holdtime is 180 seconds\n");
    expect(await s.exec("R1", "show cdp interface")).toContain(" cdp enabled interfaces : 4\n interfaces up          : 4\n interfaces down        : 0\n");
  });

  it("ages a neighbour out after its holdtime once it stops advertising on a port (no cdp enable)", async () => {
    const s = start();
    await configure(s, "R2", ["interface Ethernet0/1", "no cdp enable"]);
    expect(await s.exec("R2", "show running-config interface Ethernet0/1")).toContain(" no cdp enable\n");
    // R2 forgets R3 at once (it no longer listens there); R3 keeps R2 until the holdtime runs out.
    expect(await s.exec("R2", "show cdp neighbors")).not.toContain("R3 ");
    s.advance(170_000);
    expect(await s.exec("R3", "show cdp neighbors")).toContain("\nR2 ");
    s.advance(15_000);
    expect(await s.exec("R3", "show cdp neighbors")).toContain("Total cdp entries displayed : 0");
    // R1 on the other side still hears R2, refreshed every minute.
    expect(await s.exec("R1", "show cdp neighbors")).toContain("\nR2 ");
    await configure(s, "R2", ["interface Ethernet0/1", "cdp enable"]);
    s.advance(1_000);
    expect(await s.exec("R3", "show cdp neighbors")).toContain("\nR2 ");
  });

  it("stops altogether with no cdp run: show cdp refuses, and the neighbours age it out", async () => {
    const s = start();
    await configure(s, "R2", ["no cdp run"]);
    expect(await s.exec("R2", "show cdp neighbors")).toBe("% CDP is not enabled\n");
    expect(await s.exec("R2", "show running-config")).toContain("\nno cdp run\n");
    s.advance(185_000);
    expect(await s.exec("R1", "show cdp neighbors")).toContain("Total cdp entries displayed : 0");
    expect(await s.exec("R3", "show cdp neighbors")).toContain("Total cdp entries displayed : 0");
    await configure(s, "R2", ["cdp run"]);
    s.advance(1_000);
    expect(await s.exec("R1", "show cdp neighbors")).toContain("\nR2 ");
  });

  it("sends what cdp timer and cdp holdtime say", async () => {
    const s = start();
    await configure(s, "R2", ["cdp timer 5", "cdp holdtime 10"]);
    expect(await s.exec("R2", "show cdp")).toContain("every 5 seconds\n\tSending a holdtime value of 10 seconds");
    s.advance(5_000);
    expect(await s.exec("R1", "show cdp neighbors")).toMatch(/\nR2 {15}Eth 0\/0 {11}10 /);
    const before = await s.exec("R2", "show cdp traffic");
    s.advance(20_000);
    const sent = (t: string) => Number(/Total packets output: (\d+)/.exec(t)?.[1]);
    // Four rounds of 5 s on R2's four ports (IOL's unconfigured ports are up too).
    expect(sent(await s.exec("R2", "show cdp traffic")) - sent(before)).toBe(16);
    await configure(s, "R2", ["no cdp run"]);
    s.advance(11_000);
    expect(await s.exec("R1", "show cdp neighbors")).toContain("Total cdp entries displayed : 0");
  });

  it("runs on an IOS XE router (CSR1000v) only after cdp run, advertising it as IOS XE does", async () => {
    const csr = (name: string, addr: string) => `hostname ${name}\ninterface GigabitEthernet1\n ip address ${addr} 255.255.255.0\n no shutdown\n`;
    sim = new Simulation({
      nodes: { C1: csr("C1", "10.0.0.1"), C2: csr("C2", "10.0.0.2") },
      links: [[{ node: "C1", iface: "GigabitEthernet1" }, { node: "C2", iface: "GigabitEthernet1" }]],
      hardware: () => ({ platform: "csr1000v" }),
    });
    sim.settle();
    expect(await sim.exec("C1", "show cdp neighbors")).toBe("% CDP is not enabled\n");
    await configure(sim, "C1", ["cdp run"]);
    await configure(sim, "C2", ["cdp run"]);
    sim.advance(1_000);
    expect(await sim.exec("C1", "show cdp neighbors")).toMatch(/\nC2 {15}Gig 1 {13}1[78]\d {14}R I {3}CSR1000V  Gig 1\n/);
    const detail = await sim.exec("C1", "show cdp neighbors detail");
    expect(detail).toContain("Platform: cisco CSR1000V,  Capabilities: Router IGMP \n");
    expect(detail).toContain("Version :\nCisco IOS Software [Fuji], Virtual XE Software");
    expect(detail).toContain("Duplex: full\n");
    expect(await sim.exec("C1", "show running-config")).toContain("\ncdp run\n");
  });

  it("sends version 1 advertisements with no cdp advertise-v2, without the version 2 TLVs", async () => {
    const s = start();
    await configure(s, "R2", ["no cdp advertise-v2"]);
    expect(await s.exec("R2", "show running-config")).toContain("\nno cdp advertise-v2\n");
    expect(await s.exec("R2", "show cdp")).toContain("Sending CDPv2 advertisements is  not enabled");
    s.advance(60_000);
    const detail = await s.exec("R1", "show cdp neighbors detail");
    expect(detail).toContain("advertisement version: 1\n\n");
    expect(detail).not.toContain("Management address(es)");
    expect(await s.exec("R2", "show cdp traffic")).toMatch(/CDP version 1 advertisements output: [1-9]/);
  });

  it("clears its table and counters on request", async () => {
    const s = start();
    await s.exec("R2", "clear cdp table");
    expect(await s.exec("R2", "show cdp neighbors")).toContain("Total cdp entries displayed : 0");
    await s.exec("R2", "clear cdp counters");
    expect(await s.exec("R2", "show cdp traffic")).toContain("Total packets output: 0, Input: 0");
    s.advance(60_000);
    expect(await s.exec("R2", "show cdp neighbors")).toContain("Total cdp entries displayed : 2");
  });
});
