import { describe, expect, it } from "vitest";
import { canonicalInterfaceName, compareInterfaceNames, parentInterface, parseInterfaceWord } from "./interface-name";
import { parseRouteDistinguisher, formatRouteDistinguisher, parseAsn } from "./values";

describe("interface names", () => {
  it("canonicalises IOS abbreviations, case-insensitively", () => {
    const cases: Record<string, string> = {
      e0: "",
      "e0/0": "Ethernet0/0",
      "eth0/1.10": "Ethernet0/1.10",
      "ETHERNET00/01": "Ethernet0/1",
      lo0: "Loopback0",
      "Loopback 100": "Loopback100",
      tu0: "Tunnel0",
      "virtual-t1": "Virtual-Template1",
      "Virtual-Template1": "Virtual-Template1",
      "vi-t1": "",
      null0: "Null0",
      null1: "",
      "Ethernet0/16": "",
      "Loopback0.1": "",
    };
    for (const [text, canonical] of Object.entries(cases)) expect(canonicalInterfaceName(text) ?? "", text).toBe(canonical);
  });

  it("says when the type prefix is ambiguous", () => {
    expect(parseInterfaceWord("v1").kind).toBe("ambiguous");
    expect(parseInterfaceWord("x1").kind).toBe("none");
  });

  it("sorts as running-config lists interfaces: loopbacks, tunnels, ports, templates", () => {
    const names = ["Virtual-Template1", "Ethernet0/1.20", "Ethernet0/10", "Tunnel0", "Ethernet0/1", "Loopback101", "Ethernet0/1.10", "Loopback0"];
    expect([...names].sort(compareInterfaceNames)).toEqual(["Loopback0", "Loopback101", "Tunnel0", "Ethernet0/1", "Ethernet0/1.10", "Ethernet0/1.20", "Ethernet0/10", "Virtual-Template1"]);
  });

  it("knows a subinterface's parent", () => {
    expect(parentInterface("Ethernet0/1.10")).toBe("Ethernet0/1");
    expect(parentInterface("Ethernet0/1")).toBeUndefined();
  });
});

describe("route distinguishers and AS numbers", () => {
  it("reads the three RD types and prints them back", () => {
    expect(parseRouteDistinguisher("1:1")).toEqual({ type: 0, asn: 1, assigned: 1 });
    expect(parseRouteDistinguisher("10.0.0.1:5")).toEqual({ type: 1, ip: 0x0a000001, assigned: 5 });
    expect(parseRouteDistinguisher("4200000000:7")).toEqual({ type: 2, asn: 4200000000, assigned: 7 });
    expect(parseRouteDistinguisher("10.0.0.1:70000")).toBeUndefined();
    expect(parseRouteDistinguisher("65536:70000")).toBeUndefined();
    expect(parseRouteDistinguisher("nope")).toBeUndefined();
    const rd = parseRouteDistinguisher("065000:0100");
    expect(rd && formatRouteDistinguisher(rd)).toBe("65000:100");
  });

  it("reads asplain and asdot AS numbers", () => {
    expect(parseAsn("65000")).toBe(65000);
    expect(parseAsn("1.10")).toBe(65546);
    expect(parseAsn("0")).toBeUndefined();
    expect(parseAsn("4294967296")).toBeUndefined();
  });
});
