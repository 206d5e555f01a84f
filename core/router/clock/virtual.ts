// Virtual time for the simulation harness: timers sit in a binary heap ordered by due time,
// then by the order they were set, so runs are deterministic. Advancing time fires each due
// timer in order with now() set to its due time; deferred work runs before time moves on.
import type { Clock, Timer } from "./clock";

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
  periodMs: number; // 0 for one-shot
  fired: boolean;
}

export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private heap: Entry[] = [];
  private deferred: (() => void)[] = [];
  private deferredHead = 0;
  private live = 0;
  private liveOneShots = 0;

  /** Starts at `startMs` (default 2026-11-28 00:00:00 UTC, so shown dates look real). */
  constructor(startMs = Date.UTC(2026, 10, 28)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  after(delayMs: number, fn: () => void): Timer {
    return this.schedule(Math.max(0, delayMs), fn, 0);
  }

  every(periodMs: number, fn: () => void): Timer {
    const period = Math.max(1, periodMs);
    return this.schedule(period, fn, period);
  }

  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Timers still waiting (cancelled ones excluded), plus deferred work. */
  pending(): number {
    return this.live + this.deferred.length - this.deferredHead;
  }

  /** Whether deferred work is waiting (it runs before time moves on). */
  hasDeferred(): boolean {
    return this.deferredHead < this.deferred.length;
  }

  /** Due time of the next live timer, or undefined when none is set. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.heap.length ? this.heap[0].due : undefined;
  }

  /** Runs deferred work until none is left (work may defer more work). */
  runDeferred(): void {
    while (this.deferredHead < this.deferred.length) {
      const fn = this.deferred[this.deferredHead++];
      fn();
    }
    this.deferred.length = 0;
    this.deferredHead = 0;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.runUntil(this.current + Math.max(0, ms));
  }

  /** Fires timers up to and including `endMs`, then leaves now() at `endMs`. */
  runUntil(endMs: number): void {
    this.runDeferred();
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.due > endMs) break;
      this.pop();
      this.current = Math.max(this.current, top.due);
      if (top.periodMs > 0) {
        top.due += top.periodMs;
        top.seq = this.seq++;
        this.push(top);
      } else {
        this.live--;
        this.liveOneShots--;
        top.fired = true;
      }
      top.fn();
      this.runDeferred();
    }
    if (endMs > this.current) this.current = endMs;
  }

  /**
   * Runs until nothing is pending except periodic timers, or until `limitMs` of virtual time
   * has passed. Returns the virtual milliseconds that elapsed. Periodic timers (keepalives)
   * never make a network "unsettled" on their own, so they are not waited for.
   */
  settle(limitMs: number): number {
    const start = this.current;
    const end = start + limitMs;
    this.runDeferred();
    for (;;) {
      this.dropCancelled();
      if (this.liveOneShots === 0) break;
      const top = this.heap[0];
      if (top.due > end) break;
      this.runUntil(top.due);
    }
    return this.current - start;
  }

  private schedule(delayMs: number, fn: () => void, periodMs: number): Timer {
    const entry: Entry = { due: this.current + delayMs, seq: this.seq++, fn, cancelled: false, periodMs, fired: false };
    this.push(entry);
    this.live++;
    if (periodMs === 0) this.liveOneShots++;
    return {
      cancel: () => {
        if (entry.cancelled || (entry.periodMs === 0 && entry.fired)) return;
        entry.cancelled = true;
        this.live--;
        if (entry.periodMs === 0) this.liveOneShots--;
      },
    };
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
