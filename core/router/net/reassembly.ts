// Reassembly of IPv4 fragments addressed to the router itself (RFC 791 §3.2, RFC 1122
// §3.3.2): a big ping, or a GRE packet fragmented on the way. Fragments are kept per
// (VRF, source, destination, protocol, identification) until every byte is there or the
// timer runs out; then the whole datagram is rebuilt once, with headroom, and delivered.
// Forwarded fragments are never reassembled (RFC 1812 §5.2.6).
//
// Fragments come from anyone, so every cost is bounded (the defaults are below):
// - Per datagram, the fragments held are a list sorted by offset that never overlap (the
//   sorted-interval form of RFC 815's hole list). An arrival is a binary search plus one
//   insertion into at most `maxFragmentsPerDatagram` entries; completion is a byte count,
//   never a re-scan; the rebuild copies each byte once.
// - Overlaps: RFC 5722 (for IPv6) says a datagram with overlapping fragments is dropped
//   whole, and Linux does the same for IPv4 since 4.19 (CVE-2018-5391): an exact duplicate
//   of a fragment already held is dropped alone, any other overlap discards the datagram and
//   all its fragments. RFC 791's "later data overwrites" invites the teardrop family of
//   attacks and hides nothing a legitimate sender needs.
// - A fragment inconsistent with the datagram's end (past a known end, a second different
//   last fragment) discards the datagram, as Linux does.
// - Totals: at most `maxDatagrams` datagrams and `maxBytes` bytes held at once (Linux's
//   ipfrag_high_thresh, 4 MiB); a fragment beyond either is dropped alone and what is held
//   stays to complete or time out.
// Every fragment dropped or discarded is reported with its reason and count, for the
// interface's drop counters.
import type { Clock, Timer } from "../clock/clock";
import { ipv4Dst, ipv4FragmentOffsetUnits, ipv4HeaderLengthAt, ipv4Identification, ipv4MoreFragments, ipv4Protocol, ipv4Src, IPV4_MIN_HEADER_LENGTH, setIpv4Fragment } from "../wire/ipv4";
import type { DropReason } from "./counters";
import { MAX_FRAGMENTS } from "./fragment";
import { HEADROOM_BYTES } from "./headroom";

export interface ReassemblyLimits {
  /** How long a datagram may take to arrive whole (RFC 791 recommends 15 s). */
  readonly timeoutMs: number;
  /** Datagrams being reassembled at once; a fragment of a new one beyond this is dropped. */
  readonly maxDatagrams: number;
  /** Fragments one datagram may have; one more discards the datagram. */
  readonly maxFragmentsPerDatagram: number;
  /** Bytes of fragments held across all datagrams; a fragment beyond this is dropped. */
  readonly maxBytes: number;
}

/**
 * Fragments per datagram: as many as our own fragmenter may send (64: a 64 KiB datagram over
 * a ~1,000-byte MTU); FreeBSD allows 16 (net.inet.ip.maxfragsperpacket), IOS's virtual
 * reassembly 16. 64 datagrams of at most 64 KiB each fit the 4 MiB budget.
 */
export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = { timeoutMs: 15_000, maxDatagrams: 64, maxFragmentsPerDatagram: MAX_FRAGMENTS, maxBytes: 4 * 1024 * 1024 };

/** The largest IPv4 datagram (the Total Length field is 16 bits). */
const MAX_DATAGRAM_BYTES = 65535;

export type ReassemblyDropReason = Extract<
  DropReason,
  "reassembly-malformed" | "reassembly-duplicate" | "reassembly-overlap" | "reassembly-fragment-limit" | "reassembly-overflow"
>;

interface Piece {
  /** Payload byte range `[offset, end)` in the original datagram. */
  readonly offset: number;
  readonly end: number;
  readonly data: Uint8Array;
}

interface Datagram<C> {
  readonly key: string;
  /** Sorted by offset; no two overlap. */
  readonly pieces: Piece[];
  /** Payload bytes held: equal to `totalPayload` exactly when nothing is missing. */
  received: number;
  /** Bytes charged to the total budget (whole fragments, headers included). */
  charged: number;
  /** Largest end of any piece held. */
  maxEnd: number;
  /** The caller's context of the latest fragment (the interface it came in on). */
  context: C;
  /** The first fragment's header (offset 0), kept for the rebuilt datagram. */
  header: Uint8Array | undefined;
  /** The first fragment's header and 8 bytes, quoted by the time exceeded on timeout. */
  first: Uint8Array | undefined;
  /** Payload length, known once the last fragment (MF clear) arrives; -1 before. */
  totalPayload: number;
  timer: Timer;
}

export type ReassemblyResult =
  | { readonly kind: "pending" }
  | { readonly kind: "dropped"; readonly reason: ReassemblyDropReason; /** Fragments dropped: this one and any discarded with its datagram. */ readonly fragments: number }
  | { readonly kind: "complete"; readonly buf: Uint8Array; readonly start: number; readonly end: number };

const PENDING: ReassemblyResult = { kind: "pending" };

function dropped(reason: ReassemblyDropReason, fragments: number): ReassemblyResult {
  return { kind: "dropped", reason, fragments };
}

export class Reassembly<C> {
  private readonly datagrams = new Map<string, Datagram<C>>();
  private bytesHeld = 0;

  constructor(
    private readonly clock: Clock,
    /** Called when a datagram times out: its first fragment if it came (for ICMP time exceeded, code 1), and how many fragments were held. */
    private readonly onTimeout: (firstFragment: Uint8Array | undefined, context: C, fragments: number) => void,
    private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS,
  ) {}

  /** Datagrams being reassembled. */
  get inProgress(): number {
    return this.datagrams.size;
  }

  /** Bytes of fragments held, against `maxBytes`. */
  get heldBytes(): number {
    return this.bytesHeld;
  }

  /** Adds the fragment at `buf[start, end)` (header already validated) received in VRF `vrfId`. */
  add(vrfId: number, buf: Uint8Array, start: number, end: number, context: C): ReassemblyResult {
    const headerBytes = ipv4HeaderLengthAt(buf, start);
    const offset = ipv4FragmentOffsetUnits(buf, start) * 8;
    const more = ipv4MoreFragments(buf, start);
    const length = end - start - headerBytes;
    const fragmentEnd = offset + length;
    // RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes; an empty
    // fragment carries nothing, and none may reach past the largest datagram.
    if (length <= 0 || (more && (length & 7) !== 0) || IPV4_MIN_HEADER_LENGTH + fragmentEnd > MAX_DATAGRAM_BYTES) return dropped("reassembly-malformed", 1);
    const cost = end - start;
    if (this.bytesHeld + cost > this.limits.maxBytes) return dropped("reassembly-overflow", 1);

    // RFC 791: fragments belong together by protocol, source, destination and identification.
    const key = `${vrfId}/${ipv4Protocol(buf, start)}/${ipv4Src(buf, start)}/${ipv4Dst(buf, start)}/${ipv4Identification(buf, start)}`;
    let d = this.datagrams.get(key);
    if (d === undefined) {
      if (this.datagrams.size >= this.limits.maxDatagrams) return dropped("reassembly-overflow", 1);
      d = this.open(key, context);
    }

    // The end of the datagram: only the last fragment says it, once, and nothing lies past it.
    if (more ? d.totalPayload >= 0 && fragmentEnd > d.totalPayload : (d.totalPayload >= 0 && d.totalPayload !== fragmentEnd) || d.maxEnd > fragmentEnd) {
      return this.discard(d, "reassembly-malformed");
    }
    const pieces = d.pieces;
    const at = lowerBound(pieces, offset);
    if (at < pieces.length && pieces[at].offset === offset && pieces[at].end === fragmentEnd) return dropped("reassembly-duplicate", 1);
    if ((at < pieces.length && pieces[at].offset < fragmentEnd) || (at > 0 && pieces[at - 1].end > offset)) return this.discard(d, "reassembly-overlap");
    if (pieces.length >= this.limits.maxFragmentsPerDatagram) return this.discard(d, "reassembly-fragment-limit");

    pieces.splice(at, 0, { offset, end: fragmentEnd, data: buf.slice(start + headerBytes, end) });
    d.received += length;
    d.charged += cost;
    this.bytesHeld += cost;
    if (fragmentEnd > d.maxEnd) d.maxEnd = fragmentEnd;
    if (!more) d.totalPayload = fragmentEnd;
    if (offset === 0) {
      d.header = buf.slice(start, start + headerBytes);
      d.first = buf.slice(start, Math.min(end, start + headerBytes + 8));
    }
    d.context = context;
    if (d.header === undefined || d.received !== d.totalPayload) return PENDING;
    // Options in the first fragment's header may push the rebuilt datagram past 64 KiB.
    if (d.header.length + d.totalPayload > MAX_DATAGRAM_BYTES) return this.discard(d, "reassembly-malformed", 0);
    this.close(d);
    return this.assemble(d);
  }

  private open(key: string, context: C): Datagram<C> {
    const d: Datagram<C> = {
      key,
      pieces: [],
      received: 0,
      charged: 0,
      maxEnd: 0,
      context,
      header: undefined,
      first: undefined,
      totalPayload: -1,
      timer: this.clock.after(this.limits.timeoutMs, () => {
        this.close(d);
        this.onTimeout(d.first, d.context, d.pieces.length);
      }),
    };
    this.datagrams.set(key, d);
    return d;
  }

  /** Forgets the datagram and gives its bytes back to the budget. */
  private close(d: Datagram<C>): void {
    d.timer.cancel();
    this.datagrams.delete(d.key);
    this.bytesHeld -= d.charged;
  }

  /** Drops the datagram with every fragment it held, plus `arriving` (the one that showed the problem). */
  private discard(d: Datagram<C>, reason: ReassemblyDropReason, arriving = 1): ReassemblyResult {
    this.close(d);
    return dropped(reason, d.pieces.length + arriving);
  }

  /** The rebuilt datagram: the first fragment's header, then every piece at its offset. */
  private assemble(d: Datagram<C>): ReassemblyResult {
    const header = d.header as Uint8Array;
    const length = header.length + d.totalPayload;
    const out = new Uint8Array(HEADROOM_BYTES + length);
    const at = HEADROOM_BYTES;
    out.set(header, at);
    const payloadAt = at + header.length;
    for (const p of d.pieces) out.set(p.data, payloadAt + p.offset);
    setIpv4Fragment(out, at, length, false, 0); // whole again: DF kept, MF and offset cleared
    return { kind: "complete", buf: out, start: at, end: at + length };
  }
}

/** Index of the first piece whose offset is at least `offset`. */
function lowerBound(pieces: readonly Piece[], offset: number): number {
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pieces[mid].offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
