import { describe, expect, it } from "vitest";
import { VirtualClock } from "./virtual";

describe("VirtualClock", () => {
  it("fires timers in due order, then in the order they were set, with now() at the due time", () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.after(30, () => seen.push(`c@${clock.now()}`));
    clock.after(10, () => seen.push(`a@${clock.now()}`));
    clock.after(10, () => seen.push(`b@${clock.now()}`));
    clock.advance(100);
    expect(seen).toEqual(["a@10", "b@10", "c@30"]);
    expect(clock.now()).toBe(100);
  });

  it("does not fire a cancelled timer, and cancelling after firing changes nothing", () => {
    const clock = new VirtualClock(0);
    let fired = 0;
    const t = clock.after(5, () => fired++);
    const u = clock.after(6, () => fired++);
    t.cancel();
    clock.advance(10);
    u.cancel();
    expect(fired).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it("repeats periodic timers and lets settle() ignore them", () => {
    const clock = new VirtualClock(0);
    let ticks = 0;
    clock.every(1000, () => ticks++);
    let done = false;
    clock.after(2500, () => (done = true));
    const elapsed = clock.settle(60_000);
    expect(done).toBe(true);
    expect(elapsed).toBe(2500);
    expect(ticks).toBe(2);
    clock.advance(1000);
    expect(ticks).toBe(3);
  });

  it("runs deferred work before time moves on, including work it defers", () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.after(1, () => seen.push("timer"));
    clock.defer(() => {
      seen.push("first");
      clock.defer(() => seen.push("second"));
    });
    clock.advance(5);
    expect(seen).toEqual(["first", "second", "timer"]);
  });

  it("stops settle() at the limit when one-shot timers keep arriving", () => {
    const clock = new VirtualClock(0);
    const rearm = (): void => void clock.after(100, rearm);
    rearm();
    expect(clock.settle(1000)).toBe(1000);
  });
});
