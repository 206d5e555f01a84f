// NHRP's show output: `show ip nhrp [detail] [shortcut]` (typed rows, then IOS's blocks),
// `show dmvpn [detail]` and `show ip nhrp traffic`. Pure functions over the cache entries,
// peers and counters the engine keeps (types.ts); layouts from ios-output.md §2 and §3 and
// IOS 15 samples. FlexLab adds one line IOS has no sample for: `   Label: N` after the NBMA
// address of an entry that carries an MPLS label.

import type { NhrpRow, NhrpTrafficRow } from "../../api/tables";
import { compareInterfaceNames } from "../config/grammar/interface-name";
import { formatRouteAge } from "../routing/show-route";
import { formatIpv4, formatPrefix, type Ipv4 } from "../wire/addr";
import { ReservedLabel } from "../wire/mpls";
import { shortInterfaceName } from "../net/interface-names";
import type { NhsState } from "./registration";
import { NHRP_FLAG_ORDER, NHRP_TRAFFIC_KINDS, type NhrpCacheEntry, type NhrpFlag, type NhrpInterfaceTraffic, type NhrpPeer, type NhrpTrafficKind } from "./types";

const FLAG_RANK = new Map<NhrpFlag, number>(NHRP_FLAG_ORDER.map((f, i) => [f, i]));

/** Whole seconds from `from` to `to` (router clock ms), never negative. */
function secondsBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / 1000));
}

/** Entries by interface, in IOS's interface order; the cache's own order within one. */
function byInterface<T extends { readonly interface: string }>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => compareInterfaceNames(a.item.interface, b.item.interface) || a.i - b.i)
    .map((x) => x.item);
}

/** The "nhrp" table: one row per cache entry, ages as seconds at `nowMs`, in IOS's order. */
export function nhrpRows(entries: readonly NhrpCacheEntry[], nowMs: number): NhrpRow[] {
  return byInterface(entries).map((e) => ({
    vrf: e.vrf,
    prefix: formatPrefix(e.prefix),
    via: formatIpv4(e.via),
    interface: e.interface,
    ...(e.nbma !== undefined ? { nbma: formatIpv4(e.nbma) } : {}),
    ...(e.claimedNbma !== undefined ? { claimedNbma: formatIpv4(e.claimedNbma) } : {}),
    type: e.type,
    flags: [...e.flags].sort((a, b) => (FLAG_RANK.get(a) ?? 0) - (FLAG_RANK.get(b) ?? 0)),
    createdSec: secondsBetween(e.createdAt, nowMs),
    ...(e.expiresAt !== undefined ? { expiresSec: secondsBetween(nowMs, e.expiresAt) } : {}),
    ...(e.label !== undefined ? { label: e.label } : {}),
    noSocket: e.noSocket,
    preference: e.preference,
    ...(e.requestId !== undefined ? { requestId: e.requestId } : {}),
    ...(e.requester !== undefined ? { requester: formatIpv4(e.requester) } : {}),
    cacheHits: e.cacheHits,
  }));
}

export interface ShowIpNhrpOptions {
  readonly detail: boolean;
  /** `show ip nhrp shortcut`: only the entries behind routes (rib, nho). */
  readonly shortcutOnly?: boolean;
}

/** An entry `show ip nhrp shortcut` lists. */
function isShortcut(row: NhrpRow): boolean {
  return row.flags.includes("rib") || row.flags.includes("nho");
}

function labelText(label: number): string {
  return label === ReservedLabel.ImplicitNull ? "implicit-null" : String(label);
}

/** One entry's block. */
function nhrpBlock(r: NhrpRow, detail: boolean): string[] {
  const out: string[] = [];
  // An incomplete entry has no next hop yet: IOS prints the prefix alone.
  out.push(r.type === "incomplete" ? r.prefix : `${r.prefix} via ${r.via}`);
  const expiry = r.expiresSec === undefined ? "never expire" : `expire ${formatRouteAge(r.expiresSec)}`;
  out.push(`   ${r.interface} created ${formatRouteAge(r.createdSec)}, ${expiry}`);
  out.push(`   Type: ${r.type}, Flags:${r.flags.map((f) => " " + f).join("")}`);
  if (r.nbma !== undefined) out.push(`   NBMA address: ${r.nbma}`);
  if (r.label !== undefined) out.push(`   Label: ${labelText(r.label)}`);
  if (r.claimedNbma !== undefined) out.push(`    (Claimed NBMA address: ${r.claimedNbma})`);
  if (detail) out.push(`   Preference: ${r.preference}`);
  if (r.noSocket) out.push("    (no-socket)");
  if (detail && r.requester !== undefined) out.push(`  Requester: ${r.requester} Request ID: ${r.requestId ?? 0}`);
  if (r.type === "incomplete") out.push(`   Cache hits: ${r.cacheHits}`);
  return out;
}

/** `show ip nhrp [detail]` / `show ip nhrp shortcut` from the table's rows. */
export function formatNhrpRows(rows: readonly NhrpRow[], opts: ShowIpNhrpOptions): string {
  const shown = opts.shortcutOnly ? rows.filter(isShortcut) : rows;
  const lines = shown.flatMap((r) => nhrpBlock(r, opts.detail));
  return lines.length ? lines.join("\n") + "\n" : "";
}

// `show ip nhrp brief` (IOS 15 / XE): the header, then two lines per entry; incomplete,
// no-socket and link-local entries are left out, as its note says.
const BRIEF_HEADER = [
  "****************************************************************************",
  "    NOTE: Link-Local, No-socket and Incomplete entries are not displayed",
  "****************************************************************************",
  "Legend: Type --> S - Static, D - Dynamic",
  "        Flags --> u - unique, r - registered, e - temporary, c - claimed",
  "        a - authoritative, t - route",
  "============================================================================",
  "",
  "Intf     NextHop Address                                    NBMA Address",
  "         Target Network                              T/Flag",
  "-------- ------------------------------------------- ------ ----------------",
];

/** The brief layout's flag letters, in its legend's order. */
const BRIEF_FLAGS: readonly [NhrpFlag, string][] = [
  ["unique", "u"],
  ["registered", "r"],
  ["authoritative", "a"],
];

function isLinkLocal(prefix: string): boolean {
  return prefix.startsWith("169.254.");
}

/** `show ip nhrp brief` from the table's rows. */
export function formatNhrpBrief(rows: readonly NhrpRow[]): string {
  const lines = [...BRIEF_HEADER];
  for (const r of rows) {
    if (r.type === "incomplete" || r.noSocket || isLinkLocal(r.prefix)) continue;
    const flags = BRIEF_FLAGS.filter(([f]) => r.flags.includes(f)).map(([, letter]) => letter).join("") + (r.claimedNbma !== undefined ? "c" : "");
    lines.push(`${shortInterfaceName(r.interface).padEnd(8)} ${r.via.padEnd(43)} ${"".padEnd(6)} ${r.nbma ?? ""}`.trimEnd());
    lines.push(`${"".padEnd(8)} ${r.prefix.padEnd(43)} ${`${r.type === "static" ? "S" : "D"}/${flags}`.padEnd(6)}`);
  }
  return lines.join("\n");
}

/** `show ip nhrp nhs [detail]` (IOS-XE): per tunnel its next hop servers, flagged R when a
 * registration reply accepted us within the hold time and E once requests go out (W before
 * the first); detail adds the request and reply counters and how long ago the last reply came.
 * Priority and cluster are IOS's defaults: this router has no `ip nhrp nhs ... priority`. */
export function formatNhrpNhs(servers: readonly NhsState[], opts: { readonly detail: boolean; readonly now: number }): string {
  const lines = ["Legend:\tE=Expecting replies, R=Responding, W=Waiting, D=Dynamic"];
  let tunnel: string | undefined;
  for (const s of byInterface(servers)) {
    if (s.interface !== tunnel) lines.push(`${s.interface}:`);
    tunnel = s.interface;
    const flags = (s.responding ? "R" : "") + (s.counts.sent > 0 ? "E" : "W");
    let line = `${formatIpv4(s.address)}  ${flags.padEnd(3)} ${s.nbma !== undefined ? `NBMA Address: ${formatIpv4(s.nbma)} ` : ""}priority = 0 cluster = 0`;
    if (opts.detail) {
      line += `  req-sent ${s.counts.sent}  req-failed ${s.counts.failed}  repl-recv ${s.counts.received}`;
      if (s.lastReply) line += ` (${formatRouteAge(secondsBetween(s.lastReply.at, opts.now))} ago)`;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

/** `show ip nhrp [detail]` / `show ip nhrp shortcut` for the cache entries at `now`. */
export function formatShowIpNhrp(entries: readonly NhrpCacheEntry[], opts: ShowIpNhrpOptions & { readonly now: number }): string {
  return formatNhrpRows(nhrpRows(entries, opts.now), opts);
}

const DMVPN_LEGEND = [
  "Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete",
  "        N - NATed, L - Local, X - No Socket",
  "        T1 - Route Installed, T2 - Nexthop-override",
  "        C - CTS Capable",
  "        # Ent --> Number of NHRP entries with same NBMA peer",
  "        NHS Status: E --> Expecting Replies, R --> Responding, W --> Waiting",
  "        UpDn Time --> Up or Down Time for a Tunnel",
  "==========================================================================",
];

/** `show dmvpn`'s Attrb letters for one entry: its type, then N, L, X, and T1 (route
 * installed) or T2 (next hop override). */
export function dmvpnAttributes(e: NhrpCacheEntry): string {
  let a = e.type === "static" ? "S" : e.type === "incomplete" ? "I" : "D";
  if (e.flags.includes("nat")) a += "N";
  if (e.flags.includes("local")) a += "L";
  if (e.noSocket) a += "X";
  if (e.flags.includes("rib")) a += "T1";
  else if (e.flags.includes("nho")) a += "T2";
  return a;
}

/** Extra facts for `show dmvpn detail`'s interface header, when the caller has them. */
export interface DmvpnInterfaceDetail {
  /** "up/up", "up/down". */
  readonly status: string;
  readonly address?: Ipv4;
  /** The tunnel's VRF (IVRF), "" for none. */
  readonly vrf: string;
  readonly tunnelSource?: Ipv4;
  /** Undefined for a multipoint tunnel ("MGRE"). */
  readonly tunnelDestination?: Ipv4;
  /** The front-door VRF, "" for none. */
  readonly tunnelVrf: string;
  /** "multi-GRE/IP", "GRE/IP". */
  readonly transport: string;
  /** The IPsec profile, "" for none. */
  readonly protect: string;
  /** `IPv4 NHS:` lines: the server and its status letters ("RE"). */
  readonly nhs?: readonly { readonly address: Ipv4; readonly status: string }[];
}

export interface ShowDmvpnOptions {
  readonly detail: boolean;
  readonly now: number;
  readonly interfaces?: Readonly<Record<string, DmvpnInterfaceDetail>>;
}

/** One peer line's cells: the entry's tunnel address and attributes, the peer's state. */
interface PeerLine {
  readonly tunnel: string;
  readonly attrb: string;
  readonly target?: string;
}

function peerLines(p: NhrpPeer): PeerLine[] {
  if (p.entries.length === 0) return [{ tunnel: formatIpv4(p.tunnelAddress), attrb: p.attributes }];
  return p.entries.map((e) => ({ tunnel: formatIpv4(e.via), attrb: dmvpnAttributes(e), target: formatPrefix(e.prefix) }));
}

/** The peer table of one interface: columns as ios-output.md §3 (# Ent ending at 5, NBMA at 7
 * width 15, tunnel address ending at 37, State 5, UpDn 8, Attrb 5); `detail` drops the leading
 * space, repeats the NBMA address on every line and adds the Target Network. */
function peerTable(peers: readonly NhrpPeer[], detail: boolean, now: number): string[] {
  const out: string[] = [];
  if (detail) {
    out.push("# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network");
    out.push("----- --------------- --------------- ----- -------- ----- -----------------");
  } else {
    out.push(" # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb");
    out.push(" ----- --------------- --------------- ----- -------- -----");
  }
  for (const p of peers) {
    const nbma = formatIpv4(p.nbma);
    const upDn = formatRouteAge(secondsBetween(p.since, now));
    peerLines(p).forEach((l, i) => {
      const count = i === 0 ? String(Math.max(1, p.entries.length)) : "";
      const nbmaCell = i === 0 || detail ? nbma : "";
      const row = `${count.padStart(detail ? 5 : 6)} ${nbmaCell.padEnd(15)} ${l.tunnel.padStart(15)} ${p.state.padStart(5)} ${upDn.padStart(8)} ${l.attrb.padStart(5)}`;
      out.push(detail ? `${row} ${(l.target ?? "").padStart(18)}`.trimEnd() : row);
    });
  }
  return out;
}

function detailHeader(name: string, d: DmvpnInterfaceDetail): string[] {
  const out = [
    `Interface ${name} is ${d.status}, Addr. is ${d.address !== undefined ? formatIpv4(d.address) : "0.0.0.0"}, VRF "${d.vrf}"`,
    `   Tunnel Src./Dest. addr: ${d.tunnelSource !== undefined ? formatIpv4(d.tunnelSource) : "0.0.0.0"}/${d.tunnelDestination !== undefined ? formatIpv4(d.tunnelDestination) : "MGRE"}, Tunnel VRF "${d.tunnelVrf}"`,
    `   Protocol/Transport: "${d.transport}", Protect "${d.protect}"`,
    "   Interface State Control: Disabled",
    "   nhrp event-publisher : Disabled",
  ];
  if (d.nhs?.length) {
    out.push("", "IPv4 NHS:");
    for (const n of d.nhs) out.push(`${formatIpv4(n.address)}  ${n.status} priority = 0 cluster = 0`);
  }
  return out;
}

/** `show dmvpn [detail]`: the legend, then one block per interface (each Virtual-Access of a
 * FlexVPN hub or spoke is one), peers by NBMA address. */
export function formatShowDmvpn(peers: readonly NhrpPeer[], opts: ShowDmvpnOptions): string {
  const out = [...DMVPN_LEGEND];
  const groups = new Map<string, NhrpPeer[]>();
  for (const p of byInterface(peers)) {
    const g = groups.get(p.interface);
    if (g) g.push(p);
    else groups.set(p.interface, [p]);
  }
  for (const [name, list] of groups) {
    list.sort((a, b) => a.nbma - b.nbma);
    const role = list[0].role;
    const nbmaPeers = new Set(list.map((p) => p.nbma)).size;
    out.push("");
    if (opts.detail) {
      const d = opts.interfaces?.[name];
      if (d) out.push(...detailHeader(name, d));
      else out.push(`Interface ${name}, IPv4 NHRP Details`);
      out.push(`Type:${role}, Total NBMA Peers (v4/v6): ${nbmaPeers}`);
    } else {
      out.push(`Interface: ${name}, IPv4 NHRP Details`);
      out.push(`Type:${role}, NHRP Peers:${nbmaPeers},`);
    }
    out.push("");
    out.push(...peerTable(list, opts.detail, opts.now));
  }
  return out.join("\n") + "\n";
}

/** The "nhrp-traffic" table's rows. */
export function nhrpTrafficRows(traffic: readonly NhrpInterfaceTraffic[]): NhrpTrafficRow[] {
  return byInterface(traffic).map((t) => ({ interface: t.interface, sent: { ...t.sent }, received: { ...t.received }, dropped: t.dropped }));
}

const TRAFFIC_NAMES: Readonly<Record<NhrpTrafficKind, string>> = {
  resolutionRequest: "Resolution Request",
  resolutionReply: "Resolution Reply",
  registrationRequest: "Registration Request",
  registrationReply: "Registration Reply",
  purgeRequest: "Purge Request",
  purgeReply: "Purge Reply",
  errorIndication: "Error Indication",
  trafficIndication: "Traffic Indication",
  redirectSuppress: "Redirect Suppress",
};

/** `Sent:`/`Rcvd:` and the nine counters, three to a line, as IOS 15 prints them. */
function counterLines(label: string, counts: Readonly<Record<NhrpTrafficKind, number>>): string[] {
  const total = NHRP_TRAFFIC_KINDS.reduce((sum, k) => sum + counts[k], 0);
  const out = [`   ${label}: Total ${total}`];
  for (let i = 0; i < NHRP_TRAFFIC_KINDS.length; i += 3) {
    out.push("         " + NHRP_TRAFFIC_KINDS.slice(i, i + 3).map((k) => `${counts[k]} ${TRAFFIC_NAMES[k]}`).join("  "));
  }
  return out;
}

export interface ShowIpNhrpTrafficOptions {
  /** `ip nhrp max-send`: packets per interval (IOS's default 100 per 10 s). */
  readonly maxSendPackets?: number;
  readonly maxSendIntervalSec?: number;
  /** Share of the max-send budget used in the current interval, per interface. */
  readonly usagePercent?: (iface: string) => number;
}

/** `show ip nhrp traffic` from the table's rows. */
export function formatNhrpTrafficRows(rows: readonly NhrpTrafficRow[], opts: ShowIpNhrpTrafficOptions = {}): string {
  const packets = opts.maxSendPackets ?? 100;
  const interval = opts.maxSendIntervalSec ?? 10;
  const lines = rows.flatMap((r) => [
    `${r.interface}: Max-send limit:${packets}Pkts/${interval}Sec, Usage:${Math.round(opts.usagePercent?.(r.interface) ?? 0)}%`,
    ...counterLines("Sent", r.sent),
    ...counterLines("Rcvd", r.received),
  ]);
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** `show ip nhrp traffic` for the engine's per-interface counters. */
export function formatShowIpNhrpTraffic(traffic: readonly NhrpInterfaceTraffic[], opts: ShowIpNhrpTrafficOptions = {}): string {
  return formatNhrpTrafficRows(nhrpTrafficRows(traffic), opts);
}
