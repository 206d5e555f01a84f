// IKEv2 between routers built from config text in the simulation harness: pre-shared keys,
// IOS smart defaults and configured proposals, INVALID_KE_PAYLOAD, wrong keys, retransmission
// over a lossy link, DPD, delete and child SA rekey.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { ikev2Subsystem } from "../ikev2/subsystem";
import type { IkeSa } from "../ikev2/sa";
import { NicDecorator } from "../io/nic-decorator";
import type { Nic } from "../io/nic";
import { parseEthernet } from "../wire/ethernet";
import { isWireError } from "../wire/errors";
import { IpProtocol, parseIpv4 } from "../wire/ipv4";
import { readU16, writeU16 } from "../wire/bytes";

function site(name: string, me: number, peer: number, extra = "", keyringKey = "cisco123"): string {
  return `hostname ${name}
crypto ikev2 keyring KR
 peer SITE
  address 10.0.12.${peer}
  pre-shared-key ${keyringKey}
!
crypto ikev2 profile P
 match identity remote address 10.0.12.${peer} 255.255.255.255
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
 dpd 10 2 periodic
${extra}!
crypto ipsec profile IP
 set ikev2-profile P
!
interface Ethernet0/0
 ip address 10.0.12.${me} 255.255.255.0
!
interface Tunnel0
 ip address 192.168.0.${me} 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.12.${peer}
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
end
`;
}

/** Drops frames carrying UDP to or from port 500 while `lossy` says so. */
class LossyIke extends NicDecorator {
  drop: (n: number) => boolean = () => false;
  sent = 0;
  override send(frame: Uint8Array): boolean {
    const eth = parseEthernet(frame);
    if (!isWireError(eth)) {
      const ip = parseIpv4(eth.payload);
      if (!isWireError(ip) && ip.repr.protocol === IpProtocol.Udp && ip.payload.length >= 4) {
        const dport = (ip.payload[2] << 8) | ip.payload[3];
        if (dport === 500 || dport === 4500) {
          if (this.drop(this.sent++)) return true;
        }
      }
    }
    return super.send(frame);
  }
}

/** A port-translating NAT in front of a router: its UDP source ports 500 and 4500 leave as
 * 1500 and 14500 and come back translated (checksum zeroed, as RFC 768 allows). */
class PortNat extends NicDecorator {
  private static readonly OUT = new Map([
    [500, 1500],
    [4500, 14500],
  ]);
  private static readonly IN = new Map([...PortNat.OUT].map(([a, b]) => [b, a]));

  private static rewrite(frame: Uint8Array, at: 0 | 2, map: Map<number, number>): Uint8Array {
    const copy = frame.slice();
    const eth = parseEthernet(copy);
    if (isWireError(eth)) return copy;
    const ip = parseIpv4(eth.payload);
    if (isWireError(ip) || ip.repr.protocol !== IpProtocol.Udp || ip.payload.length < 8) return copy;
    const mapped = map.get(readU16(ip.payload, at));
    if (mapped !== undefined) {
      writeU16(ip.payload, at, mapped);
      writeU16(ip.payload, 6, 0);
    }
    return copy;
  }

  override send(frame: Uint8Array): boolean {
    return super.send(PortNat.rewrite(frame, 0, PortNat.OUT));
  }

  override onReceive(handler: (frame: Uint8Array) => void): void {
    super.onReceive((frame) => handler(PortNat.rewrite(frame, 2, PortNat.IN)));
  }
}

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function sas(node: string): IkeSa[] {
  return sim!.node(node).router.subsystem(ikev2Subsystem).engine.sas();
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** Each established SA on `a` has its twin on `b` with the same SPIs, suite and child keys
 * mirrored: what one sends with, the other receives with. */
function expectTwins(a: string, b: string): void {
  const mine = sas(a).filter((s) => s.state === "established");
  expect(mine.length).toBeGreaterThan(0);
  for (const sa of mine) {
    const twin = sas(b).find((t) => t.spiI === sa.spiI && t.spiR === sa.spiR);
    expect(twin, `twin of ${sa.spiI}`).toBeDefined();
    expect(twin!.state).toBe("established");
    expect(hex(twin!.keys!.skD)).toBe(hex(sa.keys!.skD));
    expect(sa.children.length).toBe(1);
    expect(twin!.children.length).toBe(1);
    const [c, t] = [sa.children[0], twin!.children[0]];
    expect(c.outbound.spi).toBe(t.inbound.spi);
    expect(c.inbound.spi).toBe(t.outbound.spi);
    expect(hex(c.outbound.encKey)).toBe(hex(t.inbound.encKey));
    expect(hex(c.inbound.encKey)).toBe(hex(t.outbound.encKey));
    expect(hex(c.outbound.integKey)).toBe(hex(t.inbound.integKey));
    expect(hex(c.outbound.encKey)).not.toBe(hex(c.inbound.encKey));
  }
}

describe("IKEv2 with pre-shared keys", () => {
  it("brings up an IKE SA and a child SA with IOS's smart defaults, and both ends hold the same keys", async () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1, "", "cisco123") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(5_000);
    expectTwins("R1", "R2");
    expectTwins("R2", "R1");
    const r1 = sas("R1").find((s) => s.state === "established")!;
    // Smart defaults: AES-CBC-256, SHA512, group 19 first.
    expect(r1.suite!.encr.iosName).toBe("AES-CBC");
    expect(r1.suite!.encr.keyBits).toBe(256);
    expect(r1.suite!.dhGroup).toBe(19);
    expect(r1.children[0].suite.iosText).toBe("esp-gcm 256");
    const show = await sim.exec("R1", "show crypto ikev2 sa");
    expect(show).toContain(" IPv4 Crypto IKEv2  SA");
    // Both ends initiated; one IKE SA is kept (collisions.ts), whichever end started it.
    expect(sas("R1")).toHaveLength(1);
    expect(show).toMatch(/^[12] {9}10\.0\.12\.1\/500 {9}10\.0\.12\.2\/500 {9}none\/none {12}READY$/m);
    expect(show).toContain("      Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK");
    expect(sim.node("R1").log.map((l) => l.text).join("\n")).toContain("%IKEV2-5-SA_UP: SA UP");
    // The child SAs protect the VTI: a ping through it goes as ESP and comes back.
    const ping = await sim.exec("R1", "ping 192.168.0.2");
    expect(ping).toContain("Success rate is 100 percent (5/5)");
    const ipsecSa = await sim.exec("R2", "show crypto ipsec sa");
    expect(ipsecSa).toMatch(/#pkts decaps: [1-9]/);
    const detailed = await sim.exec("R2", "show crypto ikev2 sa detailed");
    expect(detailed).toContain("Local id: 10.0.12.2");
    expect(detailed).toContain("Remote id: 10.0.12.1");
    expect(detailed).toContain("DPD configured for 10 seconds, retry 2");
    const stats = await sim.exec("R2", "show crypto ikev2 stats");
    expect(stats).toContain("                          Crypto IKEv2 SA Statistics");
    const kept = sas("R2")[0];
    expect(stats).toMatch(kept.role === "responder" ? /^Total incoming IKEv2 SA Count: 1 +active: 1 +negotiating: 0$/m : /^Total outgoing IKEv2 SA Count: 1 +active: 1 +negotiating: 0$/m);
  });

  it("brings up a static VTI protected by the implicit `default` IPsec profile, with only a keyring and the `default` IKEv2 profile configured", async () => {
    const smart = (cfg: string): string =>
      cfg
        .replace("crypto ikev2 profile P\n", "crypto ikev2 profile default\n")
        .replace("crypto ipsec profile IP\n set ikev2-profile P\n!\n", "")
        .replace("tunnel protection ipsec profile IP", "tunnel protection ipsec profile default");
    const r1 = smart(site("R1", 1, 2));
    expect(r1).not.toContain("crypto ipsec profile");
    sim = new Simulation({
      nodes: { R1: r1, R2: smart(site("R2", 2, 1)) },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(5_000);
    const sa = sas("R1").find((s) => s.state === "established")!;
    expect(sa).toBeDefined();
    expect(sa.children[0].suite.iosText).toBe("esp-gcm 256");
    expect(await sim.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
    expect(await sim.exec("R2", "show crypto ipsec sa")).toMatch(/#pkts decaps: [1-9]/);
  });

  it("uses a configured proposal and retries after INVALID_KE_PAYLOAD with the responder's group", () => {
    const proposal = (groups: string): string => `crypto ikev2 proposal PR\n encryption aes-gcm-128\n prf sha256\n group ${groups}\ncrypto ikev2 policy POL\n proposal PR\n`;
    const r1 = proposal("14 20") + site("R1", 1, 2).replace("hostname R1\n", "hostname R1\n");
    const r2 = proposal("20") + site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0");
    sim = new Simulation({ nodes: { R1: r1, R2: r2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
    sim.advance(5_000);
    const sa = sas("R1").find((s) => s.state === "established")!;
    expect(sa).toBeDefined();
    expect(sa.role).toBe("initiator");
    expect(sa.suite!.dhGroup).toBe(20);
    expect(sa.suite!.encr.iosName).toBe("AES-GCM");
    expect(sa.suite!.integ).toBeUndefined();
    expectTwins("R1", "R2");
  });

  it("refuses a peer whose pre-shared key differs, with IOS's log, and keeps trying", () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1, "", "wrong-key").replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(25_000);
    expect(sas("R1").filter((s) => s.state === "established")).toEqual([]);
    expect(sas("R2").filter((s) => s.state === "established")).toEqual([]);
    const r2log = sim.node("R2").log.map((l) => l.text).join("\n");
    expect(r2log).toContain("%IKEV2-3-NEG_ABORT: Negotiation aborted due to ERROR: Auth exchange failed");
    const r1log = sim.node("R1").log.map((l) => l.text).join("\n");
    expect(r1log).toContain("Received AUTHENTICATION_FAILED");
    expect(sim.node("R2").router.subsystem(ikev2Subsystem).engine.stats.authFailed).toBeGreaterThanOrEqual(2);
  });

  it("retransmits over a link that loses IKE datagrams and still comes up", () => {
    const lossy: LossyIke[] = [];
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
      port: (_node, _iface, nic: Nic) => {
        const l = new LossyIke(nic);
        // Lose the first two datagrams each side sends.
        l.drop = (n) => n < 2;
        lossy.push(l);
        return l;
      },
    });
    sim.advance(30_000);
    expectTwins("R1", "R2");
    expect(sim.node("R1").router.subsystem(ikev2Subsystem).engine.stats.retransmits).toBeGreaterThan(0);
  });

  it("tears the SA down when DPD gets no answer from a dead peer", () => {
    let dead = false;
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
      port: (node, _iface, nic: Nic) => {
        const l = new LossyIke(nic);
        if (node === "R2") l.drop = () => dead;
        return l;
      },
    });
    sim.advance(5_000);
    expectTwins("R1", "R2");
    dead = true;
    sim.advance(60_000);
    const log = sim.node("R1").log.map((l) => l.text).join("\n");
    expect(log).toContain("%IKEV2-5-SA_DOWN: SA DOWN");
    expect(log).toContain("%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is DOWN.  Peer 10.0.12.2:500");
    expect(sas("R1").filter((s) => s.state === "established")).toEqual([]);
  });

  it("deletes the SA on both ends with clear crypto ikev2 sa", async () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(5_000);
    expectTwins("R1", "R2");
    const before = sas("R2")[0].spiI;
    await sim.exec("R1", "clear crypto ikev2 sa");
    sim.advance(1_000);
    expect(sas("R2").some((s) => s.spiI === before)).toBe(false);
    expect(sim.node("R2").log.map((l) => l.text).join("\n")).toContain("%IKEV2-5-SA_DOWN: SA DOWN");
    // The initiator comes back on its own.
    sim.advance(15_000);
    expectTwins("R1", "R2");
  });

  it("rekeys the child SA with CREATE_CHILD_SA before its lifetime ends, make-before-break", () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(5_000);
    const sa = sas("R1")[0];
    const oldSpi = sa.children[0].inbound.spi;
    sim.advance(3300_000);
    expect(sa.state).toBe("established");
    expect(sa.children.length).toBe(1);
    expect(sa.children[0].inbound.spi).not.toBe(oldSpi);
    expectTwins("R1", "R2");
  });

  it("asks for a cookie under load (RFC 7296 §2.6) and accepts the initiator's retry carrying it", () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    const responder = sim.node("R2").router.subsystem(ikev2Subsystem).engine;
    responder.cookieThreshold = 0;
    sim.advance(5_000);
    expect(responder.stats.cookiesSent).toBeGreaterThanOrEqual(1);
    expectTwins("R1", "R2");
  });

  it("counts and drops malformed, truncated and forged IKE datagrams without disturbing the SA", async () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(5_000);
    const engine = sim.node("R2").router.subsystem(ikev2Subsystem).engine;
    const sa = engine.sas()[0];
    const local = { address: sa.local.address, port: 500 };
    const remote = { address: sa.remote.address, port: 500 };
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16) & 0xff;
    // Random bytes, truncations of a real header, and a well-formed header on the SA's SPIs
    // with a garbage encrypted payload.
    for (let i = 0; i < 300; i++) engine.receive(undefined, local, remote, Uint8Array.from({ length: random() }, random));
    const forged = new Uint8Array(28 + 4 + 64);
    new DataView(forged.buffer).setBigUint64(0, sa.spiI);
    new DataView(forged.buffer).setBigUint64(8, sa.spiR);
    forged.set([46, 0x20, 37, 0x08], 16);
    new DataView(forged.buffer).setUint32(20, sa.nextPeerRequestId);
    new DataView(forged.buffer).setUint32(24, forged.length);
    forged.set([0, 0, 0, 68], 28);
    for (let cut = 0; cut <= forged.length; cut += 7) engine.receive(undefined, local, remote, forged.subarray(0, cut));
    engine.receive(undefined, local, remote, forged);
    expect(engine.stats.malformed).toBeGreaterThan(0);
    expect(engine.stats.integrityFailed).toBeGreaterThan(0);
    expect(sa.state).toBe("established");
    expect(await sim.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });

  it("prints IOS-style packet lines with debug crypto ikev2", async () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    expect(await sim.exec("R2", "debug crypto ikev2")).toContain("IKEv2 default debugging is on");
    sim.advance(5_000);
    const log = sim.node("R2").log.map((l) => l.text).join("\n");
    expect(log).toContain("Received Packet [From 10.0.12.1:500/To 10.0.12.2:500/VRF i0:f0]");
    expect(log).toContain("IKEv2 IKE_SA_INIT Exchange REQUEST");
    expect(log).toMatch(/Message id: 0\nIKEv2 IKE_SA_INIT Exchange REQUEST/);
    expect(log).toMatch(/Message id: 1\nIKEv2 IKE_AUTH Exchange RESPONSE/);
    expect(log).toMatch(/Payload contents: \n SA KE NONCE N\(NAT_DETECTION_SOURCE_IP\) N\(NAT_DETECTION_DESTINATION_IP\) VID/);
    expect(log).toContain("IKEv2 IKE_AUTH Exchange RESPONSE");
  });
});

describe("IKE SA rekey", () => {
  it("rekeys the IKE SA before its lifetime with CREATE_CHILD_SA, moves the child SA over and keeps traffic flowing", async () => {
    const withLifetime = (cfg: string): string => cfg.replace(" dpd 10 2 periodic\n", " dpd 10 2 periodic\n lifetime 600\n");
    sim = new Simulation({
      nodes: { R1: withLifetime(site("R1", 1, 2)), R2: withLifetime(site("R2", 2, 1)).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(5_000);
    const before = sas("R1")[0];
    const child = before.children[0];
    sim.advance(600_000);
    const after = sas("R1");
    expect(after.length).toBe(1);
    expect(after[0].spiI).not.toBe(before.spiI);
    expect(after[0].state).toBe("established");
    expect(before.state).toBe("dead");
    expect(after[0].children[0]).toBe(child);
    expect(sas("R2").length).toBe(1);
    expectTwins("R1", "R2");
    expect(hex(after[0].keys!.skD)).not.toBe(hex(before.keys!.skD));
    expect(sim.node("R1").log.map((l) => l.text).join("\n")).not.toContain("SA DOWN");
    expect(await sim.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });
});

describe("NAT traversal", () => {
  it("detects a NAT, floats to UDP 4500 and carries ESP in UDP through it (RFC 3948)", async () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
      port: (node, _iface, nic: Nic) => (node === "R1" ? new PortNat(nic) : nic),
    });
    sim.advance(5_000);
    expectTwins("R1", "R2");
    const [r1] = sas("R1");
    const [r2] = sas("R2");
    expect([r1.local.port, r1.remote.port, r1.natLocal]).toEqual([4500, 4500, true]);
    expect([r2.local.port, r2.remote.port, r2.natRemote]).toEqual([4500, 14500, true]);
    expect(await sim.exec("R2", "show crypto ikev2 sa detailed")).toContain("NAT-T is detected");
    expect(await sim.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
    expect(await sim.exec("R2", "show crypto ipsec sa")).toMatch(/#pkts decaps: [1-9]/);
  });
});

describe("INITIAL_CONTACT", () => {
  it("drops the responder's stale SA when the initiator comes back without state (RFC 7296 §2.4)", () => {
    sim = new Simulation({
      nodes: { R1: site("R1", 1, 2), R2: site("R2", 2, 1).replace("interface Tunnel0", "crypto ipsec profile IP\n responder-only\ninterface Tunnel0") },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    });
    sim.advance(5_000);
    const stale = sas("R2")[0];
    // R1 loses its SA without telling R2, as a reboot would.
    sim.node("R1").router.subsystem(ikev2Subsystem).engine.remove(sas("R1")[0], "test: lost state", false);
    sim.advance(11_000);
    expect(stale.state).toBe("dead");
    expect(sas("R2").map((s) => s.state)).toEqual(["established"]);
    expectTwins("R1", "R2");
  });
});
