import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Mac } from "./addr";
import { isWireError } from "./errors";
import {
  DOT1Q_TAG_LENGTH,
  buildDot1q,
  buildDot1qFrame,
  dot1qFrameEtherType,
  dot1qFrameHeaderLength,
  dot1qFramePayloadOffset,
  dot1qFrameVid,
  parseDot1q,
  parseDot1qFrame,
  type Dot1qFrameRepr,
  type Dot1qRepr,
} from "./dot1q";
import { EtherType } from "./ethernet";

const mac = fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((n) => n as Mac);
const u16 = fc.integer({ min: 0, max: 0xffff });
const pcp = fc.integer({ min: 0, max: 7 });
const vid = fc.integer({ min: 0, max: 4095 });
const tciArb = fc.record({ pcp, dei: fc.boolean(), vid });
const tagArb: fc.Arbitrary<Dot1qRepr> = fc.record({ pcp, dei: fc.boolean(), vid, etherType: u16 });
const frameArb: fc.Arbitrary<Dot1qFrameRepr> = fc.record({ dst: mac, src: mac, vlan: fc.option(tciArb, { nil: undefined }), etherType: u16 });
const payloadArb = fc.uint8Array({ maxLength: 64 });

// VLAN 100, CoS 5, DEI clear, carrying IPv4 (Wireshark: "802.1Q Virtual LAN, PRI: 5, DEI: 0, ID: 100").
const knownTagged = Uint8Array.from([
  0x00, 0x00, 0x5e, 0x00, 0x01, 0x01, // destination
  0xaa, 0xbb, 0xcc, 0x00, 0x02, 0x00, // source
  0x81, 0x00, // TPID
  0xa0, 0x64, // PCP 5 (101), DEI 0, VID 100 (0x064)
  0x08, 0x00, // inner EtherType: IPv4
  0x45, 0x00, // start of the IPv4 payload
]);

describe("dot1q tag", () => {
  it("reads PCP, DEI, VID and the inner EtherType from a known tag", () => {
    const p = parseDot1q(knownTagged.subarray(14));
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({ pcp: 5, dei: false, vid: 100, etherType: EtherType.Ipv4 });
    expect([...p.payload]).toEqual([0x45, 0x00]);
  });

  it("reads the DEI bit and the top VID bits", () => {
    const p = parseDot1q(Uint8Array.from([0x1f, 0xff, 0x88, 0x47]));
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({ pcp: 0, dei: true, vid: 4095, etherType: EtherType.MplsUnicast });
  });

  it("rejects a tag shorter than 4 bytes naming the tag control information", () => {
    const e = parseDot1q(Uint8Array.from([0xa0, 0x64, 0x08]));
    expect(isWireError(e) && [e.protocol, e.field, e.offset]).toEqual(["dot1q", "tag control information", 0]);
  });

  it("round-trips any tag through build and parse", () => {
    fc.assert(
      fc.property(tagArb, payloadArb, (repr, payload) => {
        const p = parseDot1q(buildDot1q(repr, payload));
        if (isWireError(p)) return false;
        expect(p.repr).toEqual(repr);
        expect(p.payload).toEqual(payload);
        return true;
      }),
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => isWireError(parseDot1q(b)) === b.length < DOT1Q_TAG_LENGTH));
  });
});

describe("ethernet frame with an optional 802.1Q tag", () => {
  it("parses a tagged frame into addresses, tag and inner EtherType", () => {
    const p = parseDot1qFrame(knownTagged);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({
      dst: 0x00005e000101,
      src: 0xaabbcc000200,
      vlan: { pcp: 5, dei: false, vid: 100 },
      etherType: EtherType.Ipv4,
    });
    expect([...p.payload]).toEqual([0x45, 0x00]);
  });

  it("parses an untagged frame with no vlan", () => {
    const untagged = Uint8Array.from([...knownTagged.subarray(0, 12), 0x08, 0x06, 1, 2]);
    const p = parseDot1qFrame(untagged);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr.vlan).toBeUndefined();
    expect(p.repr.etherType).toBe(EtherType.Arp);
    expect(dot1qFrameHeaderLength(p.repr)).toBe(14);
    expect(dot1qFrameVid(untagged, 0)).toBe(-1);
    expect(dot1qFrameEtherType(untagged, 0)).toBe(EtherType.Arp);
    expect(dot1qFramePayloadOffset(untagged, 0)).toBe(14);
  });

  it("rejects a frame with the 0x8100 TPID but no room for the tag, at offset 14", () => {
    const e = parseDot1qFrame(knownTagged.subarray(0, 16));
    expect(isWireError(e) && [e.protocol, e.field, e.offset]).toEqual(["dot1q", "tag control information", 14]);
  });

  it("reads VID, inner EtherType and payload offset in place through the hot-path accessors", () => {
    const buf = new Uint8Array(3 + knownTagged.length);
    buf.set(knownTagged, 3);
    expect(dot1qFrameVid(buf, 3)).toBe(100);
    expect(dot1qFrameEtherType(buf, 3)).toBe(EtherType.Ipv4);
    expect(dot1qFramePayloadOffset(buf, 3)).toBe(18);
  });

  it("emits the same bytes it parsed from the known frame", () => {
    const p = parseDot1qFrame(knownTagged);
    if (isWireError(p)) throw new Error(p.toString());
    expect(buildDot1qFrame(p.repr, p.payload)).toEqual(knownTagged);
  });

  it("round-trips any frame through build and parse", () => {
    fc.assert(
      fc.property(frameArb, payloadArb, (repr, payload) => {
        // An untagged frame whose EtherType is 0x8100 would read back as tagged; that frame is a tagged one.
        fc.pre(repr.vlan !== undefined || repr.etherType !== EtherType.Dot1Q);
        const bytes = buildDot1qFrame(repr, payload);
        const p = parseDot1qFrame(bytes);
        if (isWireError(p)) return false;
        expect(p.repr).toEqual(repr);
        expect(p.payload).toEqual(payload);
        expect(dot1qFrameVid(bytes, 0)).toBe(repr.vlan?.vid ?? -1);
        expect(dot1qFrameEtherType(bytes, 0)).toBe(repr.etherType);
        return true;
      }),
    );
  });

  it("never throws on arbitrary bytes, tagged or not", () => {
    const tagged = fc.uint8Array({ maxLength: 30 }).map((b) => {
      if (b.length >= 14) b.set([0x81, 0x00], 12);
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 30 }), tagged), (bytes) => {
        const p = parseDot1qFrame(bytes);
        return isWireError(p) || p.payload.length === bytes.length - dot1qFrameHeaderLength(p.repr);
      }),
    );
  });
});
