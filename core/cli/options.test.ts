import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { durationArg, parseDuration } from "./options";

describe("durations on the command line", () => {
  it("reads ms, s, m and h, and a bare number as seconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1.5")).toBe(1500);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h")).toBe(3_600_000);
  });

  it("rejects anything else", () => {
    for (const text of ["", "s", "-1s", "1e3", "10 minutes", "1.2345s", "9999999999s", "Infinity"]) expect(parseDuration(text), text).toBeUndefined();
  });

  it("is a usage error outside the range an option allows", () => {
    const timeout = durationArg(1, 3_600_000);
    expect(timeout("2m")).toBe(120_000);
    expect(() => timeout("0")).toThrow(InvalidArgumentError);
    expect(() => timeout("2h")).toThrow(/between 1ms and 1h/);
    expect(() => timeout("soon")).toThrow(/not a duration \(500ms, 30s/);
  });
});
