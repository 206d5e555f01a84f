import { describe, expect, it } from "vitest";
import type { LabLogEntry } from "../../core/api/lab-api";
import { filterLog } from "./EventLog";

const entry = (seq: number, source: string, text: string): LabLogEntry => ({ seq, timeMs: seq, source, kind: source === "lab" ? "lab" : "syslog", severity: 5, text });

describe("the event panel's filter", () => {
  const log = [entry(1, "lab", "deploying 4 routers"), entry(2, "R1-HUB", "%IKEV2-5-SA_UP: SA UP"), entry(3, "R4-Spoke", "%IKEV2-5-SA_UP: SA UP"), entry(4, "R4-Spoke", "%SYS-5-CONFIG_I: Configured from console")];
  it("keeps one router's lines, lines holding a text in any case, or both", () => {
    expect(filterLog(log, "R4-Spoke", "").map((e) => e.seq)).toEqual([3, 4]);
    expect(filterLog(log, "", "ikev2").map((e) => e.seq)).toEqual([2, 3]);
    expect(filterLog(log, "R4-Spoke", "ikev2").map((e) => e.seq)).toEqual([3]);
    expect(filterLog(log, "", "r1-hub").map((e) => e.seq)).toEqual([2]);
    expect(filterLog(log, "", "  ")).toHaveLength(4);
  });
});
