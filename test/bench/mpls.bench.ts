// The MFI's data path (issue 10, MPLS data path). `mpls.lfib.lookup`: local labels looked up
// in an LFIB of 10,000 entries (the array indexed by label). `mpls.vpn-forward-64B`: 64-byte
// Ethernet frames (14-byte header, one 4-byte VPN label, 46-byte IPv4/UDP packet) arrive at a
// PE's core-facing Ethernet0/0; the LFIB disposes them into VRF A, whose FIB sends them out of
// Ethernet0/1 to a CE — one PE's share of the VPN forwarding path (target ≥ 1 M packets/s).
// `mpls.vpn-impose-64B`: the other way, 64-byte IPv4 frames from the CE into VRF A, whose
// route to the remote site pushes the remote PE's VPN label under a transport label and sends
// them out of Ethernet0/0 (68 bytes on the wire).
import { VirtualClock } from "../../core/router/clock/virtual";
import { memoryPair } from "../../core/router/io/memory";
import { MplsForwarding, type NetLfib } from "../../core/router/net/mpls-forward";
import type { Interface } from "../../core/router/net/interface";
import { NetStack } from "../../core/router/net/stack";
import type { Vrf } from "../../core/router/net/vrf";
import { Lfib } from "../../core/router/mpls/lfib";
import { IpRouting } from "../../core/router/routing/ip-routing";
import { ipv4, parsePrefix, writeMac, type Mac } from "../../core/router/wire/addr";
import { EtherType, ethernetType } from "../../core/router/wire/ethernet";
import { MPLS_ENTRY_LENGTH, mplsBottom, mplsLabel, writeMplsEntry, type Label } from "../../core/router/wire/mpls";
import type { Nic } from "../../core/router/io/nic";
import { opsPerSecond, type Benchmark } from "./bench";
import { BATCH, addr, countIpv4, sendRate, writeUdpPacket } from "./forwarding";

const PE_CORE_MAC = 0xaabbcc000100 as Mac;
const PE_VRF_MAC = 0xaabbcc000110 as Mac;
const P_MAC = 0x020000000001 as Mac;
const CE_MAC = 0x020000000002 as Mac;
const FRAME_BYTES = 64;
const VPN_LABEL = 16 as Label;

/** The PE: Ethernet0/0 10.0.0.1/24 toward the core on `core`, Ethernet0/1 192.168.1.1/24 in
 * VRF A toward the CE on `customer`. */
function providerEdge(clock: VirtualClock, core: Nic, customer: Nic) {
  const stack = new NetStack({ clock });
  const routing = new IpRouting(stack);
  const vrfA = stack.addVrf("A");
  const e0 = stack.addEthernet("Ethernet0/0", core, { mac: PE_CORE_MAC, adminUp: true });
  const e1 = stack.addEthernet("Ethernet0/1", customer, { mac: PE_VRF_MAC, adminUp: true });
  stack.setInterfaceVrf(e1, "A");
  e0.setAddress(addr("10.0.0.1"), 24);
  e1.setAddress(addr("192.168.1.1"), 24);
  return { stack, routing, vrfA, e0, e1 };
}

/** A test frame's Ethernet header, the rest zero. */
function ethernetFrame(dst: Mac, src: Mac, etherType: number): Uint8Array {
  const f = new Uint8Array(FRAME_BYTES);
  writeMac(f, 0, dst);
  writeMac(f, 6, src);
  f[12] = etherType >>> 8;
  f[13] = etherType & 0xff;
  return f;
}

/** Ethernet from the CE to the PE's VRF interface, IPv4 from 192.168.1.2 to 192.168.2.9 (TTL 64), UDP. */
function customerFrame(): Uint8Array {
  const f = ethernetFrame(PE_VRF_MAC, CE_MAC, EtherType.Ipv4);
  writeUdpPacket(f, 14, addr("192.168.1.2"), addr("192.168.2.9"));
  return f;
}

/** Counts the frames `sink` receives with two labels, the outer one `transport`. */
function countLabelled(sink: Nic, transport: Label): () => number {
  let count = 0;
  sink.onReceive((f) => {
    const labelled = ethernetType(f, 0) === EtherType.MplsUnicast;
    if (labelled && mplsLabel(f, 14) === transport && !mplsBottom(f, 14) && mplsBottom(f, 14 + MPLS_ENTRY_LENGTH)) count++;
  });
  return () => count;
}

/** Ethernet to the PE, label 16 (S=1, TTL 64), IPv4 from 10.9.9.9 to 192.168.1.2 (TTL 64), UDP. */
function labelledFrame(): Uint8Array {
  const f = ethernetFrame(PE_CORE_MAC, P_MAC, EtherType.MplsUnicast);
  writeMplsEntry(f, 14, VPN_LABEL, 0, true, 64);
  writeUdpPacket(f, 18, addr("10.9.9.9"), addr("192.168.1.2"));
  return f;
}

const benchmarks: Benchmark[] = [
  {
    name: "mpls.lfib.lookup",
    run() {
      const vrf = { name: "A" };
      const lfib = new Lfib<{ name: string }, { name: string }>();
      const prefix = parsePrefix("192.168.1.0/24");
      for (let l = 16; l < 10_016; l++) lfib.set(l as Label, prefix, { kind: "vrf-lookup", vrf, aggregate: false });
      const labels = new Uint32Array(4096);
      let seed = 1;
      for (let i = 0; i < labels.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        labels[i] = 16 + (seed % 10_000);
      }
      let found = 0;
      const rate = opsPerSecond((n) => {
        for (let i = 0; i < n; i++) if (lfib.lookup(labels[i & 4095]) !== undefined) found++;
      });
      if (found === 0) throw new Error("no label found");
      return { name: "mpls.lfib.lookup", value: rate, unit: "lookups/s" };
    },
  },
  {
    name: "mpls.vpn-forward-64B",
    run() {
      const clock = new VirtualClock();
      const [p, peCore] = memoryPair({ clock, queueFrames: 4 * BATCH });
      const [peVrf, ce] = memoryPair({ clock, queueFrames: 4 * BATCH });
      const delivered = countIpv4(ce);
      p.onReceive(() => {});
      const { stack, vrfA, e1 } = providerEdge(clock, peCore, peVrf);
      const lfib: NetLfib = new Lfib<Vrf, Interface>();
      const mpls = new MplsForwarding(lfib, stack.forwarding, stack.icmp);
      stack.registerEtherType(EtherType.MplsUnicast, mpls.receive);
      e1.arp.addStatic(addr("192.168.1.2"), CE_MAC);
      lfib.set(VPN_LABEL, parsePrefix("192.168.1.0/24"), { kind: "vrf-lookup", vrf: vrfA, aggregate: false });
      clock.settle(1000);
      const frame = labelledFrame();
      const { rate, sent } = sendRate(clock, p, frame);
      if (delivered() !== sent) throw new Error(`sent ${sent} labelled frames, ${delivered()} came out of VRF A`);
      return { name: "mpls.vpn-forward-64B", value: rate, unit: "packets/s" };
    },
  },
  {
    name: "mpls.vpn-impose-64B",
    run() {
      const clock = new VirtualClock();
      const [peCore, p] = memoryPair({ clock, queueFrames: 4 * BATCH });
      const [ce, peVrf] = memoryPair({ clock, queueFrames: 4 * BATCH });
      const TRANSPORT = 100 as Label;
      const delivered = countLabelled(p, TRANSPORT);
      const { routing, e0 } = providerEdge(clock, peCore, peVrf);
      e0.arp.addStatic(addr("10.0.0.2"), P_MAC);
      // The remote PE's loopback by the IGP with its transport label, and the remote site by
      // VPNv4 through it with the VPN label.
      routing.rib.upsert(undefined, { prefix: { addr: ipv4(10, 255, 0, 2), len: 32 }, protocol: "ospf", distance: 110, metric: 10, nextHops: [{ address: addr("10.0.0.2"), interface: "Ethernet0/0", labels: [TRANSPORT] }] });
      routing.rib.upsert("A", { prefix: { addr: ipv4(192, 168, 2, 0), len: 24 }, protocol: "bgp", distance: 200, metric: 0, nextHops: [{ address: ipv4(10, 255, 0, 2), resolveInVrf: "", labels: [VPN_LABEL] }] });
      clock.settle(1000);
      const frame = customerFrame();
      const { rate, sent } = sendRate(clock, ce, frame);
      if (delivered() !== sent) throw new Error(`sent ${sent} customer frames, ${delivered()} left labelled toward the core`);
      return { name: "mpls.vpn-impose-64B", value: rate, unit: "packets/s" };
    },
  },
];
export default benchmarks;
