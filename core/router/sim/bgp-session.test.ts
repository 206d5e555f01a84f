// BGP sessions between routers in the harness, configured as an engineer would: two routers
// peering iBGP between loopbacks reach Established and keep it with keepalives, notice a dead
// link by the hold timer, refuse a peer in the wrong AS with the right NOTIFICATION, and never
// establish when the MD5 passwords differ.
import { afterEach, describe, expect, it } from "vitest";
import { bgpSubsystem } from "../bgp/subsystem";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const router = (n: 1 | 2, bgpLines: string) => `hostname R${n}
interface Loopback0
 ip address ${n}.${n}.${n}.${n} 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.${n} 255.255.255.0
ip route ${3 - n}.${3 - n}.${3 - n}.${3 - n} 255.255.255.255 10.0.12.${3 - n}
router bgp 65000
 bgp log-neighbor-changes
${bgpLines}`;

const IBGP = (n: 1 | 2, extra = "") => router(n, ` neighbor ${3 - n}.${3 - n}.${3 - n}.${3 - n} remote-as 65000\n neighbor ${3 - n}.${3 - n}.${3 - n}.${3 - n} update-source Loopback0\n${extra}`);

function start(r1: string, r2: string): Simulation {
  sim = new Simulation({ nodes: { R1: r1, R2: r2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  return sim;
}

const state = (s: Simulation, node: string, addr: string) => s.node(node).router.subsystem(bgpSubsystem).all().find((n) => n.plan.id === addr)?.session.state;
const logs = (s: Simulation, node: string) => s.node(node).log.map((l) => l.text);

describe("BGP sessions", () => {
  it("brings an iBGP session between loopbacks to Established and keeps it up with keepalives", async () => {
    const s = start(IBGP(1), IBGP(2));
    s.advance(40_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
    expect(state(s, "R2", "1.1.1.1")).toBe("Established");
    expect(logs(s, "R1")).toContain("%BGP-5-ADJCHANGE: neighbor 2.2.2.2 Up ");
    s.advance(600_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
    const sum = await s.exec("R1", "show ip bgp summary");
    expect(sum).toContain("BGP router identifier 1.1.1.1, local AS number 65000");
    expect(sum).toMatch(/^2\.2\.2\.2 {9}4 {8}65000 +\d+ +\d+ +\d+ +0 +0 00:1\d:\d\d +0$/m);
    const nb = await s.exec("R1", "show ip bgp neighbors 2.2.2.2");
    expect(nb).toContain("BGP neighbor is 2.2.2.2,  remote AS 65000, internal link");
    expect(nb).toContain("BGP state = Established, up for 00:1");
    expect(nb).toContain("hold time is 180, keepalive interval is 60 seconds");
    expect(nb).toContain("    Address family IPv4 Unicast: advertised and received");
    expect(nb).toMatch(/Keepalives: +1\d +1\d/);
    expect(nb).toContain("Local host: 1.1.1.1, Local port: ");
    // Exactly one connection survived, whichever side opened it (§6.8).
    const estab = (node: string) => s.node(node).router.stack.tcp.all().filter((c) => c.state === "ESTABLISHED");
    expect(estab("R1")).toHaveLength(1);
    expect(estab("R2")).toHaveLength(1);
  });

  it("drops the session when the hold timer expires after the link goes quiet", () => {
    const s = start(IBGP(1), IBGP(2));
    s.advance(40_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
    s.node("R2").router.stack.interface("Ethernet0/0")!.setShutdown(true);
    // The last keepalive came at most 60 s before the link went: the hold timer (180 s) runs
    // out between 120 and 180 s later.
    s.advance(100_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
    s.advance(100_000);
    expect(state(s, "R1", "2.2.2.2")).not.toBe("Established");
    expect(logs(s, "R1")).toContain("%BGP-3-NOTIFICATION: sent to neighbor 2.2.2.2 4/0 (hold time expired) 0 bytes");
    expect(logs(s, "R1")).toContain("%BGP-5-ADJCHANGE: neighbor 2.2.2.2 Down Hold timer expired");
    // Back up: the session comes back by itself.
    s.node("R2").router.stack.interface("Ethernet0/0")!.setShutdown(false);
    s.advance(300_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
  });

  it("answers a peer in the wrong AS with NOTIFICATION 2/2 and never establishes", async () => {
    // R2 is in AS 65001 and knows R1 is in 65000; R1 expects R2 in 65000.
    const r2 = IBGP(2).replace("router bgp 65000", "router bgp 65001");
    const s = start(IBGP(1), r2);
    s.advance(120_000);
    expect(state(s, "R1", "2.2.2.2")).not.toBe("Established");
    expect(logs(s, "R1")).toContain("%BGP-3-NOTIFICATION: sent to neighbor 2.2.2.2 2/2 (peer in wrong AS) 2 bytes FDE9");
    expect(logs(s, "R2")).toContain("%BGP-3-NOTIFICATION: received from neighbor 1.1.1.1 2/2 (peer in wrong AS) 2 bytes FDE9");
    expect(await s.exec("R1", "show ip bgp summary")).toMatch(/^2\.2\.2\.2 .* never +(Idle|Active|Connect|OpenSent)$/m);
  });

  it("never establishes when the MD5 passwords differ, and does once they agree", async () => {
    const s = start(IBGP(1, " neighbor 2.2.2.2 password alpha\n"), IBGP(2, " neighbor 1.1.1.1 password beta\n"));
    s.advance(200_000);
    expect(state(s, "R1", "2.2.2.2")).not.toBe("Established");
    const drops = s.node("R2").router.stack.interface("Ethernet0/0")!.counters.drops as Record<string, number>;
    expect(drops["tcp-md5-mismatch"]).toBeGreaterThan(0);
    await s.exec("R2", "configure terminal");
    await s.exec("R2", "router bgp 65000");
    await s.exec("R2", "neighbor 1.1.1.1 password alpha");
    await s.exec("R2", "end");
    s.advance(120_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
  });

  it("resets on clear ip bgp * with Cease/Administrative Reset, and comes back", async () => {
    const s = start(IBGP(1), IBGP(2));
    s.advance(40_000);
    await s.exec("R1", "clear ip bgp *");
    s.advance(100);
    expect(logs(s, "R1")).toContain("%BGP-5-ADJCHANGE: neighbor 2.2.2.2 Down User reset");
    expect(logs(s, "R2")).toContain("%BGP-3-NOTIFICATION: received from neighbor 1.1.1.1 6/4 (Administrative Reset) 0 bytes");
    s.advance(60_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
    expect(await s.exec("R1", "show ip bgp neighbors 2.2.2.2")).toContain("Connections established 2; dropped 1");
  });

  it("stops with Cease/Administrative Shutdown on neighbor shutdown, and the passive side waits for the active", async () => {
    const s = start(IBGP(1, " neighbor 2.2.2.2 transport connection-mode passive\n"), IBGP(2));
    s.advance(60_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
    // Only R2 opened a connection: R1's end is the listener's (port 179).
    const c = s.node("R1").router.stack.tcp.all().find((x) => x.state === "ESTABLISHED")!;
    expect(c.endpoint.localPort).toBe(179);
    await s.exec("R2", "configure terminal");
    await s.exec("R2", "router bgp 65000");
    await s.exec("R2", "neighbor 1.1.1.1 shutdown");
    await s.exec("R2", "end");
    s.advance(100);
    expect(logs(s, "R1")).toContain("%BGP-3-NOTIFICATION: received from neighbor 2.2.2.2 6/2 (Administrative Shutdown) 0 bytes");
    expect(logs(s, "R2")).toContain("%BGP-5-ADJCHANGE: neighbor 1.1.1.1 Down Admin. shutdown");
    s.advance(300_000);
    expect(state(s, "R2", "1.1.1.1")).toBe("Idle");
    expect(state(s, "R1", "2.2.2.2")).not.toBe("Established");
  });

  it("sends eBGP with TTL 1, so a peer two hops away is out of reach until ebgp-multihop", async () => {
    const edge = (n: 1 | 3, extra: string) => `hostname R${n}
interface Ethernet0/0
 ip address 10.0.${n === 1 ? "12.1" : "23.3"} 255.255.255.0
ip route 0.0.0.0 0.0.0.0 10.0.${n === 1 ? "12.2" : "23.2"}
router bgp 6500${n}
 bgp log-neighbor-changes
 neighbor 10.0.${n === 1 ? "23.3" : "12.1"} remote-as 6500${4 - n}
${extra}`;
    const middle = "hostname R2\ninterface Ethernet0/0\n ip address 10.0.12.2 255.255.255.0\ninterface Ethernet0/1\n ip address 10.0.23.2 255.255.255.0\n";
    sim = new Simulation({
      nodes: { R1: edge(1, ""), R2: middle, R3: edge(3, "") },
      links: [
        [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }],
        [{ node: "R2", iface: "Ethernet0/1" }, { node: "R3", iface: "Ethernet0/0" }],
      ],
    });
    const s = sim;
    s.advance(120_000);
    expect(state(s, "R1", "10.0.23.3")).not.toBe("Established");
    // R2 answered the TTL-1 SYNs with time exceeded.
    expect((s.node("R2").router.stack.interface("Ethernet0/0")!.counters.drops as Record<string, number>)["ttl-expired"]).toBeGreaterThan(0);
    for (const [node, peer] of [["R1", "10.0.23.3"], ["R3", "10.0.12.1"]] as const) {
      await s.transcript(node, ["configure terminal", `router bgp ${node === "R1" ? 65001 : 65003}`, `neighbor ${peer} ebgp-multihop 2`, "end"]);
    }
    s.advance(120_000);
    expect(state(s, "R1", "10.0.23.3")).toBe("Established");
    expect(await s.exec("R1", "show ip bgp neighbors 10.0.23.3")).toContain("External BGP neighbor may be up to 2 hops away.");
  });

  it("sends its first OPEN as soon as BGP starts with the neighbor reachable, without a start delay", () => {
    // R2 only listens, so R1's first active open alone decides how soon the session is up.
    const s = start(IBGP(1), IBGP(2, " neighbor 1.1.1.1 transport connection-mode passive\n"));
    s.advance(100);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
    expect(state(s, "R2", "1.1.1.1")).toBe("Established");
  });

  it("opens as soon as the update-source interface gets its address, not a ConnectRetry period later", async () => {
    // R1's Loopback0 has no address yet (a FlexVPN client's Tunnel0 before IKEv2 hands it
    // one): its active open cannot be tried. R2 only listens, so R1's retry alone decides.
    const r1 = IBGP(1).replace(" ip address 1.1.1.1 255.255.255.255\n", "");
    const s = start(r1, IBGP(2, " neighbor 1.1.1.1 transport connection-mode passive\n"));
    s.advance(5_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Active");
    await s.transcript("R1", ["configure terminal", "interface Loopback0", "ip address 1.1.1.1 255.255.255.255", "end"]);
    s.advance(1_000);
    expect(state(s, "R1", "2.2.2.2")).toBe("Established");
  });
});
