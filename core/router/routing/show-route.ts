// `show ip route [vrf X]`: typed rows from the RIB, and IOS's exact layout for them
// (ios-output.md §8): the Codes legend, "Gateway of last resort", routes grouped under their
// classful network with "is subnetted" / "is variably subnetted" parents, the code in
// columns 0-3 and the prefix at column 6 (top level) or 9 (inside a group).
import type { RouteRow } from "../../api/tables";
import { IPV4_ANY, formatIpv4, formatPrefix, maskOf, parsePrefix, prefix as makePrefix, type Prefix } from "../wire/addr";
import type { InstalledRoute, Rib } from "./rib";
import { ROUTE_CODES, classfulLength, isDynamic } from "./route";

export function routeRow(r: InstalledRoute, now: number): RouteRow {
  const route = r.route;
  const isDefault = r.prefix.len === 0;
  return {
    vrf: r.vrf,
    code: ROUTE_CODES[route.protocol] + (isDefault ? "*" : ""),
    protocol: route.protocol,
    prefix: formatPrefix(r.prefix),
    distance: route.distance,
    metric: route.metric,
    paths: r.usable.map((nh) => ({
      nextHop: route.protocol === "connected" || route.protocol === "local" || nh.address === undefined ? undefined : formatIpv4(nh.address),
      interface: nh.interface,
      nextHopVrf: nh.resolveInVrf !== undefined && nh.resolveInVrf !== r.vrf ? nh.resolveInVrf : undefined,
      labels: nh.labels === undefined ? undefined : [...nh.labels],
      ...(nh.from === undefined ? {} : { from: formatIpv4(nh.from) }),
    })),
    ageSeconds: isDynamic(route.protocol) ? Math.max(0, Math.floor((now - route.updatedAt) / 1000)) : undefined,
    tag: route.tag,
    knownVia: route.knownVia ?? route.protocol,
    from: route.from === undefined ? undefined : formatIpv4(route.from),
  };
}

/** A row's prefix as numbers, for IOS's grouping and ordering (rows carry it as text). */
export function rowPrefix(row: RouteRow): Prefix {
  return parsePrefix(row.prefix) ?? makePrefix(IPV4_ANY, 0);
}

/** Rows for `show ip route [vrf X]`, in IOS's order. */
export function routeRows(rib: Rib, vrf: string | undefined, now: number): RouteRow[] {
  return rib.routes(vrf).map((r) => routeRow(r, now));
}

const CODES_LEGEND = [
  "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
  "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area",
  "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2",
  "       E1 - OSPF external type 1, E2 - OSPF external type 2",
  "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2",
  "       ia - IS-IS inter area, * - candidate default, U - per-user static route",
  "       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP",
  "       a - application route",
  "       + - replicated route, % - next hop override, p - overrides from PfR",
];

/** IOS's route age: hh:mm:ss under a day, then 1d02h, then 2w3d. */
export function formatRouteAge(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  if (days >= 7) return `${Math.floor(days / 7)}w${days % 7}d`;
  const hours = Math.floor(seconds / 3600);
  if (days >= 1) return `${days}d${String(hours % 24).padStart(2, "0")}h`;
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(hours)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

/** The "Gateway of last resort" line. */
export function gatewayOfLastResort(rows: readonly RouteRow[]): string {
  const def = rows.find((r) => r.prefix.endsWith("/0"));
  if (def === undefined) return "Gateway of last resort is not set";
  return `Gateway of last resort is ${def.paths[0]?.nextHop ?? "0.0.0.0"} to network 0.0.0.0`;
}

/** A row with its prefix as numbers. */
interface Placed {
  readonly row: RouteRow;
  readonly prefix: Prefix;
}

type Item = { readonly kind: "route"; readonly at: Placed } | { readonly kind: "group"; readonly major: number; readonly classful: number; readonly rows: Placed[] };

/** The whole `show ip route [vrf X]` text. `table`: every row of the routing table, when
 * `rows` is a selection of it (`show ip route static`, `… longer-prefixes`): IOS's gateway
 * line and a classful network's "is subnetted" line speak for the whole table. */
export function formatRouteTable(rows: readonly RouteRow[], vrf?: string, table: readonly RouteRow[] = rows): string {
  const lines: string[] = [];
  if (vrf) lines.push(`Routing Table: ${vrf}`);
  lines.push(...CODES_LEGEND, "", gatewayOfLastResort(table), "");
  const subnets = table === rows ? undefined : majorNetworks(table);
  for (const item of groupByClassfulNetwork(rows.map((row) => ({ row, prefix: rowPrefix(row) })))) {
    if (item.kind === "route") {
      lines.push(...routeLines(item.at, false, true));
      continue;
    }
    const masks = subnets?.get(item.major)?.masks ?? new Set(item.rows.map((r) => r.prefix.len));
    const n = subnets?.get(item.major)?.count ?? item.rows.length;
    if (masks.size === 1) {
      const [len] = masks;
      lines.push(`      ${formatIpv4(item.major)}/${len} is subnetted, ${n} subnets`);
    } else {
      lines.push(`      ${formatIpv4(item.major)}/${item.classful} is variably subnetted, ${n} subnets, ${masks.size} masks`);
    }
    for (const at of item.rows) lines.push(...routeLines(at, true, masks.size > 1));
  }
  return lines.join("\n");
}

/** Per classful network of the whole table: how many subnets, of which masks. */
function majorNetworks(table: readonly RouteRow[]): Map<number, { count: number; masks: Set<number> }> {
  const out = new Map<number, { count: number; masks: Set<number> }>();
  for (const row of table) {
    const p = rowPrefix(row);
    const classful = classfulLength(p.addr);
    if (p.len < classful || classful === 32) continue;
    const major = (p.addr & maskOf(classful)) >>> 0;
    const e = out.get(major) ?? { count: 0, masks: new Set<number>() };
    e.count++;
    e.masks.add(p.len);
    out.set(major, e);
  }
  return out;
}

/** IOS lists a classful network's subnets under one parent line; supernets stand alone. */
function groupByClassfulNetwork(rows: readonly Placed[]): Item[] {
  const groups = new Map<number, Placed[]>();
  const items: Item[] = [];
  for (const at of rows) {
    const classful = classfulLength(at.prefix.addr);
    if (at.prefix.len < classful || classful === 32) {
      items.push({ kind: "route", at });
      continue;
    }
    const major = (at.prefix.addr & maskOf(classful)) >>> 0;
    const list = groups.get(major);
    if (list) list.push(at);
    else groups.set(major, [at]);
  }
  for (const [major, list] of groups) {
    const classful = classfulLength(major);
    if (list.length === 1 && list[0].prefix.len === classful) items.push({ kind: "route", at: list[0] });
    else items.push({ kind: "group", major, classful, rows: list });
  }
  const sortKey = (i: Item): [number, number] => (i.kind === "route" ? [i.at.prefix.addr, i.at.prefix.len] : [i.major, i.classful]);
  return items.sort((a, b) => {
    const [aa, al] = sortKey(a);
    const [ba, bl] = sortKey(b);
    return aa - ba || al - bl;
  });
}

function routeLines({ row, prefix }: Placed, child: boolean, showLength: boolean): string[] {
  const lead = `${row.code.padEnd(4)}  ${child ? "   " : ""}`;
  const text = showLength ? row.prefix : formatIpv4(prefix.addr);
  const indent = " ".repeat(lead.length + text.length + 1);
  const age = row.ageSeconds === undefined ? "" : `, ${formatRouteAge(row.ageSeconds)}`;
  const out: string[] = [];
  row.paths.forEach((p, i) => {
    const start = i === 0 ? `${lead}${text} ` : indent;
    if (p.nextHop === undefined) out.push(`${start}is directly connected, ${p.interface ?? "Null0"}`);
    else out.push(`${start}[${row.distance}/${row.metric}] via ${p.nextHop}${age}${p.interface === undefined ? "" : `, ${p.interface}`}`);
  });
  return out;
}
