// A seeded frame mutator: bit flips, byte and 16-bit field edits with the values parsers
// trip on (0, 1, 0xff, 0xffff, lengths off by one), truncation, extension, splices from
// another frame of the corpus, and shifts. After mutating, it usually repairs the IPv4
// header checksums (and often the ICMP/UDP/TCP ones) so the mutation reaches the layers
// behind them instead of ending at "bad checksum". The same seed gives the same frames.
import { cdpChecksum } from "../../core/router/wire/cdp";
import { finishChecksum, pseudoHeaderSum, sumWords } from "../../core/router/wire/checksum";
import { IpProtocol, ipv4Dst, ipv4HeaderLengthAt, ipv4Protocol, ipv4Src, ipv4TotalLength } from "../../core/router/wire/ipv4";
import { NHRP_FIXED_HEADER_LENGTH } from "../../core/router/wire/nhrp";
import type { CorpusFrame } from "./corpus";

/** xorshift32: small, fast and repeatable; never seeded with 0. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
}

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0f, 0x10, 0x11, 0x2f, 0x32, 0x3f, 0x40, 0x45, 0x46, 0x4f, 0x7f, 0x80, 0x81, 0xfe, 0xff];
const INTERESTING_WORDS = [0x0000, 0x0001, 0x0007, 0x0008, 0x0014, 0x003c, 0x0040, 0x05dc, 0x0800, 0x0806, 0x8100, 0x8847, 0x2001, 0x1fff, 0x2000, 0x3fff, 0x4000, 0x7fff, 0x8000, 0xfffe, 0xffff];

/** Where each header keeps its checksum (RFC 791, 792, 768, 9293). */
const IPV4_CHECKSUM = 10;
const ICMP_CHECKSUM = 2;
const UDP_CHECKSUM = 6;
const TCP_CHECKSUM = 16;
/** NHRP's packet size and checksum (RFC 2332 §5.2.0). */
const NHRP_PACKET_SIZE = 10;
const NHRP_CHECKSUM = 12;
/** CDP's checksum, after version and TTL (Wireshark's packet-cdp.c). */
const CDP_CHECKSUM = 2;

/** Longest frame the mutator makes (the memory Nic refuses longer ones anyway). */
export const MAX_MUTATED_BYTES = 2048;

export class Mutator {
  /** The frame being built; `length` bytes of it are the frame. */
  readonly buf = new Uint8Array(MAX_MUTATED_BYTES);
  length = 0;

  constructor(
    private readonly random: Random,
    private readonly frames: readonly CorpusFrame[],
  ) {}

  /** Writes the next mutated frame into `buf[0, length)`; returns the corpus frame it came from. */
  next(): CorpusFrame {
    const r = this.random;
    const base = this.frames[r.below(this.frames.length)];
    this.buf.set(base.bytes);
    this.length = base.bytes.length;
    const edits = 1 + r.below(4);
    for (let i = 0; i < edits; i++) this.mutateOnce();
    const repair = r.below(8);
    if (repair !== 0) this.repairChecksums(base.ipv4At, repair >= 3);
    if (repair !== 0 && base.nhrpAt !== undefined) this.repairNhrpChecksum(base.nhrpAt);
    if (repair !== 0 && base.cdpAt !== undefined) this.repairCdpChecksum(base.cdpAt);
    return base;
  }

  private mutateOnce(): void {
    const r = this.random;
    const b = this.buf;
    const n = this.length;
    switch (r.below(9)) {
      case 0: // flip one bit
      case 1:
        if (n > 0) b[r.below(n)] ^= 1 << r.below(8);
        break;
      case 2: // an interesting byte
        if (n > 0) b[r.below(n)] = INTERESTING_BYTES[r.below(INTERESTING_BYTES.length)];
        break;
      case 3: {
        // a 16-bit field: an interesting value, or the frame's length (or ±1) from some header's view
        if (n < 2) break;
        const at = r.below(n - 1);
        const pick = r.below(4);
        const value = pick === 0 ? n - at + r.below(3) - 1 : pick === 1 ? r.next() & 0xffff : INTERESTING_WORDS[r.below(INTERESTING_WORDS.length)];
        b[at] = (value >>> 8) & 0xff;
        b[at + 1] = value & 0xff;
        break;
      }
      case 4: // truncate
        this.length = r.below(n + 1);
        break;
      case 5: {
        // extend with random bytes
        const extra = Math.min(1 + r.below(64), MAX_MUTATED_BYTES - n);
        for (let i = 0; i < extra; i++) b[n + i] = r.next() & 0xff;
        this.length = n + extra;
        break;
      }
      case 6: {
        // splice a range from another frame of the corpus, at the same or a random offset
        const other = this.frames[r.below(this.frames.length)].bytes;
        const from = r.below(other.length);
        const count = 1 + r.below(other.length - from);
        const to = r.below(2) === 0 ? from : r.below(n + 1);
        const end = Math.min(to + count, MAX_MUTATED_BYTES);
        b.set(other.subarray(from, from + (end - to)), to);
        if (end > this.length) this.length = end;
        break;
      }
      case 7: {
        // delete a run of bytes, shifting the rest left
        if (n === 0) break;
        const at = r.below(n);
        const count = 1 + r.below(Math.min(16, n - at));
        b.copyWithin(at, at + count, n);
        this.length = n - count;
        break;
      }
      default: {
        // insert a run of random bytes, shifting the rest right
        const at = r.below(n + 1);
        const count = Math.min(1 + r.below(16), MAX_MUTATED_BYTES - n);
        b.copyWithin(at + count, at, n);
        for (let i = 0; i < count; i++) b[at + i] = r.next() & 0xff;
        this.length = n + count;
      }
    }
  }

  /** Recomputes the checksum of the NHRP packet at `at` over the size its header announces, when that fits. */
  /** A CDP PDU in an 802.3 frame runs to where the frame's length field says the LLC PDU ends. */
  private repairCdpChecksum(at: number): void {
    const b = this.buf;
    const end = 14 + ((b[12] << 8) | b[13]);
    if (at + 4 > end || end > this.length) return;
    b[at + CDP_CHECKSUM] = b[at + CDP_CHECKSUM + 1] = 0;
    store(b, at + CDP_CHECKSUM, cdpChecksum(b, at, end));
  }

  private repairNhrpChecksum(at: number): void {
    const b = this.buf;
    if (at + NHRP_FIXED_HEADER_LENGTH > this.length) return;
    const end = at + ((b[at + NHRP_PACKET_SIZE] << 8) | b[at + NHRP_PACKET_SIZE + 1]);
    if (end > this.length) return;
    b[at + NHRP_CHECKSUM] = b[at + NHRP_CHECKSUM + 1] = 0;
    store(b, at + NHRP_CHECKSUM, finishChecksum(sumWords(b, at, end)));
  }

  /** Recomputes the checksums of each IPv4 header that still fits, and with `payload` the ICMP, UDP or TCP one behind it. */
  private repairChecksums(ipv4At: readonly number[], payload: boolean): void {
    const b = this.buf;
    const n = this.length;
    for (let k = ipv4At.length - 1; k >= 0; k--) {
      const at = ipv4At[k];
      if (at + 20 > n) continue;
      const headerBytes = ipv4HeaderLengthAt(b, at);
      if (headerBytes < 20 || at + headerBytes > n) continue;
      if (payload) {
        const l4 = at + headerBytes;
        const end = Math.min(at + Math.max(ipv4TotalLength(b, at), headerBytes), n);
        const protocol = ipv4Protocol(b, at);
        if (protocol === IpProtocol.Icmp && l4 + 4 <= end) {
          b[l4 + ICMP_CHECKSUM] = b[l4 + ICMP_CHECKSUM + 1] = 0;
          store(b, l4 + ICMP_CHECKSUM, finishChecksum(sumWords(b, l4, end)));
        } else if ((protocol === IpProtocol.Udp && l4 + 8 <= end) || (protocol === IpProtocol.Tcp && l4 + 20 <= end)) {
          const field = l4 + (protocol === IpProtocol.Udp ? UDP_CHECKSUM : TCP_CHECKSUM);
          b[field] = b[field + 1] = 0;
          const checksum = finishChecksum(sumWords(b, l4, end, pseudoHeaderSum(ipv4Src(b, at), ipv4Dst(b, at), protocol, end - l4)));
          store(b, field, protocol === IpProtocol.Udp && checksum === 0 ? 0xffff : checksum);
        }
      }
      b[at + IPV4_CHECKSUM] = b[at + IPV4_CHECKSUM + 1] = 0;
      store(b, at + IPV4_CHECKSUM, finishChecksum(sumWords(b, at, at + headerBytes)));
    }
  }
}

function store(b: Uint8Array, at: number, value: number): void {
  b[at] = value >>> 8;
  b[at + 1] = value & 0xff;
}
