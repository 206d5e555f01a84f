// Memory back to the system when a router process goes quiet. A lab runs many routers on one
// laptop, and each holds on to memory it no longer uses: V8 keeps the garbage of a burst
// (a full table arriving, a config paste) until its own memory reducer gets round to it,
// seconds later; glibc keeps every page freed in the middle of its heap — the compiler's
// zones from loading the router, Node's buffers — for reuse, and returns only the top of its
// main heap by itself. So the process samples its heap and, once it has changed by GROWTH_BYTES
// since the last pass and then held still for a sample, collects garbage (where Node runs with
// --expose-gc, as agents do) and trims the C heap (malloc_trim, through the packet-socket
// addon where it is built). The first pass is at the first quiet sample after start: an idle
// router just booted holds ~15 MB of freed compiler memory.
import { getHeapStatistics } from "node:v8";
import type { Clock, Timer } from "../clock/clock";
import { RealClock } from "../clock/real";
import { trimNativeHeap } from "../io/packet";

/** How often the heap is sampled. */
export const SAMPLE_MS = 500;
/** A change of the heap since the last pass that makes another worth it. */
export const GROWTH_BYTES = 4 * 2 ** 20;
/** Two samples this close make the heap quiet. */
export const QUIET_BYTES = 2 ** 20;

export interface HousekeepingHooks {
  /** Bytes of JS heap in use (live and not yet collected). */
  heapUsed(): number;
  /** A full collection; undefined where the runtime offers none. */
  readonly collect: (() => void) | undefined;
  /** Gives the C heap's free pages back: whether any went, undefined where it cannot. */
  trim(): boolean | undefined;
}

export interface Housekeeping {
  /** Passes run so far. */
  readonly passes: number;
  stop(): void;
}

export function startHousekeeping(clock: Clock, hooks: HousekeepingHooks): Housekeeping {
  /** The heap after the last pass; undefined before the first. */
  let base: number | undefined;
  let previous = hooks.heapUsed();
  let passes = 0;
  const timer: Timer = clock.every(SAMPLE_MS, () => {
    const used = hooks.heapUsed();
    const quiet = Math.abs(used - previous) < QUIET_BYTES;
    previous = used;
    if (!quiet || (base !== undefined && Math.abs(used - base) < GROWTH_BYTES)) return;
    hooks.collect?.();
    hooks.trim();
    passes++;
    base = previous = hooks.heapUsed();
  });
  return {
    get passes() {
      return passes;
    },
    stop: () => timer.cancel(),
  };
}

/** Housekeeping for this process, on the wall clock: V8's heap, `gc` where exposed, the
 * addon's malloc_trim. Every process that runs routers starts it once. */
export function startProcessHousekeeping(): Housekeeping {
  const gc = (globalThis as { gc?: () => void }).gc;
  return startHousekeeping(new RealClock(), { heapUsed: () => getHeapStatistics().used_heap_size, collect: typeof gc === "function" ? () => gc() : undefined, trim: trimNativeHeap });
}
