import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ipv4, type Ipv4, type Mac } from "./addr";
import { ARP_PACKET_LENGTH, ArpOperation, arpOperation, arpOperationName, arpSenderIp, arpSenderMac, arpTargetIp, buildArp, emitArp, parseArp, type ArpRepr } from "./arp";
import { isWireError } from "./errors";

const mac = fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((n) => n as Mac);
const ip = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n as Ipv4);
const reprArb: fc.Arbitrary<ArpRepr> = fc.record({
  operation: fc.oneof(fc.constantFrom(1, 2), fc.integer({ min: 0, max: 0xffff })),
  senderMac: mac,
  senderIp: ip,
  targetMac: mac,
  targetIp: ip,
});

// "Who has 10.0.0.2? Tell 10.0.0.1" from aabb.cc00.0100, followed by Ethernet padding.
const knownRequest = Uint8Array.from([
  0x00, 0x01, // hardware type: Ethernet
  0x08, 0x00, // protocol type: IPv4
  0x06, 0x04, // address lengths
  0x00, 0x01, // operation: request
  0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x00, 10, 0, 0, 1, // sender
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 2, // target
  ...new Array<number>(18).fill(0), // padding to the 60-byte Ethernet minimum
]);

function fieldOf(bytes: Uint8Array): [string, number] | undefined {
  const e = parseArp(bytes);
  return isWireError(e) ? [e.field, e.offset] : undefined;
}

describe("arp", () => {
  it("reads a known request and keeps the padding as payload", () => {
    const p = parseArp(knownRequest);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({
      operation: ArpOperation.Request,
      senderMac: 0xaabbcc000100,
      senderIp: ipv4(10, 0, 0, 1),
      targetMac: 0,
      targetIp: ipv4(10, 0, 0, 2),
    });
    expect(p.payload.length).toBe(18);
    expect(buildArp(p.repr, p.payload)).toEqual(knownRequest);
  });

  it("reads operation and addresses in place through the hot-path accessors", () => {
    const buf = new Uint8Array(2 + ARP_PACKET_LENGTH);
    buf.set(knownRequest.subarray(0, ARP_PACKET_LENGTH), 2);
    expect(arpOperation(buf, 2)).toBe(1);
    expect(arpSenderMac(buf, 2)).toBe(0xaabbcc000100);
    expect(arpSenderIp(buf, 2)).toBe(ipv4(10, 0, 0, 1));
    expect(arpTargetIp(buf, 2)).toBe(ipv4(10, 0, 0, 2));
  });

  it("rejects a hardware type other than Ethernet naming the field", () => {
    expect(fieldOf(Uint8Array.from([0x00, 0x06, ...knownRequest.subarray(2)]))).toEqual(["hardware type", 0]);
  });

  it("rejects a protocol type other than IPv4 naming the field", () => {
    expect(fieldOf(Uint8Array.from([0x00, 0x01, 0x86, 0xdd, ...knownRequest.subarray(4)]))).toEqual(["protocol type", 2]);
  });

  it("rejects address lengths other than 6 and 4 naming the field", () => {
    const b = knownRequest.slice();
    b[4] = 8;
    expect(fieldOf(b)).toEqual(["hardware address length", 4]);
    b[4] = 6;
    b[5] = 16;
    expect(fieldOf(b)).toEqual(["protocol address length", 5]);
  });

  it("rejects fewer than 28 bytes", () => {
    expect(fieldOf(knownRequest.subarray(0, 27))).toEqual(["packet", 0]);
  });

  it("keeps an unknown operation, such as InARP's 8, as its number", () => {
    const b = knownRequest.slice();
    b[7] = 8;
    const p = parseArp(b);
    expect(!isWireError(p) && p.repr.operation).toBe(8);
    expect(arpOperationName(8)).toBe("Unknown(8)");
    expect(arpOperationName(2)).toBe("Reply");
  });

  it("emits at an offset and throws (a bug) when the buffer is too short", () => {
    const buf = new Uint8Array(40);
    const p = parseArp(knownRequest);
    if (isWireError(p)) throw new Error(p.toString());
    expect(emitArp(p.repr, buf, 12)).toBe(28);
    expect(buf.subarray(12)).toEqual(knownRequest.subarray(0, 28));
    expect(() => emitArp(p.repr, buf, 13)).toThrow(RangeError);
  });

  it("round-trips any repr through build and parse", () => {
    fc.assert(
      fc.property(reprArb, fc.uint8Array({ maxLength: 32 }), (repr, padding) => {
        const p = parseArp(buildArp(repr, padding));
        if (isWireError(p)) return false;
        expect(p.repr).toEqual(repr);
        expect(p.payload).toEqual(padding);
        return true;
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations of a valid packet", () => {
    const mutated = fc.tuple(reprArb, fc.nat(27), fc.integer({ min: 0, max: 255 })).map(([repr, at, value]) => {
      const b = buildArp(repr);
      b[at] = value;
      return b;
    });
    const truncatedArb = fc.tuple(reprArb, fc.nat(28)).map(([repr, n]) => buildArp(repr).subarray(0, n));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), mutated, truncatedArb), (bytes) => {
        const p = parseArp(bytes);
        return isWireError(p) || p.payload.length === bytes.length - ARP_PACKET_LENGTH;
      }),
    );
  });
});
