// The bytes a TCP connection has been asked to send and has not yet seen acknowledged: a
// FIFO of chunks that the sender reads at any offset from the front (a segment, or a
// retransmission) and trims from the front as acknowledgments arrive.

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  /** Bytes of chunks[head] already dropped. */
  private headOffset = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  /** Appends `bytes` (kept as given: the caller hands them over). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /** Copies `length` bytes starting `offset` bytes from the front into `dest` at `at`. */
  copyTo(offset: number, length: number, dest: Uint8Array, at: number): void {
    if (length <= 0) return;
    let i = this.head;
    let skip = offset + this.headOffset;
    while (skip >= this.chunks[i].length) skip -= this.chunks[i++].length;
    while (length > 0) {
      const chunk = this.chunks[i++];
      const n = Math.min(length, chunk.length - skip);
      dest.set(skip === 0 && n === chunk.length ? chunk : chunk.subarray(skip, skip + n), at);
      at += n;
      length -= n;
      skip = 0;
    }
  }

  /** Removes `n` bytes from the front. */
  drop(n: number): void {
    n = Math.min(n, this.total);
    this.total -= n;
    while (n > 0) {
      const left = this.chunks[this.head].length - this.headOffset;
      if (n < left) {
        this.headOffset += n;
        return;
      }
      n -= left;
      this.head++;
      this.headOffset = 0;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
