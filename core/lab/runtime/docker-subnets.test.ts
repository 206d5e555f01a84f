import { describe, expect, it } from "vitest";
import {
  allocateSubnets,
  containerAddress,
  formatCidr,
  gatewayOf,
  overlaps,
  parseCidr,
  parseCidrMasked,
  prefixLengthFor,
  type Cidr,
} from "./docker-subnets";

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad test CIDR ${text}`);
  return c;
}

function allocate(pool: string, used: string[], prefixLengths: number[]): string[] {
  const result = allocateSubnets(cidr(pool), used.map(cidr), prefixLengths);
  if (!result.ok) throw new Error(result.message);
  return result.subnets.map(formatCidr);
}

describe("docker subnets", () => {
  it("parses and formats IPv4 prefixes, refusing host bits, IPv6 and junk", () => {
    expect(formatCidr(cidr("10.255.0.8/29"))).toBe("10.255.0.8/29");
    expect(parseCidr("10.255.0.9/29")).toBeUndefined();
    expect(parseCidr("fd00::/64")).toBeUndefined();
    expect(parseCidr("10.256.0.0/16")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
  });

  it("reads the engine's subnets leniently, clearing host bits", () => {
    expect(formatCidr(parseCidrMasked("10.0.0.1/24")!)).toBe("10.0.0.0/24");
    expect(parseCidrMasked("fd00::/64")).toBeUndefined();
  });

  it("puts the gateway on .1 and containers after it", () => {
    const c = cidr("10.255.0.8/29");
    expect(gatewayOf(c)).toBe("10.255.0.9");
    expect(containerAddress(c, 0)).toBe("10.255.0.10");
    expect(containerAddress(c, 4)).toBe("10.255.0.14");
  });

  it("sizes a link network at /29 up to five containers, larger beyond", () => {
    expect(prefixLengthFor(1)).toBe(29);
    expect(prefixLengthFor(5)).toBe(29);
    expect(prefixLengthFor(6)).toBe(28);
    expect(prefixLengthFor(13)).toBe(28);
    expect(prefixLengthFor(14)).toBe(27);
  });

  it("hands out consecutive /29s from an empty pool", () => {
    expect(allocate("10.255.0.0/16", [], [29, 29, 29])).toEqual(["10.255.0.0/29", "10.255.0.8/29", "10.255.0.16/29"]);
  });

  it("skips subnets the engine already uses, whatever their size", () => {
    expect(allocate("10.255.0.0/16", ["10.255.0.0/29", "10.255.0.16/28", "172.17.0.0/16"], [29, 29])).toEqual([
      "10.255.0.8/29",
      "10.255.0.32/29",
    ]);
    expect(allocate("10.255.0.0/16", ["10.255.0.0/24"], [29])).toEqual(["10.255.1.0/29"]);
  });

  it("keeps larger blocks aligned and the answer in request order", () => {
    expect(allocate("10.255.0.0/16", ["10.255.0.0/29"], [29, 27, 29])).toEqual(["10.255.0.8/29", "10.255.0.32/27", "10.255.0.16/29"]);
    for (const s of allocate("10.255.0.0/16", ["10.255.0.8/29"], [27, 26])) {
      const c = cidr(s);
      expect(c.base % 2 ** (32 - c.prefixLength)).toBe(0);
    }
  });

  it("never returns overlapping subnets", () => {
    const used = ["10.255.0.0/29", "10.255.0.24/29", "10.255.0.64/26"];
    const got = allocate("10.255.0.0/16", used, [29, 28, 29, 27, 29, 29]).map(cidr);
    const all = [...used.map(cidr), ...got];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i], all[j])).toBe(false);
  });

  it("says so when the pool is full", () => {
    const result = allocateSubnets(cidr("10.255.0.0/28"), [cidr("10.255.0.0/29")], [29, 29]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/no free \/29 left in 10\.255\.0\.0\/28/);
  });
});
