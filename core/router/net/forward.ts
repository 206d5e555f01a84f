// IPv4 forwarding (RFC 1812 chapter 5), the hot path. A packet handed over by an interface is
// validated (§5.2.2: version, header length, total length, header checksum; failures are
// counted drops), then either delivered locally (a "receive" FIB entry in the VRF of the
// interface it came in on, a broadcast, a multicast group) or forwarded: TTL check with time
// exceeded, FIB lookup with unreachable, TTL decrement with an incremental checksum update,
// label imposition, fragmentation or "fragmentation needed", and out through the path's
// interface. Packets the router builds itself enter at `sendRouted`.
//
// Per packet there are no closures, spreads or allocations: the buffer is rewritten in place
// and headers are prepended into its headroom.
import type { Clock } from "../clock/clock";
import type { Ipv4 } from "../wire/addr";
import {
  IPV4_MIN_HEADER_LENGTH,
  decrementTtl,
  ipv4DontFragment,
  ipv4Dst,
  Ipv4HeaderFault,
  checkIpv4Header,
  ipv4HeaderLengthAt,
  ipv4Src,
  ipv4Tos,
  ipv4TotalLength,
  ipv4Ttl,
  writeIpv4Header,
} from "../wire/ipv4";
import { IcmpUnreachableCode } from "../wire/icmp";
import { isWireError } from "../wire/errors";
import { parseMpls, writeMplsEntry, type MplsEntry } from "../wire/mpls";
import type { DropReason } from "./counters";
import type { FibEntry, FibPath } from "./fib";
import { fragmentIpv4 } from "./fragment";
import { HEADROOM_BYTES, allocatePacket, moveToHeadroom } from "./headroom";
import type { IcmpService, Ipv4Output, SendResult } from "./icmp";
import type { Interface } from "./interface";
import { DEFAULT_TTL } from "./defaults";
import type { LocalDelivery } from "./local";
import type { NullInterface } from "./null0";
import type { Vrf } from "./vrf";
import { EtherType } from "../wire/ethernet";

/** The counted drop for each way wire/ finds a header at fault (RFC 1812 §5.2.2). */
const HEADER_FAULT_DROPS: Readonly<Record<Exclude<Ipv4HeaderFault, 0>, DropReason>> = {
  [Ipv4HeaderFault.Truncated]: "ipv4-truncated",
  [Ipv4HeaderFault.Version]: "ipv4-version",
  [Ipv4HeaderFault.HeaderLength]: "ipv4-header-length",
  [Ipv4HeaderFault.TotalLength]: "ipv4-total-length",
  [Ipv4HeaderFault.Checksum]: "ipv4-checksum",
};

/** Tunnels inside tunnels deeper than this are a routing loop. */
const MAX_ENCAPSULATION_DEPTH = 4;

export class Ipv4Forwarding implements Ipv4Output {
  private icmp!: IcmpService;
  private local!: LocalDelivery;
  private depth = 0;
  private identification = 0;

  constructor(
    private readonly clock: Clock,
    private readonly null0: NullInterface,
  ) {}

  /** Wires the services that also need forwarding (built after it). */
  connect(icmp: IcmpService, local: LocalDelivery): void {
    this.icmp = icmp;
    this.local = local;
  }

  nextIdentification(): number {
    this.identification = (this.identification + 1) & 0xffff;
    return this.identification;
  }

  /** An IPv4 packet at `buf[offset, limit)` arrived on `inIf`. The buffer is ours. `vrf` is
   * the table it is looked up in: the interface's, or the one an MPLS label disposed it into;
   * then `labelsAt` is where the label stack it came under starts (ending at `offset`). */
  receive(inIf: Interface, buf: Uint8Array, offset: number, limit: number, vrf: Vrf = inIf.vrf, labelsAt = -1): void {
    const fault = checkIpv4Header(buf, offset, limit);
    if (fault !== Ipv4HeaderFault.None) return inIf.drop(HEADER_FAULT_DROPS[fault]);
    const total = ipv4TotalLength(buf, offset);
    const end = offset + total;
    const counters = inIf.counters;
    counters.inPackets++;
    counters.inBytes += total;
    const inAcl = inIf.inputAcl;
    if (inAcl !== undefined && !inAcl.permits(buf, offset, end)) return this.denied(inIf, vrf, inIf, buf, offset, end);
    const dst = ipv4Dst(buf, offset);
    const entry = vrf.fib.lookup(dst);
    if (entry !== undefined && entry.kind === "receive") {
      // Disposed into another VRF: delivered as if it came in on the VRF's interface that owns
      // the address (sockets and replies are the VRF's), errors sent from where it came in.
      const to = vrf === inIf.vrf ? inIf : (entry.paths[0]?.interface ?? inIf);
      return this.local.deliver(to, buf, offset, end, inIf);
    }
    if (dst >= 0xe0000000) {
      // Limited broadcast and multicast are for us; class E is for nobody (RFC 1812 §5.3.7).
      if (dst === 0xffffffff || dst < 0xf0000000) return this.local.deliver(inIf, buf, offset, end);
      return inIf.drop("martian-source");
    }
    const src = ipv4Src(buf, offset);
    // RFC 1812 §5.3.7: never forward from 0/8, 127/8, multicast or broadcast sources.
    if (src >>> 24 === 0 || src >>> 24 === 127 || src >= 0xe0000000) return inIf.drop("martian-source");
    if (ipv4Ttl(buf, offset) <= 1) {
      // RFC 4950: a label's TTL ran out here; say which stack it came under.
      this.icmp.timeExceeded(inIf, buf, offset, end, 0, labelsAt < 0 ? undefined : receivedLabels(buf, labelsAt, offset), vrf);
      return inIf.drop("ttl-expired");
    }
    if (entry === undefined) {
      this.icmp.unreachable(inIf, buf, offset, end, IcmpUnreachableCode.NetUnreachable, 0, inIf, vrf);
      return inIf.drop("no-route");
    }
    if (entry.kind === "drop") {
      this.icmp.unreachable(inIf, buf, offset, end, IcmpUnreachableCode.HostUnreachable, 0, this.null0, vrf);
      return this.null0.drop("null0");
    }
    if (entry.kind === "forward" && entry.paths.length === 1 && entry.paths[0].interface === inIf && labelsAt < 0 && vrf === inIf.vrf) {
      this.redirectIfHairpin(inIf, entry.paths[0], buf, offset, end, src, dst);
    }
    const watch = inIf.forwardWatch;
    if (watch !== undefined && entry.kind === "forward" && entry.paths.length > 0) watch.forwarded(inIf, entry.paths[0].interface, vrf, buf, offset, end, labelsAt);
    decrementTtl(buf, offset); // RFC 1624 incremental checksum update
    // A disposed packet too big for its way out is dropped there, without an ICMP error from the wrong VRF.
    this.output(entry, buf, offset, end, dst, src, vrf === inIf.vrf ? inIf : undefined);
  }

  /** A packet going back out of the interface it came in on, from a sender on the same subnet
   * as its next hop, could have gone straight to that next hop: IOS tells the sender so with
   * an ICMP redirect (and forwards the packet all the same). Not for labelled packets, nor
   * for a packet with IP options (it may be source-routed, which IOS never redirects). */
  private redirectIfHairpin(inIf: Interface, path: FibPath, buf: Uint8Array, offset: number, end: number, src: Ipv4, dst: Ipv4): void {
    const nextHop = path.nextHop ?? dst;
    if (path.labels !== undefined || nextHop === src || ipv4HeaderLengthAt(buf, offset) !== IPV4_MIN_HEADER_LENGTH) return;
    if (inIf.onLink(src) && inIf.onLink(nextHop)) this.icmp.redirect(inIf, buf, offset, end, nextHop);
  }

  /** Routes a packet the router built (ICMP, UDP, a tunnel's outer packet). Takes ownership of `buf`. */
  sendRouted(vrf: Vrf, buf: Uint8Array, start: number, end: number): SendResult {
    const dst = ipv4Dst(buf, start);
    const entry = vrf.fib.lookup(dst);
    if (entry === undefined) return "no-route";
    if (entry.kind === "receive") {
      const to = entry.paths[0]?.interface;
      if (to === undefined) return "dropped";
      // To ourselves: delivered from a later task, as if it had come back on the wire.
      this.clock.defer(() => this.local.deliver(to, buf, start, end));
      return "sent";
    }
    if (entry.kind === "drop") {
      this.null0.drop("null0");
      return "dropped";
    }
    if (this.depth >= MAX_ENCAPSULATION_DEPTH) {
      this.null0.drop("recursion-limit");
      return "dropped";
    }
    this.depth++;
    try {
      return this.output(entry, buf, start, end, dst, ipv4Src(buf, start), undefined);
    } finally {
      this.depth--;
    }
  }

  /** Builds a packet around `payload` from `src` (chosen as IOS would when undefined) and routes it. */
  originate(vrf: Vrf, src: Ipv4 | undefined, dst: Ipv4, protocol: number, payload: Uint8Array, ttl = DEFAULT_TTL, tos = 0, dontFragment = false): SendResult {
    const from = src ?? this.sourceToward(vrf, dst);
    if (from === undefined) return "no-route";
    const length = IPV4_MIN_HEADER_LENGTH + payload.length;
    if (length > 0xffff) return "dropped";
    const buf = allocatePacket(length);
    const start = HEADROOM_BYTES;
    buf.set(payload, start + IPV4_MIN_HEADER_LENGTH);
    writeIpv4Header(buf, start, length, tos, this.nextIdentification(), dontFragment, ttl, protocol, from, dst);
    return this.sendRouted(vrf, buf, start, start + length);
  }

  /** IOS's source address toward `dst`: the outgoing interface's (own address for ourselves). */
  sourceToward(vrf: Vrf, dst: Ipv4): Ipv4 | undefined {
    const entry = vrf.fib.lookup(dst);
    if (entry === undefined) return undefined;
    if (entry.kind === "receive") return dst;
    const path = entry.paths[0];
    if (path === undefined) return undefined;
    return path.interface.addressToward(path.nextHop ?? dst);
  }

  private output(entry: FibEntry, buf: Uint8Array, start: number, end: number, dst: Ipv4, src: Ipv4, inIf: Interface | undefined): SendResult {
    const paths = entry.paths;
    const count = paths.length;
    if (count === 0) {
      (inIf ?? this.null0).drop("unresolved-next-hop");
      return "dropped";
    }
    const path = count === 1 ? paths[0] : paths[ecmpIndex(src, dst, count)];
    const out = path.interface;
    if (!out.isUp) {
      out.drop("output-interface-down");
      return "dropped";
    }
    // Only what the router forwards meets an outbound list; what it sends itself does not.
    const outAcl = out.outputAcl;
    if (outAcl !== undefined && inIf !== undefined && !outAcl.permits(buf, start, end)) {
      this.denied(inIf, inIf.vrf, out, buf, start, end);
      return "dropped";
    }
    const nextHop = path.nextHop ?? dst;
    const labels = path.labels;
    const mtu = labels === undefined ? out.ipMtuBytes : out.ipMtuBytes - 4 * labels.length;
    if (end - start > mtu) return this.fragmentOut(path, nextHop, buf, start, end, mtu, inIf);
    return this.emit(path, nextHop, buf, start, end) ? "sent" : "dropped";
  }

  /** An access list denied the packet: counted where it was checked, and an ICMP
   * administratively-prohibited back to the sender (IOS's `U`) unless unreachables are off. */
  private denied(inIf: Interface, vrf: Vrf, at: Interface, buf: Uint8Array, offset: number, end: number): void {
    this.icmp.unreachable(inIf, buf, offset, end, IcmpUnreachableCode.AdminProhibited, 0, inIf, vrf);
    at.drop("access-list");
  }

  /** Pushes the path's labels, if any, and transmits. */
  private emit(path: FibPath, nextHop: Ipv4, buf: Uint8Array, start: number, end: number): boolean {
    const labels = path.labels;
    if (labels === undefined) return path.interface.transmit(buf, start, end, nextHop, EtherType.Ipv4);
    const n = labels.length;
    let at = start - 4 * n;
    if (at < 0) {
      const length = end - start;
      buf = moveToHeadroom(buf, start, end);
      start = HEADROOM_BYTES;
      end = start + length;
      at = start - 4 * n;
    }
    // RFC 3032 §2.4.3: the pushed TTL is the IP TTL; IOS maps IP precedence to EXP.
    const ttl = ipv4Ttl(buf, start);
    const tc = ipv4Tos(buf, start) >>> 5;
    for (let i = 0; i < n; i++) writeMplsEntry(buf, at + 4 * i, labels[i], tc, i === n - 1, ttl);
    return path.interface.transmit(buf, at, end, nextHop, EtherType.MplsUnicast);
  }

  private fragmentOut(path: FibPath, nextHop: Ipv4, buf: Uint8Array, start: number, end: number, mtu: number, inIf: Interface | undefined): SendResult {
    if (ipv4DontFragment(buf, start)) {
      // RFC 1191: DF set and too big: say how big may go.
      if (inIf !== undefined) {
        this.icmp.unreachable(inIf, buf, start, end, IcmpUnreachableCode.FragmentationNeeded, mtu);
        inIf.drop("fragmentation-needed");
      } else {
        path.interface.drop("fragmentation-needed");
      }
      return "fragmentation-needed";
    }
    const ok = fragmentIpv4(buf, start, end, mtu, (f, s, e) => this.emit(path, nextHop, f, s, e));
    if (!ok) path.interface.drop("fragment-too-many");
    return ok ? "sent" : "dropped";
  }
}

/** The label stack entries at `buf[from, to)` (the error path only: it allocates). */
function receivedLabels(buf: Uint8Array, from: number, to: number): MplsEntry[] {
  const parsed = parseMpls(buf.subarray(from, to));
  return isWireError(parsed) ? [] : [...parsed.repr.stack];
}

/** Per-flow ECMP choice (CEF's per-destination load sharing hashes source and destination). */
function ecmpIndex(src: number, dst: number, count: number): number {
  let h = (src ^ dst) >>> 0;
  h ^= h >>> 16;
  h ^= h >>> 8;
  return (h & 0xff) % count;
}
