// The Internet checksum (RFC 1071), the one helper every format uses: IPv4 header, ICMP,
// UDP/TCP with the pseudo-header, GRE's optional checksum and NHRP.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Below this many bytes a plain byte loop beats making a wide view. */
const WIDE_MIN_BYTES = 64;

/** Adds the bytes of `data[start, end)` as 16-bit big-endian words to a running sum.
 * An odd trailing byte is padded with zero, as RFC 1071 says. */
export function sumWords(data: Uint8Array, start: number, end: number, initial = 0): number {
  const at = data.byteOffset + start;
  if (LITTLE_ENDIAN && end - start >= WIDE_MIN_BYTES && (at & 1) === 0) return initial + sumWide(data, start, end);
  let sum = initial;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (i === last) sum += data[i] << 8;
  return sum;
}

/**
 * The same sum over a 2-byte-aligned range, read as native 16-bit words (4 bytes at a time
 * when 4-aligned). On a little-endian host each word arrives byte-swapped; RFC 1071 §2(B)
 * says the one's-complement sum is then the byte-swap of the true one, so fold and swap back.
 */
function sumWide(data: Uint8Array, start: number, end: number): number {
  let i = start;
  let head = 0;
  if (((data.byteOffset + i) & 3) === 2) {
    head = data[i] | (data[i + 1] << 8);
    i += 2;
  }
  const quads = (end - i) >>> 2;
  const words = new Uint32Array(data.buffer, data.byteOffset + i, quads);
  // Two double accumulators: 32-bit words summed whole (exact below 2^53), folded once.
  let a = 0;
  let b = 0;
  let k = 0;
  for (; k + 1 < quads; k += 2) {
    a += words[k];
    b += words[k + 1];
  }
  if (k < quads) a += words[k];
  i += quads * 4;
  let tail = 0;
  for (; i + 1 < end; i += 2) tail += data[i] | (data[i + 1] << 8);
  if (i < end) tail += data[i];
  let sum = a + b + head + tail;
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ((sum & 0xff) << 8) | (sum >>> 8);
}

/** Folds a running sum to 16 bits and complements it. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The checksum of `data[start, end)`; 0 when the range already holds a valid checksum. */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length, initial = 0): number {
  return finishChecksum(sumWords(data, start, end, initial));
}

/** The IPv4 pseudo-header sum for UDP and TCP (RFC 768, RFC 9293 §3.1). */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
