import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Mac } from "./addr";
import { isWireError } from "./errors";
import {
  ETHERNET_HEADER_LENGTH,
  EtherType,
  buildEthernet,
  emitEthernet,
  etherTypeName,
  ethernetDst,
  ethernetSrc,
  ethernetType,
  parseEthernet,
  setEtherTypeBefore,
  setEthernetAddresses,
  type EthernetRepr,
} from "./ethernet";
import { buildDot1qFrame, dot1qFrameEtherType, dot1qFramePayloadOffset } from "./dot1q";

const mac = fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((n) => n as Mac);
const reprArb: fc.Arbitrary<EthernetRepr> = fc.record({ dst: mac, src: mac, etherType: fc.integer({ min: 0, max: 0xffff }) });
const payloadArb = fc.uint8Array({ maxLength: 64 });

// An ARP broadcast from aabb.cc00.0100, as Wireshark shows it.
const known = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
  0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x00, // source
  0x08, 0x06, // EtherType: ARP
  0xde, 0xad, // two bytes of payload
]);

describe("ethernet", () => {
  it("reads destination, source and EtherType from a known frame", () => {
    const p = parseEthernet(known);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({ dst: 0xffffffffffff, src: 0xaabbcc000100, etherType: EtherType.Arp });
    expect([...p.payload]).toEqual([0xde, 0xad]);
  });

  it("gives the payload as a view into the frame, not a copy", () => {
    const p = parseEthernet(known);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.payload.buffer).toBe(known.buffer);
    expect(p.payload.byteOffset).toBe(known.byteOffset + ETHERNET_HEADER_LENGTH);
  });

  it("rejects a frame shorter than the header naming the header", () => {
    const e = parseEthernet(known.subarray(0, 13));
    expect(isWireError(e) && [e.protocol, e.field, e.offset]).toEqual(["ethernet", "header", 0]);
  });

  it("names known EtherTypes and keeps unknown numbers as Unknown(0x....)", () => {
    expect(etherTypeName(0x0800)).toBe("Ipv4");
    expect(etherTypeName(0x8847)).toBe("MplsUnicast");
    expect(etherTypeName(0x88cc)).toBe("Unknown(0x88cc)");
    expect(etherTypeName(0x2e)).toBe("Unknown(0x002e)");
  });

  it("emits at an offset and the hot-path accessors read the same fields", () => {
    const buf = new Uint8Array(30);
    const repr = { dst: 0x0102030405 as Mac, src: 0xfedcba987654 as Mac, etherType: 0x1234 };
    expect(emitEthernet(repr, buf, 5)).toBe(14);
    expect(ethernetDst(buf, 5)).toBe(repr.dst);
    expect(ethernetSrc(buf, 5)).toBe(repr.src);
    expect(ethernetType(buf, 5)).toBe(0x1234);
  });

  it("throws (a bug, not bad input) when emitting past the end of the buffer", () => {
    expect(() => emitEthernet({ dst: 0 as Mac, src: 0 as Mac, etherType: 0 }, new Uint8Array(14), 1)).toThrow(RangeError);
  });

  it("round-trips any repr and payload through build and parse, unknown EtherTypes included", () => {
    fc.assert(
      fc.property(reprArb, payloadArb, (repr, payload) => {
        const p = parseEthernet(buildEthernet(repr, payload));
        if (isWireError(p)) return false;
        expect(p.repr).toEqual(repr);
        expect(p.payload).toEqual(payload);
        return true;
      }),
    );
  });

  it("emits the same bytes it parsed", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 14, maxLength: 80 }), (bytes) => {
        const p = parseEthernet(bytes);
        if (isWireError(p)) return false;
        expect(buildEthernet(p.repr, p.payload)).toEqual(bytes);
        return true;
      }),
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const p = parseEthernet(bytes);
        return isWireError(p) === bytes.length < 14;
      }),
    );
  });

  it("rewrites the EtherType just before the payload, tagged or not", () => {
    const untagged = buildEthernet({ dst: 1 as Mac, src: 2 as Mac, etherType: EtherType.Ipv4 }, Uint8Array.of(9));
    setEtherTypeBefore(untagged, ETHERNET_HEADER_LENGTH, EtherType.MplsUnicast);
    expect(ethernetType(untagged, 0)).toBe(EtherType.MplsUnicast);
    const tagged = buildDot1qFrame({ dst: 1 as Mac, src: 2 as Mac, vlan: { vid: 10, pcp: 0, dei: false }, etherType: EtherType.Ipv4 }, Uint8Array.of(9));
    setEtherTypeBefore(tagged, dot1qFramePayloadOffset(tagged, 0), EtherType.MplsUnicast);
    expect(dot1qFrameEtherType(tagged, 0)).toBe(EtherType.MplsUnicast);
    expect(ethernetType(tagged, 0)).toBe(EtherType.Dot1Q);
  });

  it("rewrites the addresses in place, leaving the rest", () => {
    const frame = known.slice();
    setEthernetAddresses(frame, 0, ethernetSrc(known, 0), ethernetDst(known, 0));
    expect([ethernetDst(frame, 0), ethernetSrc(frame, 0)]).toEqual([ethernetSrc(known, 0), ethernetDst(known, 0)]);
    expect(frame.subarray(12)).toEqual(known.subarray(12));
  });
});
