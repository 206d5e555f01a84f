// `show ip route [vrf X] A.B.C.D [M.M.M.M]`: the detailed "Routing entry for" view of one
// route — how it was learnt, its distance and metric, tag, and one routing descriptor block
// per next hop, with the MPLS label lines ios-output.md §8 describes for VPN routes.
import type { RouteRow } from "../../api/tables";
import { maskOf, prefix as makePrefix, type Ipv4 } from "../wire/addr";
import type { Rib } from "./rib";
import { classfulLength, prefixContainsAddress } from "./route";
import { formatRouteAge, routeRow, rowPrefix } from "./show-route";

/** The detailed entry for one row. */
export function formatRouteEntry(row: RouteRow): string {
  const lines: string[] = [];
  if (row.vrf) lines.push(`Routing Table: ${row.vrf}`);
  const prefix = rowPrefix(row);
  const supernet = prefix.len < classfulLength(prefix.addr) ? ", supernet" : "";
  lines.push(`Routing entry for ${row.prefix}${supernet}`);
  const connected = row.protocol === "connected" || row.protocol === "local";
  let known = `  Known via "${row.knownVia}", distance ${row.distance}, metric ${row.metric}`;
  if (connected) known += " (connected, via interface)";
  // A static route out of an interface (no next hop) is one IOS calls connected.
  else if (row.protocol === "static" && row.paths.length > 0 && row.paths.every((p) => p.nextHop === undefined)) known += " (connected)";
  if (prefix.len === 0) known += ", candidate default path";
  lines.push(known);
  if (row.tag !== undefined) lines.push(`  Tag ${row.tag}`);
  const age = row.ageSeconds === undefined ? undefined : formatRouteAge(row.ageSeconds);
  if (row.from !== undefined && age !== undefined) {
    // IOS: "from X on IF, AGE ago" when the next hop has an interface, "from X AGE ago" (BGP) otherwise.
    const via = row.paths[0]?.interface;
    lines.push(`  Last update from ${row.from}${via === undefined ? ` ${age}` : ` on ${via}, ${age}`} ago`);
  }
  lines.push("  Routing Descriptor Blocks:");
  row.paths.forEach((p, i) => {
    const mark = i === 0 ? "*" : " ";
    let block: string;
    if (p.nextHop === undefined) {
      block = `  ${mark} directly connected, via ${p.interface ?? "Null0"}`;
    } else {
      block = `  ${mark} ${p.nextHop}${p.nextHopVrf === "" ? " (default)" : p.nextHopVrf ? ` (${p.nextHopVrf})` : ""}`;
      if (row.from !== undefined && age !== undefined) block += `, from ${p.from ?? row.from}, ${age} ago`;
      if (p.interface !== undefined) block += `, via ${p.interface}`;
    }
    lines.push(block);
    lines.push(`      Route metric is ${row.metric}, traffic share count is 1`);
    if (row.tag !== undefined) lines.push(`      Route tag ${row.tag}`);
    if (p.labels !== undefined && p.labels.length > 0) {
      lines.push(`      MPLS label: ${p.labels.join(" ")}`);
      lines.push("      MPLS Flags: MPLS Required");
    }
  });
  return lines.join("\n");
}

/**
 * `show ip route [vrf X] ADDRESS [MASK]`: with a mask, that exact prefix; without, the
 * longest match other than the default route, except for 0.0.0.0 itself, which asks for
 * the default route. IOS's messages when there is none.
 */
export function formatRouteLookup(rib: Rib, vrf: string | undefined, address: Ipv4, prefixLength: number | undefined, now: number): string {
  let found;
  if (prefixLength !== undefined || address === 0) {
    found = rib.installed(vrf, makePrefix(address, prefixLength ?? 0));
  } else {
    const best = rib.lookup(vrf, address);
    found = best !== undefined && best.prefix.len > 0 ? best : undefined;
  }
  if (found !== undefined) return formatRouteEntry(routeRow(found, now));
  const classful = classfulLength(address);
  const major = makePrefix(address, classful);
  const sameMajor = rib.installedRoutes(vrf).some((r) => r.prefix.len >= classful && prefixContainsAddress(major, r.prefix.addr));
  const prefix = vrf ? `Routing Table: ${vrf}\n` : "";
  return prefix + (sameMajor && ((address & ~maskOf(classful)) >>> 0) !== 0 ? "% Subnet not in table" : "% Network not in table");
}
