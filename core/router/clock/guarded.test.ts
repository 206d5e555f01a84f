import { describe, expect, it } from "vitest";
import { guardedClock } from "./guarded";
import { VirtualClock } from "./virtual";

describe("guardedClock", () => {
  it("catches a timer's, a periodic timer's and deferred work's exception, reports it, and keeps the clock running", () => {
    const reports: string[] = [];
    const clock = new VirtualClock(0);
    const guarded = guardedClock(clock, (context, err) => reports.push(`${context}: ${(err as Error).message}`));
    let ran = 0;
    guarded.after(10, () => {
      throw new Error("bgp fsm bug");
    });
    guarded.after(20, () => ran++);
    const periodic = guarded.every(25, () => {
      throw new Error("keepalive bug");
    });
    guarded.defer(() => {
      throw new Error("tunnel check bug");
    });
    clock.advance(30);
    periodic.cancel();
    expect(ran).toBe(1);
    expect(reports).toEqual(["deferred task: tunnel check bug", "timer: bgp fsm bug", "periodic timer: keepalive bug"]);
    expect(guarded.now()).toBe(30);
  });
});
