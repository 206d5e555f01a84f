// The NHRP codec under a million mutated packets (FLEXLAB_FUZZ_FRAMES sets the count,
// FLEXLAB_FUZZ_SEED the seed): no throw, and every accepted packet round-trips.
import { describe, expect, it } from "vitest";
import { isWireError } from "../../core/router/wire/errors";
import { parseNhrp } from "../../core/router/wire/nhrp";
import { nhrpPackets } from "./corpus";
import { checkNhrpInput, fuzzNhrpCodec } from "./nhrp-codec";

const INPUTS = Number(process.env.FLEXLAB_FUZZ_FRAMES ?? 1_000_000);
const SEED = Number(process.env.FLEXLAB_FUZZ_SEED ?? 20261204);
const TIMEOUT_MS = Math.max(120_000, INPUTS / 5);

describe("the NHRP codec, fuzzed", () => {
  it("starts from a corpus the codec accepts and round-trips, one packet of each kind the engine handles", () => {
    const packets = nhrpPackets();
    for (const packet of packets) expect(checkNhrpInput(packet)).toBeUndefined();
    expect(packets.map((p) => parseNhrp(p)).map((p) => (isWireError(p) ? p.toString() : p.type))).toEqual([1, 2, 3, 5, 8, 7]);
  });

  it(
    `takes ${INPUTS} mutated packets: parse never throws, and whatever it accepts round-trips through emit`,
    () => {
      const r = fuzzNhrpCodec(INPUTS, SEED);
      const top = Object.entries(r.rejected).sort((a, b) => b[1] - a[1]).slice(0, 8);
      console.log(`fuzz nhrp codec seed ${SEED}: ${r.inputs} inputs in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.accepted} accepted, rejected most for ${JSON.stringify(Object.fromEntries(top))}`);
      expect(r.failures, `repeat with FLEXLAB_FUZZ_SEED=${SEED} FLEXLAB_FUZZ_FRAMES=${INPUTS}`).toEqual([]);
      expect(r.accepted).toBeGreaterThan(r.inputs / 20);
    },
    TIMEOUT_MS,
  );
});
