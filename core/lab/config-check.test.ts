import { describe, expect, it } from "vitest";
import { checkConfigText, formatCheckProblem } from "./config-check";

describe("config check", () => {
  it("reports the block of a rejected line as skipped, line by line, under its parent", () => {
    const text = ["hostname R2", "interface Frobnicator0", " description to the carrier", " ip address 192.168.9.1 255.255.255.252", "interface Loopback0", " ip address 2.2.2.2 255.255.255.255", ""].join("\n");
    const r = checkConfigText("r2.cfg", text, false);
    expect(r.problems.map(formatCheckProblem)).toEqual([
      "r2.cfg:2:12: % Invalid input detected at '^' marker.",
      "r2.cfg:3:2: skipped: parent line 2 was rejected",
      "r2.cfg:4:2: skipped: parent line 2 was rejected",
    ]);
  });
});
