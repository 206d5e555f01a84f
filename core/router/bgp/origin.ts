// Locally originated routes in the BGP RIB (network, redistribute, aggregate,
// default-information; which ones is originate.ts): kept per VRF, prefix and source while the
// VRF has no table, installed as paths with the VRF's export targets. Functions of BgpRib
// (`this` is the RIB), bound in rib.ts.

import type { Prefix } from "../wire/addr";
import { AsPathSegmentType } from "../wire/bgp-aspath";
import type { Attrs } from "./attrs";
import { LOCAL_WEIGHT, newPath } from "./bestpath";
import type { LocalAttrs, LocalSource } from "./types";
import type { BgpRib } from "./rib";

export interface LocalEntry {
  readonly prefix: Prefix;
  readonly attrs: LocalAttrs;
}

/** A locally originated route (network, redistribute, aggregate, default-information) in
 * a VRF ("" = global). Originating it again replaces its attributes. */
export function originate(this: BgpRib, vrf: string, prefix: Prefix, source: LocalSource, attrs: LocalAttrs): void {
  const key = prefix.len * 4294967296 + prefix.addr;
  let byPrefix = this.locals.get(vrf);
  if (!byPrefix) this.locals.set(vrf, (byPrefix = new Map()));
  let bySource = byPrefix.get(key);
  if (!bySource) byPrefix.set(key, (bySource = new Map()));
  bySource.set(source, { prefix: { addr: prefix.addr, len: prefix.len }, attrs });
  this.installLocal(vrf, prefix, source, attrs);
  this.flush();
}

export function withdrawLocal(this: BgpRib, vrf: string, prefix: Prefix, source: LocalSource): void {
  const key = prefix.len * 4294967296 + prefix.addr;
  const bySource = this.locals.get(vrf)?.get(key);
  if (!bySource?.delete(source)) return;
  if (bySource.size === 0) this.locals.get(vrf)?.delete(key);
  const table = vrf === "" ? this.ipv4 : this.vrfTables.get(vrf);
  const d = table?.find(prefix.addr, prefix.len);
  const p = d?.paths.find((x) => x.source === source && x.dest === d);
  if (p) this.removePath(p);
  this.flush();
}

export function localAttrs(this: BgpRib, vrf: string, source: LocalSource, a: LocalAttrs): Attrs {
  const rts = vrf === "" ? undefined : this.config.vrfs.get(vrf)?.exportRts;
  const asSet = source === "aggregate" && a.asSet !== undefined;
  return this.attrTable.intern({
    origin: a.origin,
    asPath: asSet && a.asSet.length > 0 ? [{ type: AsPathSegmentType.AsSet, asns: a.asSet }] : [],
    nextHop: a.nextHop,
    ...(a.med !== undefined && { med: a.med }),
    ...(a.localPref !== undefined && { localPref: a.localPref }),
    ...(a.communities?.length && { communities: a.communities }),
    ...(rts?.length && { extCommunities: rts }),
    // An aggregate hides the paths it summarizes (RFC 4271 §5.1.6): ATOMIC_AGGREGATE unless
    // its AS_SET keeps their AS numbers.
    ...(source === "aggregate" && { ...(asSet ? {} : { atomicAggregate: true }), aggregator: { asn: this.config.localAs, address: this.config.routerId } }),
  });
}

export function installLocal(this: BgpRib, vrf: string, prefix: Prefix, source: LocalSource, a: LocalAttrs): void {
  const table = vrf === "" ? this.ipv4 : this.vrfTables.get(vrf);
  if (!table) return;
  const d = table.dest(prefix.addr, prefix.len);
  const attrs = this.localAttrs(vrf, source, a);
  const weight = a.weight ?? LOCAL_WEIGHT;
  const existing = d.paths.find((x) => x.source === source && x.dest === d);
  if (existing) {
    this.replaceAttrs(existing, attrs, weight);
    return;
  }
  const p = newPath(d, attrs, undefined, undefined, weight, source, ++this.stamp);
  this.addPath(p, d);
  this.importPath(p, undefined);
}
