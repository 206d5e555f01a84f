// The BGP RIB: Adj-RIB-In and Loc-RIB per address family (the global IPv4 table, and one
// VPNv4 table per route distinguisher), best-path selection, VPN import into VRFs and export
// from them, and the Adj-RIB-Out per peer. Receiving an UPDATE is update-in.ts, sending
// update-out.ts, selection and tables bestpath.ts, interning attrs.ts, show show-bgp.ts; the
// VRFs and VPN import vpn.ts, local routes origin.ts, the local labels local-labels.ts
// (functions bound as fields of BgpRib). The
// speaker (subsystem.ts) owns sessions and config; it feeds UPDATE bodies in and installs
// what `bestChanged` reports. The boundary is prompts/bgp-contract.md; its types are in
// types.ts, re-exported here.
//
// Tables are keyed by numbers, never strings: a VPNv4 route is found by its RD's table (the
// last RD is cached, so an UPDATE of one RD looks its table up once) and then in that table's
// open-addressing hash by address and length. A received route costs one Dest and one Path,
// which shares the UPDATE's interned attributes; importing it into a VRF under the VRF's RD
// costs one more Dest, whose path list holds the same Path object.
//
// Batching: everything one call changes (an UPDATE, a peer going down, an originate) is
// selected once at the end of the call. `bestChanged` is then called once per prefix whose
// selection changed, after every route of the UPDATE is in, and `updatesReady` once per peer
// with something new to send. A prefix that needs a local label (local-labels.ts) gets it
// before its bestChanged.
//
// VRF tables: a VRF's own routes live in the VPNv4 table of the VRF's RD, carrying the VRF's
// export route targets, which is what VPNv4 neighbors are sent. VPNv4 paths of other RDs
// whose route targets the VRF imports join that table too (vpn.ts).
//
// A neighbor with soft-reconfiguration inbound also keeps what it sent before policy
// (adj-rib-in.ts); without it, a route the import policy denied comes back only by
// ROUTE-REFRESH (setPolicy re-evaluates the routes kept).
//
// Not here (yet): a swapping label for a
// route of an RD no local VRF uses re-advertised with next-hop-self (inter-AS option B: such
// routes are not sent); ADD-PATH; dampening.

import type { Ipv4 } from "../wire/addr";
import type { BgpError } from "../wire/bgp-errors";
import type { RouteDistinguisher } from "../wire/bgp-nlri";
import type { Label } from "../wire/mpls";
import { AttrTable, type Attrs } from "./attrs";
import { DestFlag, newPath, Table, selectPaths, type Dest, type Path, type SelectionContext } from "./bestpath";
import type { BgpPathRow } from "../../api/tables";
import { bgpPathRows, type BgpRowQuery } from "./show-bgp";
import { UpdateReceiver } from "./update-in";
import { AdjRibOut, buildUpdates, type OutContext } from "./update-out";
import type { BgpAttrs, BgpFamily, BgpPeer, BgpRibConfig, BgpRibHooks, LocalSource } from "./types";
import { applyVrfs, importPath, importTargets, multipathOf, rdParts, retire, setConfig, unimport, unimportFrom, type VrfImporter } from "./vpn";
import { checkRelabel, cscSent, labelledNextHop, relabelled, updateLocalLabel } from "./local-labels";
import { installLocal, localAttrs, originate, withdrawLocal, type LocalEntry } from "./origin";

export * from "./types";
export { Dest, Path, Table } from "./bestpath";
export { Attrs } from "./attrs";

/** The most entries the dirty queue keeps room for after a flush. */
const KEPT_QUEUE = 1024;

/** Per established peer. */
interface PeerState {
  readonly out: AdjRibOut;
  /** Paths accepted from it, per family (summary's PfxRcd). */
  ipv4: number;
  vpnv4: number;
}

/** What the summary's header says. */
export interface BgpRibCounts {
  readonly tableVersion: number;
  readonly networks: number;
  readonly paths: number;
  readonly attributeSets: number;
  /** IOS "BGP activity A/B prefixes, C/D paths": added/removed since start. */
  readonly prefixesAdded: number;
  readonly prefixesRemoved: number;
  readonly pathsAdded: number;
  readonly pathsRemoved: number;
}

export class BgpRib {
  config: BgpRibConfig;
  readonly attrTable = new AttrTable();
  /** The global IPv4 unicast table. */
  readonly ipv4 = new Table("ipv4", undefined, 0, "");
  readonly rdTables = new Map<string, Table>();
  readonly vrfTables = new Map<string, Table>();
  importers: VrfImporter[] = [];
  importGeneration = 0;
  readonly lastImport: { attrs: Attrs | undefined; generation: number; into: readonly VrfImporter[] } = { attrs: undefined, generation: -1, into: [] };
  readonly importCache = new WeakMap<Attrs, { generation: number; into: readonly VrfImporter[] }>();
  readonly peers = new Map<BgpPeer, PeerState>();
  /** The same states as a list, for the per-destination loops. */
  peerList: PeerState[] = [];
  /** Originated routes by VRF, prefix key and source: kept while the VRF has no table. */
  readonly locals = new Map<string, Map<number, Map<LocalSource, LocalEntry>>>();
  /** Destinations to select again, each once (DestFlag.Dirty): the first `dirtyCount`
   * entries of an array that keeps its room between UPDATEs (emptied by `length = 0`, an
   * array frees its store and grows it again for every UPDATE). */
  readonly dirty: (Dest | undefined)[] = [];
  dirtyCount = 0;
  flushing = false;
  stamp = 0;
  tableVersion = 1;
  readonly nhCosts = new Map<number, number>();
  readonly lastCost = { nextHop: -1, cost: 0 };
  readonly receiver: UpdateReceiver;
  activity = { prefixesAdded: 0, prefixesRemoved: 0, pathsAdded: 0, pathsRemoved: 0 };
  /** Some VPNv4 peer is sent our address as next hop for routes learnt from other PEs (an
   * eBGP peer, or next-hop-self): those routes then need a local label too. */
  relabelPeers: readonly BgpPeer[] = [];
  /** Global neighbors with labelled IPv4 (send-label): an IPv4 prefix needs a local label
   * once one of them gets it with us as next hop. */
  labelPeers: readonly BgpPeer[] = [];
  /** Labelled neighbors inside each VRF (Carrier Supporting Carrier, local-labels.ts). */
  cscPeers: ReadonlyMap<string, readonly BgpPeer[]> = new Map();
  readonly ctx: SelectionContext;
  readonly outCtx: OutContext;

  constructor(
    config: BgpRibConfig,
    readonly hooks: BgpRibHooks,
  ) {
    this.config = config;
    this.ctx = {
      routerId: config.routerId,
      multipath: (table) => multipathOf(this.config, table),
      cost: (nh) => this.cost(nh),
    };
    this.outCtx = {
      config: () => this.config,
      intern: (a) => this.attrTable.intern(a),
      tablesFor: (peer) => this.tablesFor(peer),
    };
    this.receiver = new UpdateReceiver({
      config: () => this.config,
      intern: (a) => this.attrTable.intern(a),
      unicastTable: (peer) => (peer.vrf === "" ? this.ipv4 : this.vrfTables.get(peer.vrf)),
      rdTable: (type, high, low, rd) => this.rdTableOf(type, high, low, rd),
      receiveRoute: (peer, dest, attrs, label) => this.receiveRoute(peer, dest, attrs, label),
      withdraw: (table, addr, len, peer) => {
        peer.adjRibIn?.delete(table, addr, len);
        this.withdraw(table.find(addr, len), peer);
      },
    });
    this.applyVrfs(new Set(config.vrfs.keys()));
  }

  // ---- config ------------------------------------------------------------------------

  rdTable(rd: RouteDistinguisher): Table {
    const [type, high, low] = rdParts(rd);
    return this.rdTableOf(type, high, low, rd);
  }

  rdTableOf(type: number, high: number, low: number, rd: RouteDistinguisher | (() => RouteDistinguisher)): Table {
    const key = `${type}:${high}:${low}`;
    let t = this.rdTables.get(key);
    if (t === undefined) {
      t = new Table("vpnv4", typeof rd === "function" ? rd() : rd, (type * 65536 + high) * 4294967296 + low, undefined);
      this.rdTables.set(key, t);
    }
    return t;
  }

  // ---- peers -------------------------------------------------------------------------

  peerUp(peer: BgpPeer): void {
    if (this.peers.has(peer)) return;
    const out = new AdjRibOut(peer);
    this.peers.set(peer, { out, ipv4: 0, vpnv4: 0 });
    this.peerList = [...this.peers.values()];
    out.notified = true;
    this.checkRelabel();
    this.hooks.updatesReady(peer);
  }

  peerDown(peer: BgpPeer): void {
    if (!this.peers.delete(peer)) return;
    this.peerList = [...this.peers.values()];
    this.checkRelabel();
    for (const table of this.allTables()) {
      for (const d of table.dests()) {
        for (const p of d.paths) {
          if (p.from === peer && p.dest === d) this.removePath(p);
        }
      }
    }
    this.flush();
  }

  setPolicy(peer: BgpPeer): void {
    const state = this.peers.get(peer);
    if (!state) return;
    for (const table of this.allTables()) {
      for (const d of table.dests()) {
        for (const p of d.paths) {
          if (p.from !== peer || p.dest !== d) continue;
          const received = p.raw ?? p.attrs;
          const r = this.admit(peer, d, received);
          if (r === undefined) this.removePath(p);
          else this.replaceAttrs(p, r.attrs, r.weight, r.attrs === received ? undefined : received);
        }
      }
    }
    state.out.resync = true;
    state.out.rewritten = new WeakMap();
    this.flush();
    this.checkRelabel();
    this.notifyPeers();
  }

  /** A ROUTE-REFRESH from `peer` (RFC 2918): its whole Adj-RIB-Out again, then End-of-RIB. */
  refresh(peer: BgpPeer): void {
    const state = this.peers.get(peer);
    if (!state) return;
    state.out.advertised.clear();
    state.out.initial = true;
    this.notifyPeers();
  }

  /** Paths accepted from `peer` in one family (`show ip bgp summary`'s PfxRcd). */
  prefixesReceived(peer: BgpPeer, family: BgpFamily): number {
    const s = this.peers.get(peer);
    return s === undefined ? 0 : s[family];
  }

  // ---- receive -----------------------------------------------------------------------

  /** One UPDATE message body (after the 19-byte header) from `peer`, applied with RFC 7606
   * semantics. Returns the error to answer with a NOTIFICATION and a reset, else undefined. */
  receiveUpdate(peer: BgpPeer, buf: Uint8Array, start: number, end: number): BgpError | undefined {
    const state = this.peers.get(peer);
    if (state === undefined) return undefined;
    const error = this.receiver.receive(peer, buf, start, end);
    if (error) return error;
    this.flush();
    return undefined;
  }

  /** One received route: `attrs` undefined withdraws it (rejected, or treat-as-withdraw). */
  receiveRoute(peer: BgpPeer, dest: Dest, attrs: Attrs | undefined, label: Label | undefined): void {
    const adjIn = peer.adjRibIn;
    if (adjIn !== undefined) {
      if (attrs === undefined) adjIn.delete(dest.table, dest.addr, dest.len);
      else adjIn.set(dest.table, dest.addr, dest.len, attrs, label);
    }
    if (attrs === undefined) {
      this.withdraw(dest, peer);
      return;
    }
    if (peer.policy.importPolicy === undefined && peer.vrf === "") {
      this.announce(dest, peer, attrs, label, 0, undefined);
      return;
    }
    const r = this.admit(peer, dest, attrs);
    if (r === undefined) this.withdraw(dest, peer);
    else this.announce(dest, peer, r.attrs, label, r.weight, r.attrs === attrs ? undefined : attrs);
  }

  /** Import policy, then (for a neighbor inside a VRF) the VRF's export route targets. */
  admit(peer: BgpPeer, dest: Dest, received: Attrs): { attrs: Attrs; weight: number } | undefined {
    let attrs = received;
    let weight = 0;
    const policy = peer.policy.importPolicy;
    if (policy) {
      const r = policy({ family: dest.table.family === "ipv4" || peer.vrf !== "" ? "ipv4" : "vpnv4", prefix: { addr: dest.addr, len: dest.len }, attrs });
      if (r === undefined) return undefined;
      attrs = this.attrTable.intern(r.attrs);
      weight = r.weight ?? 0;
    }
    if (peer.vrf !== "") attrs = this.withExportRts(attrs, peer.vrf);
    return { attrs, weight };
  }

  withExportRts(a: BgpAttrs, vrf: string): Attrs {
    const rts = this.config.vrfs.get(vrf)?.exportRts ?? [];
    const keep = (a.extCommunities ?? []).filter((c) => c.type !== "route-target");
    return this.attrTable.intern({ ...a, extCommunities: [...keep, ...rts] });
  }

  announce(dest: Dest, peer: BgpPeer, attrs: Attrs, label: Label | undefined, weight: number, raw: Attrs | undefined): void {
    for (let i = 0, n = dest.count; i < n; i++) {
      const p = dest.at(i);
      if (p.from !== peer || p.dest !== dest) continue;
      p.raw = raw;
      if (p.attrs === attrs && p.label === label && p.weight === weight) return; // a duplicate
      this.changingSelected(p);
      this.unimport(p);
      p.attrs = attrs;
      p.label = label;
      p.weight = weight;
      p.stamp = ++this.stamp;
      this.importPath(p, undefined);
      this.markDirty(dest);
      return;
    }
    const p = newPath(dest, attrs, peer, label, weight, undefined, ++this.stamp);
    p.raw = raw;
    this.addPath(p, dest);
    const s = this.peers.get(peer);
    if (s) {
      if (dest.table.family === "vpnv4" && peer.vrf === "") s.vpnv4++;
      else s.ipv4++;
    }
    this.importPath(p, undefined);
  }

  withdraw(dest: Dest | undefined, peer: BgpPeer): void {
    if (dest === undefined) return;
    for (let i = 0, n = dest.count; i < n; i++) {
      const p: Path = dest.at(i);
      if (p.from === peer && p.dest === dest) {
        this.removePath(p);
        return;
      }
    }
  }

  /** Puts `p` in `d`'s paths (its own dest, or a VRF's it is imported into). */
  addPath(p: Path, d: Dest): void {
    if (d.p0 === undefined) this.activity.prefixesAdded++;
    d.add(p);
    this.activity.pathsAdded++;
    this.markDirty(d);
  }

  /** Takes `p` out of `d`'s paths. */
  dropPath(p: Path, d: Dest): void {
    if (!d.remove(p)) return;
    this.activity.pathsRemoved++;
    if (d.p0 === undefined) this.activity.prefixesRemoved++;
    this.markDirty(d);
  }

  /** `p` is about to change in place: the destinations that have it selected (its own, and
   * those it is imported into) announce the change at their next selection. */
  private changingSelected(p: Path): void {
    markIfSelected(p.dest, p);
    const into = p.importedInto;
    if (Array.isArray(into)) for (const d of into) markIfSelected(d, p);
    else if (into !== undefined) markIfSelected(into, p);
  }

  /** Removes a path from its destination and from every VRF it was imported into. */
  removePath(p: Path): void {
    if (!p.dest.has(p)) return;
    this.dropPath(p, p.dest);
    this.unimport(p);
    if (p.from && p.source === undefined) {
      const s = this.peers.get(p.from);
      if (s) {
        if (p.dest.table.family === "vpnv4" && p.from.vrf === "") s.vpnv4--;
        else s.ipv4--;
      }
    }
  }

  replaceAttrs(p: Path, attrs: Attrs, weight: number, raw?: Attrs): void {
    p.raw = raw ?? p.raw;
    if (p.attrs === attrs && p.weight === weight) return;
    this.changingSelected(p);
    this.unimport(p);
    p.attrs = attrs;
    p.weight = weight;
    p.stamp = ++this.stamp;
    this.importPath(p, undefined);
    this.markDirty(p.dest);
  }

  // ---- next hops ---------------------------------------------------------------------

  nextHopsChanged(): void {
    this.nhCosts.clear();
    this.lastCost.nextHop = -1;
    this.markAll((p) => p.from !== undefined && p.from.vrf === "");
    this.flush();
  }

  cost(nextHop: Ipv4): number {
    if (nextHop === this.lastCost.nextHop) return this.lastCost.cost;
    let c = this.nhCosts.get(nextHop);
    if (c === undefined) {
      c = this.hooks.nextHopCost(nextHop) ?? -1;
      this.nhCosts.set(nextHop, c);
    }
    this.lastCost.nextHop = nextHop;
    this.lastCost.cost = c;
    return c;
  }

  // ---- selection ---------------------------------------------------------------------

  markDirty(d: Dest): void {
    if ((d.flags & DestFlag.Dirty) === 0) {
      d.flags |= DestFlag.Dirty;
      this.dirty[this.dirtyCount++] = d;
    }
  }

  markAll(which: (p: Path) => boolean): void {
    for (const t of this.allTables()) {
      for (const d of t.dests()) {
        for (let i = 0, n = d.count; i < n; i++) {
          if (which(d.at(i))) {
            this.markDirty(d);
            break;
          }
        }
      }
    }
  }

  *allTables(): Iterable<Table> {
    yield this.ipv4;
    yield* this.rdTables.values();
  }

  /** Selects every changed destination, then tells the router and the peers. */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    const queue = this.dirty;
    let i = 0;
    try {
      for (; i < this.dirtyCount; i++) {
        const d = queue[i] as Dest;
        queue[i] = undefined;
        d.flags &= ~DestFlag.Dirty;
        this.reselect(d);
      }
      this.dirtyCount = 0;
      // The queue keeps its room for the next UPDATE, unless a big change grew it.
      if (queue.length > KEPT_QUEUE) queue.length = 0;
    } finally {
      // A selection that threw leaves the destinations after it queued for the next flush.
      if (this.dirtyCount > 0) {
        const left = this.dirtyCount - (i + 1);
        queue.copyWithin(0, i + 1, this.dirtyCount);
        queue.fill(undefined, left, this.dirtyCount);
        this.dirtyCount = left;
      }
      this.flushing = false;
    }
    this.notifyPeers();
  }

  reselect(d: Dest): void {
    const oldBest = d.best;
    const oldMulti = d.multipaths;
    if (d.p0 === undefined) {
      d.best = undefined;
      d.multipaths = undefined;
    } else {
      selectPaths(d, this.ctx);
    }
    const best = d.best;
    const multi = d.multipaths;
    let changed = best !== oldBest || (d.flags & DestFlag.SelectedChanged) !== 0 || (multi === undefined) !== (oldMulti === undefined);
    if (!changed && multi !== undefined && oldMulti !== undefined) {
      changed = multi.length !== oldMulti.length;
      for (let i = 0; !changed && i < oldMulti.length; i++) changed = multi[i] !== oldMulti[i];
    }
    d.flags &= ~DestFlag.SelectedChanged;
    if (d.p0 === undefined && (d.flags & DestFlag.Removed) === 0) {
      const t = d.table;
      t.delete(d);
      d.flags |= DestFlag.Removed;
      // An RD's table goes with its last route, so RDs seen once cost nothing later.
      if (t.size === 0 && t.family === "vpnv4" && t.vrf === undefined && t.rd !== undefined) {
        const [type, high, low] = rdParts(t.rd);
        this.rdTables.delete(`${type}:${high}:${low}`);
        t.retired = true;
      }
    }
    if (!changed) return;
    d.version = ++this.tableVersion;
    const vrf = d.table.vrf;
    if (vrf !== undefined) {
      if (vrf !== "" || this.labelPeers.length > 0 || d.localLabel !== undefined) this.updateLocalLabel(d, vrf);
      this.hooks.bestChanged(vrf, d, best === undefined ? undefined : d.multipaths === undefined ? [best] : [best, ...d.multipaths]);
    }
    const peers = this.peerList;
    for (let i = 0; i < peers.length; i++) peers[i].out.changed(d);
  }

  // ---- out ---------------------------------------------------------------------------

  notifyPeers(): void {
    for (const [peer, s] of this.peers) {
      if (!s.out.notified && s.out.hasWork()) {
        s.out.notified = true;
        this.hooks.updatesReady(peer);
      }
    }
  }

  /** The tables a peer is sent, and the family each goes as. */
  tablesFor(peer: BgpPeer): { table: Table; family: BgpFamily }[] {
    if (peer.vrf !== "") {
      const t = this.vrfTables.get(peer.vrf);
      return t && peer.families.has("ipv4") ? [{ table: t, family: "ipv4" }] : [];
    }
    const out: { table: Table; family: BgpFamily }[] = [];
    if (peer.families.has("ipv4")) out.push({ table: this.ipv4, family: "ipv4" });
    if (peer.families.has("vpnv4")) for (const t of this.rdTables.values()) out.push({ table: t, family: "vpnv4" });
    return out;
  }

  /** Whole BGP messages (with header) for `peer`, ≤ 4096 bytes each: withdrawals, then
   * announcements packed per attribute set, then End-of-RIB after the initial table. */
  takeUpdates(peer: BgpPeer): Uint8Array[] {
    const s = this.peers.get(peer);
    if (!s) return [];
    s.out.notified = false;
    return buildUpdates(this.outCtx, s.out);
  }

  // ---- show --------------------------------------------------------------------------

  /** Rows of `show ip bgp vpnv4 all | vrf X [labels | A.B.C.D | A.B.C.D/N]` (show-bgp.ts). */
  vpnv4Rows(q: Omit<BgpRowQuery, "family"> = {}): BgpPathRow[] {
    return bgpPathRows(this, { ...q, family: "vpnv4" });
  }

  /** Rows of `show ip bgp [A.B.C.D | A.B.C.D/N]`. */
  ipv4Rows(q: Omit<BgpRowQuery, "family" | "vrf"> = {}): BgpPathRow[] {
    return bgpPathRows(this, { ...q, family: "ipv4" });
  }

  /** The VPNv4 tables by RD in IOS's order (numerically), each with its VRF if it is one's. */
  vpnv4Tables(): Table[] {
    return [...this.rdTables.values()].filter((t) => t.size > 0).sort((a, b) => a.rdOrder - b.rdOrder);
  }

  vrfTable(vrf: string): Table | undefined {
    return this.vrfTables.get(vrf);
  }

  /** Peers a destination has been advertised to. */
  advertisedTo(d: Dest): BgpPeer[] {
    return [...this.peers].filter(([, s]) => s.out.advertised.has(d)).map(([p]) => p);
  }

  get routerId(): Ipv4 {
    return this.config.routerId;
  }

  get localAs(): number {
    return this.config.localAs;
  }

  counts(family: BgpFamily): BgpRibCounts {
    let networks = 0;
    let paths = 0;
    const tables = family === "ipv4" ? [this.ipv4] : [...this.rdTables.values()];
    for (const t of tables) {
      networks += t.size;
      for (const d of t.dests()) paths += d.count;
    }
    return { tableVersion: this.tableVersion, networks, paths, attributeSets: this.attrTable.size, ...this.activity };
  }

  // ---- VRFs and VPN import (vpn.ts), local routes (origin.ts), local labels
  // (local-labels.ts): `this` is the RIB in them ---------------------------------------
  readonly setConfig = setConfig;
  readonly retire = retire;
  readonly applyVrfs = applyVrfs;
  readonly importTargets = importTargets;
  readonly importPath = importPath;
  readonly unimport = unimport;
  readonly unimportFrom = unimportFrom;
  readonly originate = originate;
  readonly withdrawLocal = withdrawLocal;
  readonly localAttrs = localAttrs;
  readonly installLocal = installLocal;
  readonly checkRelabel = checkRelabel;
  readonly relabelled = relabelled;
  readonly labelledNextHop = labelledNextHop;
  readonly cscSent = cscSent;
  readonly updateLocalLabel = updateLocalLabel;
}

/** Marks `d` for announcing at its next selection if `p` is its best path or a multipath. */
function markIfSelected(d: Dest, p: Path): void {
  if (d.best === p || (d.multipaths !== undefined && d.multipaths.includes(p))) d.flags |= DestFlag.SelectedChanged;
}
