// The MFI's data path on a router in the harness: labelled packets sent by a neighbour over
// Ethernet and over a GRE tunnel are switched by the PE's LFIB — disposed into the right one of
// two VRFs holding the same prefix, swapped or popped toward an adjacency, or counted as drops.
import { afterEach, describe, expect, it } from "vitest";
import { HEADROOM_BYTES, allocatePacket } from "../net/headroom";
import type { IcmpErrorReport } from "../net/icmp";
import type { Interface } from "../net/interface";
import { TABLES } from "../node/tables";
import { mplsSubsystem } from "../routing/mpls-subsystem";
import { parseIpv4, parsePrefix, type Ipv4 } from "../wire/addr";
import { EtherType } from "../wire/ethernet";
import { buildIcmp } from "../wire/icmp";
import { buildIpv4 } from "../wire/ipv4";
import { buildMpls, type Label } from "../wire/mpls";
import { buildUdp } from "../wire/udp";
import { TapNic } from "../io/tap";
import { decodePacket, summarizePacket } from "../wire/decode";
import { LinkType } from "../wire/pcap";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const ip = (t: string): Ipv4 => parseIpv4(t)!;
const L = (n: number) => n as Label;

const PE = `hostname PE
vrf definition A
 rd 1:1
 address-family ipv4
 exit-address-family
vrf definition B
 rd 2:2
 address-family ipv4
 exit-address-family
interface Ethernet0/0
 ip address 10.0.0.1 255.255.255.0
interface Ethernet0/1
 vrf forwarding A
 ip address 192.168.1.1 255.255.255.0
interface Ethernet0/2
 vrf forwarding B
 ip address 192.168.1.1 255.255.255.0
interface Tunnel0
 ip address 172.16.0.1 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.0.2
`;
const P = `hostname P
interface Ethernet0/0
 ip address 10.0.0.2 255.255.255.0
interface Tunnel0
 ip address 172.16.0.2 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.0.1
`;
const CE = (n: string) => `hostname ${n}\ninterface Ethernet0/0\n ip address 192.168.1.2 255.255.255.0\n`;

/** The topology settled, its two VPN labels disposed; `cea` hears every frame CEA's port receives. */
function start(cea?: (frame: Uint8Array) => void): Simulation {
  sim = new Simulation({
    port: (node, _iface, nic) => {
      if (node !== "CEA" || cea === undefined) return nic;
      const tap = new TapNic(nic);
      tap.addTap((frame, direction) => {
        if (direction === "rx") cea(frame.slice());
      });
      return tap;
    },
    nodes: { PE, P, CEA: CE("CEA"), CEB: CE("CEB") },
    links: [
      [{ node: "P", iface: "Ethernet0/0" }, { node: "PE", iface: "Ethernet0/0" }],
      [{ node: "PE", iface: "Ethernet0/1" }, { node: "CEA", iface: "Ethernet0/0" }],
      [{ node: "PE", iface: "Ethernet0/2" }, { node: "CEB", iface: "Ethernet0/0" }],
    ],
  });
  sim.settle();
  const mfi = sim.node("PE").router.subsystem(mplsSubsystem);
  const net = parsePrefix("192.168.1.0/24");
  expect(mfi.dispose(L(16), "A", net, false)).toBeUndefined();
  expect(mfi.dispose(L(17), "B", net, false)).toBeUndefined();
  return sim;
}

/** A UDP datagram to 192.168.1.2 under `labels` (outermost first), sent by P out of `via`. */
function sendLabelled(s: Simulation, via: string, labels: readonly number[], options: { mplsTtl?: number; packet?: Uint8Array } = {}): void {
  const p = s.node("P").router;
  const udp = buildUdp({ srcPort: 40000, dstPort: 9, payloadLength: 16 }, new Uint8Array(16), ip("10.9.9.9"), ip("192.168.1.2"));
  const packet =
    options.packet ??
    buildIpv4({ dscp: 0, ecn: 0, identification: 7, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: 17, src: ip("10.9.9.9"), dst: ip("192.168.1.2"), payloadLength: udp.length }, udp);
  const ttl = options.mplsTtl ?? 255;
  const labelled = buildMpls({ stack: labels.map((label, i) => ({ label: L(label), tc: 0, bottom: i === labels.length - 1, ttl })) }, packet);
  const buf = allocatePacket(labelled.length);
  buf.set(labelled, HEADROOM_BYTES);
  const out: Interface = p.stack.interface(via)!;
  out.transmit(buf, HEADROOM_BYTES, HEADROOM_BYTES + labelled.length, via === "Tunnel0" ? ip("172.16.0.1") : ip("10.0.0.1"), EtherType.MplsUnicast);
  s.settle();
}

const received = (s: Simulation, node: string) => s.node(node).router.stack.interface("Ethernet0/0")!.counters.inPackets;
const drops = (s: Simulation, node: string, reason: string) => (s.node(node).router.stack.interface("Ethernet0/0")!.counters.drops as Record<string, number>)[reason] ?? 0;

describe("MPLS data path", () => {
  it("disposes a per-prefix VPN label into its own VRF when two VRFs hold the same prefix", async () => {
    const s = start();
    const a = received(s, "CEA");
    const b = received(s, "CEB");
    sendLabelled(s, "Ethernet0/0", [16]);
    expect(received(s, "CEA")).toBe(a + 1);
    expect(received(s, "CEB")).toBe(b);
    sendLabelled(s, "Ethernet0/0", [17]);
    sendLabelled(s, "Ethernet0/0", [17]);
    expect(received(s, "CEA")).toBe(a + 1);
    expect(received(s, "CEB")).toBe(b + 2);

    const out = await s.exec("PE", "show mpls forwarding-table");
    // 4 bytes of label + 20 of IPv4 + 24 of UDP each.
    expect(out).toMatch(/^16 {9}No Label   192\.168\.1\.0\/24\[V\]   \\\n {39}48 {12}Et0\/1$/m);
    expect(out).toMatch(/^17 {9}No Label   192\.168\.1\.0\/24\[V\]   \\\n {39}96 {12}Et0\/2$/m);
    const rows = TABLES["mpls-forwarding"].rows(s.node("PE").router, { vrf: "B" });
    expect(rows).toEqual([expect.objectContaining({ localLabel: 17, vrf: "B", prefix: "192.168.1.0/24", bytesSwitched: 96, interface: "Ethernet0/2" })]);
    expect(await s.exec("PE", "show mpls forwarding-table vrf B detail")).toContain("        VPN route: B\n        No output feature configured");
    expect(await s.exec("PE", "show mpls forwarding-table vrf C")).toBe("% VRF C does not exist\n");
  });

  it("disposes labelled packets that arrive over a GRE tunnel (protocol 0x8847)", () => {
    const s = start();
    const a = received(s, "CEA");
    sendLabelled(s, "Tunnel0", [16]);
    expect(received(s, "CEA")).toBe(a + 1);
  });

  it("delivers a packet for the PE's own VRF address in that VRF: the echo reply goes out of VRF B", () => {
    const s = start();
    const icmp = buildIcmp({ kind: "echo-request", identifier: 1, sequenceNumber: 1, payloadLength: 8 }, new Uint8Array(8));
    const echo = buildIpv4({ dscp: 0, ecn: 0, identification: 9, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: 1, src: ip("192.168.1.2"), dst: ip("192.168.1.1"), payloadLength: icmp.length }, icmp);
    const a = received(s, "CEA");
    const b = received(s, "CEB");
    sendLabelled(s, "Ethernet0/0", [17], { packet: echo });
    expect(received(s, "CEB")).toBe(b + 1);
    expect(received(s, "CEA")).toBe(a);
  });

  it("pops an aggregate label and looks the packet up in the VRF", () => {
    const s = start();
    s.node("PE").router.subsystem(mplsSubsystem).dispose(L(18), "A", undefined, true);
    const a = received(s, "CEA");
    sendLabelled(s, "Ethernet0/0", [18]);
    expect(received(s, "CEA")).toBe(a + 1);
  });

  it("swaps a transit label toward its adjacency, and pops where the downstream asked for implicit null", async () => {
    const s = start();
    const pe = s.node("PE").router;
    const mfi = pe.subsystem(mplsSubsystem);
    mfi.swap(L(20), parsePrefix("192.168.1.2/32"), pe.stack.interface("Ethernet0/1")!, ip("192.168.1.2"), L(30));
    mfi.pop(L(21), parsePrefix("192.168.1.2/32"), pe.stack.interface("Ethernet0/2")!, ip("192.168.1.2"));
    // CEA disposes label 30 into its global table: it arrives there swapped.
    const cea = s.node("CEA").router.subsystem(mplsSubsystem);
    cea.dispose(L(30), "", undefined, true);
    const a = received(s, "CEA");
    sendLabelled(s, "Ethernet0/0", [20]);
    expect(cea.lfib.lookup(30)?.packets).toBe(1);
    expect(received(s, "CEA")).toBe(a + 1);
    const b = received(s, "CEB");
    sendLabelled(s, "Ethernet0/0", [21]);
    expect(received(s, "CEB")).toBe(b + 1);
    const out = await s.exec("PE", "show mpls forwarding-table");
    expect(out).toMatch(/^20 {9}30 {9}192\.168\.1\.2\/32 {3}48 {12}Et0\/1 {6}192\.168\.1\.2$/m);
    expect(out).toMatch(/^21 {9}Pop Label  192\.168\.1\.2\/32 {3}48 {12}Et0\/2 {6}192\.168\.1\.2$/m);
  });

  it("swaps a VRF prefix's label under a transport label (Carrier Supporting Carrier) and shows it with the VRF", async () => {
    const s = start();
    const pe = s.node("PE").router;
    const mfi = pe.subsystem(mplsSubsystem);
    expect(mfi.swap(L(22), parsePrefix("10.9.9.0/24"), pe.stack.interface("Ethernet0/1")!, ip("192.168.1.2"), L(30), "A", [L(40)])).toBeUndefined();
    expect(mfi.swap(L(23), undefined, pe.stack.interface("Ethernet0/1")!, ip("192.168.1.2"), L(30), "C")).toBe("% VRF C does not exist");
    // CEA pops 40, then switches on 30 underneath: both counted there.
    const cea = s.node("CEA").router.subsystem(mplsSubsystem);
    cea.dispose(L(40), "", undefined, true);
    cea.dispose(L(30), "", undefined, true);
    const a = received(s, "CEA");
    sendLabelled(s, "Ethernet0/0", [22], { mplsTtl: 9 });
    expect(received(s, "CEA")).toBe(a + 1);
    expect(cea.lfib.lookup(40)?.packets).toBe(1);
    expect(cea.lfib.lookup(30)?.packets).toBe(1);
    const out = await s.exec("PE", "show mpls forwarding-table vrf A detail");
    expect(out).toMatch(/^22 {9}30 {9}10\.9\.9\.0\/24\[V\] {3}48 {12}Et0\/1 {6}192\.168\.1\.2\n {8}MAC\/Encaps=14\/22, MRU=1496, Label Stack\{40 30\}\n {8}VPN route: A$/m);
    expect(await s.exec("PE", "show mpls forwarding-table vrf B")).not.toContain("10.9.9.0");
  });

  it("answers a transit label's expiring TTL with time exceeded and the label stack: a lone global label routed back, a deeper stack sent on along its LSP", () => {
    const atCea: Uint8Array[] = [];
    const s = start((f) => atCea.push(f));
    const pe = s.node("PE").router;
    pe.subsystem(mplsSubsystem).swap(L(20), undefined, pe.stack.interface("Ethernet0/1")!, ip("192.168.1.2"), L(30));
    const udp = buildUdp({ srcPort: 40000, dstPort: 33434, payloadLength: 8 }, new Uint8Array(8), ip("10.0.0.2"), ip("192.168.9.9"));
    const probe = buildIpv4({ dscp: 0, ecn: 0, identification: 5, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: 17, src: ip("10.0.0.2"), dst: ip("192.168.9.9"), payloadLength: udp.length }, udp);
    const reports: IcmpErrorReport[] = [];
    s.node("P").router.stack.icmp.onError((r) => reports.push(r));
    // One global label: PE routes the error straight back to the sender, from the interface the probe came in on.
    sendLabelled(s, "Ethernet0/0", [20], { mplsTtl: 1, packet: probe });
    expect(reports).toEqual([expect.objectContaining({ from: ip("10.0.0.1"), type: 11, quotedDst: ip("192.168.9.9"), mplsLabels: [{ label: 20, tc: 0, bottom: true, ttl: 1 }] })]);
    expect(drops(s, "PE", "mpls-ttl-expired")).toBe(1);
    // Two labels (a VPN label under it): the error goes on along the LSP, swapped like the probe, for the egress to route back.
    const switched = pe.subsystem(mplsSubsystem).lfib.lookup(20)!.packets;
    atCea.length = 0;
    sendLabelled(s, "Ethernet0/0", [20, 77], { mplsTtl: 1, packet: probe });
    expect(reports).toHaveLength(1);
    expect(pe.subsystem(mplsSubsystem).lfib.lookup(20)!.packets).toBe(switched + 1);
    expect(atCea.map((f) => summarizePacket(decodePacket(f, LinkType.Ethernet))).filter((l) => !l.includes("ARP"))).toEqual([
      "Ethernet / MPLS 30 77 / IPv4 / ICMP time exceeded in transit (IPv4 10.0.0.2 > 192.168.9.9 UDP, MPLS 20 77)",
    ]);
    expect(drops(s, "PE", "mpls-ttl-expired")).toBe(2);
  });

  it("counts unknown labels and a transit label's expiring TTL as drops on the incoming interface", () => {
    const s = start();
    const pe = s.node("PE").router;
    pe.subsystem(mplsSubsystem).swap(L(20), undefined, pe.stack.interface("Ethernet0/1")!, ip("192.168.1.2"), L(30));
    sendLabelled(s, "Ethernet0/0", [99]);
    sendLabelled(s, "Ethernet0/0", [20], { mplsTtl: 1 });
    expect(drops(s, "PE", "mpls-no-label")).toBe(1);
    expect(drops(s, "PE", "mpls-ttl-expired")).toBe(1);
    expect(pe.subsystem(mplsSubsystem).lfib.lookup(20)?.packets).toBe(0);
  });

  it("answers a disposed packet whose TTL runs out with time exceeded, routed back through its VRF", () => {
    const s = start();
    const udp = buildUdp({ srcPort: 40000, dstPort: 33434, payloadLength: 8 }, new Uint8Array(8), ip("192.168.1.2"), ip("192.168.9.9"));
    const probe = buildIpv4({ dscp: 0, ecn: 0, identification: 3, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: 17, src: ip("192.168.1.2"), dst: ip("192.168.9.9"), payloadLength: udp.length }, udp);
    const a = received(s, "CEA");
    const b = received(s, "CEB");
    const reports: IcmpErrorReport[] = [];
    s.node("CEB").router.stack.icmp.onError((r) => reports.push(r));
    // Uniform TTL: the label's TTL of 1 reaches the IP header, which expires here.
    sendLabelled(s, "Ethernet0/0", [17], { mplsTtl: 1, packet: probe });
    expect(received(s, "CEB")).toBe(b + 1);
    // From the interface the labelled probe came in on (IOS's choice: a VPN traceroute's hop
    // through a PE shows the PE's core address), routed back in VRF B, quoting the probe, with
    // the label it came under (RFC 4950).
    expect(reports).toEqual([expect.objectContaining({ from: ip("10.0.0.1"), type: 11, quotedDst: ip("192.168.9.9"), mplsLabels: [{ label: 17, tc: 0, bottom: true, ttl: 1 }] })]);
    expect(received(s, "CEA")).toBe(a);
    expect(drops(s, "PE", "ttl-expired")).toBe(1);
    // With TTL to spare it is simply unroutable in VRF B: unreachable, again toward CEB only.
    sendLabelled(s, "Ethernet0/0", [17], { mplsTtl: 64, packet: probe });
    expect(drops(s, "PE", "no-route")).toBe(1);
    expect(received(s, "CEA")).toBe(a);
  });

  it("looks the label below up when a disposition label is not the bottom of the stack", () => {
    const s = start();
    const b = received(s, "CEB");
    s.node("PE").router.subsystem(mplsSubsystem).dispose(L(19), "", undefined, true);
    sendLabelled(s, "Ethernet0/0", [19, 17]);
    expect(received(s, "CEB")).toBe(b + 1);
  });

  it("forgets the dispositions into a VRF that is removed", async () => {
    const s = start();
    await s.transcript("PE", ["configure terminal", "no vrf definition A", "end"]);
    const lfib = s.node("PE").router.subsystem(mplsSubsystem).lfib;
    expect(lfib.lookup(16)).toBeUndefined();
    expect(lfib.lookup(17)?.action.kind).toBe("vrf-lookup");
  });
});

describe("mpls label range", () => {
  it("moves allocation into the configured range, renders in running-config, and goes back with `no`", async () => {
    const s = start();
    const labels = s.node("PE").router.subsystem(mplsSubsystem).labels;
    await s.transcript("PE", ["configure terminal", "mpls label range 200 299", "end"]);
    expect(await s.exec("PE", "show running-config | include mpls label")).toBe("mpls label range 200 299\n");
    expect(labels.allocate("bgp", { kind: "aggregate", vrf: "A" })).toBe(200);
    expect(await s.transcript("PE", ["configure terminal", "mpls label range 300 299"])).toContain("% Label range invalid");
    await s.transcript("PE", ["no mpls label range", "end"]);
    expect(await s.exec("PE", "show running-config | include mpls label")).toBe("");
    expect(labels.allocate("bgp", { kind: "aggregate", vrf: "B" })).toBe(16);
  });
});
