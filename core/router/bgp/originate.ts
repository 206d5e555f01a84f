// Routes this router puts into BGP itself, per address family (`address-family ipv4` for the
// global table, `address-family ipv4 vrf X` for a VRF): `network A mask M` (when the IP RIB
// has exactly that prefix), `redistribute connected|static [route-map M]`, the default route
// only with `default-information originate` (IOS refuses to redistribute 0.0.0.0/0
// otherwise), and `aggregate-address [as-set] [summary-only]` (while a more specific route is
// in BGP's table; looked at again whenever a best path beneath it changes). summary-only's
// suppression of the more specific routes is export policy (policy.ts).
// The IP RIB is watched: a route that comes or goes is offered or withdrawn at once.
import type { BgpAddressFamily, BgpConfig } from "../config/model/bgp";
import type { IpRouting } from "../routing/ip-routing";
import type { InstalledRoute } from "../routing/rib";
import { RoutePolicy } from "../routing/route-map";
import { formatPrefix, maskOf, type Ipv4, type Prefix } from "../wire/addr";
import type { BgpRib, LocalAttrs, LocalSource } from "./rib";

const ORIGIN_IGP = 0;
const ORIGIN_INCOMPLETE = 2;
const NO_NEXT_HOP = 0 as Ipv4;

/** A key for one originated route: VRF, prefix, source. */
function key(vrf: string, prefix: Prefix, source: LocalSource): string {
  return `${vrf}|${formatPrefix(prefix)}|${source}`;
}

/** A prefix as one exact number: its address × 64 + its length. */
function prefixId(p: Prefix): number {
  return (p.addr >>> 0) * 64 + p.len;
}

export class BgpOrigination {
  /** What is originated now, so a change withdraws exactly what no longer holds. */
  private readonly current = new Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>();
  /** How many of `current` each prefix has, by VRF and prefix (address × 64 + length): a
   * route leaving the IP RIB (100,000s when a neighbor goes down) is passed over unless
   * something was originated for its prefix. */
  private readonly originatedAt = new Map<string, Map<number, number>>();
  private bgp: BgpConfig | undefined;
  /** Each VRF's family ("" = global), looked up once per config: asked once per best-path
   * change, where naming the family (`ipv4 vrf X`) would make a string every time. */
  private families = new Map<string, BgpAddressFamily>();
  private policy = new RoutePolicy({ routeMaps: {} });

  private recomputeScheduled = false;

  constructor(
    private readonly routing: IpRouting,
    private readonly rib: () => BgpRib | undefined,
    private readonly defer: (fn: () => void) => void,
  ) {}

  /** The config changed: recompute everything. */
  configure(bgp: BgpConfig | undefined, policy: RoutePolicy): void {
    this.bgp = bgp;
    this.families = new Map();
    for (const [name, f] of Object.entries(bgp?.addressFamilies ?? {})) {
      if (name === "ipv4") this.families.set("", f);
      else if (name.startsWith("ipv4 vrf ")) this.families.set(name.slice("ipv4 vrf ".length), f);
    }
    this.policy = policy;
    this.recompute();
  }

  /** The family of a VRF ("" = global) BGP originates for, if configured. */
  private family(vrf: string): BgpAddressFamily | undefined {
    return this.families.get(vrf);
  }

  recompute(): void {
    const want = new Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>();
    const bgp = this.bgp;
    if (bgp !== undefined) {
      for (const f of Object.values(bgp.addressFamilies)) {
        if (f.afi !== "ipv4") continue;
        const vrf = f.vrf ?? "";
        // In address order: labels are allocated as routes are offered, and IOS hands them out
        // in that order (the source document's hub: 0.0.0.0 gets 18, 192.168.110.0 gets 19).
        for (const r of this.routing.rib.routes(vrf === "" ? undefined : vrf)) this.offer(want, vrf, f, r);
        for (const n of f.networks) {
          const installed = this.routing.rib.installed(vrf === "" ? undefined : vrf, n.prefix);
          const attrs = installed === undefined ? undefined : this.networkAttrs(n.routeMap, installed);
          if (attrs !== undefined) want.set(key(vrf, n.prefix, "network"), { vrf, prefix: n.prefix, source: "network", attrs });
        }
        for (const a of f.aggregates ?? []) {
          // A more specific route in BGP's table, or one about to be originated here.
          const below = [...want.values()].some((w) => w.vrf === vrf && w.source !== "aggregate" && w.prefix.len > a.prefix.len && ((w.prefix.addr ^ a.prefix.addr) & maskOf(a.prefix.len)) === 0);
          const parts = this.components(vrf, a.prefix);
          if (!below && parts === undefined) continue;
          want.set(key(vrf, a.prefix, "aggregate"), { vrf, prefix: a.prefix, source: "aggregate", attrs: aggregateAttrs(a.asSet, parts, below) });
        }
      }
    }
    this.apply(want);
  }

  /** One IP RIB change: the prefix's redistribution and network statements are looked at again. */
  routeChanged(vrf: string, prefix: Prefix, installed: InstalledRoute | undefined): void {
    // BGP's own routes first: a full table is 100,000s of changes, each asking only this.
    if (installed?.route.protocol === "bgp") return;
    const f = this.family(vrf);
    const rib = this.rib();
    if (f === undefined || rib === undefined) return;
    // Gone from the IP RIB with nothing originated for it: only aggregates may care.
    if (installed === undefined && this.originatedAt.get(vrf)?.has(prefixId(prefix)) !== true) {
      if ((f.aggregates ?? []).length > 0) this.recompute();
      return;
    }
    const want = new Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>();
    if (installed) this.offer(want, vrf, f, installed);
    const network = installed && f.networks.find((n) => n.prefix.addr === prefix.addr && n.prefix.len === prefix.len);
    const networkAttrs = network ? this.networkAttrs(network.routeMap, installed) : undefined;
    if (networkAttrs !== undefined) want.set(key(vrf, prefix, "network"), { vrf, prefix, source: "network", attrs: networkAttrs });
    const sources: LocalSource[] = ["redistribute-connected", "redistribute-static", "default", "network"];
    for (const source of sources) {
      const k = key(vrf, prefix, source);
      const w = want.get(k);
      const had = this.current.get(k);
      if (w === undefined && had !== undefined) {
        this.forget(k, had);
        rib.withdrawLocal(vrf, prefix, source);
      } else if (w !== undefined && (had === undefined || !sameAttrs(had.attrs, w.attrs))) {
        this.remember(k, w);
        rib.originate(vrf, prefix, source, w.attrs);
      }
    }
    // Aggregates depend on what lies beneath them.
    if ((f.aggregates ?? []).length > 0) this.recompute();
  }

  /** A route of the IP RIB, offered by `redistribute connected|static` (and the default rule). */
  private offer(want: Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>, vrf: string, f: BgpAddressFamily, r: InstalledRoute): void {
    const route = r.route;
    const prefix = r.prefix;
    const which = route.protocol === "connected" ? f.redistribute.connected : route.protocol === "static" ? f.redistribute.static : undefined;
    if (which === undefined) return;
    let med = route.metric;
    let localPref: number | undefined;
    let weight: number | undefined;
    let origin: 0 | 1 | 2 = ORIGIN_INCOMPLETE;
    let communities: readonly number[] | undefined;
    if (which.routeMap !== undefined) {
      const v = this.policy.evaluate(which.routeMap, { prefix, tag: route.tag, interface: r.paths[0]?.interface.name, metric: route.metric, protocol: route.protocol === "connected" ? "connected" : "static" });
      if (!v.permit) return;
      if (v.set.metric !== undefined) med = v.set.metric;
      localPref = v.set.localPreference;
      weight = v.set.weight;
      if (v.set.origin !== undefined) origin = v.set.origin === "igp" ? 0 : v.set.origin === "egp" ? 1 : 2;
      if (v.set.community !== undefined && v.set.community !== "none") communities = v.set.community.values;
    }
    const isDefault = prefix.len === 0;
    if (isDefault && !f.defaultInformationOriginate) return;
    const source: LocalSource = isDefault ? "default" : route.protocol === "connected" ? "redistribute-connected" : "redistribute-static";
    const nextHop = route.protocol === "static" && r.paths[0]?.nextHop !== undefined && r.kind === "forward" ? r.paths[0].nextHop : NO_NEXT_HOP;
    const attrs: LocalAttrs = { origin, med, nextHop, ...(localPref !== undefined ? { localPref } : {}), ...(weight !== undefined ? { weight } : {}), ...(communities !== undefined ? { communities } : {}) };
    want.set(key(vrf, prefix, source), { vrf, prefix, source, attrs });
  }

  /** `network A mask M [route-map X]`: IGP origin and the route's metric, through the
   * route-map's set clauses when one is named (a deny, or a missing map, originates nothing). */
  private networkAttrs(routeMap: string | undefined, r: InstalledRoute): LocalAttrs | undefined {
    const base: LocalAttrs = { origin: ORIGIN_IGP, med: 0, nextHop: NO_NEXT_HOP };
    if (routeMap === undefined) return base;
    const route = r.route;
    const protocol = route.protocol === "connected" || route.protocol === "static" || route.protocol === "bgp" ? route.protocol : undefined;
    const v = this.policy.evaluate(routeMap, { prefix: r.prefix, tag: route.tag, metric: route.metric, ...(protocol ? { protocol } : {}) });
    if (!v.permit) return undefined;
    const s = v.set;
    return {
      origin: s.origin === undefined ? ORIGIN_IGP : s.origin === "igp" ? 0 : s.origin === "egp" ? 1 : 2,
      med: s.metric ?? 0,
      nextHop: NO_NEXT_HOP,
      ...(s.localPreference !== undefined ? { localPref: s.localPreference } : {}),
      ...(s.weight !== undefined ? { weight: s.weight } : {}),
      ...(s.community !== undefined && s.community !== "none" ? { communities: s.community.values } : {}),
    };
  }

  /** The best paths of BGP's table strictly inside `p` (not aggregates themselves): their
   * AS numbers and worst origin, for `as-set`; undefined when there is none. */
  private components(vrf: string, p: Prefix): Components | undefined {
    const rib = this.rib();
    const table = rib === undefined ? undefined : vrf === "" ? rib.ipv4 : rib.vrfTable(vrf);
    if (table === undefined) return undefined;
    let found: Components | undefined;
    for (const d of table.dests()) {
      if (d.len <= p.len || ((d.addr ^ p.addr) & maskOf(p.len)) !== 0) continue;
      const best = d.best;
      if (best === undefined || best.source === "aggregate") continue;
      found ??= { asns: new Set(), origin: ORIGIN_IGP };
      for (const seg of best.attrs.asPath) for (const asn of seg.asns) found.asns.add(asn);
      if (best.attrs.origin > found.origin) found.origin = best.attrs.origin;
    }
    return found;
  }

  /** A best path changed in BGP's table: the aggregates above it are looked at again, after
   * the current task (one pass for a whole UPDATE). */
  bestChanged(vrf: string, p: Prefix): void {
    // Asked for every best-path change (100,000s for a full table): nothing made unless there are aggregates.
    const aggregates = this.family(vrf)?.aggregates;
    if (aggregates === undefined || aggregates.length === 0 || this.recomputeScheduled) return;
    const covering = aggregates.some((a) => p.len > a.prefix.len && ((p.addr ^ a.prefix.addr) & maskOf(a.prefix.len)) === 0);
    if (!covering) return;
    this.recomputeScheduled = true;
    this.defer(() => {
      this.recomputeScheduled = false;
      this.recompute();
    });
  }

  private apply(want: Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>): void {
    const rib = this.rib();
    if (rib === undefined) {
      this.reset();
      return;
    }
    for (const [k, had] of this.current) {
      if (want.has(k)) continue;
      this.forget(k, had);
      rib.withdrawLocal(had.vrf, had.prefix, had.source);
    }
    for (const [k, w] of want) {
      const had = this.current.get(k);
      if (had !== undefined && sameAttrs(had.attrs, w.attrs)) continue;
      this.remember(k, w);
      rib.originate(w.vrf, w.prefix, w.source, w.attrs);
    }
  }

  /** The RIB was made anew (`router bgp` came back): everything goes in again. */
  reset(): void {
    this.current.clear();
    this.originatedAt.clear();
  }

  private remember(k: string, w: { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }): void {
    const known = this.current.has(k);
    this.current.set(k, w);
    if (known) return;
    let byPrefix = this.originatedAt.get(w.vrf);
    if (byPrefix === undefined) this.originatedAt.set(w.vrf, (byPrefix = new Map()));
    const id = prefixId(w.prefix);
    byPrefix.set(id, (byPrefix.get(id) ?? 0) + 1);
  }

  private forget(k: string, had: { vrf: string; prefix: Prefix }): void {
    this.current.delete(k);
    const byPrefix = this.originatedAt.get(had.vrf);
    const id = prefixId(had.prefix);
    const n = byPrefix?.get(id) ?? 0;
    if (n > 1) byPrefix!.set(id, n - 1);
    else byPrefix?.delete(id);
  }
}

interface Components {
  readonly asns: Set<number>;
  origin: 0 | 1 | 2;
}

/** An aggregate's own attributes. IOS: IGP origin and an empty path with ATOMIC_AGGREGATE;
 * with `as-set`, the AS numbers of the paths beneath it as an AS_SET and their worst origin
 * (an incomplete one makes it incomplete), without ATOMIC_AGGREGATE (RFC 4271 §9.2.2.2). */
function aggregateAttrs(asSet: boolean, parts: Components | undefined, localBelow: boolean): LocalAttrs {
  if (!asSet) return { origin: ORIGIN_IGP, nextHop: NO_NEXT_HOP };
  const origin = Math.max(parts?.origin ?? ORIGIN_IGP, localBelow ? ORIGIN_INCOMPLETE : ORIGIN_IGP) as 0 | 1 | 2;
  return { origin, nextHop: NO_NEXT_HOP, asSet: [...(parts?.asns ?? [])].sort((x, y) => x - y) };
}

function sameAttrs(a: LocalAttrs, b: LocalAttrs): boolean {
  return (
    a.origin === b.origin &&
    a.med === b.med &&
    a.localPref === b.localPref &&
    a.weight === b.weight &&
    a.nextHop === b.nextHop &&
    (a.communities ?? []).join() === (b.communities ?? []).join() &&
    (a.asSet ?? []).join() === (b.asSet ?? []).join()
  );
}
