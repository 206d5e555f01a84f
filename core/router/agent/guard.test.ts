import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import { bugReporter, guardedClock, GuardedNic } from "./guard";

function reporter() {
  const stderr: string[] = [];
  const log: string[] = [];
  return { stderr, log, report: bugReporter({ stderr: (t) => stderr.push(t), log: (t) => log.push(t) }) };
}

describe("bug guards", () => {
  it("catch a timer callback's exception, report it, and keep the clock running", () => {
    const { log, report } = reporter();
    const clock = new VirtualClock(0);
    const guarded = guardedClock(clock, report);
    let ran = 0;
    guarded.after(10, () => {
      throw new Error("bgp fsm bug");
    });
    guarded.after(20, () => ran++);
    clock.advance(30);
    expect(ran).toBe(1);
    expect(log).toEqual(["%SYS-3-INTERNAL: timer: bgp fsm bug"]);
  });

  it("catch a receive handler's exception and keep delivering frames", () => {
    const { log, report } = reporter();
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    const nic = new GuardedNic(b, report, "Ethernet0/0");
    let good = 0;
    nic.onReceive((f) => {
      if (f[14] === 1) throw new Error("parser bug");
      good++;
    });
    const frame = new Uint8Array(64);
    frame[14] = 1;
    a.send(frame);
    frame[14] = 2;
    a.send(frame);
    clock.runDeferred();
    expect(good).toBe(1);
    expect(log).toEqual(["%SYS-3-INTERNAL: frame received on Ethernet0/0: parser bug"]);
  });

  it("thin out a bug that repeats, so a per-frame bug cannot flood the log", () => {
    const { stderr, log, report } = reporter();
    for (let i = 0; i < 1000; i++) report("frame received on Ethernet0/0", new Error("same bug"));
    expect(log).toHaveLength(5 + 3); // the first five, then the 10th, 100th and 1000th
    expect(log.at(-1)).toBe("%SYS-3-INTERNAL: frame received on Ethernet0/0: same bug (1000 times)");
    expect(stderr[0]).toContain("Error: same bug\n"); // the stack goes to stderr
  });
});
