// The MPLS data path: a labelled packet (Ethernet 0x8847, or GRE protocol 0x8847 on a tunnel)
// is switched by the LFIB entry of its top label (mpls/lfib.ts):
//   vrf-lookup  pop; with more labels below, switch on the next one, else an IPv4 lookup in the
//               entry's VRF (disposition of per-prefix and aggregate VPN labels, RFC 4364 §5)
//   swap        new label, TTL − 1, out to the adjacency; a `transport` stack goes on top of
//               it with the same TTL and EXP (a remote PE's VPN label under the label to the PE)
//   pop         the downstream router asked for implicit null: out with the label removed
// TTL is IOS's default uniform model (RFC 3443 §3.1): the TTL that reaches the next header is
// the smaller of its own and the popped label's, and each router takes one off, once.
// An unknown label, a stack cut short or a TTL running out is a counted drop on the interface
// the packet came in on. A transit label's TTL running out also gets the IPv4 sender a time
// exceeded with the label stack (RFC 3032 §2.3.2, RFC 4950), as IOS sends it: for a lone
// global label routed back by this router's own table; under more labels, or for a VPN
// prefix's label (whose sender this router's table does not know), sent on along the packet's
// own LSP for the egress to route back. No per-packet allocation on the forwarding path: the
// LFIB is an array indexed by label and the buffer is rewritten in place.
import type { Ipv4 } from "../wire/addr";
import { EtherType } from "../wire/ethernet";
import { IPV4_MIN_HEADER_LENGTH, ipv4Dst, ipv4Ttl, ipv4Version, setIpv4Ttl } from "../wire/ipv4";
import { MPLS_ENTRY_LENGTH, mplsBottom, mplsLabel, mplsTc, mplsTtl, parseMpls, setMplsLabel, setMplsTtl, writeMplsEntry } from "../wire/mpls";
import { isWireError } from "../wire/errors";
import type { Lfib } from "../mpls/lfib";
import { registerDropReasons } from "./counters";
import { DEFAULT_TTL } from "./defaults";
import type { IcmpService } from "./icmp";
import type { Ipv4Forwarding } from "./forward";
import { HEADROOM_BYTES, moveToHeadroom } from "./headroom";
import type { Interface } from "./interface";
import type { Vrf } from "./vrf";

export const MPLS_DROP_REASONS = registerDropReasons(["mpls-truncated", "mpls-no-label", "mpls-ttl-expired"] as const);
declare module "./counters" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the names into DropReason
  interface DropReasonNames extends Record<(typeof MPLS_DROP_REASONS)[number], true> {}
}

/** The LFIB as the data path holds it: dispositions into this router's VRFs, adjacencies on its interfaces. */
export type NetLfib = Lfib<Vrf, Interface>;

/** A point-to-point adjacency (a tunnel) has no next-hop address; the interface ignores it. */
const NO_NEXT_HOP = 0 as Ipv4;

export class MplsForwarding {
  /** The handler to register for EtherType / GRE protocol 0x8847, bound once. */
  readonly receive: (inIf: Interface, buf: Uint8Array, offset: number, limit: number) => void;

  constructor(
    readonly lfib: NetLfib,
    private readonly ipv4: Ipv4Forwarding,
    private readonly icmp: IcmpService,
  ) {
    this.receive = (inIf, buf, offset, limit) => this.switchPacket(inIf, buf, offset, limit);
  }

  private switchPacket(inIf: Interface, buf: Uint8Array, offset: number, limit: number): void {
    let at = offset;
    for (;;) {
      if (limit - at < MPLS_ENTRY_LENGTH) return inIf.drop("mpls-truncated");
      const entry = this.lfib.lookup(mplsLabel(buf, at));
      if (entry === undefined) return inIf.drop("mpls-no-label");
      const ttl = mplsTtl(buf, at);
      const action = entry.action;
      // A disposition label's TTL runs out in the VRF's IP forwarding, which answers with time
      // exceeded from the VRF (traceroute through the VPN); a transit label's is answered here.
      if (ttl <= 1 && (action.kind !== "vrf-lookup" || ttl === 0)) {
        inIf.drop("mpls-ttl-expired");
        if (ttl === 1 && action.kind !== "vrf-lookup") this.transitTtlExpired(inIf, buf, offset, limit, action.vrf);
        return;
      }
      entry.packets++;
      entry.bytes += limit - at;
      if (action.kind === "swap") {
        setMplsLabel(buf, at, action.outLabel);
        setMplsTtl(buf, at, ttl - 1);
        const transport = action.transport;
        if (transport !== undefined && transport.length > 0) {
          const n = transport.length;
          if (at < MPLS_ENTRY_LENGTH * n) {
            const length = limit - at;
            buf = moveToHeadroom(buf, at, limit);
            at = HEADROOM_BYTES;
            limit = at + length;
          }
          const tc = mplsTc(buf, at);
          at -= MPLS_ENTRY_LENGTH * n;
          for (let i = 0; i < n; i++) writeMplsEntry(buf, at + MPLS_ENTRY_LENGTH * i, transport[i], tc, false, ttl - 1);
        }
        this.transmit(action.out, buf, at, limit, action.nextHop ?? NO_NEXT_HOP, EtherType.MplsUnicast);
        return;
      }
      const bottom = mplsBottom(buf, at);
      at += MPLS_ENTRY_LENGTH;
      if (action.kind === "pop") {
        if (!bottom) {
          if (limit - at < MPLS_ENTRY_LENGTH) return inIf.drop("mpls-truncated");
          if (mplsTtl(buf, at) > ttl - 1) setMplsTtl(buf, at, ttl - 1);
          this.transmit(action.out, buf, at, limit, action.nextHop ?? NO_NEXT_HOP, EtherType.MplsUnicast);
          return;
        }
        if (!this.ipv4Under(buf, at, limit)) return inIf.drop("ipv4-version");
        if (ipv4Ttl(buf, at) > ttl - 1) setIpv4Ttl(buf, at, ttl - 1);
        this.transmit(action.out, buf, at, limit, action.nextHop ?? ipv4Dst(buf, at), EtherType.Ipv4);
        return;
      }
      // vrf-lookup: the label underneath (if any) is switched next, in the same label space.
      if (!bottom) {
        if (limit - at >= MPLS_ENTRY_LENGTH && mplsTtl(buf, at) > ttl) setMplsTtl(buf, at, ttl);
        continue;
      }
      if (!this.ipv4Under(buf, at, limit)) return inIf.drop("ipv4-version");
      // IP forwarding takes this hop's one off the TTL.
      if (ipv4Ttl(buf, at) > ttl) setIpv4Ttl(buf, at, ttl);
      this.ipv4.receive(inIf, buf, at, limit, action.vrf, offset);
      return;
    }
  }

  /** Time exceeded for the IPv4 packet under the stack at `buf[offset, limit)`, whose top
   * label's TTL ran out here (the error path only: it allocates). */
  private transitTtlExpired(inIf: Interface, buf: Uint8Array, offset: number, limit: number, vrf: Vrf | undefined): void {
    const labelled = parseMpls(buf.subarray(offset, limit));
    if (isWireError(labelled)) return;
    const stack = labelled.repr.stack;
    const ip = offset + MPLS_ENTRY_LENGTH * stack.length;
    if (!this.ipv4Under(buf, ip, limit)) return;
    if (stack.length === 1 && vrf === undefined) {
      this.icmp.timeExceeded(inIf, buf, ip, limit, 0, stack);
      return;
    }
    const error = this.icmp.timeExceededAlongLsp(inIf, buf, ip, limit, stack, vrf ?? inIf.vrf);
    if (error === undefined) return;
    // Under the same stack, with a fresh TTL, switched like the packet it answers for.
    let start = HEADROOM_BYTES - MPLS_ENTRY_LENGTH * stack.length;
    for (const e of stack) {
      writeMplsEntry(error, start, e.label, e.tc, e.bottom, DEFAULT_TTL);
      start += MPLS_ENTRY_LENGTH;
    }
    this.switchPacket(inIf, error, HEADROOM_BYTES - MPLS_ENTRY_LENGTH * stack.length, error.length);
  }

  /** Enough bytes for an IPv4 header and version 4: the TTL may be read and rewritten
   * (forwarding validates the rest). */
  private ipv4Under(buf: Uint8Array, at: number, limit: number): boolean {
    return limit - at >= IPV4_MIN_HEADER_LENGTH && ipv4Version(buf, at) === 4;
  }

  private transmit(out: Interface, buf: Uint8Array, start: number, end: number, nextHop: Ipv4, etherType: number): void {
    if (!out.isUp) return out.drop("output-interface-down");
    out.transmit(buf, start, end, nextHop, etherType);
  }
}
