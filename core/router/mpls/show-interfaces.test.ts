import { describe, expect, it } from "vitest";
import { formatMplsInterfaces, formatMplsInterfacesDetail, formatMplsLabelRange, type MplsInterfaceRow } from "./show-interfaces";

const rows: MplsInterfaceRow[] = [
  { interface: "Ethernet0/0", ldp: true, bgp: false, operational: true, mtuBytes: 1500 },
  { interface: "Tunnel0", ldp: false, bgp: true, operational: true, mtuBytes: 1476 },
  { interface: "Virtual-Access1", ldp: false, bgp: true, operational: false, mtuBytes: 1438 },
];

describe("show mpls interfaces", () => {
  it("puts LDP in the IP column and `mpls bgp forwarding` in the BGP column, in IOS's columns", () => {
    expect(formatMplsInterfaces(rows)).toBe(
      [
        "Interface              IP            Tunnel   BGP Static Operational",
        "Ethernet0/0            Yes (ldp)     No       No  No     Yes",
        "Tunnel0                No            No       Yes No     Yes",
        "Virtual-Access1        No            No       Yes No     No",
        "",
      ].join("\n"),
    );
    expect(formatMplsInterfaces([])).toBe("");
  });

  it("gives a block per interface in the detail view", () => {
    expect(formatMplsInterfacesDetail(rows.slice(0, 2))).toBe(
      [
        "Interface Ethernet0/0:",
        "        Type Unknown",
        "        IP labeling enabled (ldp) :",
        "          Interface config",
        "        LSP Tunnel labeling not enabled",
        "        IP FRR labeling not enabled",
        "        BGP labeling not enabled",
        "        MPLS operational",
        "        MTU = 1500",
        "Interface Tunnel0:",
        "        Type Unknown",
        "        IP labeling not enabled",
        "        LSP Tunnel labeling not enabled",
        "        IP FRR labeling not enabled",
        "        BGP labeling enabled",
        "        MPLS operational",
        "        MTU = 1476",
        "",
      ].join("\n"),
    );
  });

  it("prints the dynamic label range", () => {
    expect(formatMplsLabelRange({ min: 16, max: 100000 })).toBe("Downstream Generic label region: Min/Max label: 16/100000\n");
  });
});
