import { describe, expect, it } from "vitest";
import { StoppableClock } from "./stoppable";
import { VirtualClock } from "./virtual";

describe("StoppableClock", () => {
  it("runs timers as its inner clock does until stopped, then none", () => {
    const virtual = new VirtualClock(0);
    const clock = new StoppableClock(virtual);
    const fired: string[] = [];
    clock.after(10, () => fired.push("once"));
    clock.every(5, () => fired.push("tick"));
    clock.after(100, () => fired.push("late"));
    virtual.advance(10);
    expect(fired).toEqual(["tick", "once", "tick"]);
    expect(clock.pending).toBe(2);
    clock.stop();
    clock.after(1, () => fired.push("after stop"));
    clock.defer(() => fired.push("deferred after stop"));
    virtual.advance(200);
    expect(fired).toEqual(["tick", "once", "tick"]);
    expect(clock.pending).toBe(0);
  });

  it("forgets a timer once it fired or was cancelled", () => {
    const virtual = new VirtualClock(0);
    const clock = new StoppableClock(virtual);
    clock.after(1, () => {});
    clock.after(50, () => {}).cancel();
    virtual.advance(2);
    expect(clock.pending).toBe(0);
  });
});
