// TCP MD5 signatures (RFC 2385, BGP's `neighbor X password`): the digest covers the IPv4
// pseudo-header, the fixed 20-byte TCP header with a zero checksum (options excluded), the
// data and the key. A segment without the option, or with a wrong digest, on a connection
// that has a key is dropped; so is a signed segment where none is expected.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Ipv4 } from "../../wire/addr";
import { tcpMd5SignedHeader, type TcpOption } from "../../wire/tcp";

export type TcpMd5Key = Uint8Array;

/** The key as bytes: a password string is taken as its UTF-8 bytes, as IOS and Linux do. */
export function md5Key(key: Uint8Array | string): TcpMd5Key {
  return typeof key === "string" ? new TextEncoder().encode(key) : key;
}

/** The digest for the segment `segment` (header and data; its header is `headerLength` bytes). */
export function tcpMd5Digest(src: Ipv4, dst: Ipv4, segment: Uint8Array, headerLength: number, key: TcpMd5Key): Uint8Array {
  return new Uint8Array(createHash("md5").update(tcpMd5SignedHeader(src, dst, segment)).update(segment.subarray(headerLength)).update(key).digest());
}

export type Md5Verdict = "ok" | "tcp-md5-missing" | "tcp-md5-mismatch" | "tcp-md5-unexpected";

/** Checks a received segment's signature against `key` (undefined: none expected). */
export function checkTcpMd5(options: readonly TcpOption[], src: Ipv4, dst: Ipv4, segment: Uint8Array, headerLength: number, key: TcpMd5Key | undefined): Md5Verdict {
  let digest: Uint8Array | undefined;
  for (const option of options) if (option.type === "md5") digest = option.digest;
  if (key === undefined) return digest === undefined ? "ok" : "tcp-md5-unexpected";
  if (digest === undefined) return "tcp-md5-missing";
  return timingSafeEqual(digest, tcpMd5Digest(src, dst, segment, headerLength, key)) ? "ok" : "tcp-md5-mismatch";
}
