// NHRP on DMVPN phase 3 in the harness: multipoint GRE tunnels, spokes registering with the
// hub (`ip nhrp nhs`), the hub redirecting spoke-to-spoke traffic and the spokes resolving
// and installing shortcuts (`ip nhrp shortcut`) with no IPsec and no Virtual-Access: the
// spokes' mGRE tunnel reaches the other spoke's NBMA address from the cache. Also: static
// mappings, authentication, malformed packets counted and dropped, clear ip nhrp.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { nhrpSubsystem } from "../nhrp/subsystem";
import { GreProtocol } from "../wire/gre";
import { TunnelInterface } from "../net/tunnel";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const HUB = `hostname HUB
interface Ethernet0/0
 ip address 172.16.0.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp network-id 1
 ip nhrp redirect
 ip nhrp holdtime 300
 tunnel source Ethernet0/0
 tunnel mode gre multipoint
ip route 192.168.1.0 255.255.255.0 10.0.0.11
ip route 192.168.2.0 255.255.255.0 10.0.0.12
`;

function spoke(n: number, extra = ""): string {
  return `hostname SPOKE${n}
interface Ethernet0/0
 ip address 172.16.0.1${n} 255.255.255.0
interface Loopback1
 ip address 192.168.${n}.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1${n} 255.255.255.0
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma 172.16.0.1
 ip nhrp holdtime 300
 ip nhrp shortcut
${extra} tunnel source Ethernet0/0
 tunnel mode gre multipoint
ip route 192.168.0.0 255.255.0.0 10.0.0.1
`;
}

function start(extra = "", hubExtra = ""): Simulation {
  sim = new Simulation({
    nodes: { HUB: HUB.replace(" tunnel source", `${hubExtra} tunnel source`), SPOKE1: spoke(1, extra), SPOKE2: spoke(2, extra) },
    links: [
      [
        { node: "HUB", iface: "Ethernet0/0" },
        { node: "SPOKE1", iface: "Ethernet0/0" },
        { node: "SPOKE2", iface: "Ethernet0/0" },
      ],
    ],
  });
  sim.settle(5_000);
  return sim;
}

describe("NHRP on DMVPN phase 3 (multipoint GRE, no IPsec)", () => {
  it("registers the spokes with the hub, which then reaches them by their NBMA addresses", async () => {
    const s = start();
    const hub = await s.exec("HUB", "show ip nhrp");
    expect(hub).toMatch(/^10\.0\.0\.11\/32 via 10\.0\.0\.11\n   Tunnel0 created [\d:]+, expire [\d:]+\n   Type: dynamic, Flags: unique registered used nhop\n   NBMA address: 172\.16\.0\.11$/m);
    expect(hub).toMatch(/^10\.0\.0\.12\/32 via 10\.0\.0\.12\n(.*\n){2}   NBMA address: 172\.16\.0\.12$/m);
    const spoke1 = await s.exec("SPOKE1", "show ip nhrp");
    expect(spoke1).toMatch(/^10\.0\.0\.1\/32 via 10\.0\.0\.1\n   Tunnel0 created [\d:]+, never expire\n   Type: static, Flags:\s*\n   NBMA address: 172\.16\.0\.1$/m);
    expect(await s.exec("HUB", "ping 10.0.0.12")).toContain("Success rate is 100 percent (5/5)");
    expect(await s.exec("SPOKE1", "show ip nhrp traffic")).toMatch(/Sent: Total [1-9]\d*\n +0 Resolution Request +0 Resolution Reply +[1-9]\d* Registration Request/);
  });

  it("redirects spoke-to-spoke traffic and installs a shortcut the spokes then use directly", async () => {
    const s = start();
    await s.exec("SPOKE1", "debug nhrp routing");
    expect(await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1")).toContain("Success rate is 100 percent (5/5)");
    s.advance(2_000);
    expect(s.node("SPOKE1").log.map((l) => l.text)).toContain("NHRP-RT: Adding route entry for 192.168.2.0/24 (Tunnel0 vrf:global) to RIB");
    const route = await s.exec("SPOKE1", "show ip route");
    expect(route).toMatch(/^H {5}192\.168\.2\.0\/24 \[250\/255\] via 10\.0\.0\.12, [\d:]+, Tunnel0$/m);
    const nhrp = await s.exec("SPOKE1", "show ip nhrp");
    expect(nhrp).toMatch(/^192\.168\.2\.0\/24 via 10\.0\.0\.12\n   Tunnel0 created [\d:]+, expire [\d:]+\n   Type: dynamic, Flags: router rib\n   NBMA address: 172\.16\.0\.12$/m);
    const hubTunnel = s.node("HUB").router.stack.interface("Tunnel0")!;
    const before = hubTunnel.counters.inPackets;
    expect(await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1 repeat 20")).toContain("Success rate is 100 percent (20/20)");
    expect(hubTunnel.counters.inPackets).toBe(before);
    // One hop: SPOKE2 answers straight away.
    const trace = await s.exec("SPOKE1", "traceroute 192.168.2.1 source Loopback1");
    expect(trace).toMatch(/^ {2}1 10\.0\.0\.12 /m);
    expect(trace).not.toMatch(/^ {2}2 /m);
    const dmvpn = await s.exec("SPOKE1", "show dmvpn");
    expect(dmvpn).toContain("Interface: Tunnel0, IPv4 NHRP Details");
    expect(dmvpn).toMatch(/^ +\d+ 172\.16\.0\.12 +10\.0\.0\.12 +UP [\d:]+ +D/m);
    // clear ip nhrp: the shortcut goes, the static mapping stays, and traffic goes via the hub again.
    await s.exec("SPOKE1", "clear ip nhrp");
    expect(await s.exec("SPOKE1", "show ip route")).not.toMatch(/^H /m);
    expect(await s.exec("SPOKE1", "show ip nhrp")).toContain("Type: static");
  });

  it("purges the requester's shortcut when the responder clears what it answered for", async () => {
    const s = start();
    await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1");
    s.advance(2_000);
    expect(await s.exec("SPOKE1", "show ip route")).toMatch(/^H {5}192\.168\.2\.0\/24 /m);
    await s.exec("SPOKE2", "clear ip nhrp");
    s.advance(1_000);
    expect(await s.exec("SPOKE1", "show ip route")).not.toMatch(/^H {5}192\.168\.2\.0\/24 /m);
    expect(await s.exec("SPOKE1", "show ip nhrp traffic")).toMatch(/Rcvd: Total \d+\n(?:.*\n){1}.*\b1 Purge Request/);
  });

  it("ages out an unused shortcut after the responder's hold time", async () => {
    const s = start();
    await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1");
    s.advance(2_000);
    expect(await s.exec("SPOKE1", "show ip route")).toMatch(/^H /m);
    s.advance(301_000);
    expect(await s.exec("SPOKE1", "show ip route")).not.toMatch(/^H +192\.168\.2\.0/m);
  });

  it("refreshes a shortcut in use before its hold time ends: the peer's /32 and the network stay, and the hub sends no new redirect", async () => {
    const s = start();
    const hub = s.node("HUB");
    const sent = (node: string, kind: "resolutionRequest" | "trafficIndication") => s.node(node).router.subsystem(nhrpSubsystem).trafficRows().find((r) => r.interface === "Tunnel0")?.sent[kind] ?? 0;
    const rcvd = (node: string) => s.node(node).router.subsystem(nhrpSubsystem).trafficRows().find((r) => r.interface === "Tunnel0")?.received.resolutionRequest ?? 0;
    expect(await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1")).toContain("Success rate is 100 percent (5/5)");
    s.advance(2_000);
    expect(await s.exec("SPOKE1", "show ip route")).toMatch(/^H {5}192\.168\.2\.0\/24 /m);
    const redirects = sent("HUB", "trafficIndication");
    expect(redirects).toBeGreaterThan(0);
    const hubLog = hub.log.length;
    const hubRequests = rcvd("HUB");
    const spokeRequests = sent("SPOKE1", "resolutionRequest");
    await s.exec("SPOKE1", "debug nhrp packet");
    const spokeLog = s.node("SPOKE1").log.length;
    // A ping every 30 s for more than twice the hold time (300 s).
    for (let t = 0; t < 21; t++) {
      s.advance(30_000);
      expect(await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1 repeat 1")).toContain("Success rate is 100 percent (1/1)");
    }
    // No new redirect: the traffic never went back through the hub, and the refreshes went
    // straight to SPOKE2 over the shortcut (the hub forwarded none of them).
    expect(sent("HUB", "trafficIndication")).toBe(redirects);
    expect(hub.log.slice(hubLog).map((l) => l.text).filter((t) => t.includes("%NHRP-5-REDIRECT"))).toEqual([]);
    expect(rcvd("HUB")).toBe(hubRequests);
    // Refreshed at least once per hold time.
    expect(sent("SPOKE1", "resolutionRequest") - spokeRequests).toBeGreaterThanOrEqual(2);
    expect(s.node("SPOKE1").log.slice(spokeLog).map((l) => l.text)).toContain("NHRP: Send Resolution Request via Tunnel0 vrf 0, packet size: 68");
    // The route first installed more than ten minutes ago is still there, via the peer.
    const route = await s.exec("SPOKE1", "show ip route");
    expect(route).toMatch(/^H {5}192\.168\.2\.0\/24 \[250\/255\] via 10\.0\.0\.12, 00:1\d:\d\d, Tunnel0$/m);
    expect(route).toMatch(/^H +10\.0\.0\.12\/32 \[250\/255\] via 10\.0\.0\.12, 00:1\d:\d\d, Tunnel0$/m);
    // show ip nhrp: created ten minutes and more ago, and an expiry renewed inside the hold time.
    const nhrp = await s.exec("SPOKE1", "show ip nhrp");
    const block = (prefix: string) => new RegExp(`^${prefix.replace(/\./g, "\\.")} via 10\\.0\\.0\\.12\n   Tunnel0 created (\\d\\d):(\\d\\d):(\\d\\d), expire (\\d\\d):(\\d\\d):(\\d\\d)$`, "m").exec(nhrp);
    for (const prefix of ["10.0.0.12/32", "192.168.2.0/24"]) {
      const m = block(prefix);
      expect(m, `${prefix} in\n${nhrp}`).not.toBeNull();
      const [ch, cm, cs, eh, em, es] = m!.slice(1).map(Number);
      expect(ch * 3600 + cm * 60 + cs).toBeGreaterThanOrEqual(600);
      const expire = eh * 3600 + em * 60 + es;
      expect(expire).toBeGreaterThan(0);
      expect(expire).toBeLessThanOrEqual(300);
    }
    // show dmvpn detail: one peer, up since the first resolution, with its network behind it.
    const dmvpn = await s.exec("SPOKE1", "show dmvpn detail");
    expect(dmvpn).toMatch(/^ +2 172\.16\.0\.12 +10\.0\.0\.12 +UP 00:1\d:\d\d +DT1 +10\.0\.0\.12\/32$/m);
    expect(dmvpn).toMatch(/^ +172\.16\.0\.12 +10\.0\.0\.12 +UP 00:1\d:\d\d +DT1 +192\.168\.2\.0\/24$/m);
    // Idle, it goes within a hold time (and the peer's /32 with it).
    s.advance(310_000);
    const idle = await s.exec("SPOKE1", "show ip route");
    expect(idle).not.toMatch(/^H /m);
    expect(await s.exec("SPOKE1", "show ip nhrp")).not.toContain("10.0.0.12/32");
  });

  it("takes NHRP's own packets for no sign of use: the responder's shortcut back ages out while it answers refreshes", async () => {
    const s = start();
    expect(await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1")).toContain("Success rate is 100 percent (5/5)");
    s.advance(2_000);
    // The echo replies went via the hub too: SPOKE2 holds a shortcut of its own back to SPOKE1.
    expect(await s.exec("SPOKE2", "show ip route")).toMatch(/^H {5}192\.168\.1\.0\/24 /m);
    const spoke1 = s.node("SPOKE1").router.subsystem(nhrpSubsystem);
    const tunnel = s.node("SPOKE1").router.stack.interface("Tunnel0");
    expect(tunnel).toBeInstanceOf(TunnelInterface);
    const requests = () => s.node("SPOKE2").router.subsystem(nhrpSubsystem).trafficRows().find((r) => r.interface === "Tunnel0")?.sent.resolutionRequest ?? 0;
    const before = requests();
    // SPOKE1 asks SPOKE2 again every 30 s (as it does for a shortcut in use); SPOKE2 answers
    // each, and sends no data of its own.
    for (let t = 0; t < 11; t++) {
      s.advance(30_000);
      const entry = spoke1.cache.all().find((e) => e.target !== undefined);
      expect(entry).toBeDefined();
      spoke1.refresh(tunnel as TunnelInterface, entry!);
    }
    s.advance(1_000);
    expect(await s.exec("SPOKE1", "show ip route")).toMatch(/^H {5}192\.168\.2\.0\/24 /m);
    // SPOKE2's own shortcut was not used: not refreshed, gone at its hold time.
    expect(requests()).toBe(before);
    expect(await s.exec("SPOKE2", "show ip route")).not.toMatch(/^H {5}192\.168\.1\.0\/24 /m);
  });

  it("keeps a peer's /32 while a shortcut through it lives, even when it was due first", async () => {
    const s = start();
    expect(await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1")).toContain("Success rate is 100 percent (5/5)");
    s.advance(2_000);
    const nhrp = s.node("SPOKE1").router.subsystem(nhrpSubsystem);
    const peer = nhrp.cache.all().find((e) => e.flags.includes("nhop") && e.prefix.len === 32 && e.nbma !== undefined && e.type === "dynamic");
    const network = nhrp.cache.all().find((e) => e.target !== undefined);
    expect(peer).toBeDefined();
    expect(network).toBeDefined();
    // The peer's entry due ten seconds from now, long before the network through it.
    peer!.expiresAt = s.node("SPOKE1").router.clock.now() + 10_000;
    nhrp.cache.arm(peer!, (e) => nhrp.expire(e));
    s.advance(20_000);
    expect(nhrp.cache.host("Tunnel0", "", peer!.via)).toBe(peer);
    expect(peer!.expiresAt).toBe(network!.expiresAt);
    const hubIn = s.node("HUB").router.stack.interface("Tunnel0")!.counters.inPackets;
    expect(await s.exec("SPOKE1", "ping 192.168.2.1 source Loopback1 repeat 3")).toContain("Success rate is 100 percent (3/3)");
    expect(s.node("HUB").router.stack.interface("Tunnel0")!.counters.inPackets).toBe(hubIn);
  });

  it("refuses packets without the configured authentication, and counts malformed ones", async () => {
    const s = start(" ip nhrp authentication secret\n", " ip nhrp authentication other\n");
    const hub = s.node("HUB").router;
    // The spokes' registrations carry "secret"; the hub wants "other": refused, counted.
    expect(await s.exec("HUB", "show ip nhrp")).not.toContain("10.0.0.11/32");
    const tunnel = hub.stack.interface("Tunnel0")!;
    expect(tunnel.counters.drops["nhrp-authentication"]).toBeGreaterThan(0);
    const junk = new Uint8Array([0, 1, 8, 0, 0, 0, 0, 0, 0, 0xff, 0, 5]);
    hub.stack.receiveEtherType(tunnel, GreProtocol.Nhrp, junk, 0, junk.length);
    expect(tunnel.counters.drops["nhrp-malformed"]).toBe(1);
    expect(hub.subsystem(nhrpSubsystem).trafficRows().find((r) => r.interface === "Tunnel0")?.dropped).toBeGreaterThan(0);
  });
});
