// The session side of BGP's show commands: the neighbor table of `show ip bgp [vpnv4 all]
// summary` and `show ip bgp neighbors [X]`, built as typed rows first, then printed in IOS's
// layout (../shared/reference/ios-output.md §7).
import { formatRouteAge } from "../routing/show-route";
import { formatIpv4, formatPrefix, type Prefix } from "../wire/addr";
import { notificationText } from "./notification-text";
import type { BgpSession, MessageCounters } from "./session";
import type { SessionFamily } from "./session-open";

export interface BgpSummaryNeighborRow {
  /** "10.1.1.3", or "*10.1.1.3" for a dynamic neighbor. */
  readonly neighbor: string;
  readonly vrf: string;
  readonly version: 4;
  readonly remoteAs: number;
  readonly messagesReceived: number;
  readonly messagesSent: number;
  readonly tableVersion: number;
  readonly inQueue: number;
  readonly outQueue: number;
  /** Seconds in the current state (Established: up for; else since it went down); undefined: never up. */
  readonly upDownSec: number | undefined;
  readonly state: string;
  /** Prefixes accepted, when Established. */
  readonly prefixesReceived: number | undefined;
}

export interface BgpSummaryHeader {
  readonly routerId: string;
  readonly localAs: number;
  readonly tableVersion: number;
  /** The RIB's lines between the version line and the neighbor table (entries, memory). */
  readonly tableLines: readonly string[];
  readonly listen?: { readonly dynamic: number; readonly limit: number; readonly ranges: readonly { readonly peerGroup: string; readonly range: string }[] };
}

/** Total messages in a counter set. */
export function totalMessages(c: MessageCounters): number {
  return c.opens + c.notifications + c.updates + c.keepalives + c.routeRefreshes;
}

/** The summary row of one session. */
export function summaryRow(neighbor: string, vrf: string, s: BgpSession, now: number, tableVersion: number, prefixes: number | undefined, prefixLimitHit = false): BgpSummaryNeighborRow {
  const up = s.state === "Established";
  const everUp = s.establishedCount > 0;
  return {
    neighbor,
    vrf,
    version: 4,
    remoteAs: s.settings.remoteAs,
    messagesReceived: totalMessages(s.receivedCounts),
    messagesSent: totalMessages(s.sentCounts),
    tableVersion: up ? tableVersion : 1,
    inQueue: 0,
    outQueue: 0,
    upDownSec: everUp ? Math.floor((now - s.stateSince) / 1000) : undefined,
    state: prefixLimitHit && s.state === "Idle" ? "Idle (PfxCt)" : s.settings.passive && s.state === "Active" && !everUp ? "Idle" : s.state,
    prefixesReceived: up ? (prefixes ?? 0) : undefined,
  };
}

function stateText(row: BgpSummaryNeighborRow): string {
  if (row.prefixesReceived !== undefined) return String(row.prefixesReceived).padStart(8);
  return row.state;
}

export function formatBgpSummary(header: BgpSummaryHeader, rows: readonly BgpSummaryNeighborRow[]): string {
  const lines = [`BGP router identifier ${header.routerId}, local AS number ${header.localAs}`, `BGP table version is ${header.tableVersion}, main routing table version ${header.tableVersion}`, ...header.tableLines];
  // IOS prints the neighbor table only when there is a neighbor to list (a VRF without PE-CE
  // sessions, a process without neighbors).
  if (rows.length > 0) lines.push("", "Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd");
  for (const r of rows) {
    const upDown = r.upDownSec === undefined ? "never" : formatRouteAge(r.upDownSec);
    const id = r.neighbor.length > 15 ? `${r.neighbor}\n${" ".repeat(16)}` : r.neighbor.padEnd(16);
    lines.push(
      `${id}4 ${String(r.remoteAs).padStart(12)} ${String(r.messagesReceived).padStart(7)} ${String(r.messagesSent).padStart(7)} ${String(r.tableVersion).padStart(8)} ${String(r.inQueue).padStart(4)} ${String(r.outQueue).padStart(4)} ${upDown.padEnd(8)} ${stateText(r)}`,
    );
  }
  const listen = header.listen;
  if (listen && listen.ranges.length > 0) {
    lines.push("", "* Dynamically created based on a listen range command", `Dynamically created neighbors: ${listen.dynamic}, Subnet ranges: ${listen.ranges.length}`);
    const groups = [...new Set(listen.ranges.map((r) => r.peerGroup))];
    for (const g of groups) {
      lines.push("", `BGP peergroup ${g} listen range group members: `);
      for (const r of listen.ranges) if (r.peerGroup === g) lines.push(`  ${r.range} `);
    }
    lines.push("", `Total dynamically created neighbors: ${listen.dynamic}/(${listen.limit} max), Subnet ranges: ${listen.ranges.length}`);
  }
  return lines.join("\n") + "\n";
}

const FAMILY_NAMES: Record<SessionFamily, string> = { ipv4: "IPv4 Unicast", "ipv4-label": "IPv4 MPLS Label", vpnv4: "VPNv4 Unicast" };

/** IOS names the labelled family's capability apart: "ipv4 MPLS Label capability". */
function capabilityName(f: SessionFamily): string {
  return f === "ipv4-label" ? "ipv4 MPLS Label capability" : `Address family ${FAMILY_NAMES[f]}`;
}

function capabilityLine(name: string, advertised: boolean, received: string | undefined): string | undefined {
  if (!advertised && received === undefined) return undefined;
  const parts = [advertised ? "advertised" : undefined, received].filter((x) => x !== undefined);
  return `    ${name}: ${parts.join(" and ")}`;
}

/** `show ip bgp neighbors [X]` for one neighbor. */
export function formatBgpNeighbor(
  id: string,
  s: BgpSession,
  info: {
    readonly ebgp: boolean;
    readonly peerGroup: string | undefined;
    readonly description: string | undefined;
    readonly range: Prefix | undefined;
    readonly vrf: string;
    readonly prefixes: ReadonlyMap<SessionFamily, number>;
    /** Each family's policy lines (`neighbor X route-map …`, `maximum-prefix …`). */
    readonly policies?: ReadonlyMap<SessionFamily, NeighborFamilyPolicy | undefined>;
    /** Stopped by maximum-prefix; `restartAt` with `restart M`. */
    readonly prefixLimit?: { readonly stopped: boolean; readonly restartAt?: number };
  },
  now: number,
): string {
  const set = s.settings;
  const lines: string[] = [];
  lines.push(`BGP neighbor is ${id},${info.vrf ? `  vrf ${info.vrf},` : ""}  remote AS ${set.remoteAs}, ${info.ebgp ? "external" : "internal"} link`);
  if (info.description !== undefined) lines.push(` Description: ${info.description}`);
  if (info.peerGroup !== undefined) lines.push(` Member of peer-group ${info.peerGroup} for session parameters`);
  if (info.range !== undefined) lines.push(`  Belongs to the subnet range group: ${formatPrefix(info.range)}`);
  const n = s.negotiated;
  lines.push(`  BGP version 4, remote router ID ${n && s.state === "Established" ? formatIpv4(n.remoteRouterId) : "0.0.0.0"}`);
  const since = formatRouteAge(Math.floor((now - s.stateSince) / 1000));
  lines.push(`  BGP state = ${s.state}${s.state === "Established" ? `, up for ${since}` : ""}`);
  if (s.state === "Established" && n) {
    lines.push(`  Last read ${since}, last write ${since}, hold time is ${n.holdTimeSec}, keepalive interval is ${n.keepaliveSec} seconds`);
    lines.push("  Neighbor sessions:", "    1 active, is not multisession capable (disabled)");
    lines.push("  Neighbor capabilities:");
    const got = (t: string): boolean => n.received.some((c) => c.type === t);
    const rr = got("route-refresh") ? "received(new)" : got("route-refresh-cisco") ? "received(old)" : undefined;
    const caps = [
      capabilityLine("Route refresh", true, rr),
      capabilityLine("Four-octets ASN Capability", true, got("four-octet-as") ? "received" : undefined),
      ...set.families.map((f) => capabilityLine(capabilityName(f), true, n.families.has(f) ? "received" : undefined)),
    ];
    for (const c of caps) if (c !== undefined) lines.push(c);
  } else {
    lines.push(`  Last read 00:00:00, last write 00:00:00, hold time is ${set.holdTimeSec}, keepalive interval is ${set.keepaliveSec} seconds`);
  }
  const sent = s.sentCounts;
  const rcvd = s.receivedCounts;
  const stat = (name: string, a: number, b: number): string => `    ${name.padEnd(14)}${String(a).padStart(11)}${String(b).padStart(11)}`;
  lines.push(
    "  Message statistics:",
    "    InQ depth is 0",
    "    OutQ depth is 0",
    "    ",
    "                         Sent       Rcvd",
    stat("Opens:", sent.opens, rcvd.opens),
    stat("Notifications:", sent.notifications, rcvd.notifications),
    stat("Updates:", sent.updates, rcvd.updates),
    stat("Keepalives:", sent.keepalives, rcvd.keepalives),
    stat("Route Refresh:", sent.routeRefreshes, rcvd.routeRefreshes),
    stat("Total:", totalMessages(sent), totalMessages(rcvd)),
    `  Default minimum time between advertisement runs is 0 seconds`,
  );
  for (const f of set.families) {
    // Labelled routes share IPv4 Unicast's table: IOS says so there ("Sending Prefix & Label").
    if (f === "ipv4-label") continue;
    lines.push("", ` For address family: ${FAMILY_NAMES[f]}`);
    lines.push(`  Session: ${id}`);
    if (f === "ipv4" && s.state === "Established" && n?.families.has("ipv4-label")) lines.push(`  Sending Prefix & Label`);
    const pol = info.policies?.get(f);
    if (pol !== undefined) lines.push(...policyLines(pol));
    if (s.state === "Established") lines.push(`  ${info.prefixes.get(f) ?? 0} accepted prefixes consume ${(info.prefixes.get(f) ?? 0) * 32} bytes`);
    const max = pol?.maximumPrefix;
    if (max !== undefined) {
      lines.push(`  Maximum prefixes allowed ${max.max}${max.warningOnly ? " (warning-only)" : ""}`);
      lines.push(`  Threshold for warning message ${max.threshold ?? 75}%${max.restartMin !== undefined ? `, restart interval ${max.restartMin} min` : ""}`);
    }
  }
  lines.push("", `  Connections established ${s.establishedCount}; dropped ${s.droppedCount}`);
  const reset = s.lastReset;
  if (reset === undefined) lines.push("  Last reset never");
  else {
    const note = s.lastNotification;
    const detail = (reset.reason === "BGP Notification sent" || reset.reason === "BGP Notification received") && note ? `, ${notificationText(note.code, note.subcode)}` : "";
    lines.push(`  Last reset ${formatRouteAge(Math.floor((now - reset.at) / 1000))}, due to ${reset.reason}${detail}`);
  }
  const limit = info.prefixLimit;
  if (limit?.stopped) {
    lines.push("  Peer had exceeded the max. no. of prefixes configured.");
    if (limit.restartAt !== undefined) lines.push(`  Reduce the no. of prefix from ${id}, will restart in ${formatRouteAge(Math.max(0, Math.ceil((limit.restartAt - now) / 1000)))}`);
    else lines.push(`  Reduce the no. of prefix and clear ip bgp ${id} to restore peering`);
  }
  if (info.ebgp && set.ttl > 1) lines.push(`  External BGP neighbor may be up to ${set.ttl} hops away.`);
  const c = s.connection;
  if (s.state === "Established" && c) {
    lines.push(`Connection state is ESTAB, I/O status: 1, unread input bytes: 0            `);
    lines.push(`Connection is ECN Disabled, Mininum incoming TTL 0, Outgoing TTL ${set.ttl}`);
    lines.push(`Local host: ${formatIpv4(c.endpoint.localAddress)}, Local port: ${c.endpoint.localPort}`);
    lines.push(`Foreign host: ${formatIpv4(c.endpoint.remoteAddress)}, Foreign port: ${c.endpoint.remotePort}`);
  } else {
    lines.push("  No active TCP connection");
  }
  return lines.join("\n") + "\n";
}

/** What a family's policy lines show. */
export interface NeighborFamilyPolicy {
  readonly softReconfigInbound?: boolean;
  readonly distributeListIn?: string;
  readonly distributeListOut?: string;
  readonly prefixListIn?: string;
  readonly prefixListOut?: string;
  readonly filterListIn?: number;
  readonly filterListOut?: number;
  readonly routeMapIn?: string;
  readonly routeMapOut?: string;
  readonly routeReflectorClient?: boolean;
  readonly nextHopSelf?: boolean;
  readonly maximumPrefix?: { readonly max: number; readonly threshold?: number; readonly warningOnly: boolean; readonly restartMin?: number };
}

/** IOS's lines for a neighbor's filters in one family's section. */
function policyLines(p: NeighborFamilyPolicy): string[] {
  const out: string[] = [];
  if (p.routeReflectorClient) out.push("  Route-Reflector Client");
  if (p.softReconfigInbound) out.push("  Inbound soft reconfiguration allowed");
  if (p.nextHopSelf) out.push("  NEXT_HOP is always this router for eBGP paths");
  if (p.distributeListIn !== undefined || p.prefixListIn !== undefined || p.filterListIn !== undefined || p.routeMapIn !== undefined) out.push("  Inbound path policy configured");
  if (p.distributeListOut !== undefined || p.prefixListOut !== undefined || p.filterListOut !== undefined || p.routeMapOut !== undefined) out.push("  Outbound path policy configured");
  if (p.distributeListIn !== undefined) out.push(`  Incoming update network filter list is ${p.distributeListIn}`);
  if (p.distributeListOut !== undefined) out.push(`  Outgoing update network filter list is ${p.distributeListOut}`);
  if (p.prefixListIn !== undefined) out.push(`  Incoming update prefix filter list is ${p.prefixListIn}`);
  if (p.prefixListOut !== undefined) out.push(`  Outgoing update prefix filter list is ${p.prefixListOut}`);
  if (p.filterListIn !== undefined) out.push(`  Incoming update AS path filter list is ${p.filterListIn}`);
  if (p.filterListOut !== undefined) out.push(`  Outgoing update AS path filter list is ${p.filterListOut}`);
  if (p.routeMapIn !== undefined) out.push(`  Route map for incoming advertisements is ${p.routeMapIn}`);
  if (p.routeMapOut !== undefined) out.push(`  Route map for outgoing advertisements is ${p.routeMapOut}`);
  return out;
}
