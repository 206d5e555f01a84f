// Routes this router puts into BGP itself, per address family (`address-family ipv4` for the
// global table, `address-family ipv4 vrf X` for a VRF): `network A mask M` (when the IP RIB
// has exactly that prefix), `redistribute connected|static [route-map M]`, the default route
// only with `default-information originate` (IOS refuses to redistribute 0.0.0.0/0
// otherwise), and `aggregate-address` (while a more specific route is in BGP's table).
// The IP RIB is watched: a route that comes or goes is offered or withdrawn at once.
import type { BgpAddressFamily, BgpConfig } from "../config/model/bgp";
import type { PrefixListEntry, RouteMapEntry } from "../config/model/routing";
import type { IpRouting } from "../routing/ip-routing";
import type { InstalledRoute } from "../routing/rib";
import { evaluateRouteMap } from "../routing/route-map";
import { formatPrefix, maskOf, type Ipv4, type Prefix } from "../wire/addr";
import type { BgpRib, LocalAttrs, LocalSource } from "./rib";

const ORIGIN_IGP = 0;
const ORIGIN_INCOMPLETE = 2;
const NO_NEXT_HOP = 0 as Ipv4;

/** A key for one originated route: VRF, prefix, source. */
function key(vrf: string, prefix: Prefix, source: LocalSource): string {
  return `${vrf}|${formatPrefix(prefix)}|${source}`;
}

export class BgpOrigination {
  /** What is originated now, so a change withdraws exactly what no longer holds. */
  private readonly current = new Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>();
  private bgp: BgpConfig | undefined;
  private routeMaps: Readonly<Record<string, readonly RouteMapEntry[]>> = {};
  private prefixLists: Readonly<Record<string, readonly PrefixListEntry[]>> = {};

  constructor(
    private readonly routing: IpRouting,
    private readonly rib: () => BgpRib | undefined,
  ) {}

  /** The config changed: recompute everything. */
  configure(bgp: BgpConfig | undefined, routeMaps: Readonly<Record<string, readonly RouteMapEntry[]>>, prefixLists: Readonly<Record<string, readonly PrefixListEntry[]>> = {}): void {
    this.bgp = bgp;
    this.routeMaps = routeMaps;
    this.prefixLists = prefixLists;
    this.recompute();
  }

  /** The family of a VRF ("" = global) BGP originates for, if configured. */
  private family(vrf: string): BgpAddressFamily | undefined {
    return this.bgp?.addressFamilies[vrf === "" ? "ipv4" : `ipv4 vrf ${vrf}`];
  }

  recompute(): void {
    const want = new Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>();
    const bgp = this.bgp;
    if (bgp !== undefined) {
      for (const f of Object.values(bgp.addressFamilies)) {
        if (f.afi !== "ipv4") continue;
        const vrf = f.vrf ?? "";
        for (const r of this.routing.rib.routes(vrf === "" ? undefined : vrf)) this.offer(want, vrf, f, r);
        for (const n of f.networks) {
          if (this.routing.rib.installed(vrf === "" ? undefined : vrf, n.prefix) === undefined) continue;
          want.set(key(vrf, n.prefix, "network"), { vrf, prefix: n.prefix, source: "network", attrs: { origin: ORIGIN_IGP, med: 0, nextHop: NO_NEXT_HOP } });
        }
        for (const a of f.aggregates ?? []) {
          // A more specific route in BGP's table, or one about to be originated here.
          const below = [...want.values()].some((w) => w.vrf === vrf && w.source !== "aggregate" && w.prefix.len > a.prefix.len && ((w.prefix.addr ^ a.prefix.addr) & maskOf(a.prefix.len)) === 0);
          if (!below && !this.hasMoreSpecific(vrf, a.prefix)) continue;
          want.set(key(vrf, a.prefix, "aggregate"), { vrf, prefix: a.prefix, source: "aggregate", attrs: { origin: ORIGIN_IGP, nextHop: NO_NEXT_HOP } });
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
    const want = new Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>();
    if (installed) this.offer(want, vrf, f, installed);
    if (installed && f.networks.some((n) => n.prefix.addr === prefix.addr && n.prefix.len === prefix.len)) {
      want.set(key(vrf, prefix, "network"), { vrf, prefix, source: "network", attrs: { origin: ORIGIN_IGP, med: 0, nextHop: NO_NEXT_HOP } });
    }
    const sources: LocalSource[] = ["redistribute-connected", "redistribute-static", "default", "network"];
    for (const source of sources) {
      const k = key(vrf, prefix, source);
      const w = want.get(k);
      const had = this.current.get(k);
      if (w === undefined && had !== undefined) {
        this.current.delete(k);
        rib.withdrawLocal(vrf, prefix, source);
      } else if (w !== undefined && (had === undefined || !sameAttrs(had.attrs, w.attrs))) {
        this.current.set(k, w);
        rib.originate(vrf, prefix, source, w.attrs);
      }
    }
    // Aggregates depend on what lies beneath them.
    if ((f.aggregates ?? []).length > 0) this.recompute();
  }

  /** A route of the IP RIB, offered by `redistribute connected|static` (and the default rule). */
  private offer(want: Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>, vrf: string, f: BgpAddressFamily, r: InstalledRoute): void {
    const route = r.route;
    const prefix = route.prefix;
    const which = route.protocol === "connected" ? f.redistribute.connected : route.protocol === "static" ? f.redistribute.static : undefined;
    if (which === undefined) return;
    let med = route.metric;
    let localPref: number | undefined;
    let weight: number | undefined;
    if (which.routeMap !== undefined) {
      const v = evaluateRouteMap(this.routeMaps, which.routeMap, { prefix, tag: route.tag, interface: r.paths[0]?.interface.name }, this.prefixLists);
      if (!v.permit) return;
      if (v.set.metric !== undefined) med = v.set.metric;
      localPref = v.set.localPreference;
      weight = v.set.weight;
    }
    const isDefault = prefix.len === 0;
    if (isDefault && !f.defaultInformationOriginate) return;
    const source: LocalSource = isDefault ? "default" : route.protocol === "connected" ? "redistribute-connected" : "redistribute-static";
    const nextHop = route.protocol === "static" && r.paths[0]?.nextHop !== undefined && r.kind === "forward" ? r.paths[0].nextHop : NO_NEXT_HOP;
    const attrs: LocalAttrs = { origin: ORIGIN_INCOMPLETE, med, nextHop, ...(localPref !== undefined ? { localPref } : {}), ...(weight !== undefined ? { weight } : {}) };
    want.set(key(vrf, prefix, source), { vrf, prefix, source, attrs });
  }

  private hasMoreSpecific(vrf: string, p: Prefix): boolean {
    const rib = this.rib();
    const table = rib === undefined ? undefined : vrf === "" ? rib.ipv4 : rib.vrfTable(vrf);
    if (table === undefined) return false;
    for (const d of table.dests()) {
      if (d.len > p.len && ((d.addr ^ p.addr) & maskOf(p.len)) === 0 && d.paths.some((x) => x.source !== "aggregate")) return true;
    }
    return false;
  }

  private apply(want: Map<string, { vrf: string; prefix: Prefix; source: LocalSource; attrs: LocalAttrs }>): void {
    const rib = this.rib();
    if (rib === undefined) {
      this.current.clear();
      return;
    }
    for (const [k, had] of this.current) {
      if (want.has(k)) continue;
      this.current.delete(k);
      rib.withdrawLocal(had.vrf, had.prefix, had.source);
    }
    for (const [k, w] of want) {
      const had = this.current.get(k);
      if (had !== undefined && sameAttrs(had.attrs, w.attrs)) continue;
      this.current.set(k, w);
      rib.originate(w.vrf, w.prefix, w.source, w.attrs);
    }
  }

  /** The RIB was made anew (`router bgp` came back): everything goes in again. */
  reset(): void {
    this.current.clear();
  }
}

function sameAttrs(a: LocalAttrs, b: LocalAttrs): boolean {
  return a.origin === b.origin && a.med === b.med && a.localPref === b.localPref && a.weight === b.weight && a.nextHop === b.nextHop;
}
