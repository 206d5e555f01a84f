// IPsec on two routers in the harness, SAs installed with fixed keys through the contract
// IKEv2 uses (install/remove/receiveUdpEncapsulated): GRE protected by ESP in transport mode,
// a VTI in tunnel mode, NAT-T's UDP encapsulation, and every refusal counted — replayed,
// tampered, unknown SPI, and a protected tunnel without an SA yet.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ipsecSubsystem } from "../ipsec/subsystem";
import type { ChildSaPair, EspCipher, EspInteg, EspSaParams, IpsecSaHandle } from "../ipsec/sa";
import { TunnelInterface } from "../net/tunnel";
import { TABLES } from "../node/tables";
import { parseIpv4, type Ipv4 } from "../wire/addr";
import { TapNic } from "../io/tap";
import { writePcap } from "../wire/pcap";
import { HAS_TSHARK, runTshark } from "../wire/testdata/tshark";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const ip = (t: string): Ipv4 => parseIpv4(t)!;
const key = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

function router(name: string, me: string, peer: string, tunnelAddr: string, mode: "gre ip" | "ipsec ipv4", protect = true): string {
  return `hostname ${name}
interface Ethernet0/0
 ip address ${me} 255.255.255.0
 no shutdown
interface Tunnel0
 ip address ${tunnelAddr} 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination ${peer}
 tunnel mode ${mode}
${protect ? " tunnel protection ipsec profile default\n" : ""}`;
}

interface Frames {
  /** What R1 sent on Ethernet0/0. */
  readonly r1: Uint8Array[];
  /** Everything on the link, both ways, with its virtual time. */
  readonly wire: { readonly timestampNs: bigint; readonly data: Uint8Array }[];
  /** R1's port: what a test sends on it reaches R2 as if R1 had sent it. */
  port?: TapNic;
}

function start(mode: "gre ip" | "ipsec ipv4", protect = true): { s: Simulation; frames: Frames } {
  const frames: Frames = { r1: [], wire: [] };
  sim = new Simulation({
    nodes: { R1: router("R1", "10.0.0.1", "10.0.0.2", "172.16.0.1", mode, protect), R2: router("R2", "10.0.0.2", "10.0.0.1", "172.16.0.2", mode, protect) },
    links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    port: (node, _iface, nic) => {
      const tap = new TapNic(nic);
      if (node === "R1") {
        tap.addTap((frame, dir) => {
          if (dir === "tx") frames.r1.push(frame.slice());
          frames.wire.push({ timestampNs: BigInt(sim!.clock.now()) * 1_000_000n, data: frame.slice() });
        });
        frames.port = tap;
      }
      return tap;
    },
  });
  sim.settle();
  return { s: sim, frames };
}

function params(spi: number, from: "R1" | "R2", cipher: EspCipher, integ: EspInteg, mode: "transport" | "tunnel", natT: boolean, seed: number): EspSaParams {
  const encBytes = { "aes-gcm-128": 20, "aes-gcm-256": 36, "aes-cbc-128": 16, "aes-cbc-256": 32, null: 0 }[cipher];
  const integBytes = { "sha1-96": 20, "sha256-128": 32, "sha384-192": 48, "sha512-256": 64, none: 0 }[integ];
  const [local, remote] = from === "R1" ? [ip("10.0.0.1"), ip("10.0.0.2")] : [ip("10.0.0.2"), ip("10.0.0.1")];
  return {
    spi,
    cipher,
    integ,
    encKey: key(encBytes, seed),
    integKey: integ === "none" ? undefined : key(integBytes, seed + 1),
    mode,
    local,
    remote,
    natT: natT ? { localPort: 4500, remotePort: 4500 } : undefined,
    replayWindow: 64,
    lifetimeSeconds: 3600,
    lifetimeKilobytes: 4608000,
  };
}

interface Suite {
  readonly cipher: EspCipher;
  readonly integ: EspInteg;
  readonly mode: "transport" | "tunnel";
  readonly natT?: boolean;
}

/** Installs a child SA pair on both routers: R1 sends with `spiA`, R2 with `spiB`. */
function installBoth(s: Simulation, suite: Suite, spiA = 0x1001, spiB = 0x2002, seed = 1): { r1: IpsecSaHandle; r2: IpsecSaHandle; events: string[] } {
  const natT = suite.natT ?? false;
  const a = params(spiA, "R1", suite.cipher, suite.integ, suite.mode, natT, seed);
  const b = params(spiB, "R2", suite.cipher, suite.integ, suite.mode, natT, seed + 50);
  const events: string[] = [];
  const pairR1: ChildSaPair = { outbound: a, inbound: { ...b, local: a.local, remote: a.remote, natT: a.natT } };
  const pairR2: ChildSaPair = { outbound: b, inbound: { ...a, local: b.local, remote: b.remote, natT: b.natT } };
  const t1 = tunnel(s, "R1");
  const t2 = tunnel(s, "R2");
  const r1 = s.node("R1").router.subsystem(ipsecSubsystem).install(t1, pairR1, { expiring: (k) => events.push(`R1 ${k}`) });
  const r2 = s.node("R2").router.subsystem(ipsecSubsystem).install(t2, pairR2, { expiring: (k) => events.push(`R2 ${k}`) });
  return { r1, r2, events };
}

function tunnel(s: Simulation, node: string): TunnelInterface {
  const t = s.node(node).router.stack.interface("Tunnel0");
  if (!(t instanceof TunnelInterface)) throw new Error("no Tunnel0");
  return t;
}

const drops = (s: Simulation, node: string, reason: string) => s.node(node).router.stack.interface("Ethernet0/0")!.counters.drops[reason as never] ?? 0;
const ipsecRow = (s: Simulation, node: string) => TABLES["ipsec-sa"].rows(s.node(node).router)[0];

/** ESP frames R1 sent (IPv4 protocol 50, or UDP 4500 with a non-zero first word). */
const espFrames = (frames: readonly Uint8Array[]) => frames.filter((f) => f[12] === 0x08 && f[13] === 0x00 && (f[23] === 50 || (f[23] === 17 && f[36] === 0x11 && f[37] === 0x94)));

describe("IPsec tunnel protection in the harness", () => {
  it.each<Suite>([
    { cipher: "aes-gcm-256", integ: "none", mode: "transport" },
    { cipher: "aes-gcm-128", integ: "none", mode: "transport" },
    { cipher: "aes-cbc-256", integ: "sha256-128", mode: "transport" },
    { cipher: "aes-cbc-128", integ: "sha1-96", mode: "transport" },
    { cipher: "null", integ: "sha512-256", mode: "transport" },
  ])("passes ping over GRE protected by ESP in transport mode ($cipher $integ)", async (suite) => {
    const { s, frames } = start("gre ip");
    installBoth(s, suite);
    expect(await s.exec("R1", "ping 172.16.0.2")).toContain("Success rate is 100 percent (5/5)");
    const esp = espFrames(frames.r1);
    expect(esp.length).toBeGreaterThanOrEqual(5);
    // No GRE (47) left the router in clear.
    expect(frames.r1.filter((f) => f[12] === 0x08 && f[13] === 0x00 && f[23] === 47)).toHaveLength(0);
    const row = ipsecRow(s, "R1");
    expect(row).toMatchObject({ interface: "Tunnel0", peer: "10.0.0.2", encaps: 5, decaps: 5, currentOutboundSpi: 0x1001, localIdent: "10.0.0.1/255.255.255.255/47/0" });
    expect(row.inbound[0]).toMatchObject({ spi: 0x2002, mode: "Transport", status: "ACTIVE(ACTIVE)" });
  });

  it("keeps a removed SA's keys in esp-keys for five minutes, so a capture across its life still decrypts", async () => {
    const { s } = start("gre ip");
    const { r1 } = installBoth(s, { cipher: "aes-gcm-256", integ: "none", mode: "transport" });
    const router = s.node("R1").router;
    const spis = () => TABLES["esp-keys"].rows(router).map((r) => r.spi);
    expect(spis()).toEqual(["0x00002002", "0x00001001"]);
    router.subsystem(ipsecSubsystem).remove(r1);
    expect(spis()).toEqual(["0x00002002", "0x00001001"]);
    s.advance(5 * 60_000 + 1000);
    expect(spis()).toEqual([]);
  });

  it("carries a packet as large as the tunnel's MTU, the ESP packet fragmented on the way and reassembled", async () => {
    const { s, frames } = start("gre ip");
    installBoth(s, { cipher: "aes-cbc-256", integ: "sha512-256", mode: "transport" });
    expect(await s.exec("R1", "ping 172.16.0.2 size 1476 repeat 2")).toContain("Success rate is 100 percent (2/2)");
    // 1476 + GRE 4 + ESP 8 + IV 16 + trailer and padding + ICV 32 + outer 20 > 1500: two fragments each.
    const esp = espFrames(frames.r1);
    expect(esp.length).toBe(4);
    expect(esp.map((f) => (f[20] & 0x20) !== 0)).toEqual([true, false, true, false]);
    expect(ipsecRow(s, "R2")).toMatchObject({ decaps: 2, recvErrors: 0 });
  });

  it("passes ping through a VTI (tunnel mode ipsec ipv4) in ESP tunnel mode", async () => {
    const { s, frames } = start("ipsec ipv4");
    installBoth(s, { cipher: "aes-gcm-256", integ: "none", mode: "tunnel" });
    expect(await s.exec("R1", "ping 172.16.0.2")).toContain("Success rate is 100 percent (5/5)");
    const esp = espFrames(frames.r1);
    expect(esp.length).toBe(5);
    // Outer IPv4 (20) + ESP (8) + IV (8) + inner IPv4 echo (100) + trailer (2) + ICV (16), padded to 4.
    expect(esp[0].length - 14).toBe(20 + 8 + 8 + 100 + 2 + 2 + 16);
    expect(ipsecRow(s, "R2")).toMatchObject({ localIdent: "0.0.0.0/0.0.0.0/0/0", decaps: 5, encaps: 5 });
    expect(ipsecRow(s, "R2").inbound[0].mode).toBe("Tunnel");
  });

  it("encapsulates in UDP 4500 with NAT-T (RFC 3948) and takes ESP-in-UDP back through receiveUdpEncapsulated", async () => {
    const { s, frames } = start("gre ip");
    // IKEv2's port-4500 socket (bound because a tunnel is protected) hands ESP-in-UDP to IPsec.
    installBoth(s, { cipher: "aes-cbc-256", integ: "sha1-96", mode: "transport", natT: true });
    expect(await s.exec("R1", "ping 172.16.0.2")).toContain("Success rate is 100 percent (5/5)");
    const udp = frames.r1.filter((f) => f[23] === 17 && f[36] === 0x11 && f[37] === 0x94);
    expect(udp.length).toBe(5);
    expect([udp[0][34], udp[0][35], udp[0][40], udp[0][41]]).toEqual([0x11, 0x94, 0, 0]); // from 4500, checksum zero
    expect(frames.r1.filter((f) => f[23] === 50)).toHaveLength(0);
    expect(ipsecRow(s, "R1")).toMatchObject({ peerPort: 4500 });
    expect(ipsecRow(s, "R1").outbound[0].udpEncaps).toBe(true);
  });

  it("follows the peer to the port its NAT moved it to, once authenticated ESP-in-UDP comes from there", async () => {
    const { s } = start("gre ip");
    // R1 sits behind a NAT that maps its 4500 to 4501: here R1 simply sends from 4501.
    const r1 = s.node("R1").router;
    const ipsec1 = r1.subsystem(ipsecSubsystem);
    const bound = r1.stack.udp.bind({ vrf: r1.stack.globalVrf, port: 4501 }, (d) => {
      ipsec1.receiveUdpEncapsulated(d.inInterface, new Uint8Array(d.payload.buffer), d.payload.byteOffset, d.payload.byteOffset + d.payload.length, d.src, d.srcPort, d.dst, d.dstPort);
    });
    expect(typeof bound).not.toBe("string");
    const suite: Suite = { cipher: "aes-gcm-256", integ: "none", mode: "transport", natT: true };
    const a = { ...params(0x1001, "R1", suite.cipher, suite.integ, suite.mode, true, 1), natT: { localPort: 4501, remotePort: 4500 } };
    const b = params(0x2002, "R2", suite.cipher, suite.integ, suite.mode, true, 2);
    ipsec1.install(tunnel(s, "R1"), { outbound: a, inbound: { ...b, local: a.local, remote: a.remote, natT: a.natT } }, { expiring: () => {} });
    s.node("R2").router.subsystem(ipsecSubsystem).install(tunnel(s, "R2"), { outbound: b, inbound: { ...a, local: b.local, remote: b.remote, natT: b.natT } }, { expiring: () => {} });
    expect(ipsecRow(s, "R2")).toMatchObject({ peer: "10.0.0.1", peerPort: 4500 });
    expect(await s.exec("R1", "ping 172.16.0.2")).toContain("Success rate is 100 percent (5/5)");
    expect(ipsecRow(s, "R2")).toMatchObject({ peer: "10.0.0.1", peerPort: 4501, decaps: 5, encaps: 5 });
  });

  it("picks each peer's SA on a multipoint tunnel and shows one block per peer", async () => {
    const spoke = (n: number) => `hostname S${n}
interface Ethernet0/0
 ip address 10.0.0.${n} 255.255.255.0
 no shutdown
interface Tunnel0
 ip address 172.16.0.${n} 255.255.255.0
 tunnel source Ethernet0/0
 tunnel destination 10.0.0.1
 tunnel protection ipsec profile default
`;
    const hub = `hostname HUB
interface Ethernet0/0
 ip address 10.0.0.1 255.255.255.0
 no shutdown
interface Tunnel0
 ip address 172.16.0.1 255.255.255.0
 tunnel source Ethernet0/0
 tunnel mode gre multipoint
 tunnel protection ipsec profile default
`;
    const s = (sim = new Simulation({
      nodes: { HUB: hub, S2: spoke(2), S3: spoke(3) },
      links: [[{ node: "HUB", iface: "Ethernet0/0" }, { node: "S2", iface: "Ethernet0/0" }, { node: "S3", iface: "Ethernet0/0" }]],
    }));
    s.settle();
    const hubTunnel = tunnel(s, "HUB");
    // NHRP's part, which this push does not have: tunnel next hop 172.16.0.N is NBMA 10.0.0.N.
    hubTunnel.nbma = { resolve: (_t, nextHop) => ((nextHop & 0xff) === 1 ? undefined : ((0x0a000000 | (nextHop & 0xff)) as Ipv4)) };
    const suite: Suite = { cipher: "aes-gcm-256", integ: "none", mode: "transport" };
    for (const n of [2, 3]) {
      const h = { ...params(0x1000 + n, "R1", suite.cipher, suite.integ, suite.mode, false, n), local: ip("10.0.0.1"), remote: ip(`10.0.0.${n}`) };
      const sp = { ...params(0x2000 + n, "R2", suite.cipher, suite.integ, suite.mode, false, n + 10), local: ip(`10.0.0.${n}`), remote: ip("10.0.0.1") };
      s.node("HUB").router.subsystem(ipsecSubsystem).install(hubTunnel, { outbound: h, inbound: { ...sp, local: h.local, remote: h.remote } }, { expiring: () => {} });
      s.node(`S${n}`).router.subsystem(ipsecSubsystem).install(tunnel(s, `S${n}`), { outbound: sp, inbound: { ...h, local: sp.local, remote: sp.remote } }, { expiring: () => {} });
    }
    expect(await s.exec("HUB", "ping 172.16.0.2")).toContain("(5/5)");
    expect(await s.exec("HUB", "ping 172.16.0.3 repeat 3")).toContain("(3/3)");
    const rows = TABLES["ipsec-sa"].rows(s.node("HUB").router);
    expect(rows.map((r) => [r.interface, r.peer, r.encaps, r.decaps, r.currentOutboundSpi])).toEqual([
      ["Tunnel0", "10.0.0.2", 5, 5, 0x1002],
      ["Tunnel0", "10.0.0.3", 3, 3, 0x1003],
    ]);
    expect(await s.exec("HUB", "show crypto ipsec sa peer 10.0.0.3")).toContain("current_peer 10.0.0.3 port 500");
  });

  it("drops what is routed into a protected tunnel before it has an SA, as IOS does", async () => {
    const { s, frames } = start("gre ip");
    expect(await s.exec("R1", "ping 172.16.0.2 repeat 3")).toContain("Success rate is 0 percent (0/3)");
    expect(tunnel(s, "R1").counters.drops["ipsec-no-sa"]).toBe(3);
    expect(espFrames(frames.r1)).toHaveLength(0);
  });

  it("counts and drops a replayed packet, a tampered ICV and an unknown SPI", async () => {
    const { s, frames } = start("gre ip");
    installBoth(s, { cipher: "aes-gcm-256", integ: "none", mode: "transport" });
    expect(await s.exec("R1", "ping 172.16.0.2 repeat 1")).toContain("(1/1)");
    const sent = espFrames(frames.r1)[0];
    const inject = (frame: Uint8Array) => frames.port!.send(frame);
    inject(sent.slice()); // replayed
    const tampered = sent.slice();
    tampered[tampered.length - 1] ^= 0x01;
    tampered[41] += 1; // a fresh sequence number, so the ICV is what fails
    inject(tampered);
    const unknown = sent.slice();
    unknown[37] ^= 0x40; // SPI
    inject(unknown);
    s.advance(10); // delivers the frames (settle would run on to the SA lifetime timers)
    expect(drops(s, "R2", "esp-replay")).toBe(1);
    expect(drops(s, "R2", "esp-auth-failed")).toBe(1);
    expect(drops(s, "R2", "esp-unknown-spi")).toBe(1);
    expect(ipsecRow(s, "R2")).toMatchObject({ decaps: 1, recvErrors: 2, replayFailures: 1, verifyFailures: 1 });
    const crypto = s.node("R2").log.map((l) => l.text).filter((t) => t.startsWith("%CRYPTO"));
    expect(crypto).toEqual([
      "%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id=2001, sequence number=1",
      "%CRYPTO-4-RECVD_PKT_MAC_ERR: decrypt: mac verify failed for connection id=2001 sequence number=2",
      "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=10.0.0.2, prot=50, spi=0x1041(4161), srcaddr=10.0.0.1, input interface=Ethernet0/0",
    ]);
    inject(sent.slice()); // a second replay within the minute is counted, not logged again
    s.advance(10); // delivers the frames (settle would run on to the SA lifetime timers)
    expect(drops(s, "R2", "esp-replay")).toBe(2);
    expect(s.node("R2").log.filter((l) => l.text.includes("PKT_REPLAY_ERR"))).toHaveLength(1);
  });

  it("rekeys make-before-break without losing a ping", async () => {
    const { s, frames } = start("gre ip");
    const suite: Suite = { cipher: "aes-gcm-256", integ: "none", mode: "transport" };
    const old = installBoth(s, suite);
    const ipsec1 = s.node("R1").router.subsystem(ipsecSubsystem);
    const ipsec2 = s.node("R2").router.subsystem(ipsecSubsystem);
    // After R1's 10th ESP packet the new pair arrives on both sides; the old one goes after the 15th.
    let sent = 0;
    frames.port!.addTap((frame, dir) => {
      if (dir !== "tx" || espFrames([frame]).length === 0) return;
      sent++;
      if (sent === 10) s.clock.defer(() => installBoth(s, suite, 0x3003, 0x4004, 9));
      if (sent === 15) {
        s.clock.defer(() => {
          ipsec1.remove(old.r1);
          ipsec2.remove(old.r2);
        });
      }
    });
    expect(await s.exec("R1", "ping 172.16.0.2 repeat 20")).toContain("Success rate is 100 percent (20/20)");
    const row = ipsecRow(s, "R1");
    expect(row.currentOutboundSpi).toBe(0x3003);
    expect(row.inbound.map((sa) => sa.spi)).toEqual([0x4004]);
    expect(row.encaps).toBe(20);
    const spis = espFrames(frames.r1).map((f) => (f[34] << 24) | (f[35] << 16) | (f[36] << 8) | f[37]);
    expect(spis.filter((spi) => spi === 0x1001)).toHaveLength(10);
    expect(spis.filter((spi) => spi === 0x3003)).toHaveLength(10);
  });

  it("warns at 90% of the lifetime and removes the SA at 100%", () => {
    const { s } = start("gre ip");
    const { events } = installBoth(s, { cipher: "aes-gcm-128", integ: "none", mode: "transport" });
    s.advance(3600 * 900 - 1);
    expect(events).toEqual([]);
    s.advance(1);
    expect(events).toEqual(["R1 soft", "R2 soft"]);
    s.advance(3600 * 100);
    expect(events).toEqual(["R1 soft", "R2 soft", "R1 hard", "R2 hard"]);
    expect(ipsecRow(s, "R1").inbound).toEqual([]);
  });

  it("asks for a rekey at 90% of the kilobyte lifetime and drops the SA at 100%", async () => {
    const { s } = start("gre ip");
    const suite: Suite = { cipher: "aes-gcm-128", integ: "none", mode: "transport" };
    const small = (p: EspSaParams): EspSaParams => ({ ...p, lifetimeKilobytes: 1 });
    const a = params(0x1001, "R1", suite.cipher, suite.integ, suite.mode, false, 1);
    const b = params(0x2002, "R2", suite.cipher, suite.integ, suite.mode, false, 2);
    const events: string[] = [];
    s.node("R1").router.subsystem(ipsecSubsystem).install(tunnel(s, "R1"), { outbound: small(a), inbound: small({ ...b, local: a.local, remote: a.remote }) }, { expiring: (k) => events.push(k) });
    s.node("R2").router.subsystem(ipsecSubsystem).install(tunnel(s, "R2"), { outbound: b, inbound: { ...a, local: b.local, remote: b.remote } }, { expiring: () => {} });
    // Each echo is 100 bytes of IPv4 in 4 bytes of GRE: the ninth passes 90% of 1024 bytes,
    // the tenth 100%, so the pair goes as that request leaves and its reply finds no SA.
    expect(await s.exec("R1", "ping 172.16.0.2 repeat 8")).toContain("(8/8)");
    expect(events).toEqual([]);
    expect(await s.exec("R1", "ping 172.16.0.2 repeat 1")).toContain("(1/1)");
    expect(events).toEqual(["soft"]);
    expect(await s.exec("R1", "ping 172.16.0.2 repeat 1")).toContain("(0/1)");
    expect(events).toEqual(["soft", "hard"]);
    expect(drops(s, "R1", "esp-unknown-spi")).toBe(1);
    expect(await s.exec("R1", "ping 172.16.0.2 repeat 1")).toContain("(0/1)");
    expect(tunnel(s, "R1").counters.drops["ipsec-no-sa"]).toBe(1);
  });

  it("tells debug crypto ipsec about SAs created, expiring and deleted", async () => {
    const { s } = start("gre ip");
    await s.exec("R1", "debug crypto ipsec");
    const { r1 } = installBoth(s, { cipher: "aes-cbc-256", integ: "sha1-96", mode: "transport" });
    s.node("R1").router.subsystem(ipsecSubsystem).remove(r1);
    const lines = s.node("R1").log.map((l) => l.text).filter((t) => t.includes("IPSEC("));
    expect(lines).toEqual([
      "IPSEC(create_sa): sa created, (sa) sa_dest= 10.0.0.1, sa_proto= 50, sa_spi= 0x2002(8194), sa_trans= esp-256-aes esp-sha-hmac , sa_conn_id= 2001, sa_lifetime(k/sec)= (4608000/3600)",
      "IPSEC(create_sa): sa created, (sa) sa_dest= 10.0.0.2, sa_proto= 50, sa_spi= 0x1001(4097), sa_trans= esp-256-aes esp-sha-hmac , sa_conn_id= 2002, sa_lifetime(k/sec)= (4608000/3600)",
      "IPSEC(delete_sa): deleting SA, (sa) sa_dest= 10.0.0.1, sa_proto= 50, sa_spi= 0x2002(8194), sa_trans= esp-256-aes esp-sha-hmac , sa_conn_id= 2001, sa_lifetime(k/sec)= (4608000/3600)",
      "IPSEC(delete_sa): deleting SA, (sa) sa_dest= 10.0.0.2, sa_proto= 50, sa_spi= 0x1001(4097), sa_trans= esp-256-aes esp-sha-hmac , sa_conn_id= 2002, sa_lifetime(k/sec)= (4608000/3600)",
    ]);
  });

  it("shows the SAs in IOS's layout", async () => {
    const { s } = start("gre ip");
    installBoth(s, { cipher: "aes-gcm-256", integ: "none", mode: "transport" });
    await s.exec("R1", "ping 172.16.0.2");
    s.advance(13_000);
    const text = await s.exec("R1", "show crypto ipsec sa");
    expect(text).toContain(`interface: Tunnel0
    Crypto map tag: Tunnel0-head-0, local addr 10.0.0.1

   protected vrf: (none)
   local  ident (addr/mask/prot/port): (10.0.0.1/255.255.255.255/47/0)
   remote ident (addr/mask/prot/port): (10.0.0.2/255.255.255.255/47/0)
   current_peer 10.0.0.2 port 500
     PERMIT, flags={origin_is_acl,}
    #pkts encaps: 5, #pkts encrypt: 5, #pkts digest: 5
    #pkts decaps: 5, #pkts decrypt: 5, #pkts verify: 5
`);
    expect(text).toContain(`     local crypto endpt.: 10.0.0.1, remote crypto endpt.: 10.0.0.2
     plaintext mtu 1466, path mtu 1500, ip mtu 1500, ip mtu idb Ethernet0/0
     current outbound spi: 0x1001(4097)
     PFS (Y/N): N, DH group: none

     inbound esp sas:
      spi: 0x2002(8194)
        transform: esp-gcm 256 ,
        in use settings ={Transport, }
        conn id: 2001, flow_id: SW:1, sibling_flags 80004000, crypto map: Tunnel0-head-0
        sa timing: remaining key lifetime (k/sec): (4607999/3587)
        IV size: 8 bytes
        replay detection support: Y
        Status: ACTIVE(ACTIVE)

     inbound ah sas:
`);
    expect(await s.exec("R1", "show crypto ipsec sa peer 10.0.0.9")).toBe("");
    expect(await s.exec("R1", "show crypto ipsec sa interface Tunnel0")).toContain("interface: Tunnel0");
  });
});

describe(HAS_TSHARK ? "tshark decrypts captured ESP with the exported esp_sa keys" : "tshark decrypts captured ESP with the exported esp_sa keys (skipped: tshark not installed)", () => {
  let dir: string | undefined; // made on first use, so a skipped run leaves nothing behind
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!HAS_TSHARK).each<Suite>([
    { cipher: "aes-gcm-256", integ: "none", mode: "transport" },
    { cipher: "aes-cbc-128", integ: "sha256-128", mode: "transport" },
    { cipher: "aes-cbc-256", integ: "sha1-96", mode: "tunnel" },
    { cipher: "null", integ: "sha384-192", mode: "transport" },
  ])("sees the pings inside $cipher $integ in $mode mode, ICVs good", async (suite) => {
    const { s, frames } = start(suite.mode === "tunnel" ? "ipsec ipv4" : "gre ip");
    installBoth(s, suite);
    expect(await s.exec("R1", "ping 172.16.0.2")).toContain("(5/5)");
    dir ??= mkdtempSync(join(tmpdir(), "flexlab-esp-"));
    const file = join(dir, `${suite.cipher}-${suite.integ}.pcap`);
    writeFileSync(file, writePcap(frames.wire));
    const keys = s.node("R1").router.subsystem(ipsecSubsystem).wiresharkEspSa();
    expect(keys.split("\n").filter((l) => l !== "")).toHaveLength(2);
    const uat = keys.split("\n").filter((l) => l !== "").flatMap((line) => ["-o", `uat:esp_sa:${line}`]);
    const out = runTshark([
      "-r", file,
      "-o", "esp.enable_encryption_decode:TRUE",
      "-o", "esp.enable_authentication_check:TRUE",
      ...uat,
      "-Y", "esp",
      "-T", "fields", "-E", "separator=|",
      "-e", "esp.spi", "-e", "esp.sequence", "-e", "icmp.type", "-e", "esp.icv_good",
    ]);
    const rows = out.split("\n").filter((l) => l !== "").map((l) => l.split("|"));
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r[2])).toEqual(["8", "0", "8", "0", "8", "0", "8", "0", "8", "0"]);
    expect(rows.map((r) => r[3])).toEqual(Array(10).fill("1")); // the ICV Wireshark computed matches
    expect(rows.slice(0, 2).map((r) => [Number(r[0]), Number(r[1])])).toEqual([
      [0x1001, 1],
      [0x2002, 1],
    ]);
  });
});
