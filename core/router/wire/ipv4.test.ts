import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ipv4, type Ipv4 } from "./addr";
import { isWireError } from "./errors";
import {
  IpProtocol,
  Ipv4HeaderFault,
  buildIpv4,
  checkIpv4Header,
  decrementTtl,
  emitIpv4,
  ipProtocolName,
  ipv4DontFragment,
  ipv4Dst,
  ipv4HeaderLength,
  ipv4HeaderLengthAt,
  ipv4Protocol,
  ipv4Src,
  ipv4TotalLength,
  ipv4Tos,
  ipv4Ttl,
  parseIpv4,
  setIpv4Ttl,
  type Ipv4Repr,
} from "./ipv4";

const ip = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n as Ipv4);
const optionsArb = fc.option(
  fc.integer({ min: 1, max: 10 }).chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
  { nil: undefined },
);
const reprArb = fc.record({
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.integer({ min: 0, max: 3 }),
  identification: fc.integer({ min: 0, max: 0xffff }),
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffsetBytes: fc.integer({ min: 0, max: 0x1fff }).map((n) => n * 8),
  ttl: fc.integer({ min: 0, max: 255 }),
  protocol: fc.oneof(fc.constantFrom(...Object.values(IpProtocol)), fc.integer({ min: 0, max: 255 })),
  src: ip,
  dst: ip,
  options: optionsArb,
});
const packetArb = fc.tuple(reprArb, fc.uint8Array({ maxLength: 64 })).map(([fields, payload]) => {
  const repr: Ipv4Repr = { ...fields, payloadLength: payload.length };
  return { repr, payload, bytes: buildIpv4(repr, payload) };
});

// RFC 791 layout, a UDP datagram 192.168.0.1 → 192.168.0.199, DF set, TTL 64; header
// checksum 0xb861 summed by hand (the 16-bit words, carries folded, complemented).
const knownHeader = Uint8Array.from([
  0x45, 0x00, 0x00, 0x73, // version 4, IHL 5, TOS 0, total length 115
  0x00, 0x00, 0x40, 0x00, // identification 0, DF, fragment offset 0
  0x40, 0x11, 0xb8, 0x61, // TTL 64, protocol UDP, header checksum
  0xc0, 0xa8, 0x00, 0x01, // source 192.168.0.1
  0xc0, 0xa8, 0x00, 0xc7, // destination 192.168.0.199
]);
const knownPacket = Uint8Array.from([...knownHeader, ...new Array<number>(95).fill(0x5a)]);

function errorAt(bytes: Uint8Array): [string, number] | undefined {
  const e = parseIpv4(bytes);
  return isWireError(e) ? [e.field, e.offset] : undefined;
}

describe("ipv4", () => {
  it("reads every field of a known header with a correct checksum", () => {
    const p = parseIpv4(knownPacket);
    if (isWireError(p)) throw new Error(p.toString());
    expect(p.repr).toEqual({
      dscp: 0,
      ecn: 0,
      identification: 0,
      dontFragment: true,
      moreFragments: false,
      fragmentOffsetBytes: 0,
      ttl: 64,
      protocol: IpProtocol.Udp,
      src: ipv4(192, 168, 0, 1),
      dst: ipv4(192, 168, 0, 199),
      options: undefined,
      payloadLength: 95,
    });
    expect(p.payload.length).toBe(95);
    expect(buildIpv4(p.repr, p.payload)).toEqual(knownPacket);
  });

  it("keeps options as raw bytes and computes the checksum over them", () => {
    // IHL 6 with NOP NOP NOP EOL, MF set, fragment offset 8 bytes, TTL 255, ICMP; checksum 0xd90a.
    const header = Uint8Array.from([
      0x46, 0x00, 0x00, 0x20, 0xab, 0xcd, 0x20, 0x01, 0xff, 0x01, 0xd9, 0x0a,
      10, 0, 0, 1, 10, 0, 0, 2, 0x01, 0x01, 0x01, 0x00, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const p = parseIpv4(header);
    if (isWireError(p)) throw new Error(p.toString());
    expect([...(p.repr.options ?? [])]).toEqual([1, 1, 1, 0]);
    expect(p.repr).toMatchObject({ moreFragments: true, fragmentOffsetBytes: 8, ttl: 255, protocol: 1, payloadLength: 8 });
    expect(ipv4HeaderLength(p.repr)).toBe(24);
    expect(buildIpv4(p.repr, p.payload)).toEqual(header);
  });

  it("bounds the payload by total length, leaving Ethernet padding out", () => {
    const padded = Uint8Array.from([...knownPacket, 0, 0, 0, 0]);
    const p = parseIpv4(padded);
    expect(!isWireError(p) && p.payload.length).toBe(95);
  });

  it("rejects fewer than 20 bytes naming the header", () => {
    expect(errorAt(knownHeader.subarray(0, 19))).toEqual(["header", 0]);
  });

  it("rejects a version other than 4 naming the field", () => {
    const b = knownPacket.slice();
    b[0] = 0x65;
    expect(errorAt(b)).toEqual(["version", 0]);
  });

  it("rejects an IHL below 5 naming the field", () => {
    const b = knownPacket.slice();
    b[0] = 0x44;
    expect(errorAt(b)).toEqual(["IHL", 0]);
  });

  it("rejects an IHL that runs past the buffer", () => {
    const b = knownHeader.slice();
    b[0] = 0x4f;
    expect(errorAt(b)).toEqual(["IHL", 0]);
  });

  it("rejects a total length shorter than the header", () => {
    const b = knownPacket.slice();
    b[2] = 0;
    b[3] = 19;
    expect(errorAt(b)).toEqual(["total length", 2]);
  });

  it("rejects a total length longer than the buffer", () => {
    expect(errorAt(knownPacket.subarray(0, 114))).toEqual(["total length", 2]);
  });

  it("rejects a bad header checksum, reporting what it should have been", () => {
    const b = knownPacket.slice();
    b[11] = 0x62;
    const e = parseIpv4(b);
    expect(isWireError(e) && [e.field, e.offset, e.reason]).toEqual(["header checksum", 10, "0xb862, computed 0xb861"]);
  });

  it("validates a header in place with the same verdict parseIpv4 gives, naming the fault", () => {
    const at = 3;
    const check = (b: Uint8Array): number => {
      const buf = new Uint8Array(at + b.length);
      buf.set(b, at);
      return checkIpv4Header(buf, at, buf.length);
    };
    expect(check(knownPacket)).toBe(Ipv4HeaderFault.None);
    expect(check(knownPacket.subarray(0, 19))).toBe(Ipv4HeaderFault.Truncated);
    expect(check(knownPacket.subarray(0, 100))).toBe(Ipv4HeaderFault.Truncated); // total length 115
    const v6 = knownPacket.slice();
    v6[0] = 0x65;
    expect(check(v6)).toBe(Ipv4HeaderFault.Version);
    const ihl4 = knownPacket.slice();
    ihl4[0] = 0x44;
    expect(check(ihl4)).toBe(Ipv4HeaderFault.HeaderLength);
    const short = knownPacket.slice();
    short[3] = 19;
    short[2] = 0;
    expect(check(short)).toBe(Ipv4HeaderFault.TotalLength);
    const bad = knownPacket.slice();
    bad[11] ^= 1;
    expect(check(bad)).toBe(Ipv4HeaderFault.Checksum);
  });

  it("accepts exactly the headers parseIpv4 accepts", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), fc.boolean(), (bytes, fixChecksum) => {
        const b = bytes.slice();
        if (fixChecksum && b.length >= 20) {
          // Most random headers fail the checksum first; make half of them pass it.
          b[0] = 0x40 | (b[0] & 0x0f);
          const hl = (b[0] & 0x0f) * 4;
          if (hl >= 20 && hl <= b.length) {
            b[10] = b[11] = 0;
            let sum = 0;
            for (let i = 0; i < hl; i += 2) sum += (b[i] << 8) | b[i + 1];
            while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
            b[10] = (~sum >>> 8) & 0xff;
            b[11] = ~sum & 0xff;
          }
        }
        expect(checkIpv4Header(b, 0, b.length) === Ipv4HeaderFault.None).toBe(!isWireError(parseIpv4(b)));
      }),
    );
  });

  it("names protocols and keeps unknown numbers", () => {
    expect(ipProtocolName(47)).toBe("Gre");
    expect(ipProtocolName(4)).toBe("Ipip");
    expect(ipProtocolName(89)).toBe("Unknown(89)");
  });

  it("reads fields in place through the hot-path accessors", () => {
    const buf = new Uint8Array(7 + knownPacket.length);
    buf.set(knownPacket, 7);
    expect(ipv4HeaderLengthAt(buf, 7)).toBe(20);
    expect(ipv4Tos(buf, 7)).toBe(0);
    expect(ipv4TotalLength(buf, 7)).toBe(115);
    expect(ipv4DontFragment(buf, 7)).toBe(true);
    expect(ipv4Ttl(buf, 7)).toBe(64);
    expect(ipv4Protocol(buf, 7)).toBe(17);
    expect(ipv4Src(buf, 7)).toBe(ipv4(192, 168, 0, 1));
    expect(ipv4Dst(buf, 7)).toBe(ipv4(192, 168, 0, 199));
  });

  it("decrements the TTL in place with the checksum patched as RFC 1624 says", () => {
    const b = knownPacket.slice();
    expect(decrementTtl(b, 0)).toBe(63);
    // TTL/protocol word 0x4011 → 0x3f11, so the checksum rises by 0x100: 0xb961.
    expect([b[8], b[10], b[11]]).toEqual([63, 0xb9, 0x61]);
    expect(isWireError(parseIpv4(b))).toBe(false);
  });

  it("leaves a TTL of 0 alone", () => {
    const b = knownPacket.slice();
    setIpv4Ttl(b, 0, 0);
    const before = b.slice();
    expect(decrementTtl(b, 0)).toBe(0);
    expect(b).toEqual(before);
  });

  it("patches the checksum to exactly what a full recomputation gives, for any header and TTL", () => {
    fc.assert(
      fc.property(packetArb, fc.integer({ min: 0, max: 255 }), ({ repr, payload, bytes }, ttl) => {
        const b = bytes.slice();
        setIpv4Ttl(b, 0, ttl);
        expect(b).toEqual(buildIpv4({ ...repr, ttl }, payload));
        if (ttl > 0) {
          expect(decrementTtl(b, 0)).toBe(ttl - 1);
          expect(b).toEqual(buildIpv4({ ...repr, ttl: ttl - 1 }, payload));
        }
      }),
    );
  });

  it("emits at an offset and throws (a bug) on options that are not whole words", () => {
    const p = parseIpv4(knownPacket);
    if (isWireError(p)) throw new Error(p.toString());
    const buf = new Uint8Array(30);
    expect(emitIpv4(p.repr, buf, 10)).toBe(20);
    expect(buf.subarray(10)).toEqual(knownHeader);
    expect(() => emitIpv4({ ...p.repr, options: new Uint8Array(3) }, new Uint8Array(60), 0)).toThrow(RangeError);
    expect(() => emitIpv4({ ...p.repr, options: new Uint8Array(44) }, new Uint8Array(80), 0)).toThrow(RangeError);
  });

  it("round-trips any repr and payload through build and parse", () => {
    fc.assert(
      fc.property(packetArb, ({ repr, payload, bytes }) => {
        const p = parseIpv4(bytes);
        if (isWireError(p)) return false;
        expect(p.repr).toEqual(repr);
        expect(p.payload).toEqual(payload);
        expect(buildIpv4(p.repr, p.payload)).toEqual(bytes);
        return true;
      }),
    );
  });

  it("detects any single-byte change in the header after the version/IHL byte", () => {
    // A changed IHL also changes what the checksum covers, so a match by chance is possible there.
    fc.assert(
      fc.property(packetArb, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ repr, bytes }, at, flip) => {
        const b = bytes.slice();
        b[1 + (at % (ipv4HeaderLength(repr) - 1))] ^= flip;
        return isWireError(parseIpv4(b));
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations of valid packets", () => {
    const truncatedArb = fc.tuple(packetArb, fc.nat()).map(([{ bytes }, n]) => bytes.subarray(0, n % (bytes.length + 1)));
    const mutated = fc.tuple(packetArb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([{ bytes }, at, v]) => {
      const b = bytes.slice();
      b[at % b.length] = v;
      return b;
    });
    const versionFour = fc.uint8Array({ minLength: 1, maxLength: 80 }).map((b) => {
      b[0] = 0x40 | (b[0] & 0x0f);
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), versionFour, truncatedArb, mutated), (bytes) => {
        const p = parseIpv4(bytes);
        return isWireError(p) || p.payload.length === p.repr.payloadLength;
      }),
    );
  });
});
