// The label path from the routers' tables, on the rows the seed lab's routers show once
// converged (R4-Spoke's default route to the hub, the hub's aggregate label and its route to
// R3-Spoke1's LAN, R3-Spoke1's disposition label).
import { describe, expect, it } from "vitest";
import type { InterfaceRow, MplsForwardingRow, RouteRow } from "../api/tables";
import { traceLabelPath, type NodeTables } from "./label-path";

const iface = (name: string, ipAddress: string): InterfaceRow => ({ interface: name, ipAddress, ok: "YES", method: "NVRAM", status: "up", protocol: "up" });
const route = (vrf: string, code: string, prefix: string, path: RouteRow["paths"][number]): RouteRow => ({ vrf, code, protocol: code === "B" ? "bgp" : "connected", prefix, distance: 20, metric: 0, paths: [path], knownVia: code === "B" ? "bgp 100" : "connected" });
const lfib = (localLabel: number, row: Partial<MplsForwardingRow>): MplsForwardingRow => ({ localLabel, outgoingLabel: "No Label", vrf: "", aggregate: false, bytesSwitched: 0, labelStack: [], ...row });

function seed(): Map<string, NodeTables> {
  return new Map<string, NodeTables>([
    ["R4-Spoke", { interfaces: [iface("Tunnel0", "10.1.1.2")], mpls: [], routes: [route("cust1", "B*", "0.0.0.0/0", { nextHop: "10.0.0.1", labels: [16] }), route("cust1", "C", "192.168.114.0/24", { interface: "Loopback100" })] }],
    [
      "R1-HUB",
      {
        interfaces: [iface("Loopback0", "10.0.0.1"), iface("Virtual-Access1", "10.0.0.1")],
        mpls: [lfib(16, { vrf: "cust1", aggregate: true })],
        routes: [route("cust1", "B", "192.168.113.0/24", { nextHop: "10.1.1.1", labels: [16] })],
      },
    ],
    ["R3-Spoke1", { interfaces: [iface("Tunnel0", "10.1.1.1")], mpls: [lfib(16, { prefix: "192.168.113.0/24", vrf: "cust1", interface: "Ethernet0/1.10" })], routes: [] }],
  ]);
}

describe("the label path of a VRF prefix", () => {
  it("pushes at the ingress, pops the hub's aggregate label for a VRF lookup, pushes again, and pops at the egress", () => {
    const path = traceLabelPath(seed(), "R4-Spoke", "cust1", "192.168.113.0/24");
    expect(path.problem).toBeUndefined();
    expect(path.hops.map((h) => [h.node, h.action, h.labelsIn, h.labelsOut, h.next])).toEqual([
      ["R4-Spoke", "push", [], [16], "R1-HUB"],
      ["R1-HUB", "pop", [16], [], undefined],
      ["R1-HUB", "push", [], [16], "R3-Spoke1"],
      ["R3-Spoke1", "pop", [16], [], undefined],
    ]);
  });

  it("delivers a prefix connected at the first router, and says where a path breaks", () => {
    expect(traceLabelPath(seed(), "R4-Spoke", "cust1", "192.168.114.0/24").hops.map((h) => h.action)).toEqual(["deliver"]);
    const tables = seed();
    tables.delete("R3-Spoke1");
    expect(traceLabelPath(tables, "R4-Spoke", "cust1", "192.168.113.0/24").problem).toBe("R1-HUB: the next hop 10.1.1.1 of 192.168.113.0/24 (vrf cust1) is no router of the lab");
    expect(traceLabelPath(seed(), "R4-Spoke", "cust9", "10.0.0.0/8").problem).toBe("R4-Spoke has no route to 10.0.0.0/8 in vrf cust9");
    expect(traceLabelPath(seed(), "R4-Spoke", "cust1", "not-a-prefix").problem).toMatch(/is not a prefix/);
  });

  it("pushes a swap's whole label stack: a VPN label under its transport label", () => {
    const tables = seed();
    const hub = tables.get("R1-HUB")!;
    tables.set("R1-HUB", { ...hub, mpls: [lfib(16, { prefix: "192.168.113.0/24", vrf: "cust1", outgoingLabel: 30, labelStack: [40, 30], nextHop: "10.1.1.1", interface: "Tunnel1" })] });
    const spoke = tables.get("R3-Spoke1")!;
    tables.set("R3-Spoke1", { ...spoke, mpls: [lfib(40, { outgoingLabel: "Pop Label", nextHop: "10.1.1.1", interface: "Tunnel0" }), lfib(30, { prefix: "192.168.113.0/24", vrf: "cust1", interface: "Ethernet0/1.10" })] });
    const path = traceLabelPath(tables, "R4-Spoke", "cust1", "192.168.113.0/24");
    expect(path.problem).toBeUndefined();
    expect(path.hops.map((h) => [h.node, h.action, h.labelsIn, h.labelsOut])).toEqual([
      ["R4-Spoke", "push", [], [16]],
      ["R1-HUB", "swap", [16], [40, 30]],
      ["R3-Spoke1", "pop", [40, 30], [30]],
      ["R3-Spoke1", "pop", [30], []],
    ]);
  });

  it("stops on a loop in the tables", () => {
    const tables = seed();
    const hub = tables.get("R1-HUB")!;
    tables.set("R1-HUB", { ...hub, mpls: [lfib(16, { outgoingLabel: 16, nextHop: "10.0.0.1", interface: "Loopback0" })] });
    expect(traceLabelPath(tables, "R4-Spoke", "cust1", "192.168.113.0/24").problem).toMatch(/more than 16 hops/);
  });
});
