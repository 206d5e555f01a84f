import { describe, expect, it } from "vitest";
import type { RouteRow } from "../../api/tables";
import { formatRouteSummary, routeSummary } from "./show-route-summary";

function row(protocol: RouteRow["protocol"], prefix: string, distance = 0): RouteRow {
  return { vrf: "", code: "", protocol, prefix, distance, metric: 0, paths: [], knownVia: protocol };
}

describe("show ip route summary", () => {
  it("counts networks, subnets under classful parents, BGP by kind, and totals with the internal parents", () => {
    const rows = [
      row("static", "0.0.0.0/0", 1),
      row("connected", "10.0.0.1/32"),
      row("static", "10.1.1.1/32", 1),
      row("connected", "192.168.110.0/24"),
      row("local", "192.168.110.1/32"),
      row("connected", "192.168.111.0/24"),
      row("bgp", "192.168.113.0/24", 20),
      row("bgp", "172.20.0.0/16", 200),
      row("bgp", "172.21.1.0/24", 200),
      row("nhrp", "10.9.9.0/24", 250),
    ];
    expect(formatRouteSummary(routeSummary(rows, "cust1", 1, 10)).split("\n")).toEqual([
      "IP routing table name is cust1 (0x1)",
      "Route Source    Networks    Subnets     Replicates",
      "application     0           0           0",
      "connected       1           3           0",
      "static          1           1           0",
      "bgp 10          2           1           0",
      "  External: 1 Internal: 2 Local: 0",
      "nhrp            0           1           0",
      "internal        3",
      "Total           7           6           0",
    ]);
  });

  it("lists no bgp line without a BGP process", () => {
    const text = formatRouteSummary(routeSummary([row("connected", "10.0.0.0/8")], "default", 0));
    expect(text.split("\n").slice(2)).toEqual(["application     0           0           0", "connected       1           0           0", "static          0           0           0", "internal        0", "Total           1           0           0"]);
  });
});
