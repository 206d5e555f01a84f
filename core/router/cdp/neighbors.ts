// The CDP neighbor table: one entry per (local interface, device ID), as IOS keys it, holding
// the last advertisement heard and when its holdtime runs out. Each advertisement refreshes
// its entry. A once-a-second sweep on the router's clock (virtual in the harness) removes what
// has expired, as IOS's CDP process ages its cache; a periodic timer, not one per entry, so a
// quiet simulation still settles while neighbours are held.

import type { Clock, Timer } from "../clock/clock";
import type { CdpRepr } from "../wire/cdp";

export interface CdpNeighbor {
  /** Where we heard it: "Ethernet0/0". */
  readonly localInterface: string;
  readonly deviceId: string;
  /** The last advertisement, as parsed. */
  readonly advertisement: CdpRepr;
  /** The sender's MAC, for `Peer Source MAC`-style diagnostics. */
  readonly sourceMac: number;
  readonly heardAtMs: number;
  readonly expiresAtMs: number;
}

/** How often expired entries are swept. */
const SWEEP_MS = 1000;
/** Most entries kept: a flood of made-up device IDs cannot grow the table without end (the
 * refused ones count as `show cdp traffic`'s "No memory"). */
export const CDP_MAX_NEIGHBORS = 1024;

export class CdpNeighborTable {
  private readonly entries = new Map<string, CdpNeighbor>();
  private sweep: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = CDP_MAX_NEIGHBORS,
  ) {}

  private static key(localInterface: string, deviceId: string): string {
    return `${localInterface}\u0000${deviceId}`;
  }

  /** Records an advertisement; a TTL of 0 removes the entry (the sender is going away).
   * Returns false when a new neighbour found the table full. */
  heard(localInterface: string, advertisement: CdpRepr, sourceMac: number): boolean {
    const deviceId = advertisement.deviceId ?? "";
    const key = CdpNeighborTable.key(localInterface, deviceId);
    if (advertisement.ttlSec === 0) {
      this.entries.delete(key);
      this.stopSweepIfEmpty();
      return true;
    }
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) return false;
    const now = this.clock.now();
    this.entries.set(key, { localInterface, deviceId, advertisement, sourceMac, heardAtMs: now, expiresAtMs: now + advertisement.ttlSec * 1000 });
    this.sweep ??= this.clock.every(SWEEP_MS, () => this.expire());
    return true;
  }

  private expire(): void {
    const now = this.clock.now();
    for (const [key, n] of this.entries) if (n.expiresAtMs <= now) this.entries.delete(key);
    this.stopSweepIfEmpty();
  }

  private stopSweepIfEmpty(): void {
    if (this.entries.size > 0) return;
    this.sweep?.cancel();
    this.sweep = undefined;
  }

  /** Every entry, in the order first heard. */
  all(): CdpNeighbor[] {
    return [...this.entries.values()];
  }

  /** Forgets what was heard on one interface (it went down, or CDP was turned off on it). */
  forgetInterface(localInterface: string): void {
    for (const [key, n] of this.entries) if (n.localInterface === localInterface) this.entries.delete(key);
    this.stopSweepIfEmpty();
  }

  /** `clear cdp table`, `no cdp run`. */
  clear(): void {
    this.entries.clear();
    this.stopSweepIfEmpty();
  }

  get size(): number {
    return this.entries.size;
  }
}
