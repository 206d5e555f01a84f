// The RIB's show commands: `show ip bgp`, `show ip bgp vpnv4 all | vrf X`, `... labels`,
// `... <address or prefix>` (the detailed entry), and the table lines of the summary. Rows
// first (one per path, core/api/tables.ts's BgpPathRow, served as tables "bgp-ipv4" and
// "bgp-vpnv4"), then IOS's text for them, as pure functions of the rows.
//
// Layouts (IOS 15, as in the source document's samples): the table's status column is 3
// characters ("*>i"), Network at 3, Next Hop at 20, Metric right-aligned to 45, LocPrf to 52,
// Weight to 59, then the AS path and origin code; a network too long for its column ends the
// line and the next one starts at the Next Hop column. A prefix on its classful boundary is
// printed without its length ("192.168.110.0", "0.0.0.0"), others as "10.1.0.0/16"; only a
// prefix's first path names it. VPNv4 tables go by RD, under "Route Distinguisher: 1:1
// (default for vrf cust1)"; the labels view says "(cust1)".

import type { BgpPathRow } from "../../api/tables";
import { formatIpv4, formatPrefix, maskOf, type Ipv4, type Prefix } from "../wire/addr";
import { formatAsPath } from "../wire/bgp-aspath";
import { formatCommunity, formatExtendedCommunity } from "../wire/bgp-communities";
import { formatRouteDistinguisher } from "../wire/bgp-nlri";
import { pathCost, type Dest, type Multipath, type Path, type Table } from "./bestpath";
import type { BgpRib, BgpRibCounts } from "./rib";
import type { BgpFamily } from "./types";
import { multipathOf } from "./vpn";

export interface BgpRowQuery {
  readonly family: BgpFamily;
  /** `vpnv4 vrf X`: only that VRF's RD table. */
  readonly vrf?: string;
  /** `vpnv4 rd RD` (as formatRouteDistinguisher prints it): only that RD's table. */
  readonly rd?: string;
  /** `... A.B.C.D`: the longest match in each table. */
  readonly address?: Ipv4;
  /** `... A.B.C.D/N`: that prefix exactly. */
  readonly prefix?: Prefix;
}

const ORIGIN_CODE = ["i", "e", "?"] as const;

/** IOS's "Multipath:" word for a table's multipath counts; undefined when it runs none. */
function multipathKind(m: Multipath): BgpPathRow["multipathKind"] {
  if (m.eibgp > 1) return "eiBGP";
  if (m.ebgp > 1) return m.ibgp > 1 ? "eBGP iBGP" : "eBGP";
  return m.ibgp > 1 ? "iBGP" : undefined;
}

/** The multipath other than the best that came first (the lowest arrival stamp). */
function oldestMultipath(d: Dest): Path | undefined {
  const m = d.multipaths;
  if (m === undefined) return undefined;
  let oldest = m[0];
  for (let i = 1; i < m.length; i++) if (m[i].stamp < oldest.stamp) oldest = m[i];
  return oldest;
}

function pathRow(rib: BgpRib, t: Table, d: Dest, p: Path, advertisedTo: readonly string[], kind: BgpPathRow["multipathKind"], oldest: Path | undefined): BgpPathRow {
  const a = p.attrs;
  const best = d.best === p;
  const row: BgpPathRow = {
    family: t.family,
    prefix: formatPrefix(d),
    version: d.version,
    pathCount: d.count,
    valid: pathCost(p, rib) >= 0,
    best,
    multipath: !best && (d.multipaths?.includes(p) ?? false),
    internal: p.from !== undefined && !p.from.ebgp,
    nextHop: formatIpv4(a.nextHop),
    weight: p.weight,
    asPath: formatAsPath(a.asPath),
    origin: ORIGIN_CODE[a.origin],
    external: p.ebgp,
    communities: (a.communities ?? []).map(formatCommunity),
    extCommunities: (a.extCommunities ?? []).map(formatExtendedCommunity),
    clusterList: (a.clusterList ?? []).map(formatIpv4),
    atomicAggregate: a.atomicAggregate === true,
    advertisedTo: best ? [...advertisedTo] : [],
  };
  if (oldest === p) row.multipathOldest = true;
  if (kind !== undefined) row.multipathKind = kind;
  if (t.rd) row.rd = formatRouteDistinguisher(t.rd);
  if (t.vrf !== undefined && t.vrf !== "") row.vrf = t.vrf;
  if (p.source) row.source = p.source;
  if (a.med !== undefined) row.metric = a.med;
  if (a.localPref !== undefined) row.localPref = a.localPref;
  else if (p.from !== undefined && !p.from.ebgp) row.localPref = 100;
  if (p.from) {
    row.from = formatIpv4(p.from.address);
    row.fromRouterId = formatIpv4(p.from.routerId);
    if (p.from.dynamic) row.fromDynamic = true;
  } else {
    row.fromRouterId = formatIpv4(rib.routerId);
  }
  if (a.originatorId !== undefined) row.originatorId = formatIpv4(a.originatorId);
  if (a.aggregator) row.aggregator = `${a.aggregator.asn} ${formatIpv4(a.aggregator.address)}`;
  if (p.dest !== d) {
    const st = p.dest.table;
    row.importedFrom = `${st.rd ? formatRouteDistinguisher(st.rd) + ":" : ""}${formatPrefix(p.dest)}`;
  }
  // Labels: VPNv4 always; IPv4 when labelled (send-label).
  if (t.family === "vpnv4" || d.localLabel !== undefined || p.label !== undefined) {
    if (d.localLabel !== undefined) {
      row.inLabel = d.localLabel;
      row.inLabelAggregate = d.localLabelAggregate;
    }
    if (p.label !== undefined) row.outLabel = p.label;
  }
  return row;
}

function longestMatch(t: Table, addr: Ipv4): Dest | undefined {
  for (let len = 32; len >= 0; len--) {
    const d = t.find(((addr & maskOf(len)) >>> 0) as Ipv4, len);
    if (d && d.count > 0) return d;
  }
  return undefined;
}

/** The rows of a show command, in IOS's order: tables by RD, prefixes by address then
 * length, each prefix's best path first, then its multipaths, then the rest. */
export function bgpPathRows(rib: BgpRib, q: BgpRowQuery): BgpPathRow[] {
  let tables: Table[];
  if (q.family === "ipv4") tables = [rib.ipv4];
  else if (q.vrf !== undefined) {
    const t = rib.vrfTable(q.vrf);
    tables = t ? [t] : [];
  } else if (q.rd !== undefined) {
    tables = rib.vpnv4Tables().filter((t) => t.rd !== undefined && formatRouteDistinguisher(t.rd) === q.rd);
  } else tables = rib.vpnv4Tables();
  const rows: BgpPathRow[] = [];
  for (const t of tables) {
    const kind = multipathKind(multipathOf(rib.config, t));
    let dests: Dest[];
    if (q.address !== undefined) {
      const d = longestMatch(t, q.address);
      dests = d ? [d] : [];
    } else if (q.prefix !== undefined) {
      const d = t.find(q.prefix.addr, q.prefix.len);
      dests = d && d.count > 0 ? [d] : [];
    } else {
      dests = [...t.dests()].filter((d) => d.count > 0).sort((x, y) => x.addr - y.addr || x.len - y.len);
    }
    for (const d of dests) {
      const advertised = rib.advertisedTo(d).map((p) => formatIpv4(p.address));
      const ordered = [...d.selected, ...d.paths.filter((p) => !d.selected.includes(p))];
      const oldest = oldestMultipath(d);
      for (const p of ordered) rows.push(pathRow(rib, t, d, p, advertised, kind, oldest));
    }
  }
  return rows;
}

// ---- text ------------------------------------------------------------------------------

/** What the table's first line says. */
export interface BgpTableHeader {
  readonly tableVersion: number;
  readonly routerId: string;
}

/** A prefix as IOS's BGP table prints it: bare on its classful boundary. */
export function bgpNetwork(prefix: string): string {
  const slash = prefix.indexOf("/");
  const addr = prefix.slice(0, slash);
  const len = Number(prefix.slice(slash + 1));
  const first = Number(addr.split(".")[0]);
  const classful = addr === "0.0.0.0" ? 0 : first < 128 ? 8 : first < 192 ? 16 : first < 224 ? 24 : 32;
  return len === classful ? addr : prefix;
}

function rdHeading(row: BgpPathRow, labels: boolean): string {
  if (row.vrf === undefined) return `Route Distinguisher: ${row.rd}`;
  return `Route Distinguisher: ${row.rd} (${labels ? "" : "default for vrf "}${row.vrf})`;
}

function statusCode(r: BgpPathRow): string {
  return (r.suppressed ? "s" : r.valid ? "*" : " ") + (r.best ? ">" : r.multipath ? "m" : " ") + (r.internal ? "i" : " ");
}

/** `show ip bgp` / `show ip bgp vpnv4 all | vrf X`. Empty when there are no rows (IOS prints
 * nothing for an empty table). */
export function formatBgpTable(rows: readonly BgpPathRow[], header: BgpTableHeader): string {
  if (rows.length === 0) return "";
  const lines = [
    `BGP table version is ${header.tableVersion}, local router ID is ${header.routerId}`,
    "Status codes: s suppressed, d damped, h history, * valid, > best, i - internal, ",
    "              r RIB-failure, S Stale, m multipath, b backup-path, x best-external, f RT-Filter, a additional-path",
    "Origin codes: i - IGP, e - EGP, ? - incomplete",
    "",
    "   Network          Next Hop            Metric LocPrf Weight Path",
  ];
  let rd: string | undefined;
  let prev: string | undefined;
  for (const r of rows) {
    if (r.family === "vpnv4" && r.rd !== rd) {
      rd = r.rd;
      prev = undefined;
      lines.push(rdHeading(r, false));
    }
    const network = r.prefix === prev ? "" : bgpNetwork(r.prefix);
    prev = r.prefix;
    let line = statusCode(r);
    if (network.length > 16) {
      lines.push(line + network);
      line = " ".repeat(20);
    } else {
      line += network.padEnd(17);
    }
    const path = r.asPath === "" ? r.origin : `${r.asPath} ${r.origin}`;
    line +=
      r.nextHop.padEnd(20) +
      (r.metric === undefined ? "" : String(r.metric)).padStart(6) +
      (r.localPref === undefined ? "" : String(r.localPref)).padStart(7) +
      String(r.weight).padStart(7) +
      " " +
      path;
    lines.push(line);
  }
  return lines.join("\n") + "\n";
}

/** A label as IOS prints one: the reserved values by name. */
function labelText(label: number | undefined): string {
  return label === undefined ? "nolabel" : label === 3 ? "imp-null" : label === 0 ? "exp-null" : String(label);
}

function outLabelText(r: BgpPathRow): string {
  if (r.family === "vpnv4" && (r.source !== undefined || (r.from === undefined && r.importedFrom === undefined))) {
    return `${r.inLabelAggregate ? "aggregate" : "nolabel"}(${r.vrf ?? ""})`;
  }
  return labelText(r.outLabel);
}

/** `show ip bgp vpnv4 all labels`, `show ip bgp labels`: each prefix's best path. */
export function formatBgpLabels(rows: readonly BgpPathRow[]): string {
  const best = rows.filter((r) => r.best);
  if (best.length === 0) return "";
  const lines = ["   Network          Next Hop      In label/Out label"];
  let rd: string | undefined;
  for (const r of best) {
    if (r.rd !== rd) {
      rd = r.rd;
      lines.push(rdHeading(r, true));
    }
    const network = bgpNetwork(r.prefix);
    const inLabel = labelText(r.inLabel);
    if (network.length > 16) lines.push("   " + network);
    lines.push("   " + (network.length > 16 ? "" : network).padEnd(17) + r.nextHop.padEnd(16) + `${inLabel}/${outLabelText(r)}`);
  }
  return lines.join("\n") + "\n";
}

const ORIGIN_WORD: Record<BgpPathRow["origin"], string> = { i: "IGP", e: "EGP", "?": "incomplete" };

/** `show ip bgp [vpnv4 all] <address | prefix>`: the detailed entry of each prefix. */
export function formatBgpEntries(rows: readonly BgpPathRow[]): string {
  const lines: string[] = [];
  for (let i = 0; i < rows.length; ) {
    const first = rows[i];
    let j = i;
    while (j < rows.length && rows[j].prefix === first.prefix && rows[j].rd === first.rd) j++;
    const group = rows.slice(i, j);
    i = j;
    const name = first.rd === undefined ? first.prefix : `${first.rd}:${first.prefix}`;
    const table = first.vrf ?? (first.family === "ipv4" ? "default" : undefined);
    const bestAt = group.findIndex((r) => r.best);
    lines.push(`BGP routing table entry for ${name}, version ${first.version}`);
    lines.push(`Paths: (${group.length} available, ${bestAt >= 0 ? `best #${bestAt + 1}` : "no best path"}, ${table === undefined ? "no table" : `table ${table}`})`);
    if (first.multipathKind !== undefined) lines.push(`Multipath: ${first.multipathKind}`);
    const advertised = group.find((r) => r.best)?.advertisedTo ?? [];
    if (advertised.length === 0) lines.push("  Not advertised to any peer");
    else lines.push("  Advertised to non peer-group peers:", `  ${advertised.join(" ")} `);
    for (const r of group) {
      lines.push("  Refresh Epoch 1");
      const path = r.asPath === "" ? "Local" : r.asPath;
      lines.push(`  ${path}${r.importedFrom ? `, imported path from ${r.importedFrom} (global)` : ""}`);
      const from = r.from === undefined ? "0.0.0.0" : `${r.fromDynamic ? "*" : ""}${r.from}`;
      lines.push(`    ${r.nextHop}${r.valid ? "" : " (inaccessible)"} from ${from} (${r.fromRouterId ?? "0.0.0.0"})`);
      const facts = [`Origin ${ORIGIN_WORD[r.origin]}`];
      if (r.metric !== undefined) facts.push(`metric ${r.metric}`);
      facts.push(`localpref ${r.localPref ?? 100}`);
      if (r.weight !== 0) facts.push(`weight ${r.weight}`);
      if (r.valid) facts.push("valid");
      if (r.source !== undefined) facts.push(r.source === "network" || r.source === "aggregate" ? "sourced, local" : "sourced");
      else facts.push(r.external ? "external" : "internal");
      if (r.atomicAggregate) facts.push("atomic-aggregate");
      // IOS: the best path of a multipath set says "multipath, best", the multipath that came
      // first of the others "multipath(oldest)".
      if (r.multipathOldest) facts.push("multipath(oldest)");
      else if (r.multipath || (r.best && group.some((x) => x.multipath))) facts.push("multipath");
      if (r.best) facts.push("best");
      lines.push(`      ${facts.join(", ")}`);
      if (r.aggregator) lines.push(`      Aggregated by ${r.aggregator}`);
      if (r.communities.length) lines.push(`      Community: ${r.communities.join(" ")}`);
      if (r.extCommunities.length) lines.push(`      Extended Community: ${r.extCommunities.join(" ")}`);
      if (r.originatorId !== undefined) lines.push(`      Originator: ${r.originatorId}, Cluster list: ${r.clusterList.join(" ")}`);
      if (r.family === "vpnv4" || r.inLabel !== undefined || r.outLabel !== undefined) lines.push(`      mpls labels in/out ${labelText(r.inLabel)}/${outLabelText(r)}`);
    }
  }
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** Bytes IOS counts per entry in the summary's memory lines (its accounting, not ours). */
const IOS_BYTES = { network: 256, path: 136, attributes: 152 } as const;

/** The summary's lines between its version line and the neighbor table. */
export function bgpTableLines(c: BgpRibCounts): string[] {
  const networks = c.networks * IOS_BYTES.network;
  const paths = c.paths * IOS_BYTES.path;
  const attrs = c.attributeSets * IOS_BYTES.attributes;
  return [
    `${c.networks} network entries using ${networks} bytes of memory`,
    `${c.paths} path entries using ${paths} bytes of memory`,
    `${c.attributeSets} BGP path/bestpath attribute entries using ${attrs} bytes of memory`,
    `BGP using ${networks + paths + attrs} total bytes of memory`,
    `BGP activity ${c.prefixesAdded}/${c.prefixesRemoved} prefixes, ${c.pathsAdded}/${c.pathsRemoved} paths, scan interval 60 secs`,
  ];
}
