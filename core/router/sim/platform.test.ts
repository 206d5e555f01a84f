import { afterEach, describe, expect, it } from "vitest";
import { Simulation, type SimTopology } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

function start(topology: SimTopology): Simulation {
  sim = new Simulation(topology);
  sim.settle();
  return sim;
}

// A CSR1000v config as `show running-config` prints one, and an IOSv one, on a shared link.
const CSR = `hostname CSR1
!
interface GigabitEthernet1
 description to IOSv
 ip address 10.1.12.1 255.255.255.0
!
interface GigabitEthernet2
 no ip address
 shutdown
!
`;
const IOSV = `hostname vIOS2
interface GigabitEthernet0/0
 ip address 10.1.12.2 255.255.255.0
`;

describe("platforms", () => {
  it("gives a csr1000v GigabitEthernet1–4 and an iosv GigabitEthernet0/0–0/3, linked by abbreviated names, and they ping", async () => {
    const s = start({
      nodes: { CSR1: CSR, vIOS2: IOSV },
      links: [[{ node: "CSR1", iface: "GigabitEthernet1" }, { node: "vIOS2", iface: "GigabitEthernet0/0" }]],
      hardware: (node) => ({ platform: node === "CSR1" ? "csr1000v" : "iosv" }),
    });
    expect(s.node("CSR1").diagnostics).toEqual([]);
    expect(s.node("vIOS2").diagnostics).toEqual([]);
    const brief = await s.exec("CSR1", "show ip interface brief");
    expect(brief).toMatch(/^GigabitEthernet1 +10\.1\.12\.1 +YES NVRAM +up +up/m);
    expect(brief).toMatch(/^GigabitEthernet4 +unassigned/m);
    expect(brief).not.toContain("Ethernet0/0");
    expect(await s.exec("vIOS2", "show ip interface brief")).toMatch(/^GigabitEthernet0\/3 +unassigned/m);
    expect(await s.exec("CSR1", "ping 10.1.12.2")).toContain("Success rate is");
    expect(await s.exec("CSR1", "ping 10.1.12.2")).toContain("!!!!!");
  });

  it("says what it is in show version, show inventory and show interfaces, in IOS's layout", async () => {
    const s = start({ nodes: { CSR1: CSR }, links: [], hardware: () => ({ platform: "csr1000v", ports: 3 }) });
    const version = await s.exec("CSR1", "show version");
    const lines = version.split("\n");
    expect(lines[0]).toBe("Cisco IOS XE Software, Version 16.09.05");
    expect(lines[1]).toMatch(/^Cisco IOS Software \[Fuji\], Virtual XE Software \(X86_64_LINUX_IOSD-UNIVERSALK9-M\), Version 16\.9\.5, RELEASE SOFTWARE/);
    expect(lines[2]).toContain("FlexLab");
    expect(version).toMatch(/^CSR1 uptime is /m);
    expect(version).toContain("cisco CSR1000V (VXE) processor (revision VXE) with ");
    expect(version).toContain("\n3 Gigabit Ethernet interfaces\n");
    expect(await s.exec("CSR1", "show inventory")).toBe('NAME: "Chassis", DESCR: "Cisco CSR1000V Chassis (FlexLab)"\nPID: CSR1000V          , VID: V00 , SN: FLX0000001\n\n');
    const gi = await s.exec("CSR1", "show interfaces GigabitEthernet1");
    expect(gi).toMatch(/^ {2}Hardware is CSR vNIC, address is /m);
    expect(gi).toContain("  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec, ");
    expect(gi).toContain("  Full Duplex, 1000Mbps, link type is auto, media type is Virtual\n");
    expect(await s.exec("CSR1", "show interfaces GigabitEthernet4")).toContain("% Invalid input");
  });

  it("adds a port the startup-config names and the platform lacks, with a warning, never an error", async () => {
    const s = start({ nodes: { R1: "hostname R1\ninterface FastEthernet0/0\n ip address 10.9.9.1 255.255.255.0\ninterface Ethernet0/0\n shutdown\n" }, links: [], hardware: () => ({ platform: "c7200" }) });
    const r1 = s.node("R1");
    expect(r1.diagnostics).toEqual([]);
    expect(r1.warnings).toEqual(["% c7200 has no port Ethernet0/0; added it, unlinked"]);
    const brief = await s.exec("R1", "show ip interface brief");
    expect(brief).toMatch(/^FastEthernet0\/0 +10\.9\.9\.1 +YES NVRAM +up +up/m);
    expect(brief).toMatch(/^FastEthernet1\/1 +unassigned/m);
    expect(brief).toMatch(/^Ethernet0\/0 +unassigned +YES unset +administratively down down/m);
    expect(await s.exec("R1", "show version")).toMatch(/^Cisco IOS Software, 7200 Software \(C7200-ADVENTERPRISEK9-M\), Version 15\.2\(4\)S7/);
  });

  it("keeps IOL's Ethernet0/0–0/3 by default", async () => {
    const s = start({ nodes: { R1: "hostname R1\n" }, links: [] });
    expect(s.node("R1").warnings).toEqual([]);
    const run = await s.exec("R1", "show running-config");
    expect(run.match(/^interface \S+/gm)).toEqual(["interface Ethernet0/0", "interface Ethernet0/1", "interface Ethernet0/2", "interface Ethernet0/3"]);
    expect(await s.exec("R1", "show version")).toContain("\n4 Ethernet interfaces\n");
  });
});
