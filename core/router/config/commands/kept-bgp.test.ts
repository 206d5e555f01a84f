import { describe, expect, it } from "vitest";
import { parseConfig } from "../parse";
import { renderRunningConfig } from "../render";

const BGP = [
  "router bgp 65000",
  " neighbor 10.0.0.2 remote-as 65001",
  " neighbor 10.0.0.2 timers 10 30 30",
  " neighbor 10.0.0.3 remote-as 65001",
  " neighbor 10.0.0.3 timers 5 15",
  " !",
  " address-family ipv4",
  "  bgp dampening",
  "  neighbor 10.0.0.2 activate",
  "  neighbor 10.0.0.2 soft-reconfiguration inbound",
  " exit-address-family",
  " !",
  " address-family vpnv4",
  "  neighbor 10.0.0.2 activate",
  " exit-address-family",
].join("\n");

describe("kept BGP commands", () => {
  it("stay where they were given: per neighbor under router bgp, per address family, per route-map entry", () => {
    const r = parseConfig(`${BGP}\nroute-map IN permit 10\n match community 10\nroute-map IN permit 20\n`);
    expect(r.diagnostics).toEqual([]);
    const out = renderRunningConfig(r.model);
    expect(out).toContain(" neighbor 10.0.0.2 timers 10 30 30\n neighbor 10.0.0.3 timers 5 15\n");
    expect(out).toContain(" address-family ipv4\n  bgp dampening\n  neighbor 10.0.0.2 activate\n  neighbor 10.0.0.2 soft-reconfiguration inbound\n exit-address-family\n");
    // the VPNv4 family has none of the IPv4 family's kept lines
    expect(out).toContain(" address-family vpnv4\n  neighbor 10.0.0.2 activate\n  neighbor 10.0.0.2 send-community extended\n exit-address-family\n");
    expect(out).toContain("route-map IN permit 10\n match community 10\n!\nroute-map IN permit 20\n");
  });

  it("are removed by their no form, one neighbor's line at a time", () => {
    const r = parseConfig(`${BGP}\nrouter bgp 65000\n no neighbor 10.0.0.2 timers\n address-family ipv4\n  no bgp dampening\n`);
    const out = renderRunningConfig(r.model);
    expect(out).not.toContain("10.0.0.2 timers");
    expect(out).toContain("10.0.0.3 timers 5 15");
    expect(out).not.toContain("dampening");
  });

  it("keep IOS's errors for typos and missing words", () => {
    const r = parseConfig(["router bgp 65000", " bgp dampning", " neighbor 10.0.0.2 timers 10", "ip community-list expanded X permit", "ip community-list standard Y permit 65000:100 no-exprt", "ip community-list 50 permit _1:"].join("\n"));
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "2:10 % Invalid input detected at '^' marker.",
      "3:29 % Incomplete command.",
      "4:36 % Incomplete command.",
      "5:53 % Invalid input detected at '^' marker.",
      "6:29 % Invalid input detected at '^' marker.",
    ]);
  });

  it("are grouped as BGP and BGP policy by config check --warnings, with the reason", () => {
    const r = parseConfig(`${BGP}\nip bgp-community new-format\nip community-list expanded C permit _65001:\n`);
    const families = new Map(r.warnings.map((w) => [w.command, w.family]));
    expect(families.get("bgp.neighbor.timers")).toBe("BGP");
    expect(families.get("bgp.dampening")).toBe("BGP");
    expect(families.get("ip.bgp-community.new-format")).toBe("BGP policy");
    expect(families.has("ip.community-list.expanded")).toBe(false); // a real command now
    expect(r.warnings.find((w) => w.command === "bgp.neighbor.timers")?.message).toMatch(/default timers/);
  });

  it("take a neighbor's route-map given under router bgp itself for IPv4 unicast, as IOS does", () => {
    const r = parseConfig("router bgp 65000\n neighbor 10.0.0.2 remote-as 65001\n neighbor 10.0.0.2 route-map OUT out\n neighbor 10.0.0.9 route-map OUT out\n");
    expect(r.diagnostics.map((d) => d.message)).toEqual(["% Specify remote-as or peer-group commands first"]);
    const out = renderRunningConfig(r.model);
    expect(out).toContain(" neighbor 10.0.0.2 remote-as 65001\n !\n address-family ipv4\n  neighbor 10.0.0.2 route-map OUT out\n exit-address-family\n");
    expect(parseConfig(out).model).toEqual(r.model);
  });
});
