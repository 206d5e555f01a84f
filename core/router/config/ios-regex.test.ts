import { describe, expect, it } from "vitest";
import { IosRegex } from "./ios-regex";

function re(p: string): IosRegex {
  const r = IosRegex.compile(p);
  if (!(r instanceof IosRegex)) throw new Error(r.error);
  return r;
}

describe("IOS regular expressions", () => {
  it("match AS paths the way the IOS examples read", () => {
    expect(re("^$").test("")).toBe(true); // locally originated
    expect(re("^$").test("65001")).toBe(false);
    expect(re("_65001_").test("65002 65001 65003")).toBe(true);
    expect(re("_65001_").test("650011 65002")).toBe(false);
    expect(re("_65001_").test("65001")).toBe(true); // _ matches the ends too
    expect(re("^65001_").test("65001 65002")).toBe(true);
    expect(re("^65001_").test("65002 65001")).toBe(false);
    expect(re("_65003$").test("65001 65003")).toBe(true);
    expect(re("^65001$").test("65001 65001")).toBe(false);
    expect(re("^65001(_65001)*$").test("65001 65001 65001")).toBe(true);
    expect(re("^[0-9]+$").test("64512")).toBe(true);
    expect(re("^[0-9]+$").test("64512 1")).toBe(false);
    expect(re("^([0-9]+)(_\\1)*$").test("7 7")).toBe(false); // no back-references: \1 is a literal 1
    expect(re(".*").test("anything")).toBe(true);
    expect(re("_{65010").test("65001 {65010,65011}")).toBe(true); // an AS_SET
    expect(re("^6500[1-3]_").test("65004 1")).toBe(false);
    expect(re("^6500[^1-3]_").test("65004 1")).toBe(true);
    expect(re("^(65001|65002)$").test("65002")).toBe(true);
    expect(re("^65001?$").test("6500")).toBe(true);
  });

  it("match community strings", () => {
    expect(re("_65001:").test("65000:1 65001:20")).toBe(true);
    expect(re("^65000:1$").test("65000:1 65000:10")).toBe(false);
    expect(re("65000:1[0-9]").test("65000:1 65000:10")).toBe(true);
  });

  it("refuse malformed patterns with a reason", () => {
    expect(IosRegex.compile("(65001")).toEqual({ error: "missing ')'" });
    expect(IosRegex.compile("[0-9")).toEqual({ error: "missing ']'" });
    expect(IosRegex.compile("*1")).toHaveProperty("error");
    expect(IosRegex.compile("a)")).toHaveProperty("error");
    expect(IosRegex.compile("x".repeat(2000))).toHaveProperty("error");
  });

  it("stay linear on patterns that make a backtracking engine explode", () => {
    // JavaScript's RegExp takes exponential time on this input; the NFA takes input × pattern.
    const r = re("^(.*)*(.*)*(.*)*x$");
    const input = "65001 ".repeat(2000);
    expect(r.test(input)).toBe(false);
    expect(re("^(1|1)*$").test("1".repeat(5000) + "2")).toBe(false);
  });
});
