import { describe, expect, it } from "vitest";
import { bugReporter } from "./guard";

function reporter() {
  const stderr: string[] = [];
  const log: string[] = [];
  return { stderr, log, report: bugReporter({ stderr: (t) => stderr.push(t), log: (t) => log.push(t) }) };
}

describe("the agent's bug reporter", () => {
  it("thins out a bug that repeats, so a per-frame bug cannot flood the log", () => {
    const { stderr, log, report } = reporter();
    for (let i = 0; i < 1000; i++) report("frame received on Ethernet0/0", new Error("same bug"));
    expect(log).toHaveLength(5 + 3); // the first five, then the 10th, 100th and 1000th
    expect(log.at(-1)).toBe("%SYS-3-INTERNAL: frame received on Ethernet0/0: same bug (1000 times)");
    expect(stderr[0]).toContain("Error: same bug\n"); // the stack goes to stderr
  });
});
