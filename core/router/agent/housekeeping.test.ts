import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { GROWTH_BYTES, QUIET_BYTES, SAMPLE_MS, startHousekeeping, type HousekeepingHooks } from "./housekeeping";
import { packetSocketStatus, trimNativeHeap } from "../io/packet";

const MB = 2 ** 20;
const addon = packetSocketStatus();
const addonSkip = addon.available ? undefined : addon.reason;

/** A heap whose size the test sets, and a record of what housekeeping did to it. */
function fakeProcess(heap: number, collectable = 0): { hooks: HousekeepingHooks; set(bytes: number): void; log: string[] } {
  const log: string[] = [];
  let used = heap;
  let garbage = collectable;
  return {
    log,
    set(bytes) {
      used = bytes;
    },
    hooks: {
      heapUsed: () => used,
      collect: () => {
        log.push("collect");
        used -= garbage;
        garbage = 0;
      },
      trim: () => {
        log.push("trim");
        return true;
      },
    },
  };
}

describe("housekeeping", () => {
  it("collects and trims once at the first quiet sample after start", () => {
    const clock = new VirtualClock();
    const p = fakeProcess(20 * MB);
    const hk = startHousekeeping(clock, p.hooks);
    clock.advance(SAMPLE_MS - 1);
    expect(p.log).toEqual([]);
    clock.advance(1);
    expect(p.log).toEqual(["collect", "trim"]);
    // Idle after that: nothing more, however long.
    clock.advance(60_000);
    expect(hk.passes).toBe(1);
  });

  it("waits for a burst to end, then runs once; small changes run nothing", () => {
    const clock = new VirtualClock();
    const p = fakeProcess(20 * MB);
    const hk = startHousekeeping(clock, p.hooks);
    clock.advance(SAMPLE_MS);
    expect(hk.passes).toBe(1);
    // A burst: the heap grows by 2 MB a sample for five samples. Never quiet, no pass.
    for (let i = 1; i <= 5; i++) {
      p.set((20 + 2 * i) * MB);
      clock.advance(SAMPLE_MS);
    }
    expect(hk.passes).toBe(1);
    // It holds still: one pass at the next sample.
    clock.advance(SAMPLE_MS);
    expect(hk.passes).toBe(2);
    // Growth below GROWTH_BYTES since then: none.
    p.set(30 * MB + GROWTH_BYTES - QUIET_BYTES / 2);
    clock.advance(10 * SAMPLE_MS);
    expect(hk.passes).toBe(2);
  });

  it("measures the next burst from the heap left after collecting", () => {
    const clock = new VirtualClock();
    const p = fakeProcess(40 * MB, 10 * MB);
    const hk = startHousekeeping(clock, p.hooks);
    clock.advance(SAMPLE_MS);
    expect(hk.passes).toBe(1);
    // 30 MB after the collection: back at 40 MB is a change worth another pass.
    p.set(40 * MB);
    clock.advance(2 * SAMPLE_MS);
    expect(hk.passes).toBe(2);
  });

  it("runs where there is no collector and no trim", () => {
    const clock = new VirtualClock();
    const hk = startHousekeeping(clock, { heapUsed: () => MB, collect: undefined, trim: () => undefined });
    clock.advance(SAMPLE_MS);
    expect(hk.passes).toBe(1);
    hk.stop();
  });

  it("stops sampling when stopped", () => {
    const clock = new VirtualClock();
    const p = fakeProcess(20 * MB);
    const hk = startHousekeeping(clock, p.hooks);
    hk.stop();
    clock.advance(10 * SAMPLE_MS);
    expect(p.log).toEqual([]);
  });

  it.skipIf(addonSkip !== undefined)(`trims this process's C heap through the packet-socket addon${addonSkip ? ` (skipped: ${addonSkip})` : ""}`, () => {
    // Where it is built, malloc_trim is there and answers (what it frees depends on the heap).
    expect(typeof trimNativeHeap()).toBe("boolean");
  });
});
