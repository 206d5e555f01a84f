// Route-map evaluation (IOS semantics) for redistribution and protocol policy: entries in
// sequence order; the first whose every match clause holds decides — permit with its `set`
// clauses, or deny; a route no entry matches is denied. An entry without match clauses
// matches everything. Within one clause the listed values are alternatives (`match tag 5 6`).
import type { RouteMapEntry, RouteMapSet } from "../config/model/routing";
import type { Prefix } from "../wire/addr";

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
 * redistributes nothing through a missing route-map). `match ip address [prefix-list]` names
 * lists this router does not model yet (no `access-list` or `ip prefix-list` commands): IOS
 * lets a reference to an undefined list match any route, and so does this.
 */
export function evaluateRouteMap(maps: Readonly<Record<string, readonly RouteMapEntry[]>>, name: string, subject: RouteMapSubject): RouteMapVerdict {
  const entries = maps[name];
  if (entries === undefined) return DENY;
  for (const e of entries) {
    if (!matches(e, subject)) continue;
    return e.action === "permit" ? { permit: true, set: e.set, seq: e.seq } : DENY;
  }
  return DENY;
}

function matches(e: RouteMapEntry, s: RouteMapSubject): boolean {
  const m = e.match;
  if (m.tags !== undefined && m.tags.length > 0 && (s.tag === undefined || !m.tags.includes(s.tag))) return false;
  if (m.interfaces !== undefined && m.interfaces.length > 0 && (s.interface === undefined || !m.interfaces.includes(s.interface))) return false;
  return true;
}
