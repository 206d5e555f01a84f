// AS paths (RFC 4271 §4.3, RFC 5065 confederation segments, RFC 6793 4-octet AS numbers):
// the segments of an AS_PATH or AS4_PATH attribute value, parsed and written with 2- or
// 4-octet AS numbers as the caller says, and IOS's text for a path. The attribute header
// around them is in bgp-attributes.ts.

import { readU16, readU32, writeU16, writeU32 } from "./bytes";

/** AS_PATH segment types (RFC 4271 §4.3; 3 and 4 from RFC 5065). */
export const AsPathSegmentType = { AsSet: 1, AsSequence: 2, ConfedSequence: 3, ConfedSet: 4 } as const;

export interface AsPathSegment {
  readonly type: number;
  readonly asns: readonly number[];
}

/** IOS's text for an AS path: sequences as space-separated numbers, sets in braces
 * ("65001 65002 {65010,65011}"), confederation segments in parentheses and brackets. */
export function formatAsPath(segments: readonly AsPathSegment[]): string {
  return segments
    .map((s) => {
      switch (s.type) {
        case AsPathSegmentType.AsSet:
          return `{${s.asns.join(",")}}`;
        case AsPathSegmentType.ConfedSequence:
          return `(${s.asns.join(" ")})`;
        case AsPathSegmentType.ConfedSet:
          return `[${s.asns.join(" ")}]`;
        default:
          return s.asns.join(" ");
      }
    })
    .join(" ");
}

/** The segments of an AS_PATH value `buf[at, end)`; a string saying what is wrong when it is
 * malformed (RFC 7606 §7.2). */
export function parseAsPath(buf: Uint8Array, at: number, end: number, four: boolean): AsPathSegment[] | string {
  const width = four ? 4 : 2;
  const segments: AsPathSegment[] = [];
  while (at < end) {
    if (at + 2 > end) return `segment header at offset ${at} is cut short`;
    const type = buf[at];
    const count = buf[at + 1];
    // RFC 7606 §7.2: unknown segment types and zero-length segments are malformed.
    if (type < AsPathSegmentType.AsSet || type > AsPathSegmentType.ConfedSet) return `segment type ${type} at offset ${at} is not AS_SET, AS_SEQUENCE or a confederation segment`;
    if (count === 0) return `segment at offset ${at} has no AS numbers`;
    if (at + 2 + count * width > end) return `segment at offset ${at} of ${count} ${width}-octet AS numbers overruns the attribute`;
    const asns: number[] = [];
    for (let i = 0; i < count; i++) asns.push(four ? readU32(buf, at + 2 + 4 * i) : readU16(buf, at + 2 + 2 * i));
    segments.push({ type, asns });
    at += 2 + count * width;
  }
  return segments;
}

/** The bytes the segments take with `four`-octet or 2-octet AS numbers. */
export function asPathLength(segments: readonly AsPathSegment[], four: boolean): number {
  const width = four ? 4 : 2;
  let n = 0;
  for (const s of segments) n += 2 + width * s.asns.length;
  return n;
}

/** An AS number for a 2-octet field; throws on one that needs 4 octets (a caller bug). */
export function asn2(asn: number): number {
  if (asn > 0xffff) throw new RangeError(`bgp: AS ${asn} needs 4 octets on a 2-octet session (send AS_TRANS and AS4_PATH)`);
  return asn;
}

/** Writes the segments at `at`. Throws on an empty or over-long segment, or a 4-octet AS
 * on a 2-octet session. */
export function writeAsPath(buf: Uint8Array, at: number, segments: readonly AsPathSegment[], four: boolean): void {
  for (const s of segments) {
    if (s.asns.length === 0 || s.asns.length > 255) throw new RangeError(`bgp: AS_PATH segment of ${s.asns.length} AS numbers`);
    buf[at] = s.type;
    buf[at + 1] = s.asns.length;
    at += 2;
    for (const asn of s.asns) {
      if (four) writeU32(buf, at, asn);
      else writeU16(buf, at, asn2(asn));
      at += four ? 4 : 2;
    }
  }
}
