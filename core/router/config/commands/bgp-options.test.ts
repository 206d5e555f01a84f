import { describe, expect, it } from "vitest";
import { parseConfig } from "../parse";
import { renderRunningConfig } from "../render";

describe("router bgp options", () => {
  it("accepts the old defaults `no synchronization` and `no auto-summary` anywhere IOS did and shows nothing for them", () => {
    const r = parseConfig("router bgp 65000\n no synchronization\n no auto-summary\n address-family ipv4\n  no synchronization\n  no auto-summary\n exit-address-family\n");
    expect(r.diagnostics).toEqual([]);
    const text = renderRunningConfig(r.model);
    expect(text).not.toMatch(/synchronization|auto-summary/);
  });

  it("refuses a local-as equal to the process AS, and an aggregate whose mask does not fit its address", () => {
    const r = parseConfig("router bgp 65000\n neighbor 10.0.0.2 remote-as 65001\n neighbor 10.0.0.2 local-as 65000\n aggregate-address 10.0.0.1 255.0.0.0\n");
    expect(r.diagnostics.map((d) => d.message)).toEqual(["% Cannot have local-as same as BGP AS number", "% Invalid aggregate address or mask"]);
  });
});
