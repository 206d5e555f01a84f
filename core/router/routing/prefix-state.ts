// A RIB prefix's state (rib.ts keeps one per VRF and prefix): its candidate routes, what
// the installed one resolved to, and its place in the RIB's work queue, in as few fields as a
// full table affords; it is also the installed route and the FIB entry, read through to its
// resolution. The RIB (rib.ts) does the resolving; this file holds the shapes.
import type { Ipv4, Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import type { FibEntry, FibEntryKind } from "../net/fib";
import type { Interface } from "../net/interface";
import type { Route, RouteNextHop } from "./route";

export interface ResolvedPath {
  readonly interface: Interface;
  /** The adjacency address; undefined for an attached path (ARP for each destination). */
  readonly nextHop: Ipv4 | undefined;
  readonly labels: readonly Label[] | undefined;
  /** The configured or learnt next hop this path came from. */
  readonly via: RouteNextHop;
}

/** An installed route is also its own FIB entry (prefix, kind, paths, source) where it
 * forwards or drops: one object per prefix, not a route and an entry. It is the prefix's
 * RIB state itself, read through to the prefix's current resolution: a view, so read it when
 * it is handed over (as every caller does), not later to see what was installed then. */
export interface InstalledRoute extends FibEntry {
  readonly vrf: string;
  readonly route: Route;
  readonly paths: readonly ResolvedPath[];
  /** The next hops that resolved (or are permanent), in the route's order: what `show ip route` lists. */
  readonly usable: readonly RouteNextHop[];
  /** This route's own prefix state. */
  readonly self: PrefixStateRef;
  /** Every route its resolution went through (their prefix states), itself not included.
   * Routes resolved through the same single route share one set. */
  readonly chain: ReadonlySet<PrefixStateRef>;
}

/** A RIB prefix's state, opaque outside the RIB: the prefix itself. */
export type PrefixStateRef = Prefix;

export const NO_KEYS: ReadonlySet<PrefixStateRef> = new Set();
const NO_PATHS: readonly ResolvedPath[] = [];
const NO_HOPS: readonly RouteNextHop[] = [];
const NO_ROUTES: readonly Route[] = [];
/** PrefixState.marks: the prefix length, the dirty bit, and the pass number from PASS_SHIFT. */
export const LEN_BITS = 0x3f;
export const DIRTY = 0x40;
export const PASS_SHIFT = 7;

/** One prefix of one VRF: its candidates and what is installed. Indexes (next hops,
 * interfaces, the dirty set, chains) hold the state itself, so a prefix needs no key string;
 * and it is the prefix (address and length never change), and the installed route, the FIB
 * and the listeners are given, so a prefix needs no second object: what it installed is a
 * `Resolution` shared with every prefix resolved alike (a BGP UPDATE's routes through one
 * next hop share one). */
export class PrefixState implements Prefix, InstalledRoute {
  // Made by newPrefixState only (its fields are declared here and set there).
  /** Its candidates and what is installed, in one field: nothing; the one candidate, not
   * installed; the Resolution of the one candidate, installed (most prefixes: its route is
   * the candidate); or, for anything else, a PrefixRare holding both. */
  declare private held: Route | Resolution | PrefixRare | undefined;
  /** The prefix length (bits 0–5); bit 6: waiting in the dirty queue; above it: the
   * resolution pass that last recomputed it (how often, when more than once, is in the pass's
   * own count). One field for the three: a full table is hundreds of thousands of these. */
  declare marks: number;
  declare readonly vrf: string;
  declare readonly addr: Ipv4;

  get len(): number {
    return this.marks & LEN_BITS;
  }

  /** Its candidates, sorted by distance, then metric: one route (most prefixes have one,
   * which then costs no list), a list of two or more, or none. */
  get routes(): Route | Route[] | undefined {
    const h = this.held;
    if (h === undefined) return undefined;
    if (h instanceof Resolution) return h.route;
    if (h instanceof PrefixRare) return h.routes;
    return h;
  }
  set routes(routes: Route | Route[] | undefined) {
    this.hold(routes, this.resolution);
  }

  /** What the installed candidate resolved to; undefined when nothing is installed. */
  get resolution(): Resolution | undefined {
    const h = this.held;
    return h instanceof Resolution ? h : h instanceof PrefixRare ? h.resolution : undefined;
  }
  set resolution(resolution: Resolution | undefined) {
    this.hold(this.routes, resolution);
  }

  private hold(routes: Route | Route[] | undefined, resolution: Resolution | undefined): void {
    if (resolution === undefined ? !Array.isArray(routes) : routes === resolution.route) {
      this.held = resolution ?? (routes as Route | undefined);
      return;
    }
    const h = this.held;
    if (h instanceof PrefixRare) {
      h.routes = routes;
      h.resolution = resolution;
    } else this.held = new PrefixRare(routes, resolution);
  }

  get count(): number {
    const r = this.routes;
    return r === undefined ? 0 : Array.isArray(r) ? r.length : 1;
  }

  at(i: number): Route {
    const r = this.routes as Route | Route[];
    return Array.isArray(r) ? r[i] : r;
  }

  /** The candidates as a list (a new one for a single route). */
  list(): readonly Route[] {
    const r = this.routes;
    return r === undefined ? NO_ROUTES : Array.isArray(r) ? r : [r];
  }

  setList(list: Route[]): void {
    this.routes = list.length === 0 ? undefined : list.length === 1 ? list[0] : list;
  }

  /** The installed route: this state, while it has one. */
  get installed(): InstalledRoute | undefined {
    return this.resolution === undefined ? undefined : this;
  }

  // InstalledRoute and FibEntry, read through to the resolution (only handed out with one).
  get prefix(): Prefix {
    return this;
  }

  get self(): PrefixState {
    return this;
  }

  get route(): Route {
    return (this.resolution as Resolution).route;
  }

  get kind(): FibEntryKind {
    return this.resolution === undefined ? "drop" : this.resolution.kind;
  }

  get paths(): readonly ResolvedPath[] {
    return this.resolution === undefined ? NO_PATHS : this.resolution.paths;
  }

  get usable(): readonly RouteNextHop[] {
    return this.resolution === undefined ? NO_HOPS : this.resolution.usable;
  }

  get chain(): ReadonlySet<PrefixStateRef> {
    return this.resolution === undefined ? NO_KEYS : this.resolution.chain;
  }

  /** Who installed it, as `show ip cef` says. */
  get source(): string {
    const r = this.resolution;
    return r === undefined || r.kind === "receive" ? "receive" : r.route.protocol;
  }
}

/** A new prefix state: an object literal on PrefixState's prototype with every field, not
 * `new`, so that V8 allocates a table's worth of them straight
 * in the old generation once it sees them survive (allocation-site pretenuring, as BGP's
 * newDest; an object made with `new` is always copied out of the young generation first). */
export function newPrefixState(vrf: string, addr: Ipv4, len: number): PrefixState {
  return { __proto__: PrefixState.prototype, held: undefined, marks: len, vrf, addr } as unknown as PrefixState;
}

/** What an installed candidate resolved to: the route, what the FIB does with it, its paths
 * and the routes it went through. Immutable and without a prefix, so prefixes resolved alike
 * share one. A class: every field in the object. */
export class Resolution {
  constructor(
    readonly route: Route,
    readonly kind: FibEntryKind,
    readonly paths: readonly ResolvedPath[],
    readonly usable: readonly RouteNextHop[],
    readonly chain: ReadonlySet<PrefixStateRef>,
  ) {}
}

/** A prefix state's candidates and installed resolution where they are not one route and
 * its own resolution (several candidates, or one not the installed). */
class PrefixRare {
  constructor(
    public routes: Route | Route[] | undefined,
    public resolution: Resolution | undefined,
  ) {}
}
