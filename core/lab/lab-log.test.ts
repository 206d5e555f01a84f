import { describe, expect, it } from "vitest";
import { LabLog, MAX_LOG_ENTRIES } from "./lab-log";

describe("the lab's event log", () => {
  it("numbers lines in arrival order, tells listeners, and keeps the last MAX_LOG_ENTRIES", () => {
    const log = new LabLog();
    const heard: number[] = [];
    const off = log.onEntry((e) => heard.push(e.seq));
    expect(log.listening).toBe(true);
    for (let i = 0; i < MAX_LOG_ENTRIES + 5; i++) log.add({ timeMs: i, source: "R1", kind: "syslog", severity: 5, text: `line ${i}` });
    off();
    expect(log.listening).toBe(false);
    expect(heard).toHaveLength(MAX_LOG_ENTRIES + 5);
    const kept = log.recent();
    expect(kept).toHaveLength(MAX_LOG_ENTRIES);
    expect(kept[0]).toMatchObject({ seq: 6, text: "line 5" });
    expect(kept.at(-1)?.seq).toBe(MAX_LOG_ENTRIES + 5);
  });
});
