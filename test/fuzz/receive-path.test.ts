// The whole receive path under a million mutated frames per protocol (FLEXLAB_FUZZ_FRAMES
// sets the count, FLEXLAB_FUZZ_SEED the seed, FLEXLAB_FUZZ_PROTOCOL one protocol only).
// A failure names the protocol, the seed and the frame, so the same command repeats it.
import { describe, expect, it } from "vitest";
import { PROTOCOLS, type FuzzProtocol } from "./corpus";
import { fuzzReceivePath, seedFor, type FuzzReport } from "./receive-path";

const FRAMES = Number(process.env.FLEXLAB_FUZZ_FRAMES ?? 1_000_000);
const SEED = Number(process.env.FLEXLAB_FUZZ_SEED ?? 20261204);
const only = process.env.FLEXLAB_FUZZ_PROTOCOL;
const protocols: readonly FuzzProtocol[] = only === undefined ? PROTOCOLS : PROTOCOLS.filter((p) => p === only);
/** Generous: a million frames take seconds; a slow shared CI core should not fail the suite. */
const TIMEOUT_MS = Math.max(120_000, FRAMES / 5);

function describeFailure(r: FuzzReport): string {
  const bug = r.bugs[0];
  const first = bug ? `first at frame ${bug.frame}, ${bug.context}: ${bug.message}\nframe ${bug.hex}\n${bug.stack}` : "";
  return `${r.bugCount} bug(s) fuzzing ${r.protocol}; repeat with FLEXLAB_FUZZ_SEED=${SEED} FLEXLAB_FUZZ_PROTOCOL=${r.protocol} FLEXLAB_FUZZ_FRAMES=${FRAMES} (run seed ${r.seed})\n${first}`;
}

describe("the router's whole receive path, fuzzed", () => {
  if (protocols.length === 0) throw new Error(`FLEXLAB_FUZZ_PROTOCOL=${only} is none of ${PROTOCOLS.join(", ")}`);
  for (const protocol of protocols) {
    it(
      `takes ${FRAMES} mutated ${protocol} frames with no exception and no bug caught, and answers a ping after`,
      () => {
        const r = fuzzReceivePath({ protocol, frames: FRAMES, seed: seedFor(SEED, protocol) });
        console.log(`fuzz ${protocol} seed ${r.seed}: ${r.frames} frames in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.replies} frames back, drops ${JSON.stringify(r.drops)}`);
        expect(r.bugCount, describeFailure(r)).toBe(0);
        expect(r.pingAnswered, `fuzz ${protocol} seed ${r.seed}: no echo reply after the run`).toBe(true);
      },
      TIMEOUT_MS,
    );
  }
});
