// Crypto sessions in the harness: `show crypto session [detail] [remote]`, `show crypto ikev2
// session [detailed]`, `show crypto ikev2 profile`, `clear crypto session` and the initiator
// coming straight back, and `debug crypto ikev2 packet|internal`.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { ikev2Subsystem } from "../ikev2/subsystem";
import type { IkeSa } from "../ikev2/sa";

function site(name: string, me: number, peer: number, mode = "ipsec ipv4", responderOnly = false): string {
  return `hostname ${name}
crypto ikev2 keyring KR
 peer SITE
  address 10.0.12.${peer}
  pre-shared-key cisco123
!
crypto ikev2 profile P
 match identity remote address 10.0.12.${peer} 255.255.255.255
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
 dpd 10 2 periodic
!
crypto ipsec profile IP
 set ikev2-profile P
${responderOnly ? " responder-only\n" : ""}!
interface Ethernet0/0
 ip address 10.0.12.${me} 255.255.255.0
!
interface Tunnel0
 ip address 192.168.0.${me} 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.12.${peer}
 tunnel mode ${mode}
 tunnel protection ipsec profile IP
!
end
`;
}

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function pair(mode = "ipsec ipv4"): Simulation {
  sim = new Simulation({
    nodes: { R1: site("R1", 1, 2, mode), R2: site("R2", 2, 1, mode, true) },
    links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
  });
  return sim;
}

function established(node: string): IkeSa[] {
  return sim!.node(node).router.subsystem(ikev2Subsystem).engine.sas().filter((s) => s.state === "established");
}

describe("show crypto session", () => {
  it("shows each end's session UP-ACTIVE with its IKEv2 SA and IPsec flow, in IOS's layout", async () => {
    const s = pair("gre ip");
    s.advance(5_000);
    const out = await s.exec("R1", "show crypto session");
    expect(out).toContain("Crypto session current status");
    expect(out).toContain("Interface: Tunnel0\nProfile: P\nSession status: UP-ACTIVE\nPeer: 10.0.12.2 port 500\n  Session ID: 1  \n");
    expect(out).toContain("  IKEv2 SA: local 10.0.12.1/500 remote 10.0.12.2/500 Active");
    expect(out).toContain("  IPSEC FLOW: permit 47 host 10.0.12.1 host 10.0.12.2 \n        Active SAs: 2, origin: crypto map");
    const r2 = await s.exec("R2", "show crypto session");
    expect(r2).toContain("  IKEv2 SA: local 10.0.12.2/500 remote 10.0.12.1/500 Active");
    expect(r2).toContain("  IPSEC FLOW: permit 47 host 10.0.12.2 host 10.0.12.1 ");
  });

  it("adds the legend, uptime, capabilities and per-direction counters with detail, and filters by remote", async () => {
    const s = pair();
    s.advance(5_000);
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
    s.advance(60_000);
    const out = await s.exec("R1", "show crypto session detail");
    expect(out).toContain("Code: C - IKE Configuration mode, D - Dead Peer Detection");
    expect(out).toMatch(/^Uptime: 00:01:0\d$/m);
    expect(out).toContain("Peer: 10.0.12.2 port 500 fvrf: (none) ivrf: (none)");
    expect(out).toContain("      Phase1_id: 10.0.12.2");
    expect(out).toMatch(/^ {10}Capabilities:D connid:1 lifetime:23:58:\d\d$/m);
    expect(out).toContain("  IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0 ");
    expect(out).toMatch(/^ {8}Inbound:  #pkts dec'ed 5 drop 0 life \(KB\/Sec\) \d+\/35\d\d$/m);
    expect(out).toMatch(/^ {8}Outbound: #pkts enc'ed 5 drop 0 life \(KB\/Sec\) \d+\/35\d\d$/m);
    expect(await s.exec("R1", "show crypto session remote 10.0.12.2")).toContain("Interface: Tunnel0");
    expect(await s.exec("R1", "show crypto session remote 10.0.12.9")).not.toContain("Interface:");
    const rows = s.table("R1", "crypto-session");
    expect(rows).toMatchObject([{ interface: "Tunnel0", status: "UP-ACTIVE", peer: "10.0.12.2", activeSas: 2, ike: { capabilities: "D" } }]);
  });

  it("shows a tunnel whose peer does not answer as DOWN", async () => {
    sim = new Simulation({ nodes: { R1: site("R1", 1, 2) }, links: [[{ node: "R1", iface: "Ethernet0/0" }]] });
    sim.advance(70_000);
    const out = await sim.exec("R1", "show crypto session");
    expect(out).toMatch(/Interface: Tunnel0\n(Profile: P\n)?Session status: DOWN(-NEGOTIATING)?\nPeer: 10\.0\.12\.2 port 500/);
  });
});

describe("show crypto ikev2 session and profile", () => {
  it("shows the session with its IKE SA and the child SA's selectors and SPIs", async () => {
    const s = pair("gre ip");
    s.advance(5_000);
    const [sa] = established("R1");
    const child = sa.children[0];
    const spi = (n: number): string => "0x" + n.toString(16).toUpperCase().padStart(8, "0");
    const out = await s.exec("R1", "show crypto ikev2 session");
    expect(out).toContain(" IPv4 Crypto IKEv2 Session ");
    expect(out).toContain("Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1");
    expect(out).toMatch(/^1 {9}10\.0\.12\.1\/500 {9}10\.0\.12\.2\/500 {9}none\/none {12}READY$/m);
    expect(out).toContain("Child sa: local selector  10.0.12.1/0 - 10.0.12.1/65535\n          remote selector 10.0.12.2/0 - 10.0.12.2/65535");
    expect(out).toContain(`          ESP spi in/out: ${spi(child.inbound.spi)}/${spi(child.outbound.spi)}`);
    const detailed = await s.exec("R2", "show crypto ikev2 session detailed");
    expect(detailed).toContain("Child sa: local selector  10.0.12.2/0 - 10.0.12.2/65535");
    expect(detailed).toContain("          Encr: AES-GCM, keysize: 256, esp_hmac: None");
    expect(detailed).toContain("          ah_hmac: None, comp: IPCOMP_NONE, mode transport");
    expect(detailed).toContain("      Initiator of SA : No");
  });

  it("prints a profile's match criteria, authentication, keyring, DPD and lifetime", async () => {
    const s = pair();
    s.advance(5_000);
    const out = await s.exec("R1", "show crypto ikev2 profile P");
    expect(out).toContain("IKEv2 profile: P\n Ref Count: 2\n Match criteria: \n  Fvrf: global\n");
    expect(out).toContain("  Identities: \n   address 10.0.12.2 255.255.255.255\n");
    expect(out).toContain(" Local authentication method: pre-share\n Remote authentication method(s): pre-share\n");
    expect(out).toContain(" Keyring: KR\n");
    expect(out).toContain(" Lifetime: 86400 seconds\n DPD: interval 10, retry 2, periodic\n");
    expect(await s.exec("R1", "show crypto ikev2 profile NOPE")).not.toContain("IKEv2 profile:");
  });
});

describe("clear crypto session", () => {
  it("deletes the IKE and IPsec SAs on both ends, and the initiator reconnects at once rather than on its 10 s timer", async () => {
    const s = pair();
    s.advance(11_000);
    const [before] = established("R1");
    await s.exec("R2", "clear crypto session");
    s.advance(100);
    expect(before.state).toBe("dead");
    expect(s.node("R2").log.map((l) => l.text).join("\n")).toContain("%IKEV2-5-SA_DOWN: SA DOWN");
    // Back well before the next 10 s tick (t = 20 s).
    s.advance(3_000);
    const [after] = established("R1");
    expect(after).toBeDefined();
    expect(after.spiI).not.toBe(before.spiI);
    expect(established("R2")).toHaveLength(1);
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });

  it("clears only the session with the remote peer named", async () => {
    const s = pair();
    s.advance(11_000);
    const [sa] = established("R1");
    await s.exec("R1", "clear crypto session remote 10.0.12.9");
    s.advance(100);
    expect(sa.state).toBe("established");
    await s.exec("R1", "clear crypto session remote 10.0.12.2");
    s.advance(100);
    expect(sa.state).toBe("dead");
    s.advance(3_000);
    expect(established("R1")).toHaveLength(1);
  });
});

describe("debug crypto ikev2 packet and internal", () => {
  it("dumps each payload of the messages sent and received, and the engine's internal steps", async () => {
    const s = pair();
    expect(await s.exec("R1", "debug crypto ikev2 packet")).toContain("IKEv2 packet debugging is on");
    expect(await s.exec("R1", "debug crypto ikev2 internal")).toContain("IKEv2 internal debugging is on");
    expect(await s.exec("R1", "show debugging")).toContain("Crypto Subsystem:\n  IKEv2 internal debugging is on\n  IKEv2 packet debugging is on");
    s.advance(5_000);
    const log = s.node("R1").log.map((l) => l.text).join("\n");
    expect(log).toContain("Sending Packet [To 10.0.12.2:500/From 10.0.12.1:500/VRF i0:f0]");
    expect(log).toMatch(/IKEv2:\(SESSION ID = 1,SA ID = 1\):KE {2}Next payload: NONCE, reserved: 0x0\nIKEv2:\(SESSION ID = 1,SA ID = 1\): {4}DH group: 19, Reserved: 0x0, length: 64/);
    expect(log).toContain("  Proposal: 1, Protocol id: IKE, SPI size: 0, #trans: ");
    // The encrypted IKE_AUTH request, dumped from the plaintext.
    expect(log).toContain("IDi  Next payload: NOTIFY, reserved: 0x0");
    expect(log).toContain("    TS type: TS_IPV4_ADDR_RANGE, proto id: 0, start port: 0, end port: 65535 start addr: 0.0.0.0, end addr: 255.255.255.255");
    expect(log).toContain("Verification of peer's authentication data PASSED");
    expect(log).toContain("Session with IKE ID PAIR (10.0.12.1, 10.0.12.2) is UP");
    expect(log).toMatch(/Creating IPSec SAs: esp-gcm 256, tunnel mode, SPI in\/out 0x[0-9A-F]+\/0x[0-9A-F]+/);
    // Without `debug crypto ikev2`, only the flags turned on print.
    expect(s.node("R2").log.map((l) => l.text).join("\n")).not.toContain("IKEv2:(SESSION ID");
  });
});
