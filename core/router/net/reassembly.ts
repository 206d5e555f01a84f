// Reassembly of IPv4 fragments addressed to the router itself (RFC 791 §3.2, RFC 1122
// §3.3.2): a big ping, or a GRE packet fragmented on the way. Fragments are kept per
// (VRF, source, destination, protocol, identification) until the holes are filled or the
// timer runs out; then the whole datagram is rebuilt once, with headroom, and delivered.
// Forwarded fragments are never reassembled (RFC 1812 §5.2.6).
import type { Clock, Timer } from "../clock/clock";
import { ipv4Dst, ipv4FragmentOffsetUnits, ipv4HeaderBytes, ipv4Identification, ipv4MoreFragments, ipv4Protocol, ipv4Src, setIpv4Fragment } from "../wire/ipv4";
import { HEADROOM_BYTES } from "./headroom";

export interface ReassemblyLimits {
  /** How long a datagram may take to arrive whole. */
  readonly timeoutMs: number;
  /** Datagrams being reassembled at once; a new one beyond this is dropped. */
  readonly maxDatagrams: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = { timeoutMs: 15_000, maxDatagrams: 64 };

interface Piece {
  readonly offset: number;
  readonly data: Uint8Array;
}

interface Datagram<C> {
  readonly pieces: Piece[];
  /** The caller's context of the latest fragment (the interface it came in on). */
  context: C;
  /** The first fragment's header (offset 0), kept for the rebuilt datagram. */
  header: Uint8Array | undefined;
  /** The first fragment's header and 8 bytes, quoted by the time exceeded on timeout. */
  first: Uint8Array | undefined;
  /** Payload length, known once the last fragment (MF clear) arrives. */
  totalPayload: number;
  timer: Timer;
}

export type ReassemblyResult =
  | { readonly kind: "pending" }
  | { readonly kind: "dropped" }
  | { readonly kind: "complete"; readonly buf: Uint8Array; readonly start: number; readonly end: number };

const PENDING: ReassemblyResult = { kind: "pending" };
const DROPPED: ReassemblyResult = { kind: "dropped" };

export class Reassembly<C> {
  private readonly datagrams = new Map<string, Datagram<C>>();

  constructor(
    private readonly clock: Clock,
    /** Called when a datagram times out with its first fragment in hand (for ICMP time exceeded, code 1). */
    private readonly onTimeout: (firstFragment: Uint8Array, context: C) => void,
    private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS,
  ) {}

  get inProgress(): number {
    return this.datagrams.size;
  }

  /** Adds the fragment at `buf[start, end)` (header already validated) received in VRF `vrfId`. */
  add(vrfId: number, buf: Uint8Array, start: number, end: number, context: C): ReassemblyResult {
    const headerBytes = ipv4HeaderBytes(buf, start);
    const offset = ipv4FragmentOffsetUnits(buf, start) * 8;
    const more = ipv4MoreFragments(buf, start);
    const data = buf.slice(start + headerBytes, end);
    if (offset + data.length > 65535 - 20 || (more && data.length % 8 !== 0)) return DROPPED;
    // RFC 791: fragments belong together by protocol, source, destination and identification.
    const key = `${vrfId}/${ipv4Protocol(buf, start)}/${ipv4Src(buf, start)}/${ipv4Dst(buf, start)}/${ipv4Identification(buf, start)}`;
    let d = this.datagrams.get(key);
    if (d === undefined) {
      if (this.datagrams.size >= this.limits.maxDatagrams) return DROPPED;
      const fresh: Datagram<C> = {
        pieces: [],
        context,
        header: undefined,
        first: undefined,
        totalPayload: -1,
        timer: this.clock.after(this.limits.timeoutMs, () => {
          this.datagrams.delete(key);
          if (fresh.first !== undefined) this.onTimeout(fresh.first, fresh.context);
        }),
      };
      d = fresh;
      this.datagrams.set(key, d);
    }
    d.context = context;
    if (offset === 0) {
      d.header = buf.slice(start, start + headerBytes);
      d.first = buf.slice(start, Math.min(end, start + headerBytes + 8));
    }
    if (!more) d.totalPayload = offset + data.length;
    d.pieces.push({ offset, data });
    const whole = this.assemble(d);
    if (whole === undefined) return PENDING;
    d.timer.cancel();
    this.datagrams.delete(key);
    return whole;
  }

  /** The rebuilt datagram once every byte is there. */
  private assemble(d: Datagram<C>): ReassemblyResult | undefined {
    if (d.header === undefined || d.totalPayload < 0) return undefined;
    d.pieces.sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const p of d.pieces) {
      if (p.offset > covered) return undefined; // a hole
      covered = Math.max(covered, p.offset + p.data.length);
    }
    if (covered < d.totalPayload) return undefined;
    const header = d.header;
    const length = header.length + d.totalPayload;
    const out = new Uint8Array(HEADROOM_BYTES + length);
    const at = HEADROOM_BYTES;
    out.set(header, at);
    // Overlaps: later pieces overwrite earlier ones, as RFC 791's algorithm does.
    for (const p of d.pieces) out.set(p.data.subarray(0, Math.max(0, Math.min(p.data.length, d.totalPayload - p.offset))), at + header.length + p.offset);
    setIpv4Fragment(out, at, length, false, 0); // whole again: DF kept, MF and offset cleared
    return { kind: "complete", buf: out, start: at, end: at + length };
  }
}
