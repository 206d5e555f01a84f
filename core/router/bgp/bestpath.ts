// Paths, destinations and IOS best-path selection.
//
// A `Dest` is one prefix in one table (the global IPv4 table, or one route distinguisher's
// VPNv4 table); it holds its paths in a small array and is itself the `Prefix` handed to the
// hooks (it has `addr` and `len`), so a received route costs one Dest and one Path and no
// other object. A `Path` shares its interned `Attrs` with every other route of its UPDATE.
//
// Selection follows Cisco's "BGP Best Path Selection Algorithm" (document 13753), steps in
// order: a valid next hop; highest weight; highest LOCAL_PREF (100 when absent); locally
// originated; shortest AS path; lowest origin; lowest MED (between paths from the same
// neighboring AS; absent counts 0) — `maximum-paths eibgp` takes eBGP and iBGP paths equal
// up to here (same AS path) as multipaths; eBGP over iBGP; lowest IGP cost to the next hop —
// `maximum-paths [ibgp]` takes paths equal up to here (same AS path) as multipaths — then the
// oldest of two eBGP paths; lowest router ID (ORIGINATOR_ID when reflected); shortest
// CLUSTER_LIST; lowest neighbor address. MEDs are compared deterministically (IOS
// `bgp deterministic-med`, see deterministicMed). Ties past that (two local sources, or one peer's
// route imported from two RDs) go by source, then RD, so the choice never depends on the
// order paths arrived in except through "oldest eBGP", as in IOS.

import { PrefixHash } from "../net/prefix-hash";
import type { Ipv4 } from "../wire/addr";
import type { RouteDistinguisher } from "../wire/bgp-nlri";
import type { Label } from "../wire/mpls";
import type { Attrs } from "./attrs";
import type { BgpBestPath, BgpFamily, BgpPeer, LocalSource } from "./types";

/** IOS's weight for locally originated paths. */
export const LOCAL_WEIGHT = 32768;
export const DEFAULT_LOCAL_PREF = 100;

const SOURCE_RANK: Record<LocalSource, number> = { network: 0, aggregate: 1, "redistribute-connected": 2, "redistribute-static": 3, default: 4 };

/** What few paths have: a weight, a local source, attributes from before the import policy.
 * It takes the path's import list's place (`extra`) and holds it. */
class PathRare {
  constructor(
    public weight: number,
    readonly source: LocalSource | undefined,
    public raw: Attrs | undefined,
    public importedInto: Dest | Dest[] | undefined,
  ) {}
}

/** Made by newPath only (its fields are declared here and set there). Six fields (nine words
 * with the object header): a full table is one per route. Its IGP cost is not kept but asked
 * of the RIB (pathCost), which caches it per next hop. */
export class Path implements BgpBestPath {
  /** Bumped on every change: arrival order for "oldest eBGP". */
  declare stamp: number;
  /** The VRF destinations it is imported into, or the PathRare that holds them. */
  declare private extra: Dest | Dest[] | PathRare | undefined;
  /** The destination the path was received or originated in. */
  declare readonly dest: Dest;
  declare attrs: Attrs;
  declare readonly from: BgpPeer | undefined;
  declare label: Label | undefined;

  /** The VRF destinations this path is imported into (VPN import under another RD). The
   * path object itself sits in their path lists: an imported path is one whose `dest` is
   * not the destination looking at it. */
  get importedInto(): Dest | Dest[] | undefined {
    const x = this.extra;
    return x instanceof PathRare ? x.importedInto : x;
  }
  set importedInto(into: Dest | Dest[] | undefined) {
    const x = this.extra;
    if (x instanceof PathRare) x.importedInto = into;
    else this.extra = into;
  }

  /** A received path without policy has none (one path per route: its fields count). */
  private get rare(): PathRare | undefined {
    const x = this.extra;
    return x instanceof PathRare ? x : undefined;
  }

  private rareFields(source: LocalSource | undefined): PathRare {
    const x = this.extra;
    if (x instanceof PathRare) return x;
    const rare = new PathRare(0, source, undefined, x);
    this.extra = rare;
    return rare;
  }

  get weight(): number {
    const rare = this.rare;
    return rare === undefined ? 0 : rare.weight;
  }
  set weight(weight: number) {
    const rare = this.rare;
    if (rare !== undefined) rare.weight = weight;
    else if (weight !== 0) this.rareFields(undefined).weight = weight;
  }

  /** Set for a locally originated path. */
  get source(): LocalSource | undefined {
    return this.rare?.source;
  }

  /** Pre-policy attributes (for re-evaluating the import policy); undefined when no policy
   * changed them. */
  get raw(): Attrs | undefined {
    return this.rare?.raw;
  }
  set raw(raw: Attrs | undefined) {
    const rare = this.rare;
    if (rare !== undefined) rare.raw = raw;
    else if (raw !== undefined) this.rareFields(undefined).raw = raw;
  }

  get ebgp(): boolean {
    return this.from !== undefined && this.from.ebgp;
  }

  get local(): boolean {
    return this.source !== undefined;
  }

  /** Sourced by this router for VPNv4: originated here or learnt from a neighbor in the VRF.
   * These get a local label and are exported with the VRF's RD (where they are not imported). */
  get vrfSourced(): boolean {
    return this.source !== undefined || (this.from !== undefined && this.from.vrf !== "");
  }

  /** The destinations it is imported into, as a list. */
  imports(): readonly Dest[] {
    const i = this.importedInto;
    return i === undefined ? NO_DESTS : Array.isArray(i) ? i : [i];
  }
}

const NO_DESTS: readonly Dest[] = [];
const NO_PATHS: readonly Path[] = [];

/** One address family's table: its destinations in a prefix hash table (net/prefix-hash.ts),
 * which holds only the Dest references, keyed by their own address and length. */
export class Table {
  private readonly entries = new PrefixHash<Dest>();
  private readonly make = (addr: Ipv4, len: number): Dest => newDest(this, addr, len);
  /** The VRF whose own table this is ("" for the global IPv4 table), if any. */
  vrf: string | undefined;
  /** Emptied and dropped by the RIB (a VPNv4 table of no VRF's RD): a new route of its RD
   * goes into a new table. */
  retired = false;

  constructor(
    readonly family: BgpFamily,
    readonly rd: RouteDistinguisher | undefined,
    /** A number that orders RDs as IOS lists them (type, administrator, assigned number). */
    readonly rdOrder: number,
    vrf: string | undefined,
  ) {
    this.vrf = vrf;
  }

  /** Destinations in the table. */
  get size(): number {
    return this.entries.size;
  }

  find(addr: Ipv4, len: number): Dest | undefined {
    return this.entries.get(addr, len);
  }

  /** The destination for a prefix, made when it is not there yet. */
  dest(addr: Ipv4, len: number): Dest {
    return this.entries.getOrAdd(addr, len, this.make);
  }

  delete(d: Dest): void {
    this.entries.delete(d);
  }

  /** The destinations, as a new list (safe to change the table while going through it). */
  dests(): Dest[] {
    return this.entries.values();
  }
}

/** BestIsP0: the best path is the first (`p0`), as for nearly every destination; any other
 * best path is kept in `rare`. SelectedChanged: a selected path changed in place since the
 * last selection (new attributes or label in the same path object). */
export const DestFlag = { Dirty: 1, Removed: 2, AggregateLabel: 4, FollowLabel: 8, BestIsP0: 16, SelectedChanged: 32 } as const;
/** `flags` holds the prefix length above the DestFlag bits. */
const LEN_SHIFT = 8;

/** What few destinations have: more than one path, a best path after the first, multipaths,
 * a local label. It takes the first path's place in the destination (`head`) and holds it. */
class DestRare {
  more: Path[] | undefined = undefined;
  best: Path | undefined = undefined;
  multipaths: readonly Path[] | undefined = undefined;
  localLabel: Label | undefined = undefined;
  constructor(public p0: Path | undefined) {}
}

/** One prefix in one table. Every table holds one per route (a VRF's table one more per
 * imported route), so it keeps only what every destination needs in its own fields (five,
 * eight words with the object header): its one path, or what few destinations have besides
 * (DestRare, made when first needed, holding the first path). */
export class Dest {
  // Made by newDest only (its fields are declared here and set there).
  /** The first path, or the DestRare that holds it. */
  declare private head: Path | DestRare | undefined;
  /** BGP table version of the last best-path change. */
  declare version: number;
  /** DestFlag bits, and the prefix length from bit LEN_SHIFT up. */
  declare flags: number;
  declare readonly table: Table;
  declare readonly addr: Ipv4;

  get len(): number {
    return this.flags >>> LEN_SHIFT;
  }

  /** The first path, and any more (`more`): most destinations have one path, which then
   * costs no list. */
  get p0(): Path | undefined {
    const h = this.head;
    return h instanceof DestRare ? h.p0 : h;
  }
  private set p0(p: Path | undefined) {
    const h = this.head;
    if (h instanceof DestRare) h.p0 = p;
    else this.head = p;
  }

  private get rare(): DestRare | undefined {
    const h = this.head;
    return h instanceof DestRare ? h : undefined;
  }

  private rareFields(): DestRare {
    const h = this.head;
    if (h instanceof DestRare) return h;
    const rare = new DestRare(h);
    this.head = rare;
    return rare;
  }

  /** The selected path (it stays, though taken out of the list, until the next selection). */
  get best(): Path | undefined {
    return (this.flags & DestFlag.BestIsP0) !== 0 ? this.p0 : this.rare?.best;
  }
  set best(p: Path | undefined) {
    const rare = this.rare;
    if (p !== undefined && p === this.p0) {
      this.flags |= DestFlag.BestIsP0;
      if (rare !== undefined) rare.best = undefined;
    } else {
      this.flags &= ~DestFlag.BestIsP0;
      if (p !== undefined || rare !== undefined) this.rareFields().best = p;
    }
  }

  /** Paths after the first; undefined when there is at most one. */
  get more(): Path[] | undefined {
    return this.rare?.more;
  }
  set more(more: Path[] | undefined) {
    if (more !== undefined || this.rare !== undefined) this.rareFields().more = more;
  }

  /** Multipaths besides the best (maximum-paths); undefined when there are none. */
  get multipaths(): readonly Path[] | undefined {
    return this.rare?.multipaths;
  }
  set multipaths(paths: readonly Path[] | undefined) {
    if (paths !== undefined || this.rare !== undefined) this.rareFields().multipaths = paths;
  }

  /** The local label of a VRF prefix this router advertises as next hop. */
  get localLabel(): Label | undefined {
    return this.rare?.localLabel;
  }
  set localLabel(label: Label | undefined) {
    if (label !== undefined || this.rare !== undefined) this.rareFields().localLabel = label;
  }

  /** The number of paths. */
  get count(): number {
    return this.p0 === undefined ? 0 : this.more === undefined ? 1 : 1 + this.more.length;
  }

  /** The i-th path (0 ≤ i < count). */
  at(i: number): Path {
    return (i === 0 ? this.p0 : (this.more as Path[])[i - 1]) as Path;
  }

  /** The paths, as a new list (safe to iterate while removing). */
  get paths(): readonly Path[] {
    if (this.p0 === undefined) return NO_PATHS;
    return this.more === undefined ? [this.p0] : [this.p0, ...this.more];
  }

  has(p: Path): boolean {
    return this.p0 === p || (this.more !== undefined && this.more.includes(p));
  }

  add(p: Path): void {
    if (this.p0 === undefined) this.p0 = p;
    else if (this.more === undefined) this.more = [p];
    else this.more.push(p);
  }

  /** Takes `p` out; false when it was not here. */
  remove(p: Path): boolean {
    const more = this.more;
    if (this.p0 === p) {
      // The best path stays best until the next selection, wherever the list puts p0 now.
      if ((this.flags & DestFlag.BestIsP0) !== 0) {
        this.flags &= ~DestFlag.BestIsP0;
        this.rareFields().best = p;
      }
      if (more === undefined) this.p0 = undefined;
      else {
        this.p0 = more.shift();
        if (more.length === 0) this.more = undefined;
      }
      return true;
    }
    if (more === undefined) return false;
    const i = more.indexOf(p);
    if (i < 0) return false;
    more.splice(i, 1);
    if (more.length === 0) this.more = undefined;
    return true;
  }

  /** Best first, then multipaths. */
  get selected(): readonly Path[] {
    if (this.best === undefined) return NO_PATHS;
    return this.multipaths === undefined ? [this.best] : [this.best, ...this.multipaths];
  }

  get localLabelAggregate(): boolean {
    return (this.flags & DestFlag.AggregateLabel) !== 0;
  }

  /** The local label swaps to the label of the prefix's route in the VRF (Carrier Supporting
   * Carrier) rather than popping into the VRF. */
  get localLabelFollows(): boolean {
    return (this.flags & DestFlag.FollowLabel) !== 0;
  }
}

/**
 * A new destination: an object literal on Dest's prototype with every field, not `new`. V8 counts how many of the objects made at an
 * object literal survive, and once nearly all do (a table's routes live on) it allocates the
 * rest made there straight in the old generation (allocation-site pretenuring); an object made
 * with `new` is always made young and copied out by the scavenger, once or twice. A table
 * filling with 100,000 routes spends a third of its time in those copies.
 */
export function newDest(table: Table, addr: Ipv4, len: number): Dest {
  return { __proto__: Dest.prototype, head: undefined, version: 0, flags: len << LEN_SHIFT, table, addr } as unknown as Dest;
}

/** A new path, as an object literal on Path's prototype (see newDest). `weight` and `source`
 * (set for a locally originated path) go in a PathRare where either is set. */
export function newPath(dest: Dest, attrs: Attrs, from: BgpPeer | undefined, label: Label | undefined, weight: number, source: LocalSource | undefined, stamp: number): Path {
  const extra: PathRare | undefined = weight !== 0 || source !== undefined ? new PathRare(weight, source, undefined, undefined) : undefined;
  return { __proto__: Path.prototype, stamp, extra, dest, attrs, from, label } as unknown as Path;
}

/** IGP cost to a path's next hop, -1 when inaccessible (IOS: the path is not valid). Local
 * paths and paths from a neighbor in a VRF cost 0. */
export function pathCost(p: Path, ctx: { cost(nextHop: Ipv4): number }): number {
  return p.from === undefined || p.from.vrf !== "" ? 0 : ctx.cost(p.attrs.nextHop);
}

/** A table's multipath counts (1 = off): `maximum-paths N` for eBGP best paths, `maximum-paths
 * ibgp N` for iBGP ones, `maximum-paths eibgp N` for eBGP and iBGP paths together. */
export interface Multipath {
  readonly ebgp: number;
  readonly ibgp: number;
  readonly eibgp: number;
}

/** What selection needs of the RIB. */
export interface SelectionContext {
  readonly routerId: Ipv4;
  /** The table's multipath counts (each VRF's table has its own). */
  multipath(table: Table): Multipath;
  /** IGP cost to a next hop, -1 when unreachable (cached by the RIB). */
  cost(nextHop: Ipv4): number;
}

function routerIdOf(p: Path, ctx: SelectionContext): number {
  if (p.attrs.originatorId !== undefined) return p.attrs.originatorId;
  return p.from === undefined ? ctx.routerId : p.from.routerId;
}

/** Steps up to MED: negative when `a` is better, 0 when equal (eiBGP multipath candidates). */
function compareToMed(a: Path, b: Path, ctx: SelectionContext): number {
  const validA = pathCost(a, ctx) >= 0;
  if (validA !== pathCost(b, ctx) >= 0) return validA ? -1 : 1;
  if (a.weight !== b.weight) return b.weight - a.weight;
  const lpA = a.attrs.localPref ?? DEFAULT_LOCAL_PREF;
  const lpB = b.attrs.localPref ?? DEFAULT_LOCAL_PREF;
  if (lpA !== lpB) return lpB - lpA;
  if (a.local !== b.local) return a.local ? -1 : 1;
  if (a.attrs.pathLength !== b.attrs.pathLength) return a.attrs.pathLength - b.attrs.pathLength;
  if (a.attrs.origin !== b.attrs.origin) return a.attrs.origin - b.attrs.origin;
  if (a.attrs.neighborAs === b.attrs.neighborAs) {
    const medA = a.attrs.med ?? 0;
    const medB = b.attrs.med ?? 0;
    if (medA !== medB) return medA - medB;
  }
  return 0;
}

/** Steps up to IGP cost: negative when `a` is better, 0 when equal (multipath candidates). */
function compareToCost(a: Path, b: Path, ctx: SelectionContext): number {
  const c = compareToMed(a, b, ctx);
  if (c !== 0) return c;
  if (a.ebgp !== b.ebgp) return a.ebgp ? -1 : 1;
  return pathCost(a, ctx) - pathCost(b, ctx);
}

/** Negative when `a` is the better path. A total order on the paths of one Dest. */
export function comparePaths(a: Path, b: Path, ctx: SelectionContext): number {
  const c = compareToCost(a, b, ctx);
  if (c !== 0) return c;
  if (a.ebgp && b.ebgp && a.stamp !== b.stamp) return a.stamp - b.stamp; // the oldest eBGP path
  const ridA = routerIdOf(a, ctx);
  const ridB = routerIdOf(b, ctx);
  if (ridA !== ridB) return ridA - ridB;
  const clA = a.attrs.clusterList?.length ?? 0;
  const clB = b.attrs.clusterList?.length ?? 0;
  if (clA !== clB) return clA - clB;
  const nA = a.from?.address ?? 0;
  const nB = b.from?.address ?? 0;
  if (nA !== nB) return nA - nB;
  if (a.source !== b.source) return (a.source ? SOURCE_RANK[a.source] : -1) - (b.source ? SOURCE_RANK[b.source] : -1);
  return a.dest.table.rdOrder - b.dest.table.rdOrder;
}

/** IOS `bgp deterministic-med`: the best of each neighboring AS first, then the best of
 * those. Comparing MEDs only within an AS makes the pairwise comparison intransitive
 * (A beats B on MED, B beats C and C beats A further down), so without grouping the winner
 * of three or more paths would depend on the order they are looked at. */
function deterministicMed(d: Dest, ctx: SelectionContext): Path {
  const winners: Path[] = [];
  for (let k = 0; k < d.count; k++) {
    const p = d.at(k);
    if (pathCost(p, ctx) < 0) continue;
    const i = winners.findIndex((w) => w.attrs.neighborAs === p.attrs.neighborAs);
    if (i < 0) winners.push(p);
    else if (comparePaths(p, winners[i], ctx) < 0) winners[i] = p;
  }
  let best = winners[0];
  for (let i = 1; i < winners.length; i++) if (comparePaths(winners[i], best, ctx) < 0) best = winners[i];
  return best;
}

/** Sets the destination's best path and multipaths (at most the table's multipath count in
 * all); no best when no path is valid. The best path is chosen as without multipath. With `maximum-paths N` or `maximum-paths
 * ibgp N` the multipaths are paths of the best's kind (eBGP or iBGP) equal to it up to the IGP
 * cost. With `maximum-paths eibgp N` eBGP and iBGP paths join one set: equal up to MED, the
 * eBGP-over-iBGP step and the IGP cost left out, since IOS's eiBGP multipath shares load over
 * paths of unequal IGP cost (Cisco, "BGP Multipath Load Sharing for Both eBGP and iBGP in an
 * MPLS VPN"). Either way the AS path must be the same, not only as long. */
export function selectPaths(d: Dest, ctx: SelectionContext): void {
  const n = d.count;
  let best: Path | undefined;
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const p = d.at(i);
    if (pathCost(p, ctx) < 0) continue;
    valid++;
    if (best === undefined || comparePaths(p, best, ctx) < 0) best = p;
  }
  d.multipaths = undefined;
  d.best = best;
  if (best === undefined) return;
  if (valid > 2) d.best = best = deterministicMed(d, ctx);
  if (valid === 1 || best.local) return;
  const mp = ctx.multipath(d.table);
  const mixed = mp.eibgp > 1;
  const max = mixed ? mp.eibgp : best.ebgp ? mp.ebgp : mp.ibgp;
  if (max <= 1) return;
  let more: Path[] = [];
  for (let i = 0; i < n; i++) {
    const p = d.at(i);
    if (p === best || pathCost(p, ctx) < 0 || p.local || p.attrs.asPathKey !== best.attrs.asPathKey) continue;
    if (mixed ? compareToMed(p, best, ctx) !== 0 : p.ebgp !== best.ebgp || compareToCost(p, best, ctx) !== 0) continue;
    more.push(p);
  }
  if (more.length === 0) return;
  // The best candidates by the remaining steps, so the choice does not depend on order.
  more.sort((a, b) => comparePaths(a, b, ctx));
  if (more.length >= max) more = more.slice(0, max - 1);
  d.multipaths = more;
}
