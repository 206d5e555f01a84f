import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { internetChecksum } from "./checksum";
import { isWireError } from "./errors";
import {
  ICMP_HEADER_LENGTH,
  IcmpTimeExceededCode,
  IcmpUnreachableCode,
  buildIcmp,
  emitIcmp,
  icmpCode,
  icmpEchoIdentifier,
  icmpEchoSequenceNumber,
  icmpExtensionLength,
  icmpMessageLength,
  icmpPaddedDatagramLength,
  icmpType,
  parseIcmp,
  type IcmpExtensionObject,
  type IcmpRepr,
} from "./icmp";
import type { Label } from "./mpls";

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const entryArb = fc.record({ label: fc.integer({ min: 0, max: 0xfffff }).map((n) => n as Label), tc: fc.integer({ min: 0, max: 7 }), bottom: fc.boolean(), ttl: u8 });
const objectArb: fc.Arbitrary<IcmpExtensionObject> = fc.oneof(
  fc.record({ kind: fc.constant("mpls-label-stack" as const), entries: fc.array(entryArb, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant("unknown" as const), classNum: u8, cType: u8, data: fc.uint8Array({ maxLength: 12 }) }).filter((o) => !(o.classNum === 1 && o.cType === 1)),
);
const extensionsArb = fc.option(fc.array(objectArb, { maxLength: 3 }), { nil: undefined });
const reprArb: fc.Arbitrary<IcmpRepr> = fc.oneof(
  fc.record({ kind: fc.constantFrom("echo-request" as const, "echo-reply" as const), identifier: u16, sequenceNumber: u16, payloadLength: fc.constant(0) }),
  fc.record({ kind: fc.constant("dst-unreachable" as const), code: u8, nextHopMtu: u16, payloadLength: fc.constant(0), extensions: extensionsArb }),
  fc.record({ kind: fc.constant("time-exceeded" as const), code: u8, payloadLength: fc.constant(0), extensions: extensionsArb }),
  fc.record({ kind: fc.constant("redirect" as const), code: u8, gateway: fc.integer({ min: 0, max: 0xffffffff }), payloadLength: fc.constant(0) }),
  fc.record({
    kind: fc.constant("other" as const),
    type: u8.filter((t) => ![0, 3, 5, 8, 11].includes(t)),
    code: u8,
    restOfHeader: fc.integer({ min: 0, max: 0xffffffff }),
    payloadLength: fc.constant(0),
  }),
);
/** A repr, the payload handed to buildIcmp, the payload as it reads back (padded), and the bytes. */
const messageArb = fc.tuple(reprArb, fc.uint8Array({ maxLength: 200 })).map(([repr, quoted]) => {
  const bytes = buildIcmp(repr, quoted);
  const hasExtensions = (repr.kind === "dst-unreachable" || repr.kind === "time-exceeded") && repr.extensions !== undefined;
  const payload = new Uint8Array(hasExtensions ? icmpPaddedDatagramLength(quoted.length) : quoted.length);
  payload.set(quoted);
  return { repr: { ...repr, payloadLength: payload.length } as IcmpRepr, payload, bytes };
});

function setChecksum(b: Uint8Array, at: number, start: number, end: number): Uint8Array {
  b[at] = 0;
  b[at + 1] = 0;
  const c = internetChecksum(b, start, end);
  b[at] = c >>> 8;
  b[at + 1] = c & 0xff;
  return b;
}

/** Recomputes the ICMP checksum so a test reaches the check it is aimed at. */
function fixed(b: Uint8Array): Uint8Array {
  return setChecksum(b, 2, 0, b.length);
}

function errorAt(b: Uint8Array): [string, number] | undefined {
  const e = parseIcmp(b);
  return isWireError(e) ? [e.field, e.offset] : undefined;
}

// A Windows `ping`: echo request, identifier 1, sequence 1, 32 bytes "abc…wabc…i". Checksum
// by hand over the 16-bit words (0800 0000 0001 0001 6162 … 6869): 0x4d5a.
const data = new TextEncoder().encode("abcdefghijklmnopqrstuvwabcdefghi");
const knownEcho = Uint8Array.from([0x08, 0x00, 0x4d, 0x5a, 0x00, 0x01, 0x00, 0x01, ...data]);

// The quoted probe: IPv4 10.0.0.1 → 10.9.9.9, TTL 1, UDP 33434 → 33435 (header checksum 0x8a6b).
const probe = [
  0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0x8a, 0x6b, 10, 0, 0, 1, 10, 9, 9, 9,
  0x82, 0x9a, 0x82, 0x9b, 0x00, 0x28, 0x00, 0x00,
];

// Fragmentation needed, next-hop MTU 1400, quoting the probe. Checksum by hand: 0xf225.
const knownFragNeeded = Uint8Array.from([0x03, 0x04, 0xf2, 0x25, 0x00, 0x00, 0x05, 0x78, ...probe]);

// An LSR's TTL-exceeded for the probe (RFC 4884 + RFC 4950): length 32 words, the probe
// zero-padded to 128 bytes, then extension header (version 2, checksum 0xddf4) and one
// MPLS label stack object (length 8, class 1, C-type 1) with label 16, TC 0, S 1, TTL 1.
const knownTimeExceeded = Uint8Array.from([
  0x0b, 0x00, 0xef, 0x81, 0x00, 0x20, 0x00, 0x00,
  ...probe, ...new Array<number>(128 - probe.length).fill(0),
  0x20, 0x00, 0xdd, 0xf4,
  0x00, 0x08, 0x01, 0x01,
  0x00, 0x01, 0x01, 0x01,
]);
const EXT = ICMP_HEADER_LENGTH + 128;

describe("icmp", () => {
  it("reads a known echo request with a correct checksum", () => {
    const p = parseIcmp(knownEcho);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({ kind: "echo-request", identifier: 1, sequenceNumber: 1, payloadLength: 32 });
    expect(p.payload).toEqual(data);
    expect(buildIcmp(p.repr, p.payload)).toEqual(knownEcho);
  });

  it("answers an echo request with a reply that differs only in type and checksum", () => {
    const reply = buildIcmp({ kind: "echo-reply", identifier: 1, sequenceNumber: 1, payloadLength: 32 }, data);
    expect([...reply.subarray(0, 4)]).toEqual([0x00, 0x00, 0x55, 0x5a]);
    expect(reply.subarray(4)).toEqual(knownEcho.subarray(4));
  });

  it("rejects a bad checksum naming the field and the value it should have", () => {
    const b = knownEcho.slice();
    b[9] ^= 1; // "b" → "c": the word grows by 1, so the checksum falls by 1
    const e = parseIcmp(b);
    expect(isWireError(e) && [e.field, e.offset]).toEqual(["checksum", 2]);
    expect(isWireError(e) && e.reason).toBe("0x4d5a, computed 0x4d59");
  });

  it("rejects fewer than 8 bytes naming the header", () => {
    expect(errorAt(knownEcho.subarray(0, 7))).toEqual(["header", 0]);
  });

  it("reads fragmentation needed with its next-hop MTU and the quoted datagram", () => {
    const p = parseIcmp(knownFragNeeded);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({
      kind: "dst-unreachable",
      code: IcmpUnreachableCode.FragmentationNeeded,
      nextHopMtu: 1400,
      payloadLength: 28,
      extensions: undefined,
    });
    expect([...p.payload]).toEqual(probe);
    expect(buildIcmp(p.repr, p.payload)).toEqual(knownFragNeeded);
  });

  it("reads a time exceeded carrying the RFC 4950 MPLS label stack", () => {
    const p = parseIcmp(knownTimeExceeded);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({
      kind: "time-exceeded",
      code: IcmpTimeExceededCode.TtlExceeded,
      payloadLength: 128,
      extensions: [{ kind: "mpls-label-stack", entries: [{ label: 16 as Label, tc: 0, bottom: true, ttl: 1 }] }],
    });
    expect([...p.payload.subarray(0, probe.length)]).toEqual(probe);
    expect(icmpExtensionLength(p.repr)).toBe(12);
    expect(icmpMessageLength(p.repr)).toBe(knownTimeExceeded.length);
  });

  it("builds that time exceeded from the bare probe, padding it to 128 bytes", () => {
    const entries = [{ label: 16 as Label, tc: 0, bottom: true, ttl: 1 }];
    const out = buildIcmp({ kind: "time-exceeded", code: 0, payloadLength: 0, extensions: [{ kind: "mpls-label-stack", entries }] }, Uint8Array.from(probe));
    expect(out).toEqual(knownTimeExceeded);
  });

  it("rejects a bad extension checksum naming it", () => {
    const b = knownTimeExceeded.slice();
    b[EXT + 11] = 2; // the label's TTL
    expect(errorAt(fixed(b))).toEqual(["extension checksum", EXT + 2]);
  });

  it("accepts an extension checksum of zero as none sent", () => {
    const b = knownTimeExceeded.slice();
    b[EXT + 2] = 0;
    b[EXT + 3] = 0;
    const p = parseIcmp(fixed(b));
    expect(!isWireError(p) && p.repr.kind === "time-exceeded" && p.repr.extensions?.length).toBe(1);
  });

  it("rejects an extension version other than 2", () => {
    const b = knownTimeExceeded.slice();
    b[EXT] = 0x10;
    expect(errorAt(fixed(setChecksum(b, EXT + 2, EXT, b.length)))).toEqual(["extension version", EXT]);
  });

  it("rejects a length attribute that runs past the message", () => {
    const b = knownTimeExceeded.slice();
    b[5] = 40;
    expect(errorAt(fixed(b))).toEqual(["length", 5]);
  });

  it("rejects an MPLS object whose payload is not whole label stack entries", () => {
    const b = Uint8Array.from([...knownTimeExceeded.subarray(0, EXT + 4), 0x00, 0x06, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00]);
    expect(errorAt(fixed(setChecksum(b, EXT + 2, EXT, b.length)))).toEqual(["MPLS label stack entry", EXT + 8]);
  });

  it("rejects an object length below 4 or past the end", () => {
    const short = knownTimeExceeded.slice();
    short[EXT + 5] = 3;
    expect(errorAt(fixed(setChecksum(short, EXT + 2, EXT, short.length)))).toEqual(["object length", EXT + 4]);
    const long = knownTimeExceeded.slice();
    long[EXT + 5] = 12;
    expect(errorAt(fixed(setChecksum(long, EXT + 2, EXT, long.length)))).toEqual(["object length", EXT + 4]);
  });

  it("reads extensions appended without the length attribute as part of the original datagram", () => {
    const b = knownTimeExceeded.slice();
    b[5] = 0;
    const p = parseIcmp(fixed(b));
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toMatchObject({ kind: "time-exceeded", payloadLength: 140, extensions: undefined });
  });

  it("keeps objects of other classes as raw bytes", () => {
    const interfaceInfo: IcmpExtensionObject = { kind: "unknown", classNum: 2, cType: 0x0c, data: Uint8Array.from([0, 0, 0, 3]) };
    const out = buildIcmp({ kind: "dst-unreachable", code: 1, nextHopMtu: 0, payloadLength: 0, extensions: [interfaceInfo] }, Uint8Array.from(probe));
    const p = parseIcmp(out);
    expect(!isWireError(p) && p.repr.kind === "dst-unreachable" && p.repr.extensions).toEqual([interfaceInfo]);
  });

  it("throws (a bug) when asked to emit extensions after an unpadded datagram", () => {
    const repr: IcmpRepr = { kind: "time-exceeded", code: 0, payloadLength: 30, extensions: [] };
    expect(() => emitIcmp(repr, new Uint8Array(100), 0)).toThrow(RangeError);
  });

  it("reads a host redirect's gateway, and emits the same bytes", () => {
    // Type 5 code 1, to gateway 10.0.0.254, about the probe.
    const bytes = setChecksum(Uint8Array.from([5, 1, 0, 0, 10, 0, 0, 254, ...probe]), 2, 0, 8 + probe.length);
    const p = parseIcmp(bytes);
    expect(!isWireError(p) && p.repr).toEqual({ kind: "redirect", code: 1, gateway: 0x0a0000fe, payloadLength: 28 });
    expect(buildIcmp({ kind: "redirect", code: 1, gateway: 0x0a0000fe, payloadLength: 0 }, Uint8Array.from(probe))).toEqual(bytes);
  });

  it("keeps an unknown type with its rest-of-header word", () => {
    // A timestamp request (type 13): identifier 1, sequence 2.
    const out = buildIcmp({ kind: "other", type: 13, code: 0, restOfHeader: 0x00010002, payloadLength: 0 }, Uint8Array.from(probe));
    const p = parseIcmp(out);
    expect(!isWireError(p) && p.repr).toEqual({ kind: "other", type: 13, code: 0, restOfHeader: 0x00010002, payloadLength: 28 });
  });

  it("reads type, code, identifier and sequence in place", () => {
    const buf = new Uint8Array(3 + knownEcho.length);
    buf.set(knownEcho, 3);
    expect([icmpType(buf, 3), icmpCode(buf, 3), icmpEchoIdentifier(buf, 3), icmpEchoSequenceNumber(buf, 3)]).toEqual([8, 0, 1, 1]);
  });

  it("round-trips any message through build and parse, and emits the bytes it parsed", () => {
    fc.assert(
      fc.property(messageArb, ({ repr, payload, bytes }) => {
        const p = parseIcmp(bytes);
        if (isWireError(p)) return false;
        expect(p.repr).toEqual(repr);
        expect(p.payload).toEqual(payload);
        expect(buildIcmp(p.repr, p.payload)).toEqual(bytes);
        return true;
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations of valid messages", () => {
    const withChecksum = fc.uint8Array({ minLength: 8, maxLength: 200 }).map(fixed);
    const truncatedArb = fc.tuple(messageArb, fc.nat()).map(([{ bytes }, n]) => fixed(bytes.slice(0, 8 + (n % (bytes.length - 7)))));
    const mutated = fc.tuple(messageArb, fc.nat(), u8, fc.boolean()).map(([{ repr, bytes }, at, v, fixExtension]) => {
      const b = bytes.slice();
      b[at % b.length] = v;
      const ext = ICMP_HEADER_LENGTH + repr.payloadLength;
      if (fixExtension && icmpExtensionLength(repr) > 0) setChecksum(b, ext + 2, ext, b.length);
      return fixed(b);
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 60 }), withChecksum, truncatedArb, mutated), (bytes) => {
        const p = parseIcmp(bytes);
        return isWireError(p) || icmpMessageLength(p.repr) === bytes.length;
      }),
      { numRuns: 500 },
    );
  });
});
