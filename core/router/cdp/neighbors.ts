// The CDP neighbor table: one entry per (local interface, device ID), as IOS keys it, holding
// the last advertisement heard and when its holdtime runs out. Each advertisement refreshes
// its entry and restarts the expiry timer on the router's clock (virtual in the harness).

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

export class CdpNeighborTable {
  private readonly entries = new Map<string, { neighbor: CdpNeighbor; timer: Timer }>();

  constructor(private readonly clock: Clock) {}

  private static key(localInterface: string, deviceId: string): string {
    return `${localInterface}\u0000${deviceId}`;
  }

  /** Records an advertisement; a TTL of 0 removes the entry (the sender is going away). */
  heard(localInterface: string, advertisement: CdpRepr, sourceMac: number): void {
    const deviceId = advertisement.deviceId ?? "";
    const key = CdpNeighborTable.key(localInterface, deviceId);
    const old = this.entries.get(key);
    old?.timer.cancel();
    if (advertisement.ttlSec === 0) {
      this.entries.delete(key);
      return;
    }
    const now = this.clock.now();
    const neighbor: CdpNeighbor = { localInterface, deviceId, advertisement, sourceMac, heardAtMs: now, expiresAtMs: now + advertisement.ttlSec * 1000 };
    const timer = this.clock.after(advertisement.ttlSec * 1000, () => {
      if (this.entries.get(key)?.neighbor === neighbor) this.entries.delete(key);
    });
    this.entries.set(key, { neighbor, timer });
  }

  /** Every entry, in the order first heard. */
  all(): CdpNeighbor[] {
    return [...this.entries.values()].map((e) => e.neighbor);
  }

  /** Forgets what was heard on one interface (it went down, or CDP was turned off on it). */
  forgetInterface(localInterface: string): void {
    for (const [key, e] of this.entries) {
      if (e.neighbor.localInterface !== localInterface) continue;
      e.timer.cancel();
      this.entries.delete(key);
    }
  }

  /** `clear cdp table`, `no cdp run`. */
  clear(): void {
    for (const e of this.entries.values()) e.timer.cancel();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
