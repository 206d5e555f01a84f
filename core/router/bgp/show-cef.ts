// `show ip cef [vrf X] A.B.C.D [detail]`: how a destination is forwarded, in IOS's layout —
// for a VPN route learnt over BGP, the recursive path through the remote PE with the VPN label
// ("recursive via 10.0.0.1[IPv4:Default] label 19"), the attached host route it resolves
// through, whose transport label over an `mpls bgp forwarding` tunnel is implicit null (the
// peer's overlay address is one hop away, so only the VPN label is pushed), and the output
// chain down to the tunnel's own adjacency. Built as a typed row first, then printed.
import type { InstalledRoute } from "../routing/rib";
import type { IpRouting } from "../routing/ip-routing";
import type { FibEntry } from "../net/fib";
import type { Interface } from "../net/interface";
import { TunnelInterface } from "../net/tunnel";
import type { NetStack } from "../net/stack";
import { formatIpv4, formatPrefix, type Ipv4 } from "../wire/addr";
import type { Label } from "../wire/mpls";

export interface CefPathRow {
  /** "recursive" through a next hop, or "attached" (host or network on the interface). */
  readonly type: "recursive" | "attached";
  readonly via: string | undefined;
  /** The labels this route imposes itself (the VPN label), outermost first. */
  readonly labels: readonly Label[];
  /** The route the next hop resolves through, and its exit. */
  readonly resolvedBy: string | undefined;
  readonly interface: string;
  readonly nextHop: string | undefined;
  /** The exit interface has `mpls bgp forwarding`: the next hop's transport label is implicit null. */
  readonly implicitNull: boolean;
  /** A tunnel's outer adjacency: its transport interface and next hop. */
  readonly tunnelAdjacency: { readonly interface: string; readonly nextHop: string | undefined } | undefined;
}

export interface CefRow {
  readonly vrf: string;
  readonly prefix: string;
  readonly source: string;
  readonly localLabels: readonly Label[];
  readonly paths: readonly CefPathRow[];
  readonly kind: "forward" | "receive" | "drop";
}

export interface CefContext {
  readonly routing: IpRouting;
  readonly stack: NetStack;
  /** Whether an interface has `mpls bgp forwarding`. */
  readonly bgpForwarding: (iface: string) => boolean;
  /** Local labels the MFI holds for a VRF prefix. */
  readonly localLabels: (vrf: string, prefix: InstalledRoute["prefix"]) => readonly Label[];
}

const SOURCE: Record<string, string> = { bgp: "B", static: "S", connected: "C", local: "L", nhrp: "H" };

function tunnelAdjacency(ctx: CefContext, out: Interface): CefPathRow["tunnelAdjacency"] {
  if (!(out instanceof TunnelInterface) || out.destination === undefined) return undefined;
  const e = ctx.stack.route(out.transportVrf, out.destination);
  const p = e?.kind === "forward" ? e.paths[0] : undefined;
  if (p === undefined) return undefined;
  return { interface: p.interface.name, nextHop: p.nextHop === undefined ? formatIpv4(out.destination) : formatIpv4(p.nextHop) };
}

export function cefRow(ctx: CefContext, vrf: string, address: Ipv4): CefRow | undefined {
  const r = ctx.routing.rib.lookup(vrf === "" ? undefined : vrf, address);
  if (r === undefined) return undefined;
  const paths: CefPathRow[] = [];
  for (const p of r.paths) {
    const via = p.via.address;
    const recursive = via !== undefined && p.via.interface === undefined;
    const own = p.via.labels ?? [];
    let resolvedBy: string | undefined;
    if (recursive) {
      const under = ctx.routing.rib.lookup(p.via.resolveInVrf ?? (vrf === "" ? undefined : vrf), via);
      resolvedBy = under === undefined ? undefined : formatPrefix(under.prefix);
    }
    paths.push({
      type: recursive ? "recursive" : "attached",
      via: via === undefined ? undefined : formatIpv4(via),
      labels: own,
      resolvedBy,
      interface: p.interface.name,
      nextHop: p.nextHop === undefined ? undefined : formatIpv4(p.nextHop),
      implicitNull: ctx.bgpForwarding(p.interface.name),
      tunnelAdjacency: tunnelAdjacency(ctx, p.interface),
    });
  }
  return {
    vrf,
    prefix: formatPrefix(r.prefix),
    source: SOURCE[r.route.protocol] ?? r.route.protocol,
    localLabels: ctx.localLabels(vrf, r.prefix),
    paths,
    kind: r.kind === "forward" ? "forward" : r.kind === "receive" ? "receive" : "drop",
  };
}

/** `show ip cef vrf X A.B.C.D`: one line per path. */
export function formatCef(row: CefRow): string {
  const lines = [row.prefix];
  if (row.kind === "receive") lines.push("  receive");
  else if (row.kind === "drop") lines.push("  attached to Null0");
  for (const p of row.paths) {
    const labels = p.labels.length > 0 ? ` label ${p.labels.join(" ")}` : "";
    lines.push(`  nexthop ${p.nextHop ?? p.via ?? "0.0.0.0"} ${p.interface}${labels}`);
  }
  return lines.join("\n") + "\n";
}

/** The `detail` view, laid out as the source document's sample. */
export function formatCefDetail(row: CefRow): string {
  const labelled = row.paths.some((p) => p.labels.length > 0);
  const lines = [`${row.prefix}, epoch 0, flags rib defined all labels, RIB[${row.source}], refcount 5, per-destination sharing`];
  lines.push(`  sources: RIB${row.localLabels.length > 0 ? ", LTE" : ""} `);
  lines.push("  feature space:", "    IPRM: 0x00018000");
  lines.push(`    LFD: ${row.prefix} ${row.localLabels.length} local label${row.localLabels.length === 1 ? "" : "s"}`);
  for (const l of row.localLabels) lines.push(`    local label info: other/${l}`);
  if (labelled) lines.push("    contains path extension list");
  if (row.localLabels.length > 0) lines.push("    disposition chain", "    label switch chain");
  lines.push("  ifnums: (none)");
  for (const p of row.paths) {
    if (p.type === "recursive") {
      const label = p.labels.length > 0 ? ` label ${p.labels.join(" ")}` : "";
      lines.push(`  path, share 1/1, type recursive, for IPv4${p.labels.length > 0 ? ", flags must-be-labelled" : ""}`);
      if (p.labels.length > 0) lines.push(`    MPLS short path extensions: MOI flags = 0x0${label}`);
      lines.push(`  recursive via ${p.via}[IPv4:Default]${label}, 1 terminal fib, v4:Default:${p.resolvedBy ?? p.via}`);
      lines.push(`    path, share 1/1, type attached ${p.resolvedBy?.endsWith("/32") ? "host" : "nexthop"}, for IPv4`);
      if (p.implicitNull) lines.push("      MPLS short path extensions: MOI flags = 0x1 label implicit-null");
      lines.push(`    attached to ${p.interface}, adjacency IP ${p.tunnelAdjacency ? "midchain " : ""}out of ${p.interface}`);
    } else {
      lines.push("  path, share 1/1, type attached nexthop, for IPv4");
      lines.push(`  nexthop ${p.nextHop ?? p.via ?? "0.0.0.0"} ${p.interface}, adjacency IP ${p.tunnelAdjacency ? "midchain " : ""}out of ${p.interface}`);
    }
  }
  const first = row.paths[0];
  if (first !== undefined) {
    lines.push("  output chain:");
    for (const l of first.labels) lines.push(`    label ${l}`);
    if (first.implicitNull && first.type === "recursive") lines.push("    label implicit-null");
    if (first.tunnelAdjacency) {
      lines.push(`    ${first.labels.length > 0 ? "TAG" : "IP"} midchain out of ${first.interface}`);
      lines.push(`    IP adj out of ${first.tunnelAdjacency.interface}, addr ${first.tunnelAdjacency.nextHop ?? "0.0.0.0"}`);
    } else {
      lines.push(`    ${first.labels.length > 0 ? "TAG" : "IP"} adj out of ${first.interface}, addr ${first.nextHop ?? first.via ?? "0.0.0.0"}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** `show ip cef [vrf X]`: every FIB entry, one line per path (more paths on lines of their
 * own under it), in address order: "attached" for a path that ARPs for the destination itself,
 * "receive" for the router's own addresses, "drop" for Null0. */
export function formatCefTable(entries: readonly FibEntry[]): string {
  const lines = ["Prefix               Next Hop             Interface"];
  const line = (prefix: string, nextHop: string, iface: string) => lines.push(`${prefix.padEnd(20)} ${nextHop.padEnd(20)} ${iface}`.trimEnd());
  for (const e of entries) {
    const prefix = formatPrefix(e.prefix);
    if (e.kind === "receive") line(prefix, "receive", e.paths[0]?.interface.name ?? "");
    else if (e.kind === "drop") line(prefix, "drop", "Null0");
    else if (e.paths.length === 0) line(prefix, "no route", "");
    else e.paths.forEach((p, i) => line(i === 0 ? prefix : "", p.nextHop === undefined ? "attached" : formatIpv4(p.nextHop), p.interface.name));
  }
  return lines.join("\n") + "\n";
}

/** One table's line of `show ip cef summary`. */
export interface CefSummaryRow {
  /** "" for the global table. */
  readonly vrf: string;
  /** IOS's table id: the VRF id (0 for the global table). */
  readonly tableId: number;
  readonly prefixes: number;
}

/** `show ip cef summary`: the global table first, then each VRF by id. FlexLab's CEF is
 * centralised (no line cards), so IOS's "enabled and running" without "for distributed"; every
 * FIB entry forwards or is a receive/drop adjacency that CEF itself handles, which IOS counts
 * as forwarding ("N/0 fwd/non-fwd"), and nothing resets the epoch, so it stays 0. */
export function formatCefSummary(rows: readonly CefSummaryRow[]): string {
  const blocks = rows.map((r) =>
    [
      `VRF ${r.vrf === "" ? "Default" : r.vrf}`,
      ` ${r.prefixes} prefixes (${r.prefixes}/0 fwd/non-fwd)`,
      ` Table id 0x${r.tableId.toString(16).toUpperCase()}`,
      ` Database epoch:        0 (${r.prefixes} entries at this epoch)`,
    ].join("\n"),
  );
  return ["IPv4 CEF is enabled and running", blocks.join("\n\n")].join("\n") + "\n";
}
