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

  it("keeps maximum-paths eibgp N in the VRF's family, shows it there, and drops it with its no form or N = 1", () => {
    const base = "vrf definition A\n rd 1:1\n address-family ipv4\n exit-address-family\nrouter bgp 65000\n address-family ipv4 vrf A\n  maximum-paths eibgp 2\n exit-address-family\n";
    const r = parseConfig(base);
    expect(r.diagnostics).toEqual([]);
    expect(r.model.bgp?.addressFamilies["ipv4 vrf A"]?.maximumPathsEibgp).toBe(2);
    expect(renderRunningConfig(r.model)).toContain(" address-family ipv4 vrf A\n  maximum-paths eibgp 2\n exit-address-family\n");
    for (const off of ["no maximum-paths eibgp", "no maximum-paths eibgp 2", "maximum-paths eibgp 1"]) {
      const o = parseConfig(`${base}router bgp 65000\n address-family ipv4 vrf A\n  ${off}\n`);
      expect(o.diagnostics).toEqual([]);
      expect(renderRunningConfig(o.model)).not.toContain("eibgp");
    }
  });

  it("refuses maximum-paths eibgp beside maximum-paths N or ibgp N in one family, as IOS does, and not across families", () => {
    const vrf = "vrf definition A\n rd 1:1\n address-family ipv4\n exit-address-family\n";
    const r = parseConfig(`${vrf}router bgp 65000\n address-family ipv4 vrf A\n  maximum-paths ibgp 2\n  maximum-paths eibgp 2\n  no maximum-paths ibgp\n  maximum-paths eibgp 3\n  maximum-paths 2\n  maximum-paths ibgp 4\n  maximum-paths 1\n exit-address-family\n address-family ipv4\n  maximum-paths 4\n exit-address-family\n`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "%BGP: Unconfigure eBGP and iBGP multipath before configuring eiBGP multipath",
      "%BGP: Unconfigure eiBGP multipath before configuring eBGP or iBGP multipath",
      "%BGP: Unconfigure eiBGP multipath before configuring eBGP or iBGP multipath",
    ]);
    const f = r.model.bgp?.addressFamilies["ipv4 vrf A"];
    expect([f?.maximumPaths, f?.maximumPathsIbgp, f?.maximumPathsEibgp]).toEqual([undefined, undefined, 3]);
    expect(r.model.bgp?.addressFamilies.ipv4?.maximumPaths).toBe(4);
  });
});
