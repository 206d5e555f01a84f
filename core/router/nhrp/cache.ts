// The NHRP cache of one router: entries by (VRF, prefix, interface), each with its own
// expiry timer. The engine (subsystem.ts and the files it binds) decides what goes in and
// what an expiry means; the cache keeps the entries, their timers and the order `show ip
// nhrp` lists them in.
import type { Clock, Timer } from "../clock/clock";
import { formatPrefix, type Ipv4, type Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import type { Vrf } from "../net/vrf";
import type { NhrpCacheEntry, NhrpEntryType, NhrpFlag } from "./types";

/** A cache entry as the engine keeps it: the shown fields, and what it holds. */
export interface NhrpEntry extends NhrpCacheEntry {
  type: NhrpEntryType;
  flags: NhrpFlag[];
  nbma: Ipv4 | undefined;
  via: Ipv4;
  expiresAt: number | undefined;
  label?: Label;
  cacheHits: number;
  /** The interface's output data packets (NHRP's own not counted) at the last look at
   * usage: more since then means the shortcut is in use. */
  usedMark: number;
  /** When the last look at usage began (router clock, ms). */
  usedWindowStart?: number;
  /** A peer's entry on a multipoint tunnel: when its NBMA address was last looked up to send
   * data (not NHRP's own packets). */
  lastUsed?: number;
  /** The address the resolution asked for (a refresh asks for it again). */
  target?: Ipv4;
  /** The MFI label this entry holds for NHRP (a local entry answering for a VRF prefix). */
  heldLabel?: { readonly vrf: string; readonly prefix: Prefix };
  /** The route the entry put in the RIB, to withdraw with it. */
  route?: { readonly vrf: string; readonly prefix: Prefix; readonly instance: string };
  timer?: Timer;
}

/** The VRF an entry belongs to, as the cache keys it: its name, "" for global. */
export const vrfKey = (vrf: Vrf): string => vrf.name;
/** The RIB's VRF argument for a cache VRF key (undefined: global). */
export const ribVrf = (vrf: string): string | undefined => (vrf === "" ? undefined : vrf);

/** Something to do `beforeMs` ahead of an entry's expiry. */
export interface NhrpExpiryCheck {
  readonly beforeMs: number;
  readonly run: (entry: NhrpEntry) => void;
}

function keyOf(vrf: string, prefix: Prefix, iface: string): string {
  return `${vrf}\n${formatPrefix(prefix)}\n${iface}`;
}

export class NhrpCache {
  private readonly entries = new Map<string, NhrpEntry>();
  /** Host (/32) entries by interface, VRF and address: a multipoint tunnel looks its next hop
   * up here for every packet it sends, without building a key. */
  private readonly hosts = new Map<string, Map<string, Map<number, NhrpEntry>>>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  get(vrf: string, prefix: Prefix, iface: string): NhrpEntry | undefined {
    return this.entries.get(keyOf(vrf, prefix, iface));
  }

  /** Adds or replaces the entry for (vrf, prefix, interface); the old one's timer stops. */
  put(entry: NhrpEntry): NhrpEntry {
    const key = keyOf(entry.vrf, entry.prefix, entry.interface);
    const old = this.entries.get(key);
    old?.timer?.cancel();
    this.entries.set(key, entry);
    if (entry.prefix.len === 32) {
      let byVrf = this.hosts.get(entry.interface);
      if (!byVrf) this.hosts.set(entry.interface, (byVrf = new Map()));
      let byAddr = byVrf.get(entry.vrf);
      if (!byAddr) byVrf.set(entry.vrf, (byAddr = new Map()));
      byAddr.set(entry.prefix.addr, entry);
    }
    return entry;
  }

  /** The host entry for `addr` on `iface` in `vrf`: the data path's lookup. */
  host(iface: string, vrf: string, addr: number): NhrpEntry | undefined {
    return this.hosts.get(iface)?.get(vrf)?.get(addr);
  }

  /** Arms `entry`'s expiry (`expiresAt` set) to call `expire(entry)`; with `checks`, each
   * runs `beforeMs` ahead of it first, in order (IOS looks every minute at whether a shortcut
   * in its last two minutes was used, and refreshes it then). A check already past is
   * skipped; one that replaces or re-arms the entry ends the chain. */
  arm(entry: NhrpEntry, expire: (entry: NhrpEntry) => void, checks: readonly NhrpExpiryCheck[] = []): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    if (entry.expiresAt === undefined) return;
    const live = () => this.entries.get(keyOf(entry.vrf, entry.prefix, entry.interface)) === entry;
    const next = (from: number): void => {
      const now = this.clock.now();
      const expiresAt = entry.expiresAt!;
      let i = from;
      while (i < checks.length && expiresAt - checks[i].beforeMs <= now) i++;
      const check = checks[i];
      if (check === undefined) {
        entry.timer = this.clock.after(Math.max(0, expiresAt - now), () => {
          if (live()) expire(entry);
        });
        return;
      }
      const timer = this.clock.after(expiresAt - check.beforeMs - now, () => {
        if (!live()) return;
        check.run(entry);
        if (live() && entry.timer === timer) next(i + 1);
      });
      entry.timer = timer;
    };
    next(0);
  }

  remove(entry: NhrpEntry): boolean {
    const key = keyOf(entry.vrf, entry.prefix, entry.interface);
    if (this.entries.get(key) !== entry) return false;
    entry.timer?.cancel();
    this.entries.delete(key);
    if (entry.prefix.len === 32) this.hosts.get(entry.interface)?.get(entry.vrf)?.delete(entry.prefix.addr);
    return true;
  }

  /** The entries whose prefix contains `addr` in `vrf`, longest first. */
  covering(vrf: string, addr: number): NhrpEntry[] {
    const out: NhrpEntry[] = [];
    for (const e of this.entries.values()) {
      if (e.vrf !== vrf) continue;
      const mask = e.prefix.len === 0 ? 0 : (0xffffffff << (32 - e.prefix.len)) >>> 0;
      if (((addr ^ e.prefix.addr) & mask) >>> 0 === 0) out.push(e);
    }
    return out.sort((a, b) => b.prefix.len - a.prefix.len);
  }

  onInterface(iface: string): NhrpEntry[] {
    return [...this.entries.values()].filter((e) => e.interface === iface);
  }

  /** Every entry, as `show ip nhrp` lists them: by VRF, then address, then prefix length, then interface. */
  all(): NhrpEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.vrf < b.vrf ? -1 : a.vrf > b.vrf ? 1 : 0) || a.prefix.addr - b.prefix.addr || a.prefix.len - b.prefix.len || (a.interface < b.interface ? -1 : a.interface > b.interface ? 1 : 0));
  }

  clear(): void {
    for (const e of this.entries.values()) e.timer?.cancel();
    this.entries.clear();
    this.hosts.clear();
  }
}
