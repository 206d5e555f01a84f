// `show ip local pool [NAME]`: each `ip local pool` range with how many of its addresses are
// free and in use, and for one pool the addresses themselves. In use means leased to an IKEv2
// client through `crypto ikev2 authorization policy` → `pool` (subsystem.ts), so this lives
// with IKEv2, the only part of the router that hands pool addresses out.

import type { LocalPool } from "../config/model/routing";
import type { DeepReadonly } from "../config/model/router";
import { shortInterfaceName } from "../net/interface-names";
import { formatIpv4, type Ipv4 } from "../wire/addr";

/** One range of a pool. */
export interface LocalPoolRow {
  pool: string;
  begin: Ipv4;
  end: Ipv4;
  free: number;
  inUse: number;
}

/** A leased address and the interface of the session that holds it, when one does. */
export interface PoolLease {
  address: Ipv4;
  interfaceName?: string;
}

function inRange(a: Ipv4, begin: Ipv4, end: Ipv4): boolean {
  return a >>> 0 >= begin >>> 0 && a >>> 0 <= end >>> 0;
}

export function localPoolRows(pools: readonly DeepReadonly<LocalPool>[], leased: (pool: string) => ReadonlySet<Ipv4>): LocalPoolRow[] {
  const rows: LocalPoolRow[] = [];
  for (const p of pools) {
    const used = leased(p.name);
    for (const r of p.ranges) {
      const size = (r.end >>> 0) - (r.start >>> 0) + 1;
      let inUse = 0;
      for (const a of used) if (inRange(a, r.start, r.end)) inUse++;
      rows.push({ pool: p.name, begin: r.start, end: r.end, free: size - inUse, inUse });
    }
  }
  return rows;
}

const HEADER = " Pool                     Begin           End             Free  In use";

function rowLine(r: LocalPoolRow): string {
  return ` ${r.pool.padEnd(24)} ${formatIpv4(r.begin).padEnd(15)} ${formatIpv4(r.end).padEnd(15)}${String(r.free).padStart(5)}${String(r.inUse).padStart(8)}`;
}

/** `show ip local pool`: the header and one line per range. */
export function formatLocalPools(rows: readonly LocalPoolRow[]): string {
  return [HEADER, ...rows.map(rowLine)].join("\n");
}

/** `show ip local pool NAME`: its ranges, then every free address and every leased one with
 * the (short) name of the interface its session uses. */
export function formatLocalPoolDetail(pool: DeepReadonly<LocalPool>, rows: readonly LocalPoolRow[], leases: readonly PoolLease[]): string {
  const lines = [HEADER, ...rows.map(rowLine), "Available addresses:"];
  const used = new Set(leases.map((l) => l.address));
  for (const r of pool.ranges) {
    for (let a = r.start >>> 0; a <= r.end >>> 0; a++) if (!used.has(a as Ipv4)) lines.push(`  ${formatIpv4(a as Ipv4)}`);
  }
  lines.push("Inuse addresses:");
  const sorted = [...leases].sort((x, y) => (x.address >>> 0) - (y.address >>> 0));
  if (!sorted.length) lines.push("  None");
  for (const l of sorted) lines.push(`  ${formatIpv4(l.address).padEnd(16)}${l.interfaceName ? shortInterfaceName(l.interfaceName) : ""}`.trimEnd());
  return lines.join("\n");
}
