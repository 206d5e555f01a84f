// The learning bridge's MAC table (IEEE 802.1D §8.7 learning, §8.8 filtering): a frame's
// source MAC is learnt on the port it came in on, and a frame for a learnt unicast MAC goes
// to that one port; group destinations and unknown ones are flooded. Entries age out after
// the ageing time (802.1D's default: 300 s), or never when there is none. The one table for
// both the simulation's memory hubs (io/memory.ts) and the process runtime's UDP bridges in
// the lab daemon (core/lab/bridge.ts, which may import this file). Per frame it allocates
// nothing: ports are small integers, MACs 48-bit numbers.
import type { Mac } from "../wire/addr";
import { ethernetDst, ethernetDstIsGroup, ethernetSrc, ethernetSrcIsGroup } from "../wire/ethernet";

/** 802.1D's default ageing time. */
export const DEFAULT_AGEING_MS = 300_000;
/** Entries a table holds; past it, new sources are not learnt (and frames to them flood), as a full CAM does. */
export const DEFAULT_MAC_TABLE_CAPACITY = 8192;
/** `destination`'s answer for a frame every other port gets. */
export const FLOOD = -1;

export interface MacTableOptions {
  /** How long an entry lives without a frame from its MAC; Infinity (the default) never ages. */
  readonly ageingMs?: number;
  /** The time in ms, for ageing: the router's clock or the host's. Needed when `ageingMs` is finite. */
  readonly now?: () => number;
  readonly capacity?: number;
}

export class MacTable {
  private readonly ports = new Map<Mac, number>();
  /** When each MAC was last seen; kept only when entries age. */
  private readonly seenMs: Map<Mac, number> | undefined;
  private readonly ageingMs: number;
  private readonly now: () => number;
  private readonly capacity: number;
  private lastSweepMs = -Infinity;

  constructor(options: MacTableOptions = {}) {
    this.ageingMs = options.ageingMs ?? Infinity;
    if (!(this.ageingMs > 0)) throw new RangeError(`ageingMs must be positive, not ${this.ageingMs}`);
    const ages = Number.isFinite(this.ageingMs);
    if (ages && options.now === undefined) throw new TypeError("MacTable: a finite ageingMs needs a now() to age by");
    this.now = options.now ?? (() => 0);
    this.seenMs = ages ? new Map() : undefined;
    this.capacity = options.capacity ?? DEFAULT_MAC_TABLE_CAPACITY;
  }

  /** Learns the source of the frame whose Ethernet header is at `offset`, seen on `port`. Never a group address. */
  learn(frame: Uint8Array, offset: number, port: number): void {
    if (ethernetSrcIsGroup(frame, offset)) return;
    const mac = ethernetSrc(frame, offset);
    if (this.ports.size >= this.capacity && !this.ports.has(mac) && !this.sweepAged()) return;
    this.ports.set(mac, port);
    this.seenMs?.set(mac, this.now());
  }

  /** The port the frame's destination was learnt on, or FLOOD (a group address, unknown, or aged out). */
  destination(frame: Uint8Array, offset: number): number {
    if (ethernetDstIsGroup(frame, offset)) return FLOOD;
    const mac = ethernetDst(frame, offset);
    const port = this.ports.get(mac);
    const seenMs = this.seenMs;
    if (port === undefined || seenMs === undefined) return port ?? FLOOD;
    if (this.now() - (seenMs.get(mac) as number) > this.ageingMs) {
      this.ports.delete(mac);
      seenMs.delete(mac);
      return FLOOD;
    }
    return port;
  }

  /**
   * A full table drops its aged entries to make room; at most once per tenth of the ageing
   * time, so a flood of new sources costs one pass per interval, not one per frame.
   * Returns whether there is room now.
   */
  private sweepAged(): boolean {
    const seenMs = this.seenMs;
    if (seenMs === undefined) return false;
    const now = this.now();
    if (now - this.lastSweepMs < this.ageingMs / 10) return false;
    this.lastSweepMs = now;
    for (const [mac, seen] of seenMs) {
      if (now - seen <= this.ageingMs) continue;
      seenMs.delete(mac);
      this.ports.delete(mac);
    }
    return this.ports.size < this.capacity;
  }

  /** Forgets what was learnt on one port (it went down, or its node restarted with other MACs). */
  flushPort(port: number): void {
    for (const [mac, p] of this.ports) {
      if (p !== port) continue;
      this.ports.delete(mac);
      this.seenMs?.delete(mac);
    }
  }

  /** The entries as (MAC, port) pairs, aged ones included until a lookup drops them. */
  entries(): IterableIterator<[Mac, number]> {
    return this.ports.entries();
  }

  get size(): number {
    return this.ports.size;
  }
}
