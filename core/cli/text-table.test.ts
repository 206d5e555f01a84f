import { describe, expect, it } from "vitest";
import { cellText, formatRecords, formatTextTable } from "./text-table";

describe("text tables", () => {
  it("aligns columns two spaces apart without trailing blanks", () => {
    expect(formatTextTable(["NODE", "STATE"], [["R1", "running"], ["R10-HUB", "crashed"]])).toBe("NODE     STATE\nR1       running\nR10-HUB  crashed\n");
  });

  it("shows absent values as '-', lists joined, nested records as key value", () => {
    expect(cellText(undefined)).toBe("-");
    expect(cellText(["a", "b"])).toBe("a,b");
    expect(cellText([{ nextHop: "10.0.12.2", labels: [16, 17] }, { interface: "Null0" }])).toBe("nextHop 10.0.12.2 labels 16,17; interface Null0");
    expect(formatRecords([{ a: 1 }, { a: 2, b: "x" }])).toBe("a  b\n1  -\n2  x\n");
  });
});
