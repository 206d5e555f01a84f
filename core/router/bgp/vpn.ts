// The BGP RIB's VRFs: which VPNv4 table is each VRF's (by its RD), which VRFs import what
// (their import route targets), a config change re-homing, re-importing and re-exporting
// routes when a VRF's RD or targets change, and VPN import itself. A VPNv4 path whose route
// targets meet a VRF's import targets is imported into the VRF's RD table (IOS: "imported
// path from 65000:1:10.0.0.0/24"), unless it already is in that table (same RD). Imported
// paths are never advertised to VPNv4 peers. Functions of BgpRib (`this` is the RIB), bound
// in rib.ts.

import { writeRouteDistinguisher, type RouteDistinguisher } from "../wire/bgp-nlri";
import { readU16, readU32 } from "../wire/bytes";
import { routeTargetKey } from "./attrs";
import type { Dest, Multipath, Path, Table } from "./bestpath";
import type { Attrs } from "./attrs";
import type { BgpRibConfig, BgpVrfConfig } from "./types";
import type { BgpRib } from "./rib";

export function rdParts(rd: RouteDistinguisher): [number, number, number] {
  const b = new Uint8Array(8);
  writeRouteDistinguisher(b, 0, rd);
  return [readU16(b, 0), readU16(b, 2), readU32(b, 4)];
}

function sameVrf(a: BgpVrfConfig | undefined, b: BgpVrfConfig | undefined, field: "importRts" | "exportRts"): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (rdParts(a.rd).join(":") !== rdParts(b.rd).join(":")) return false;
  const ka = a[field].map(routeTargetKey).sort().join(",");
  const kb = b[field].map(routeTargetKey).sort().join(",");
  return ka === kb;
}

/** A table's multipath counts (bestpath.ts's Multipath) as IOS scopes them: the global
 * family's for the global table, `address-family ipv4 vrf X`'s for X's table; a VPNv4 table
 * of no local VRF selects one best path. `maximum-paths eibgp N` (N > 1) stands alone: the
 * config refuses it beside the other two. */
const SINGLE: Multipath = { ebgp: 1, ibgp: 1, eibgp: 1 };

export function multipathOf(config: BgpRibConfig, table: Table): Multipath {
  const vrf = table.vrf;
  if (vrf === undefined) return SINGLE;
  const v: { readonly maximumPaths?: number; readonly maximumPathsIbgp?: number; readonly maximumPathsEibgp?: number } | undefined = vrf === "" ? config : config.vrfs.get(vrf);
  if (v === undefined) return SINGLE;
  const eibgp = v.maximumPathsEibgp ?? 1;
  if (eibgp > 1) return { ebgp: 1, ibgp: 1, eibgp };
  const ebgp = v.maximumPaths ?? 1;
  const ibgp = v.maximumPathsIbgp ?? 1;
  return ebgp === 1 && ibgp === 1 ? SINGLE : { ebgp, ibgp, eibgp: 1 };
}

function multipathKey(config: BgpRibConfig): string {
  const vrfs = [...config.vrfs].map(([n, v]) => `${n}=${v.maximumPaths ?? 1}/${v.maximumPathsIbgp ?? 1}/${v.maximumPathsEibgp ?? 1}`);
  return `${config.maximumPaths}/${config.maximumPathsIbgp ?? 1}/${config.maximumPathsEibgp ?? 1} ${vrfs.join(" ")}`;
}

/** A VRF as VPN import sees it. */
export interface VrfImporter {
  readonly name: string;
  readonly table: Table;
  readonly rts: ReadonlySet<number>;
}

export function setConfig(this: BgpRib, config: BgpRibConfig): void {
  const prev = this.config;
  this.config = config;
  Object.assign(this.ctx, { routerId: config.routerId });
  if (multipathKey(prev) !== multipathKey(config) || prev.routerId !== config.routerId) this.markAll(() => true);
  const names = new Set([...prev.vrfs.keys(), ...config.vrfs.keys()]);
  const importChanged = new Set<string>();
  const rdChanged = new Set<string>();
  const exportChanged = new Set<string>();
  for (const n of names) {
    const a = prev.vrfs.get(n);
    const b = config.vrfs.get(n);
    if (a === undefined || b === undefined || rdParts(a.rd).join(":") !== rdParts(b.rd).join(":")) rdChanged.add(n);
    if (!sameVrf(a, b, "importRts")) importChanged.add(n);
    if (!sameVrf(a, b, "exportRts")) exportChanged.add(n);
  }
  if (importChanged.size === 0 && rdChanged.size === 0 && exportChanged.size === 0) {
    this.flush();
    return;
  }
  // Out with the old: copies imported into VRFs whose targets or RD changed, and the own
  // routes of VRFs whose RD changed (IOS requires removing the RD first; the speaker
  // resets their VRF neighbors).
  for (const n of importChanged) {
    const table = this.vrfTables.get(n);
    if (table) for (const d of table.dests()) for (const p of d.paths) if (p.dest !== d) this.unimportFrom(p, d);
  }
  for (const n of rdChanged) {
    const table = this.vrfTables.get(n);
    if (table) for (const d of table.dests()) for (const p of d.paths) if (p.dest === d && p.vrfSourced) this.removePath(p);
  }
  this.flush();
  for (const n of rdChanged) {
    const table = this.vrfTables.get(n);
    if (table) this.retire(table, n);
  }
  this.applyVrfs(rdChanged);
  for (const n of rdChanged) {
    // A table that becomes a VRF's may already hold routes (other PEs' with this RD):
    // select them afresh so the VRF's routing table hears of them.
    const table = this.vrfTables.get(n);
    if (!table) continue;
    for (const d of table.dests()) {
      d.best = undefined;
      d.multipaths = undefined;
      this.markDirty(d);
    }
  }
  for (const n of exportChanged) {
    if (rdChanged.has(n)) continue;
    const table = this.vrfTables.get(n);
    if (!table) continue;
    for (const d of table.dests()) {
      for (const p of d.paths) {
        if (p.dest !== d || !p.vrfSourced) continue;
        if (p.source !== undefined) {
          const entry = this.locals.get(n)?.get(d.len * 4294967296 + d.addr)?.get(p.source);
          if (entry) this.replaceAttrs(p, this.localAttrs(n, p.source, entry.attrs), p.weight);
        } else if (p.from) {
          this.replaceAttrs(p, this.withExportRts(p.raw ?? p.attrs, n), p.weight);
        }
      }
    }
  }
  const into = new Set([...importChanged].filter((n) => this.vrfTables.has(n)));
  if (into.size > 0) {
    for (const table of this.rdTables.values()) {
      for (const d of table.dests()) for (const p of d.paths) if (p.dest === d) this.importPath(p, into);
    }
  }
  this.flush();
}

/** A table stops being `vrf`'s (its RD changed or the VRF went): what it still holds
 * (other PEs' routes with that RD) leaves the VRF's routing table and gives back its labels;
 * selection runs again once it is a plain VPNv4 table. */
export function retire(this: BgpRib, table: Table, vrf: string): void {
  for (const d of table.dests()) {
    if (d.localLabel !== undefined) {
      this.hooks.releaseLabel(vrf, d, d.localLabelAggregate);
      d.localLabel = undefined;
    }
    if (d.best !== undefined) {
      this.hooks.bestChanged(vrf, d, undefined);
      d.best = undefined;
      d.multipaths = undefined;
      this.markDirty(d);
    }
  }
}

/** Marks VRF tables and importers from the config; installs the originated routes of
 * the VRFs named in `installFor`. */
export function applyVrfs(this: BgpRib, installFor: ReadonlySet<string>): void {
  for (const t of this.rdTables.values()) t.vrf = undefined;
  this.vrfTables.clear();
  const importers: VrfImporter[] = [];
  for (const [name, v] of this.config.vrfs) {
    const table = this.rdTable(v.rd);
    if (table.vrf !== undefined) continue; // two VRFs with one RD: IOS refuses the second
    table.vrf = name;
    this.vrfTables.set(name, table);
    const rts = new Set(v.importRts.map(routeTargetKey).filter((k) => k >= 0));
    if (rts.size > 0) importers.push({ name, table, rts });
  }
  this.importers = importers;
  this.importGeneration++;
  for (const name of installFor) {
    const byPrefix = this.locals.get(name);
    if (!byPrefix || !this.vrfTables.has(name)) continue;
    for (const bySource of byPrefix.values()) for (const [source, e] of bySource) this.installLocal(name, e.prefix, source, e.attrs);
  }
}

// --- VPN import ------------------------------------------------------------------------------

export function importTargets(this: BgpRib, attrs: Attrs): readonly VrfImporter[] {
  // Every route of an UPDATE has the same attrs: the last answer usually fits.
  const last = this.lastImport;
  if (last.attrs === attrs && last.generation === this.importGeneration) return last.into;
  const cached = this.importCache.get(attrs);
  if (cached !== undefined && cached.generation === this.importGeneration) {
    Object.assign(last, { attrs, generation: cached.generation, into: cached.into });
    return cached.into;
  }
  const into = attrs.rts.length === 0 ? [] : this.importers.filter((v) => attrs.rts.some((rt) => v.rts.has(rt)));
  this.importCache.set(attrs, { generation: this.importGeneration, into });
  Object.assign(last, { attrs, generation: this.importGeneration, into });
  return into;
}

/** Imports a VPNv4 path into every VRF whose import targets it carries (only those in
 * `only` when given), under the VRF's RD: the path object joins the VRF destination's
 * paths, so an import costs a destination, not a second path. */
export function importPath(this: BgpRib, p: Path, only: ReadonlySet<string> | undefined): void {
  const table = p.dest.table;
  if (table.family !== "vpnv4" || this.importers.length === 0) return;
  const into = this.importTargets(p.attrs);
  for (let i = 0; i < into.length; i++) {
    const v = into[i];
    if (v.table === table || (only !== undefined && !only.has(v.name))) continue;
    const d = v.table.dest(p.dest.addr, p.dest.len);
    if (d.has(p)) continue;
    const was = p.importedInto;
    p.importedInto = was === undefined ? d : Array.isArray(was) ? [...was, d] : [was, d];
    this.addPath(p, d);
  }
}

export function unimport(this: BgpRib, p: Path): void {
  const into = p.importedInto;
  if (into === undefined) return;
  p.importedInto = undefined;
  if (Array.isArray(into)) for (const d of into) this.dropPath(p, d);
  else this.dropPath(p, into);
}

/** Takes an imported path out of one VRF destination only. */
export function unimportFrom(this: BgpRib, p: Path, d: Dest): void {
  const rest = p.imports().filter((x) => x !== d);
  p.importedInto = rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
  this.dropPath(p, d);
}
