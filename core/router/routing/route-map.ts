// Route-map evaluation (IOS semantics) for redistribution and protocol policy: entries in
// sequence order; the first whose every match clause holds decides — permit with its `set`
// clauses, or deny; a route no entry matches is denied. An entry without match clauses
// matches everything. Within one clause the listed values are alternatives (`match tag 5 6`,
// `match ip address prefix-list A B`). Prefix-lists likewise: the first line whose prefix
// and length range cover the route decides; no line, deny.
import type { PrefixListEntry, RouteMapEntry, RouteMapSet } from "../config/model/routing";
import { maskOf, type Prefix } from "../wire/addr";

type PrefixLists = Readonly<Record<string, readonly PrefixListEntry[]>>;

/** What a route-map can look at. */
export interface RouteMapSubject {
  readonly prefix: Prefix;
  /** The route's tag (`match tag`). */
  readonly tag?: number;
  /** Its exit interface (`match interface`). */
  readonly interface?: string;
}

export type RouteMapVerdict = { readonly permit: true; readonly set: RouteMapSet; readonly seq: number } | { readonly permit: false };

const DENY: RouteMapVerdict = { permit: false };

/**
 * Runs route-map `name` over `subject`. A route-map that does not exist denies everything (IOS
 * redistributes nothing through a missing route-map). A prefix-list that does not exist, like
 * IOS's, matches any route. `match ip address ACL` is not applied to routes yet (access
 * lists are compiled for packets in node/acl.ts, which routing/ cannot reach): such a clause
 * matches any route.
 */
export function evaluateRouteMap(maps: Readonly<Record<string, readonly RouteMapEntry[]>>, name: string, subject: RouteMapSubject, prefixLists: PrefixLists = {}): RouteMapVerdict {
  const entries = maps[name];
  if (entries === undefined) return DENY;
  for (const e of entries) {
    if (!matches(e, subject, prefixLists)) continue;
    return e.action === "permit" ? { permit: true, set: e.set, seq: e.seq } : DENY;
  }
  return DENY;
}

function matches(e: RouteMapEntry, s: RouteMapSubject, prefixLists: PrefixLists): boolean {
  const m = e.match;
  if (m.tags !== undefined && m.tags.length > 0 && (s.tag === undefined || !m.tags.includes(s.tag))) return false;
  if (m.interfaces !== undefined && m.interfaces.length > 0 && (s.interface === undefined || !m.interfaces.includes(s.interface))) return false;
  const lists = m.ipAddressPrefixLists;
  if (lists !== undefined && lists.length > 0 && !lists.some((n) => prefixListPermits(prefixLists[n], s.prefix))) return false;
  return true;
}

/** Whether prefix-list `list` permits `p` (an undefined list permits everything). */
export function prefixListPermits(list: readonly PrefixListEntry[] | undefined, p: Prefix): boolean {
  if (list === undefined) return true;
  for (const e of list) {
    if (p.len < e.prefix.len || ((p.addr ^ e.prefix.addr) & maskOf(e.prefix.len)) !== 0) continue;
    const min = e.ge ?? e.prefix.len;
    const max = e.le ?? (e.ge === undefined ? e.prefix.len : 32);
    if (p.len < min || p.len > max) continue;
    return e.action === "permit";
  }
  return false;
}
