import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatIpv4, formatMac, formatMacIos, formatPrefix, maskLength, maskOf, parseIpv4, parseMac, parsePrefix,
  prefixContains, readIpv4, readMac, writeIpv4, writeMac,
} from "./addr";

describe("IPv4 addresses", () => {
  it("parses dotted quads and formats them back", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIpv4(formatIpv4(n)) === n));
  });

  it("rejects what IOS would reject", () => {
    for (const bad of ["1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "-1.2.3.4"]) {
      expect(parseIpv4(bad), bad).toBeUndefined();
    }
  });

  it("reads and writes network byte order", () => {
    const buf = new Uint8Array(6);
    writeIpv4(buf, 1, parseIpv4("172.16.0.1")!);
    expect([...buf]).toEqual([0, 172, 16, 0, 1, 0]);
    expect(formatIpv4(readIpv4(buf, 1))).toBe("172.16.0.1");
  });
});

describe("masks and prefixes", () => {
  it("turns lengths into masks and back", () => {
    for (let len = 0; len <= 32; len++) expect(maskLength(maskOf(len))).toBe(len);
    expect(formatIpv4(maskOf(30))).toBe("255.255.255.252");
  });

  it("refuses a non-contiguous mask", () => {
    expect(maskLength(parseIpv4("255.0.255.0")!)).toBeUndefined();
  });

  it("parses prefixes, strictly unless asked to be loose", () => {
    expect(parsePrefix("10.1.1.0/24")).toEqual({ addr: parseIpv4("10.1.1.0"), len: 24 });
    expect(parsePrefix("10.1.1.1/24")).toBeUndefined();
    expect(formatPrefix(parsePrefix("10.1.1.1/24", true)!)).toBe("10.1.1.0/24");
    expect(parsePrefix("10.1.1.0/33")).toBeUndefined();
    expect(prefixContains(parsePrefix("0.0.0.0/0")!, parseIpv4("8.8.8.8")!)).toBe(true);
    expect(prefixContains(parsePrefix("192.168.113.0/24")!, parseIpv4("192.168.114.1")!)).toBe(false);
  });
});

describe("MAC addresses", () => {
  it("round-trips 48-bit values through bytes and both text forms", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (n) => {
        const buf = new Uint8Array(6);
        writeMac(buf, 0, n);
        return readMac(buf, 0) === n && parseMac(formatMacIos(n)) === n && parseMac(formatMac(n)) === n;
      }),
    );
  });

  it("prints IOS's dotted form", () => {
    expect(formatMacIos(parseMac("aa:bb:cc:00:01:00")!)).toBe("aabb.cc00.0100");
    expect(parseMac("aabb.cc00.01")).toBeUndefined();
  });
});
