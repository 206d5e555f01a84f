import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ipv4 } from "./addr";
import {
  Vpnv4NlriReader,
  formatRouteDistinguisher,
  labelledIpv4NlriLength,
  parseIpv4Prefixes,
  parseLabelledIpv4Nlri,
  parseRouteDistinguisher,
  parseVpnv4Nlri,
  readRouteDistinguisher,
  vpnv4NlriLength,
  writeLabelledIpv4Nlri,
  writeRouteDistinguisher,
  writeVpnv4Nlri,
  type RouteDistinguisher,
} from "./bgp-nlri";
import { isWireError } from "./errors";
import { toLabel, type Label } from "./mpls";

const label = (n: number) => toLabel(n) as Label;

describe("route distinguishers (RFC 4364 §4.2)", () => {
  it("reads and writes the three types, and keeps an unknown type's bytes", () => {
    const cases: [number[], RouteDistinguisher, string][] = [
      [[0, 0, 0xfd, 0xe8, 0, 0, 0, 1], { type: 0, asn: 65000, assigned: 1 }, "65000:1"],
      [[0, 1, 10, 0, 0, 1, 0, 5], { type: 1, ip: ipv4(10, 0, 0, 1), assigned: 5 }, "10.0.0.1:5"],
      [[0, 2, 0xfa, 0x56, 0xea, 0, 0, 7], { type: 2, asn: 4200000000, assigned: 7 }, "4200000000:7"],
      [[0, 9, 1, 2, 3, 4, 5, 6], { type: 9, value: Uint8Array.of(1, 2, 3, 4, 5, 6) }, "9:010203040506"],
    ];
    for (const [bytes, rd, text] of cases) {
      expect(readRouteDistinguisher(Uint8Array.from(bytes), 0)).toEqual(rd);
      const out = new Uint8Array(8);
      writeRouteDistinguisher(out, 0, rd);
      expect([...out]).toEqual(bytes);
      expect(formatRouteDistinguisher(rd)).toBe(text);
    }
  });

  it("reads IOS rd text, choosing type 0 or 2 by the AS number's size", () => {
    expect(parseRouteDistinguisher("65000:4294967295")).toEqual({ type: 0, asn: 65000, assigned: 4294967295 });
    expect(parseRouteDistinguisher("65536:1")).toEqual({ type: 2, asn: 65536, assigned: 1 });
    expect(parseRouteDistinguisher("192.0.2.1:65535")).toEqual({ type: 1, ip: ipv4(192, 0, 2, 1), assigned: 65535 });
    for (const bad of ["192.0.2.1:65536", "65536:65536", "1:2:3", ":1", "1:", "a:1", "1:-1", "99999999999:1"]) {
      expect(parseRouteDistinguisher(bad), bad).toBeUndefined();
    }
  });
});

describe("IPv4 prefixes (RFC 4271 §4.3)", () => {
  it("reads only the significant octets and zeroes host bits", () => {
    expect(parseIpv4Prefixes(Uint8Array.of(0x14, 10, 1, 0xff, 0), 0, 5, "NLRI")).toEqual([{ addr: ipv4(10, 1, 0xf0, 0), len: 20 }, { addr: 0, len: 0 }]);
  });
});

describe("VPN-IPv4 NLRI (RFC 4364 §4.3.4, RFC 8277)", () => {
  // Two routes: label 16 / RD 65000:1 / 192.168.1.0/24, labels 17 18 / RD 10.0.0.1:5 / 10.0.0.0/8.
  const bytes = Uint8Array.of(
    0x70, 0x00, 0x01, 0x01, 0x00, 0x00, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x01, 0xc0, 0xa8, 0x01,
    0x78, 0x00, 0x01, 0x10, 0x00, 0x01, 0x21, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x05, 0x0a,
  );

  it("walks routes with the reader, reading labels, RD and prefix in place", () => {
    const reader = new Vpnv4NlriReader();
    reader.reset(bytes, 0, bytes.length, false);
    const seen: unknown[] = [];
    while (reader.next()) {
      seen.push([Array.from({ length: reader.labelCount }, (_, i) => reader.label(i)), reader.rdType(), reader.rdHigh(), reader.rdLow(), reader.prefixAddr, reader.prefixLength]);
    }
    expect(reader.error).toBeUndefined();
    expect(seen).toEqual([
      [[16], 0, 65000, 1, ipv4(192, 168, 1, 0), 24],
      [[17, 18], 1, 0x0a00, 0x00010005, ipv4(10, 0, 0, 0), 8],
    ]);
  });

  it("builds the same routes as reprs and writes them back byte for byte", () => {
    const routes = parseVpnv4Nlri(bytes, 0, bytes.length, false);
    expect(routes).toEqual([
      { labels: [16], rd: { type: 0, asn: 65000, assigned: 1 }, prefix: { addr: ipv4(192, 168, 1, 0), len: 24 } },
      { labels: [17, 18], rd: { type: 1, ip: ipv4(10, 0, 0, 1), assigned: 5 }, prefix: { addr: ipv4(10, 0, 0, 0), len: 8 } },
    ]);
    if (isWireError(routes)) return;
    const out = new Uint8Array(vpnv4NlriLength(1, 24) + vpnv4NlriLength(2, 8));
    let at = 0;
    for (const r of routes) at = writeVpnv4Nlri(out, at, r.labels, r.rd, r.prefix);
    expect(at).toBe(bytes.length);
    expect(out).toEqual(bytes);
  });

  it("stops with an error naming the offset when a route is cut short, after the good ones", () => {
    const reader = new Vpnv4NlriReader();
    reader.reset(bytes, 0, bytes.length - 1, false);
    expect(reader.next()).toBe(true);
    expect(reader.next()).toBe(false);
    expect([reader.error?.field, reader.error?.offset]).toEqual(["VPN-IPv4 NLRI prefix", 15]);
    const noBottom = Uint8Array.of(0x30, 0x00, 0x01, 0x00, 0x00, 0x01, 0x10);
    expect(parseVpnv4Nlri(noBottom, 0, noBottom.length, false)).toMatchObject({ field: "VPN-IPv4 NLRI label", offset: 7 });
  });

  it("refuses more labels than the length octet can count", () => {
    expect(() => writeVpnv4Nlri(new Uint8Array(64), 0, [1, 2, 3, 4, 5, 6, 7].map(label), { type: 0, asn: 1, assigned: 1 }, { addr: ipv4(10, 0, 0, 0), len: 32 })).toThrow(RangeError);
    // 7 × 24 + 64 + 8 = 240 bits still fits.
    expect(writeVpnv4Nlri(new Uint8Array(64), 0, [1, 2, 3, 4, 5, 6, 7].map(label), { type: 0, asn: 1, assigned: 1 }, { addr: ipv4(10, 0, 0, 0), len: 8 })).toBe(1 + 21 + 8 + 1);
  });

  it("never throws on arbitrary bytes, in announcements or withdrawals", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.boolean(), (input, withdraw) => {
        const reader = new Vpnv4NlriReader();
        reader.reset(input, 0, input.length, withdraw);
        let count = 0;
        while (reader.next()) count++;
        expect(count).toBeLessThanOrEqual(input.length / 12);
      }),
    );
  });
});

describe("labelled IPv4 NLRI (RFC 8277 §2, SAFI 4)", () => {
  // Label 16 / 1.1.1.1/32; labels 17 18 / 10.0.0.0/8; implicit null (3) / 0.0.0.0/0.
  const bytes = Uint8Array.of(0x38, 0x00, 0x01, 0x01, 1, 1, 1, 1, 0x38, 0x00, 0x01, 0x10, 0x00, 0x01, 0x21, 0x0a, 0x18, 0x00, 0x00, 0x31);

  it("parses label stacks down to bottom of stack and writes them back byte for byte", () => {
    const routes = parseLabelledIpv4Nlri(bytes, 0, bytes.length, false);
    expect(routes).toEqual([
      { labels: [16], prefix: { addr: ipv4(1, 1, 1, 1), len: 32 } },
      { labels: [17, 18], prefix: { addr: ipv4(10, 0, 0, 0), len: 8 } },
      { labels: [3], prefix: { addr: 0, len: 0 } },
    ]);
    if (isWireError(routes)) return;
    const out = new Uint8Array(routes.reduce((n, r) => n + labelledIpv4NlriLength(r.labels.length, r.prefix.len), 0));
    let at = 0;
    for (const r of routes) at = writeLabelledIpv4Nlri(out, at, r.labels, r.prefix);
    expect(out).toEqual(bytes);
  });

  it("withdraws with the compatibility field 0x800000 and takes RFC 3107's 0x000000 too", () => {
    const out = new Uint8Array(labelledIpv4NlriLength(0, 24));
    writeLabelledIpv4Nlri(out, 0, [], { addr: ipv4(192, 168, 1, 0), len: 24 });
    expect([...out]).toEqual([0x30, 0x80, 0x00, 0x00, 192, 168, 1]);
    expect(parseLabelledIpv4Nlri(out, 0, out.length, true)).toEqual([{ addr: ipv4(192, 168, 1, 0), len: 24 }]);
    const old = Uint8Array.of(0x30, 0x00, 0x00, 0x00, 192, 168, 1);
    expect(parseLabelledIpv4Nlri(old, 0, old.length, true)).toEqual([{ addr: ipv4(192, 168, 1, 0), len: 24 }]);
    // In an announcement the same field is a label without bottom of stack: cut short.
    const zero = Uint8Array.of(0x18, 0x00, 0x00, 0x00);
    expect(parseLabelledIpv4Nlri(zero, 0, zero.length, true)).toEqual([{ addr: 0, len: 0 }]);
    expect(parseLabelledIpv4Nlri(zero, 0, zero.length, false)).toMatchObject({ field: "labelled IPv4 NLRI label", offset: 4 });
  });

  it("names the field and offset of a malformed route", () => {
    expect(parseLabelledIpv4Nlri(Uint8Array.of(0x40, 0x00, 0x01, 0x01, 1, 1, 1, 1), 0, 8, false)).toMatchObject({ field: "labelled IPv4 NLRI length", offset: 0 });
    expect(parseLabelledIpv4Nlri(Uint8Array.of(0x38, 0x00, 0x01, 0x01, 1, 1), 0, 6, false)).toMatchObject({ field: "labelled IPv4 NLRI prefix", offset: 0 });
  });

  it("round-trips any routes, and never throws on arbitrary bytes", () => {
    const route = fc.record({
      labels: fc.array(fc.integer({ min: 0, max: 0xfffff }).map(label), { minLength: 1, maxLength: 4 }),
      prefix: fc.record({ addr: fc.integer({ min: 0, max: 0xffffffff }), len: fc.integer({ min: 0, max: 32 }) }).map(({ addr, len }) => ({ addr: ((len === 0 ? 0 : addr & (0xffffffff << (32 - len))) >>> 0) as ReturnType<typeof ipv4>, len })),
    });
    fc.assert(
      fc.property(fc.array(route, { maxLength: 6 }), (routes) => {
        const out = new Uint8Array(routes.reduce((n, r) => n + labelledIpv4NlriLength(r.labels.length, r.prefix.len), 0));
        let at = 0;
        for (const r of routes) at = writeLabelledIpv4Nlri(out, at, r.labels, r.prefix);
        expect(parseLabelledIpv4Nlri(out, 0, out.length, false)).toEqual(routes);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.boolean(), (input, withdraw) => {
        const r = withdraw ? parseLabelledIpv4Nlri(input, 0, input.length, true) : parseLabelledIpv4Nlri(input, 0, input.length, false);
        expect(Array.isArray(r) || isWireError(r)).toBe(true);
      }),
    );
  });
});
