// The anti-replay window of an inbound SA (RFC 4303 §3.4.3), as a ring of 32-bit words
// (RFC 6479): moving the window forward clears whole words instead of shifting every bit,
// so a large window (IOS allows up to 1024) costs no more per packet than a small one.
// `check` runs before the ICV is verified, `accept` only after, so a forged packet can
// never move the window.

export class ReplayWindow {
  /** The highest sequence number accepted so far (0: none yet). */
  private top = 0;
  private readonly words: Uint32Array;
  /** words.length - 1: the ring's size is a power of two. */
  private readonly mask: number;

  /** `size`: how many sequence numbers below the highest are still accepted, 1..4096; 0 turns
   * replay detection off (IOS `crypto ipsec security-association replay disable`). */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0 || size > 4096) throw new RangeError(`replay window ${size} is not in 0..4096`);
    // One spare word, so the word being filled never holds bits still inside the window.
    let n = 1;
    while (n * 32 < size + 32) n *= 2;
    this.words = new Uint32Array(n);
    this.mask = n - 1;
  }

  /** The highest sequence number accepted. */
  get highest(): number {
    return this.top;
  }

  /** Whether `seq` may be new: not 0 (never sent), not left behind the window, not seen. */
  check(seq: number): boolean {
    if (this.size === 0) return true;
    if (seq === 0) return false;
    if (seq > this.top) return true;
    if (seq + this.size <= this.top) return false;
    return (this.words[(seq >>> 5) & this.mask] & (1 << (seq & 31))) === 0;
  }

  /** Marks `seq` seen (after its ICV verified), moving the window forward if it is the highest. */
  accept(seq: number): void {
    if (seq > this.top) {
      const from = this.top >>> 5;
      const to = seq >>> 5;
      const clear = Math.min(to - from, this.words.length);
      for (let i = 1; i <= clear; i++) this.words[(from + i) & this.mask] = 0;
      this.top = seq;
    }
    this.words[(seq >>> 5) & this.mask] |= 1 << (seq & 31);
  }
}
