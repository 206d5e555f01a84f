// The Internet checksum (RFC 1071), the one helper every format uses: IPv4 header, ICMP,
// UDP/TCP with the pseudo-header, GRE's optional checksum and NHRP.

/** Adds the bytes of `data[start, end)` as 16-bit big-endian words to a running sum.
 * An odd trailing byte is padded with zero, as RFC 1071 says. */
export function sumWords(data: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (i === last) sum += data[i] << 8;
  return sum;
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
