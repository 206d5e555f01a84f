import { describe, expect, it } from "vitest";
import { formatProblem, LabFileError, parseLab } from "./topology";
import { parseImpairWords } from "./link-impair";

const LAB = `name: x
nodes:
  R1: { kind: router, config: R1.cfg }
  R2: { kind: router, config: R2.cfg }
links:
  - endpoints: [R1:Ethernet0/0, R2:Ethernet0/0]
    impair: IMPAIR
`;

function problems(impair: string): string[] {
  try {
    parseLab(LAB.replace("IMPAIR", impair), "lab.yaml", "/lab");
    return [];
  } catch (err) {
    if (!(err instanceof LabFileError)) throw err;
    return err.problems.map(formatProblem);
  }
}

describe("a link's impairment in lab.yaml", () => {
  it("reads netem's words and units into numbers", () => {
    const lab = parseLab(LAB.replace("IMPAIR", "{ delay: 30ms, jitter: 5ms, loss: 1%, duplicate: 0.1%, reorder: 1%, rate: 10mbit }"), "lab.yaml", "/lab");
    expect(lab.links[0].impair).toEqual({ delayMs: 30, jitterMs: 5, lossPercent: 1, duplicatePercent: 0.1, reorderPercent: 1, rateBitsPerSecond: 10_000_000 });
    expect(parseLab(LAB.replace("IMPAIR", "{ delay: 1.5s, rate: 125kbps }"), "lab.yaml", "/lab").links[0].impair).toEqual({ delayMs: 1500, rateBitsPerSecond: 1_000_000 });
    expect(parseLab(LAB.replace("IMPAIR", "{}"), "lab.yaml", "/lab").links[0].impair).toBeUndefined();
  });

  it("points at a value it cannot read", () => {
    expect(problems("{ delay: 30 }")).toEqual(["lab.yaml:7:22: links[0].impair.delay: delay is a time with its unit, e.g. 30ms, 1.5s or 500us"]);
    expect(problems("{ loss: 150% }")).toEqual(["lab.yaml:7:21: links[0].impair.loss: loss is a percentage, e.g. 1% or 0.1%"]);
    expect(problems("{ latency: 3ms }")).toEqual([`lab.yaml:7:13: links[0].impair: Unrecognized key: "latency"`]);
  });

  it("reads the same words on the command line", () => {
    expect(parseImpairWords(["delay", "200ms", "loss", "30%"])).toEqual({ ok: true, impairment: { delayMs: 200, lossPercent: 30 } });
    expect(parseImpairWords(["delay"])).toMatchObject({ ok: false });
    expect(parseImpairWords(["lag", "1ms"])).toEqual({ ok: false, message: '"lag" is not an impairment (delay, jitter, loss, duplicate, reorder, rate)' });
  });
});
