import { describe, expect, it } from "vitest";
import { allDropReasons, CORE_DROP_REASONS, newInterfaceCounters, nonZeroDrops, registerDropReasons } from "./counters";
import { TUNNEL_DROP_REASONS } from "./tunnel";

describe("the drop reason registry", () => {
  it("holds the core's reasons and those a module registered when it loaded", () => {
    expect(allDropReasons()).toEqual(expect.arrayContaining([...CORE_DROP_REASONS, ...TUNNEL_DROP_REASONS]));
    expect(newInterfaceCounters().drops["gre-no-tunnel"]).toBe(0);
  });

  it("gives every interface made after a registration a zeroed counter for it, once", () => {
    const reasons = registerDropReasons(["probe-test-reason"] as const);
    registerDropReasons(reasons);
    expect(allDropReasons().filter((r) => (r as string) === "probe-test-reason")).toHaveLength(1);
    const c = newInterfaceCounters();
    expect(Object.keys(c.drops)).toContain("probe-test-reason");
    expect(nonZeroDrops(c)).toEqual({});
  });
});
