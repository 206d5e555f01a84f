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
import { prefix as makePrefix, maskOf, type Ipv4, type Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import type { FibEntryKind } from "../net/fib";
import type { Interface } from "../net/interface";
import { LpmTable } from "../net/lpm";
import type { NetStack } from "../net/stack";
import { vrfKey } from "../net/vrf";
import { FibSync } from "./fib-sync";
import { prefixKey, sameLabels, type Route, type RouteInput, type RouteNextHop } from "./route";

export interface ResolvedPath {
  readonly interface: Interface;
  /** The adjacency address; undefined for an attached path (ARP for each destination). */
  readonly nextHop: Ipv4 | undefined;
  readonly labels: readonly Label[] | undefined;
  /** The configured or learnt next hop this path came from. */
  readonly via: RouteNextHop;
}

export interface InstalledRoute {
  readonly vrf: string;
  readonly route: Route;
  readonly kind: FibEntryKind;
  readonly paths: readonly ResolvedPath[];
  /** The next hops that resolved (or are permanent), in the route's order: what `show ip route` lists. */
  readonly usable: readonly RouteNextHop[];
  /** This route's own "vrf|prefixKey". */
  readonly key: string;
  /** Every route its resolution went through ("vrf|prefixKey"), itself not included. Routes
   * resolved through the same single route share one set. */
  readonly chain: ReadonlySet<string>;
}

export type RibListener = (vrf: string, prefix: Prefix, installed: InstalledRoute | undefined) => void;

interface PrefixState {
  readonly prefix: Prefix;
  /** depKey(vrf, prefix), made once. */
  readonly key: string;
  /** Sorted by distance, then metric. */
  candidates: Route[];
  installed: InstalledRoute | undefined;
  /** Its recursive next hops as indexed in `byNextHop`: resolve VRF, address, resolve VRF,
   * address… (flat: one array per prefix, not one per next hop). */
  recursive: readonly (string | number)[];
  /** Interfaces its candidates name, as indexed in `byInterface`. */
  interfaces: readonly string[];
}

interface VrfRib {
  readonly states: PrefixStates;
  readonly installed: LpmTable<InstalledRoute>;
}

const NO_KEYS: ReadonlySet<string> = new Set();
const NO_RECURSIVE: readonly (string | number)[] = [];
const NO_INTERFACES: readonly string[] = [];

/** Re-resolving one prefix more often than this in one pass means an oscillation: stop. */
const MAX_RECOMPUTE_PER_PASS = 16;

export class Rib {
  private readonly tables = new Map<string, VrfRib>();
  /** Resolve VRF → its recursive next-hop addresses and the prefixes using each. */
  private readonly byNextHop = new Map<string, NextHopIndex>();
  /** Interface name → keys of prefixes whose candidates name it. */
  private readonly byInterface = new Map<string, Set<string>>();
  private readonly dirty = new Map<string, [string, PrefixState]>();
  /** An installed route's chain plus its own key: the chain of every route resolved through
   * it alone, made once per installed route rather than once per dependant. */
  private readonly closures = new WeakMap<InstalledRoute, ReadonlySet<string>>();
  private readonly listeners: RibListener[] = [];
  private readonly fibSync: FibSync;
  private processing = false;
  private batchDepth = 0;

  constructor(private readonly stack: NetStack) {
    this.fibSync = new FibSync(stack, (vrf, p) => this.table(vrf)?.installed.get(p) !== undefined);
    stack.onInterfaceChange(({ interface: iface }) => this.interfaceChanged(iface.name));
  }

  // --- The source API ----------------------------------------------------------------

  /** Adds or replaces a source's candidate for a prefix (keyed by protocol and instance). */
  upsert(vrf: string | undefined, input: RouteInput): void {
    const name = vrfKey(vrf);
    const state = this.state(name, input.prefix, true) as PrefixState;
    const i = state.candidates.findIndex((c) => c.protocol === input.protocol && c.instance === input.instance);
    const old = i >= 0 ? state.candidates[i] : undefined;
    const unchanged = old !== undefined && sameRoute(old, input);
    if (unchanged && old.tag === input.tag && old.name === input.name && old.knownVia === input.knownVia) return;
    // Not a spread: V8 takes a slow path (~1.5 µs) for a spread followed by a new property,
    // and a large startup-config upserts thousands of routes.
    const route = storedRoute(input, unchanged ? old.updatedAt : this.stack.clock.now());
    if (i >= 0) state.candidates[i] = route;
    else if (state.candidates.length === 0) state.candidates = [route]; // sized to fit, not push's 17 slots
    else state.candidates.push(route);
    if (state.candidates.length > 1) state.candidates.sort((a, b) => a.distance - b.distance || a.metric - b.metric);
    this.reindex(name, state);
    this.markDirty(name, state);
    this.process();
  }

  /** Removes a source's candidate; `instance` as given to `upsert`. */
  withdraw(vrf: string | undefined, prefix: Prefix, protocol: Route["protocol"], instance?: string): void {
    const name = vrfKey(vrf);
    const state = this.state(name, prefix, false);
    if (state === undefined) return;
    const before = state.candidates.length;
    state.candidates = state.candidates.filter((c) => !(c.protocol === protocol && c.instance === instance));
    if (state.candidates.length === before) return;
    this.reindex(name, state);
    this.markDirty(name, state);
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
        state.candidates = [];
        this.reindex(vrf, state);
        this.markDirty(vrf, state);
      }
    });
    this.tables.delete(vrf);
  }

  // --- Queries -----------------------------------------------------------------------

  /** The installed route for exactly this prefix. */
  installed(vrf: string | undefined, prefix: Prefix): InstalledRoute | undefined {
    return this.table(vrfKey(vrf))?.installed.get(prefix);
  }

  /** The longest installed route containing `addr`. */
  lookup(vrf: string | undefined, addr: Ipv4): InstalledRoute | undefined {
    return this.table(vrfKey(vrf))?.installed.lookup(addr);
  }

  /** Every installed route of a VRF, in address order then shorter prefix first. */
  routes(vrf: string | undefined): InstalledRoute[] {
    const t = this.table(vrfKey(vrf));
    if (t === undefined) return [];
    return [...t.installed.entries()].map(([, r]) => r);
  }

  /** Every candidate for a prefix, best first (installed or not). */
  candidates(vrf: string | undefined, prefix: Prefix): readonly Route[] {
    return this.state(vrfKey(vrf), prefix, false)?.candidates ?? [];
  }

  /** Called for each change of an installed route (redistribution, NHRP, BGP next-hop tracking). */
  onChange(listener: RibListener): void {
    this.listeners.push(listener);
  }

  // --- Resolution --------------------------------------------------------------------

  private process(): void {
    if (this.processing || this.batchDepth > 0) return;
    this.processing = true;
    const counts = new Map<string, number>();
    try {
      // A Map iterator also visits keys marked dirty while it runs, in the order they were marked.
      for (const [key, [vrf, state]] of this.dirty) {
        this.dirty.delete(key);
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        if (n <= MAX_RECOMPUTE_PER_PASS) this.recompute(vrf, state.prefix);
      }
    } finally {
      this.processing = false;
    }
  }

  private recompute(vrf: string, p: Prefix): void {
    const t = this.table(vrf);
    const state = t?.states.get(p.addr, p.len);
    if (t === undefined || state === undefined) return;
    let chosen: InstalledRoute | undefined;
    for (const route of state.candidates) {
      chosen = this.resolveRoute(vrf, state.key, route);
      if (chosen !== undefined) break;
    }
    const old = state.installed;
    if (state.candidates.length === 0) t.states.delete(p.addr, p.len);
    if (sameInstalled(old, chosen)) return;
    state.installed = chosen;
    if (chosen !== undefined) t.installed.set(p, chosen);
    else t.installed.delete(p);
    this.fibSync.apply(vrf, p, chosen);
    // Everything resolved through this prefix may now resolve differently.
    for (const keys of this.byNextHop.get(vrf)?.within(p) ?? []) for (const k of keys) this.markDirtyKey(k);
    for (const listener of this.listeners) listener(vrf, p, chosen);
  }

  private resolveRoute(vrf: string, selfKey: string, route: Route): InstalledRoute | undefined {
    // Exactly-sized arrays and shared sets where a route has one next hop (nearly all do):
    // a full BGP table is hundreds of thousands of these.
    const through: InstalledRoute[] = [];
    let paths: ResolvedPath[] | undefined;
    let usable: RouteNextHop[] | undefined;
    const hops = route.nextHops;
    for (let i = 0; i < hops.length; i++) {
      const nh = hops[i];
      const resolved = this.resolveNextHop(vrf, selfKey, nh, through);
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
    if (route.protocol === "local" || (route.protocol === "connected" && route.prefix.len === 32)) kind = "receive";
    else if (paths.length > 0 && paths.every((x) => x.interface.kind === "null")) kind = "drop";
    return { vrf, route, kind, paths, usable: used, key: selfKey, chain: this.chainThrough(through) };
  }

  /** The keys of the routes resolved through and of their chains. */
  private chainThrough(through: readonly InstalledRoute[]): ReadonlySet<string> {
    if (through.length === 0) return NO_KEYS;
    if (through.length === 1 || through.every((r) => r === through[0])) return this.closure(through[0]);
    const chain = new Set<string>();
    for (const r of through) for (const k of this.closure(r)) chain.add(k);
    return chain;
  }

  private closure(r: InstalledRoute): ReadonlySet<string> {
    let set = this.closures.get(r);
    if (set === undefined) {
      set = new Set(r.chain).add(r.key);
      this.closures.set(r, set);
    }
    return set;
  }

  /** Whether `selfKey`'s route is `r` or one `r` resolved through. */
  private static dependsOn(r: InstalledRoute, selfKey: string): boolean {
    return r.key === selfKey || r.chain.has(selfKey);
  }

  private resolveNextHop(vrf: string, selfKey: string, nh: RouteNextHop, through: InstalledRoute[]): ResolvedPath[] | undefined {
    if (nh.interface !== undefined) {
      const iface = this.stack.interface(nh.interface);
      if (iface === undefined) return undefined;
      if (!iface.isUp && !nh.permanent) return undefined;
      return [{ interface: iface, nextHop: nh.address, labels: nh.labels, via: nh }];
    }
    if (nh.address === undefined) return undefined;
    const via = this.longestUsable(nh.resolveInVrf ?? vrf, nh.address, selfKey);
    // Unresolvable, or the next hop is one of our own addresses.
    if (via === undefined || via.kind === "receive") return undefined;
    through.push(via);
    if (via.kind === "drop") return [{ interface: this.stack.null0, nextHop: undefined, labels: undefined, via: nh }];
    return via.paths.map((x) => ({
      interface: x.interface,
      nextHop: x.nextHop ?? nh.address,
      labels: joinLabels(x.labels, nh.labels),
      via: nh,
    }));
  }

  /** The longest installed route covering `addr` that does not depend on `selfKey`. */
  private longestUsable(vrf: string, addr: Ipv4, selfKey: string): InstalledRoute | undefined {
    const t = this.table(vrf);
    if (t === undefined) return undefined;
    const m = t.installed.match(addr);
    if (m === undefined) return undefined;
    if (!Rib.dependsOn(m.value, selfKey)) return m.value;
    for (let len = m.prefix.len - 1; len >= 0; len--) {
      const r = t.installed.get(makePrefix(addr, len));
      if (r !== undefined && !Rib.dependsOn(r, selfKey)) return r;
    }
    return undefined;
  }

  // --- Bookkeeping -------------------------------------------------------------------

  private interfaceChanged(name: string): void {
    const keys = this.byInterface.get(name);
    if (keys === undefined) return;
    for (const k of keys) this.markDirtyKey(k);
    this.process();
  }

  private table(vrf: string): VrfRib | undefined {
    return this.tables.get(vrf);
  }

  private state(vrf: string, p: Prefix, create: boolean): PrefixState | undefined {
    let t = this.tables.get(vrf);
    if (t === undefined) {
      if (!create) return undefined;
      t = { states: new PrefixStates(), installed: new LpmTable<InstalledRoute>() };
      this.tables.set(vrf, t);
    }
    let s = t.states.get(p.addr, p.len);
    if (s === undefined && create) {
      // Frozen: the installed-route table and the FIB keep this very object.
      const own = Object.freeze(makePrefix(p.addr, p.len));
      s = { prefix: own, key: depKey(vrf, own), candidates: [], installed: undefined, recursive: [], interfaces: [] };
      t.states.set(own.addr, own.len, s);
    }
    return s;
  }

  private reindex(vrf: string, state: PrefixState): void {
    const key = state.key;
    const old = state.recursive;
    for (let i = 0; i < old.length; i += 2) this.byNextHop.get(old[i] as string)?.delete(old[i + 1] as number, key);
    for (const name of state.interfaces) this.byInterface.get(name)?.delete(key);
    // Built exactly sized (arrays that grow by push keep 17 slots), and one shared empty
    // array where there is nothing.
    let recursive: (string | number)[] | undefined;
    let interfaces: string[] | undefined;
    for (const route of state.candidates) {
      for (const nh of route.nextHops) {
        if (nh.interface !== undefined) {
          if (interfaces === undefined) interfaces = [nh.interface];
          else interfaces.push(nh.interface);
          let set = this.byInterface.get(nh.interface);
          if (set === undefined) this.byInterface.set(nh.interface, (set = new Set()));
          set.add(key);
        } else if (nh.address !== undefined) {
          const rv = nh.resolveInVrf ?? vrf;
          if (recursive === undefined) recursive = [rv, nh.address];
          else recursive.push(rv, nh.address);
          let index = this.byNextHop.get(rv);
          if (index === undefined) this.byNextHop.set(rv, (index = new NextHopIndex()));
          index.add(nh.address, key);
        }
      }
    }
    state.recursive = recursive ?? NO_RECURSIVE;
    state.interfaces = interfaces ?? NO_INTERFACES;
  }

  private markDirty(vrf: string, state: PrefixState): void {
    this.dirty.set(state.key, [vrf, state]);
  }

  private markDirtyKey(key: string): void {
    const bar = key.indexOf("|");
    const vrf = key.slice(0, bar);
    const k = Number(key.slice(bar + 1));
    const state = this.tables.get(vrf)?.states.get(k % 0x100000000, Math.floor(k / 0x100000000));
    if (state !== undefined) this.dirty.set(key, [vrf, state]);
  }
}

/** A VRF's prefix states, one map per prefix length keyed by the address as a signed 32-bit
 * integer: V8 keeps such keys unboxed and hashes them cheaply, where `prefixKey` (length and
 * address in one number beyond 32 bits) is a heap number per key and per lookup. */
class PrefixStates {
  private readonly byLength: (Map<number, PrefixState> | undefined)[] = [];

  get(addr: number, len: number): PrefixState | undefined {
    return this.byLength[len]?.get(addr | 0);
  }

  set(addr: number, len: number, state: PrefixState): void {
    let m = this.byLength[len];
    if (m === undefined) this.byLength[len] = m = new Map();
    m.set(addr | 0, state);
  }

  delete(addr: number, len: number): void {
    this.byLength[len]?.delete(addr | 0);
  }

  *values(): IterableIterator<PrefixState> {
    for (const m of this.byLength) if (m !== undefined) yield* m.values();
  }
}

interface NextHopEntry {
  readonly address: number;
  /** When the address was first seen: dependants are re-resolved in that order. */
  readonly order: number;
  readonly keys: Set<string>;
}

/** The recursive next-hop addresses of one VRF, and the keys of the prefixes using each, kept
 * in address order: when an installed route changes, the addresses it covers are one run of
 * that order, found by binary search rather than by testing every next hop (a config with
 * thousands of static routes has thousands of them). */
class NextHopIndex {
  private readonly byAddress = new Map<number, NextHopEntry>();
  /** Ascending by address. */
  private readonly sorted: NextHopEntry[] = [];

  add(address: number, key: string): void {
    let entry = this.byAddress.get(address);
    if (entry === undefined) {
      entry = { address, order: this.byAddress.size, keys: new Set() };
      this.byAddress.set(address, entry);
      this.sorted.splice(this.firstAtOrAbove(address), 0, entry);
    }
    entry.keys.add(key);
  }

  delete(address: number, key: string): void {
    this.byAddress.get(address)?.keys.delete(key);
  }

  /** The key sets of the addresses inside `p`, in the order the addresses were first seen. */
  within(p: Prefix): Set<string>[] {
    const first = (p.addr & maskOf(p.len)) >>> 0;
    const last = (first | ~maskOf(p.len)) >>> 0;
    const hits: NextHopEntry[] = [];
    for (let i = this.firstAtOrAbove(first); i < this.sorted.length && this.sorted[i].address <= last; i++) hits.push(this.sorted[i]);
    if (hits.length > 1) hits.sort((a, b) => a.order - b.order);
    return hits.map((e) => e.keys);
  }

  private firstAtOrAbove(address: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid].address < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A candidate as stored: the source's fields, in its order, then `updatedAt`. A class so
 * that V8 keeps every field inside the object (a plain object built by Object.assign holds
 * four and puts the rest in a separate property array). */
class StoredRoute {
  constructor(input: RouteInput, updatedAt: number) {
    Object.assign(this, input, { updatedAt });
  }
}

function storedRoute(input: RouteInput, updatedAt: number): Route {
  return new StoredRoute(input, updatedAt) as unknown as Route;
}

/** The labels of an outer path with one inner label appended, shared between every route
 * that resolves through the same path with the same label (a VRF's routes from one PE with
 * per-VRF or per-CE labels are all alike). Keyed weakly by the outer array, which goes with
 * the route it belongs to. */
const joined = new WeakMap<readonly Label[], Map<Label, readonly Label[]>>();

function depKey(vrf: string, p: Prefix): string {
  return `${vrf}|${prefixKey(p)}`;
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

/** Same route content, ignoring the timestamp (an unchanged re-announcement keeps its age). */
function sameRoute(a: Route, b: RouteInput): boolean {
  if (a.distance !== b.distance || a.metric !== b.metric || a.nextHops.length !== b.nextHops.length || a.from !== b.from) return false;
  for (let i = 0; i < a.nextHops.length; i++) {
    const x = a.nextHops[i];
    const y = b.nextHops[i];
    if (x.address !== y.address || x.interface !== y.interface || x.resolveInVrf !== y.resolveInVrf || x.permanent !== y.permanent || !sameLabels(x.labels, y.labels)) return false;
  }
  return true;
}

function sameInstalled(a: InstalledRoute | undefined, b: InstalledRoute | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
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
