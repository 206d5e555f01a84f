import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ipv4, type Ipv4 } from "./addr";
import { isWireError } from "./errors";
import { UDP_HEADER_LENGTH, buildUdp, emitUdp, parseUdp, udpDstPort, udpLength, udpSrcPort, type UdpRepr } from "./udp";

const ip = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n as Ipv4);
const port = fc.integer({ min: 0, max: 0xffff });
const packetArb = fc
  .tuple(port, port, fc.boolean(), fc.uint8Array({ maxLength: 64 }), ip, ip)
  .map(([srcPort, dstPort, none, payload, src, dst]) => {
    const repr: UdpRepr = { srcPort, dstPort, payloadLength: payload.length, ...(none ? { noChecksum: true } : {}) };
    return { repr, payload, src, dst, bytes: buildUdp(repr, payload, src, dst) };
  });

const A = ipv4(10, 0, 0, 1);
const B = ipv4(10, 0, 0, 2);

// 10.0.0.1:1234 → 10.0.0.2:53 carrying "hi". Checksum by hand: pseudo-header words
// 0a00 0001 0a00 0002 0011 000a, header 04d2 0035 000a, data 6869; folded sum 0x8198,
// complemented 0x7e67.
const known = Uint8Array.from([0x04, 0xd2, 0x00, 0x35, 0x00, 0x0a, 0x7e, 0x67, 0x68, 0x69]);

function errorAt(bytes: Uint8Array): [string, number] | undefined {
  const e = parseUdp(bytes, A, B);
  return isWireError(e) ? [e.field, e.offset] : undefined;
}

describe("udp", () => {
  it("reads a known datagram and verifies its pseudo-header checksum", () => {
    const p = parseUdp(known, A, B);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({ srcPort: 1234, dstPort: 53, payloadLength: 2 });
    expect([...p.payload]).toEqual([0x68, 0x69]);
    expect(buildUdp(p.repr, p.payload, A, B)).toEqual(known);
  });

  it("rejects the same datagram between other addresses: the pseudo-header is covered", () => {
    const e = parseUdp(known, A, ipv4(10, 0, 0, 3));
    expect(isWireError(e) && [e.field, e.offset]).toEqual(["checksum", 6]);
  });

  it("accepts checksum 0 as none computed, and emits 0 again when told to", () => {
    const b = known.slice();
    b[6] = 0;
    b[7] = 0;
    const p = parseUdp(b, A, ipv4(1, 2, 3, 4));
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr.noChecksum).toBe(true);
    expect(buildUdp(p.repr, p.payload, A, B)).toEqual(b);
  });

  it("sends a computed checksum of 0 as 0xFFFF", () => {
    // Data word 0xe6d0 makes the folded sum 0xffff, whose complement is 0.
    const out = buildUdp({ srcPort: 1234, dstPort: 53, payloadLength: 2 }, Uint8Array.from([0xe6, 0xd0]), A, B);
    expect([out[6], out[7]]).toEqual([0xff, 0xff]);
    const p = parseUdp(out, A, B);
    expect(!isWireError(p) && p.repr.noChecksum).toBeFalsy();
  });

  it("rejects a length field below 8 naming the length", () => {
    const b = known.slice();
    b[5] = 7;
    expect(errorAt(b)).toEqual(["length", 4]);
  });

  it("rejects a length field beyond the buffer naming the length", () => {
    expect(errorAt(known.subarray(0, 9))).toEqual(["length", 4]);
    expect(errorAt(known.subarray(0, 7))).toEqual(["header", 0]);
  });

  it("ignores bytes past the length field", () => {
    const p = parseUdp(Uint8Array.from([...known, 0xee]), A, B);
    expect(!isWireError(p) && p.payload.length).toBe(2);
  });

  it("emits at an offset over a payload already in place, and reads ports in place", () => {
    const buf = new Uint8Array(4 + known.length);
    buf.set([0x68, 0x69], 4 + UDP_HEADER_LENGTH);
    expect(emitUdp({ srcPort: 1234, dstPort: 53, payloadLength: 2 }, buf, 4, A, B)).toBe(8);
    expect(buf.subarray(4)).toEqual(known);
    expect([udpSrcPort(buf, 4), udpDstPort(buf, 4), udpLength(buf, 4)]).toEqual([1234, 53, 10]);
    expect(() => emitUdp({ srcPort: 1, dstPort: 2, payloadLength: 3 }, buf, 4, A, B)).toThrow(RangeError);
  });

  it("round-trips any datagram through build and parse, bytes included", () => {
    fc.assert(
      fc.property(packetArb, ({ repr, payload, src, dst, bytes }) => {
        const p = parseUdp(bytes, src, dst);
        if (isWireError(p)) return false;
        expect(p.repr).toEqual(repr);
        expect(p.payload).toEqual(payload);
        expect(buildUdp(p.repr, p.payload, src, dst)).toEqual(bytes);
        return true;
      }),
    );
  });

  it("detects any single-byte change outside the length field in a checksummed datagram", () => {
    // A changed length also changes what the checksum covers, so a match by chance is possible there.
    fc.assert(
      fc.property(packetArb, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ repr, src, dst, bytes }, at, flip) => {
        const i = at % bytes.length;
        fc.pre(!repr.noChecksum && i !== 4 && i !== 5);
        const b = bytes.slice();
        b[i] ^= flip;
        // Zeroing the checksum field turns it off, which is legal: not an error.
        if (i >= 6 && i < 8 && b[6] === 0 && b[7] === 0) return true;
        return isWireError(parseUdp(b, src, dst));
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations of valid datagrams", () => {
    const truncatedArb = packetArb.chain((p) => fc.nat(p.bytes.length).map((n) => ({ ...p, bytes: p.bytes.subarray(0, n) })));
    const mutated = fc.tuple(packetArb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([p, at, v]) => {
      const b = p.bytes.slice();
      b[at % b.length] = v;
      return { ...p, bytes: b };
    });
    const random = fc.record({ bytes: fc.uint8Array({ maxLength: 40 }), src: ip, dst: ip });
    fc.assert(
      fc.property(fc.oneof(random, truncatedArb, mutated), ({ bytes, src, dst }) => {
        const p = parseUdp(bytes, src, dst);
        return isWireError(p) || p.payload.length === p.repr.payloadLength;
      }),
    );
  });
});
