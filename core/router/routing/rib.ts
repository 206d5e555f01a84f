// The routing information base: per VRF, every candidate route each source (connected,
// static, later BGP and NHRP) has offered for each prefix, and the one installed — the lowest
// administrative distance, then the lowest metric, among those whose next hops resolve.
//
// Resolution works as CEF's does: a next hop with an exit interface needs that interface up;
// a next-hop address alone is resolved recursively through the longest installed route that
// covers it, skipping routes that themselves depend on the route being resolved (so a route
// can never resolve through itself, directly or in a loop), and inherits that route's
// interfaces, adjacencies and labels. Whenever an installed route changes, every route whose
// next hop it covers is re-resolved, and the FIB is rewritten through FibSync.
import { maskOf, type Ipv4, type Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import type { FibEntryKind } from "../net/fib";
import { PrefixHash } from "../net/prefix-hash";
import type { NetStack } from "../net/stack";
import { vrfKey } from "../net/vrf";
import { FibSync } from "./fib-sync";
import { NextHopIndex } from "./next-hop-index";
import { DIRTY, LEN_BITS, NO_KEYS, PASS_SHIFT, Resolution, newPrefixState, type InstalledRoute, type PrefixState, type PrefixStateRef, type ResolvedPath } from "./prefix-state";
import { sameLabels, type Route, type RouteInput, type RouteNextHop } from "./route";
import { sameRoute, storedRoute, type Stamp, type StoredRoute } from "./stored-route";

export type { InstalledRoute, PrefixStateRef, ResolvedPath } from "./prefix-state";

export type RibListener = (vrf: string, prefix: Prefix, installed: InstalledRoute | undefined) => void;

/** One VRF's table. What is installed is found through the prefix states (each holds its
 * installed route), not a second longest-match structure beside the FIB's: a longest match
 * probes the hash once per prefix length in use, longest first, and the VRF's routes are
 * few lengths however many they are. */
interface VrfRib {
  readonly states: PrefixHash<PrefixState>;
  /** Makes a prefix state of this VRF (one function per VRF, not a closure per route). */
  readonly newState: (addr: Ipv4, len: number) => PrefixState;
  /** How many states of each prefix length (index 0–32) have an installed route. */
  readonly installedByLength: Int32Array;
  /** Bumped whenever what is installed changes. */
  version: number;
  /** The last longest match (address, version when made, route): the routes of a table load
   * share a few next hops, each looked up once rather than once per route. */
  lastAddress: number;
  lastVersion: number;
  lastMatch: InstalledRoute | undefined;
}

const NO_LINKS: readonly (string | number)[] = [];

/** The most entries a work queue keeps room for after it has been worked through. */
const KEPT_QUEUE = 1024;
/** Re-resolving one prefix more often than this in one pass means an oscillation: stop. */
const MAX_RECOMPUTE_PER_PASS = 16;

export class Rib {
  private readonly tables = new Map<string, VrfRib>();
  /** Resolve VRF → its recursive next-hop addresses and the prefixes using each. */
  private readonly byNextHop = new Map<string, NextHopIndex<PrefixState>>();
  /** Interface name → prefixes whose candidates name it. */
  private readonly byInterface = new Map<string, Set<PrefixState>>();
  /** States to recompute, in the order they were marked, each once (its dirty mark): the
   * first `dirtyCount` entries of an array that keeps its room between passes (a Set of one
   * state added and deleted per upsert, or an array emptied by `length = 0`, which frees its
   * store, made garbage on every upsert). */
  private readonly dirty: (PrefixState | undefined)[] = [];
  private dirtyCount = 0;
  /** An installed route's chain plus its own state: the chain of every route resolved through
   * it alone, made once per installed route rather than once per dependant (by the state,
   * and dropped when what the state installed changes). */
  private readonly closures = new WeakMap<InstalledRoute, ReadonlySet<PrefixStateRef>>();
  /** The resolution made last, which the next prefix resolved alike shares. */
  private lastResolution: Resolution | undefined = undefined;
  /** Numbers resolution passes, for each state's count of recomputes in the current one. */
  private pass = 0;
  /** Set by resolveNextHop: the route a recursive next hop resolved through. */
  private lastVia: InstalledRoute | undefined = undefined;
  private readonly listeners: RibListener[] = [];
  /** The clock reading the last candidate was stored at. */
  private lastStamp: Stamp = { ms: Number.NaN };
  /** The candidate last stored, which the next upsert alike in every field shares. */
  private lastStored: StoredRoute | undefined = undefined;
  private readonly fibSync: FibSync;
  private processing = false;
  private batchDepth = 0;

  constructor(private readonly stack: NetStack) {
    this.fibSync = new FibSync(stack, (vrf, p) => this.installed(vrf, p) !== undefined);
    stack.onInterfaceChange(({ interface: iface }) => this.interfaceChanged(iface.name));
  }

  // --- The source API ----------------------------------------------------------------

  /** Adds or replaces a source's candidate for a prefix (keyed by protocol and instance). */
  upsert(vrf: string | undefined, input: RouteInput): void {
    const name = vrfKey(vrf);
    const state = this.state(name, input.prefix, true) as PrefixState;
    let i = -1;
    for (let k = 0, n = state.count; k < n; k++) {
      const c = state.at(k);
      if (c.protocol === input.protocol && c.instance === input.instance) {
        i = k;
        break;
      }
    }
    const old = i >= 0 ? state.at(i) : undefined;
    const unchanged = old !== undefined && sameRoute(old, input);
    if (unchanged && old.tag === input.tag && old.name === input.name && old.knownVia === input.knownVia) return;
    const before = this.linksOf(state);
    // Not a spread: V8 takes a slow path (~1.5 µs) for a spread followed by a new property,
    // and a large startup-config upserts thousands of routes.
    const route = this.stored(input, unchanged ? (old as StoredRoute).stamp : this.stampNow());
    const list = state.routes;
    if (list === undefined || (i >= 0 && !Array.isArray(list))) state.routes = route;
    else {
      const routes = Array.isArray(list) ? list : [list];
      if (i >= 0) routes[i] = route;
      else routes.push(route);
      routes.sort((a, b) => a.distance - b.distance || a.metric - b.metric);
      state.routes = routes;
    }
    this.reindex(state, before);
    this.markDirty(state);
    this.process();
  }

  /** Removes a source's candidate; `instance` as given to `upsert`. */
  withdraw(vrf: string | undefined, prefix: Prefix, protocol: Route["protocol"], instance?: string): void {
    const name = vrfKey(vrf);
    const state = this.state(name, prefix, false);
    if (state === undefined) return;
    const before = state.count;
    const rest = state.list().filter((c) => !(c.protocol === protocol && c.instance === instance));
    if (rest.length === before) return;
    const links = this.linksOf(state);
    state.setList(rest);
    this.reindex(state, links);
    this.markDirty(state);
    this.process();
  }

  /** Runs `fn` (many upserts and withdraws) and resolves once at the end. */
  batch(fn: () => void): void {
    this.batchDepth++;
    try {
      fn();
    } finally {
      this.batchDepth--;
      this.process();
    }
  }

  /** Drops a VRF's whole table (`no vrf definition`). */
  removeVrf(vrf: string): void {
    const t = this.tables.get(vrf);
    if (t === undefined) return;
    this.batch(() => {
      for (const state of t.states.values()) {
        const links = this.linksOf(state);
        state.routes = undefined;
        this.reindex(state, links);
        this.markDirty(state);
      }
    });
    this.tables.delete(vrf);
  }

  // --- Queries -----------------------------------------------------------------------

  /** The installed route for exactly this prefix. */
  installed(vrf: string | undefined, prefix: Prefix): InstalledRoute | undefined {
    const t = this.table(vrfKey(vrf));
    return t === undefined ? undefined : installedAt(t, prefix.addr, prefix.len);
  }

  /** The longest installed route containing `addr`. */
  lookup(vrf: string | undefined, addr: Ipv4): InstalledRoute | undefined {
    const t = this.table(vrfKey(vrf));
    return t === undefined ? undefined : longestInstalled(t, addr, 32);
  }

  /** Every installed route of a VRF, in address order then shorter prefix first. */
  routes(vrf: string | undefined): InstalledRoute[] {
    return this.installedRoutes(vrf).sort((a, b) => a.prefix.addr - b.prefix.addr || a.prefix.len - b.prefix.len);
  }

  /** Every installed route of a VRF in no particular order: for callers that look at each one
   * (redistribution) and need no sort of the whole table. */
  installedRoutes(vrf: string | undefined): InstalledRoute[] {
    const t = this.table(vrfKey(vrf));
    if (t === undefined) return [];
    const out: InstalledRoute[] = [];
    for (const s of t.states.values()) if (s.installed !== undefined) out.push(s.installed);
    return out;
  }

  /** Calls `fn` with each installed route of a VRF, in no order, making no list: a count or
   * scan of a full table while it fills. The RIB must not change meanwhile. */
  forEachInstalled(vrf: string | undefined, fn: (r: InstalledRoute) => void): void {
    this.table(vrfKey(vrf))?.states.forEach((s) => {
      const installed = s.installed;
      if (installed !== undefined) fn(installed);
    });
  }

  /** Every candidate for a prefix, best first (installed or not). */
  candidates(vrf: string | undefined, prefix: Prefix): readonly Route[] {
    return this.state(vrfKey(vrf), prefix, false)?.list() ?? [];
  }

  /** Called for each change of an installed route (redistribution, NHRP, BGP next-hop tracking). */
  onChange(listener: RibListener): void {
    this.listeners.push(listener);
  }

  // --- Resolution --------------------------------------------------------------------

  private process(): void {
    if (this.processing || this.batchDepth > 0) return;
    this.processing = true;
    // Pass numbers stay small integers (24 bits, never 0) so that `marks` does.
    const pass = (this.pass = (this.pass + 1) & 0xffffff || 1);
    const queue = this.dirty;
    let i = 0;
    try {
      // States marked while it runs join the end of the queue and are visited in this pass.
      let repeats: Map<PrefixState, number> | undefined;
      for (; i < this.dirtyCount; i++) {
        const state = queue[i] as PrefixState;
        queue[i] = undefined;
        let count = 1;
        if (state.marks >>> PASS_SHIFT !== pass) state.marks = (pass << PASS_SHIFT) | (state.marks & LEN_BITS);
        else {
          state.marks &= ~DIRTY;
          count = ((repeats ??= new Map()).get(state) ?? 1) + 1;
          repeats.set(state, count);
        }
        if (count <= MAX_RECOMPUTE_PER_PASS) this.recompute(state);
      }
      this.dirtyCount = 0;
      // The queue keeps its room for the next upsert, unless a big batch grew it.
      if (queue.length > KEPT_QUEUE) queue.length = 0;
    } finally {
      // A recompute that threw leaves the states after it queued for the next pass.
      if (this.dirtyCount > 0) {
        const left = this.dirtyCount - (i + 1);
        queue.copyWithin(0, i + 1, this.dirtyCount);
        queue.fill(undefined, left, this.dirtyCount);
        this.dirtyCount = left;
      }
      this.processing = false;
    }
  }

  private markDirty(state: PrefixState): void {
    if ((state.marks & DIRTY) !== 0) return;
    state.marks |= DIRTY;
    this.dirty[this.dirtyCount++] = state;
  }

  /** Resolves a state's candidates again and installs the first that resolves. The state
   * itself, not looked up by its prefix: one taken out of its table (no candidates left) and
   * still queued, or still in a next-hop index's list, has nothing to install and nothing
   * installed, so it changes nothing; a new state for its prefix is queued on its own. */
  private recompute(state: PrefixState): void {
    const vrf = state.vrf;
    const t = this.table(vrf);
    if (t === undefined) return;
    let chosen: Resolution | undefined;
    for (let i = 0, n = state.count; i < n; i++) {
      chosen = this.resolveRoute(vrf, state, state.at(i));
      if (chosen !== undefined) break;
    }
    const old = state.resolution;
    if (state.routes === undefined) t.states.delete(state);
    if (sameResolution(old, chosen)) return;
    state.resolution = chosen;
    this.closures.delete(state);
    if (old === undefined) t.installedByLength[state.len]++;
    else if (chosen === undefined) t.installedByLength[state.len]--;
    t.version++;
    const installed = state.installed;
    this.fibSync.apply(vrf, state, installed);
    // Everything resolved through this prefix may now resolve differently.
    const dependants = this.byNextHop.get(vrf)?.within(state);
    if (dependants !== undefined) for (const states of dependants) for (const s of states) this.markDirty(s);
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i](vrf, state, installed);
  }

  private resolveRoute(vrf: string, self: PrefixState, route: Route): Resolution | undefined {
    // Exactly-sized arrays and shared sets where a route has one next hop (nearly all do):
    // a full BGP table is hundreds of thousands of these.
    // The routes resolved through: the first, and any others (no list for one).
    let first: InstalledRoute | undefined;
    let others: InstalledRoute[] | undefined;
    let paths: readonly ResolvedPath[] | undefined;
    let usable: RouteNextHop[] | undefined;
    const hops = route.nextHops;
    for (let i = 0; i < hops.length; i++) {
      const nh = hops[i];
      const resolved = this.resolveNextHop(vrf, self, nh);
      const via = this.lastVia;
      if (via !== undefined) {
        this.lastVia = undefined;
        if (first === undefined) first = via;
        else if (via !== first) (others ??= []).push(via);
      }
      if (resolved === undefined && !nh.permanent) {
        if (usable === undefined) usable = hops.slice(0, i);
        continue;
      }
      // IOS `permanent`: installed regardless; forwarding drops meanwhile
      if (resolved !== undefined) paths = paths === undefined ? resolved : paths.concat(resolved);
      if (usable !== undefined) usable.push(nh);
    }
    const used: readonly RouteNextHop[] = usable ?? hops;
    if (used.length === 0) return undefined;
    paths ??= [];
    let kind: FibEntryKind = "forward";
    if (route.protocol === "local" || (route.protocol === "connected" && self.len === 32)) kind = "receive";
    else if (paths.length > 0 && allToNull0(paths)) kind = "drop";
    const chain = this.chainThrough(first, others);
    const last = this.lastResolution;
    if (last !== undefined && last.route === route && last.kind === kind && last.paths === paths && last.usable === used && last.chain === chain) return last;
    return (this.lastResolution = new Resolution(route, kind, paths, used, chain));
  }

  /** The keys of the routes resolved through and of their chains. */
  private chainThrough(first: InstalledRoute | undefined, others: readonly InstalledRoute[] | undefined): ReadonlySet<PrefixStateRef> {
    if (first === undefined) return NO_KEYS;
    if (others === undefined) return this.closure(first);
    const chain = new Set<PrefixStateRef>(this.closure(first));
    for (const r of others) for (const k of this.closure(r)) chain.add(k);
    return chain;
  }

  private closure(r: InstalledRoute): ReadonlySet<PrefixStateRef> {
    let set = this.closures.get(r);
    if (set === undefined) {
      set = new Set(r.chain).add(r.self);
      this.closures.set(r, set);
    }
    return set;
  }

  /** Whether `self`'s route is `r` or one `r` resolved through. */
  private static dependsOn(r: InstalledRoute, self: PrefixState): boolean {
    return r.self === self || r.chain.has(self);
  }

  /** The paths `nh` resolves to; a recursive next hop leaves the route it resolved through in `lastVia`. */
  private resolveNextHop(vrf: string, self: PrefixState, nh: RouteNextHop): readonly ResolvedPath[] | undefined {
    if (nh.interface !== undefined) {
      const iface = this.stack.interface(nh.interface);
      if (iface === undefined) return undefined;
      if (!iface.isUp && !nh.permanent) return undefined;
      return [{ interface: iface, nextHop: nh.address, labels: nh.labels, via: nh }];
    }
    if (nh.address === undefined) return undefined;
    const via = this.longestUsable(nh.resolveInVrf ?? vrf, nh.address, self);
    // Unresolvable, or the next hop is one of our own addresses.
    if (via === undefined || via.kind === "receive") return undefined;
    this.lastVia = via;
    if (via.kind === "drop") return [{ interface: this.stack.null0, nextHop: undefined, labels: undefined, via: nh }];
    return throughPaths(via.paths, nh);
  }

  /** The longest installed route covering `addr` that does not depend on `selfKey`. */
  private longestUsable(vrf: string, addr: Ipv4, self: PrefixState): InstalledRoute | undefined {
    const t = this.table(vrf);
    if (t === undefined) return undefined;
    let m: InstalledRoute | undefined;
    if (t.lastAddress === addr && t.lastVersion === t.version) m = t.lastMatch;
    else {
      m = longestInstalled(t, addr, 32);
      t.lastAddress = addr;
      t.lastVersion = t.version;
      t.lastMatch = m;
    }
    if (m === undefined) return undefined;
    for (let r: InstalledRoute | undefined = m; r !== undefined; r = r.prefix.len === 0 ? undefined : longestInstalled(t, addr, r.prefix.len - 1)) {
      if (!Rib.dependsOn(r, self)) return r;
    }
    return undefined;
  }

  // --- Bookkeeping -------------------------------------------------------------------

  /** Now, as a Stamp shared with the other candidates stored at this clock reading. */
  private stampNow(): Stamp {
    const ms = this.stack.clock.now();
    if (this.lastStamp.ms !== ms) this.lastStamp = { ms };
    return this.lastStamp;
  }

  /** `input` as stored at `stamp`: the candidate stored last when it is alike in every field
   * (the routes of one BGP UPDATE, upserted one after another, share one), else a new one. */
  private stored(input: RouteInput, stamp: Stamp): StoredRoute {
    const last = this.lastStored;
    if (last !== undefined && last.stamp === stamp && last.alike(input)) return last;
    return (this.lastStored = storedRoute(input, stamp));
  }

  private interfaceChanged(name: string): void {
    const states = this.byInterface.get(name);
    if (states === undefined) return;
    for (const s of states) this.markDirty(s);
    this.process();
  }

  private table(vrf: string): VrfRib | undefined {
    return this.tables.get(vrf);
  }

  private state(vrf: string, p: Prefix, create: boolean): PrefixState | undefined {
    let t = this.tables.get(vrf);
    if (t === undefined) {
      if (!create) return undefined;
      const name = vrf;
      t = { states: new PrefixHash<PrefixState>(), newState: (addr, len) => newPrefixState(name, addr, len), installedByLength: new Int32Array(33), version: 0, lastAddress: -1, lastVersion: -1, lastMatch: undefined };
      this.tables.set(vrf, t);
    }
    const addr = ((p.addr & maskOf(p.len)) >>> 0) as Ipv4;
    const len = p.len;
    return create ? t.states.getOrAdd(addr, len, t.newState) : t.states.get(addr, len);
  }

  /** What a state's candidates name, as indexed: recursive next hops (in `byNextHop`) as
   * pairs of resolve VRF and address, and interfaces (in `byInterface`) as pairs of name and
   * -1 (no address is negative). Worked out from the candidates when needed, not kept per
   * prefix; a single next hop's pair is its index entry's own, so that case makes nothing. */
  private linksOf(state: PrefixState): readonly (string | number)[] {
    const routes = state.routes;
    if (routes === undefined) return NO_LINKS;
    // One candidate through one recursive next hop: nearly every route of a big table.
    if (!Array.isArray(routes) && routes.nextHops.length === 1) {
      const nh = routes.nextHops[0];
      if (nh.interface === undefined && nh.address !== undefined) return this.nextHopIndex(nh.resolveInVrf ?? state.vrf).pair(nh.address);
    }
    let links: readonly (string | number)[] | undefined;
    for (let i = 0, n = state.count; i < n; i++) {
      const hops = state.at(i).nextHops;
      // Counted loops: a for…of here made an iterator and a result per next hop, per upsert.
      for (let h = 0; h < hops.length; h++) {
        const nh = hops[h];
        if (nh.interface !== undefined) links = links === undefined ? [nh.interface, -1] : [...links, nh.interface, -1];
        else if (nh.address !== undefined) {
          const rv = nh.resolveInVrf ?? state.vrf;
          links = links === undefined ? this.nextHopIndex(rv).pair(nh.address) : [...links, rv, nh.address];
        }
      }
    }
    return links ?? NO_LINKS;
  }

  /** Updates the indexes of next hops and interfaces by the difference between what the
   * state's candidates named before a change (`old`, its linksOf then) and name now (a route
   * replaced by one through the same next hop, as BGP updates mostly are, changes nothing). */
  private reindex(state: PrefixState, old: readonly (string | number)[]): void {
    const now = this.linksOf(state);
    if (now === old) return;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] === -1) this.byInterface.get(old[i] as string)?.delete(state);
    for (let i = 0; i < now.length; i += 2) {
      if (now[i + 1] !== -1) continue;
      const name = now[i] as string;
      let set = this.byInterface.get(name);
      if (set === undefined) this.byInterface.set(name, (set = new Set()));
      set.add(state);
    }
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== -1 && !hasPair(now, old[i], old[i + 1])) this.byNextHop.get(old[i] as string)?.delete(old[i + 1] as number);
    for (let i = 0; i < now.length; i += 2) if (now[i + 1] !== -1 && !hasPair(old, now[i], now[i + 1])) this.nextHopIndex(now[i] as string).add(now[i + 1] as number, state);
  }

  private nextHopIndex(vrf: string): NextHopIndex<PrefixState> {
    let index = this.byNextHop.get(vrf);
    if (index === undefined) this.byNextHop.set(vrf, (index = new NextHopIndex<PrefixState>(vrf, (s, pair) => hasPair(this.linksOf(s), pair[0], pair[1]))));
    return index;
  }

}

/** Whether a state's links (flat pairs: resolve VRF and address, or interface and -1) hold this pair. */
function hasPair(pairs: readonly (string | number)[], vrf: string | number, address: string | number): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === vrf && pairs[i + 1] === address) return true;
  return false;
}

/** The installed route of exactly this prefix (`addr` need not be masked). */
function installedAt(t: VrfRib, addr: number, len: number): InstalledRoute | undefined {
  return t.states.get((addr & maskOf(len)) >>> 0, len)?.installed;
}

/** The longest installed route of at most `maxLen` bits containing `addr`. */
function longestInstalled(t: VrfRib, addr: number, maxLen: number): InstalledRoute | undefined {
  const counts = t.installedByLength;
  for (let len = maxLen; len >= 0; len--) {
    if (counts[len] === 0) continue;
    const r = installedAt(t, addr, len);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** The labels of an outer path with one inner label appended, shared between every route
 * that resolves through the same path with the same label (a VRF's routes from one PE with
 * per-VRF or per-CE labels are all alike). Keyed weakly by the outer array, which goes with
 * the route it belongs to. */
const joined = new WeakMap<readonly Label[], Map<Label, readonly Label[]>>();

/** The paths of a route resolved through `outer` (the covering route's paths) by next hop
 * `nh`: depend on nothing else, so they are made once per (outer, nh) and shared by every
 * route with that next hop object (BgpInstaller hands one per next hop and label). Both keys
 * are weak: the cache goes with the covering route's paths or the next hop. */
const throughCache = new WeakMap<readonly ResolvedPath[], WeakMap<RouteNextHop, readonly ResolvedPath[]>>();

function throughPaths(outer: readonly ResolvedPath[], nh: RouteNextHop): readonly ResolvedPath[] {
  let byNextHop = throughCache.get(outer);
  if (byNextHop === undefined) throughCache.set(outer, (byNextHop = new WeakMap()));
  let paths = byNextHop.get(nh);
  if (paths === undefined) {
    paths = outer.map((x) => ({ interface: x.interface, nextHop: x.nextHop ?? nh.address, labels: joinLabels(x.labels, nh.labels), via: nh }));
    byNextHop.set(nh, paths);
  }
  return paths;
}

function joinLabels(outer: readonly Label[] | undefined, inner: readonly Label[] | undefined): readonly Label[] | undefined {
  if (outer === undefined || outer.length === 0) return inner !== undefined && inner.length > 0 ? inner : undefined;
  if (inner === undefined || inner.length === 0) return outer;
  if (inner.length !== 1) return [...outer, ...inner];
  let byLabel = joined.get(outer);
  if (byLabel === undefined) joined.set(outer, (byLabel = new Map()));
  let labels = byLabel.get(inner[0]);
  if (labels === undefined) byLabel.set(inner[0], (labels = [...outer, inner[0]]));
  return labels;
}

function allToNull0(paths: readonly ResolvedPath[]): boolean {
  for (let i = 0; i < paths.length; i++) if (paths[i].interface.kind !== "null") return false;
  return true;
}

function sameResolution(a: Resolution | undefined, b: Resolution | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (a.route !== b.route || a.kind !== b.kind || a.paths.length !== b.paths.length || a.usable.length !== b.usable.length) return false;
  for (let i = 0; i < a.paths.length; i++) {
    const x = a.paths[i];
    const y = b.paths[i];
    if (x.interface !== y.interface || x.nextHop !== y.nextHop || !sameLabels(x.labels, y.labels)) return false;
  }
  if (a.chain === b.chain) return true;
  if (a.chain.size !== b.chain.size) return false;
  for (const k of a.chain) if (!b.chain.has(k)) return false;
  return true;
}
