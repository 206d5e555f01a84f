// The CDP codec under a million mutated PDUs (FLEXLAB_FUZZ_FRAMES sets the count,
// FLEXLAB_FUZZ_SEED the seed): no throw, and every accepted PDU round-trips.
import { describe, expect, it } from "vitest";
import { isWireError } from "../../core/router/wire/errors";
import { parseCdp } from "../../core/router/wire/cdp";
import { cdpPdus } from "./corpus";
import { checkCdpInput, fuzzCdpCodec } from "./cdp-codec";

const INPUTS = Number(process.env.FLEXLAB_FUZZ_FRAMES ?? 1_000_000);
const SEED = Number(process.env.FLEXLAB_FUZZ_SEED ?? 20261204);
const TIMEOUT_MS = Math.max(120_000, INPUTS / 5);

describe("the CDP codec, fuzzed", () => {
  it("starts from a corpus the codec accepts and round-trips: IOL's and a CSR's advertisements, and one with unknown TLVs", () => {
    const pdus = cdpPdus();
    for (const pdu of pdus) expect(checkCdpInput(pdu)).toBeUndefined();
    expect(pdus.map((p) => parseCdp(p)).map((p) => (isWireError(p) ? p.toString() : p.deviceId))).toEqual(["INET", "CSR1", "SW1"]);
  });

  it(
    `takes ${INPUTS} mutated PDUs: parse never throws, and whatever it accepts round-trips through emit`,
    () => {
      const r = fuzzCdpCodec(INPUTS, SEED);
      const top = Object.entries(r.rejected).sort((a, b) => b[1] - a[1]).slice(0, 8);
      console.log(`fuzz cdp codec seed ${SEED}: ${r.inputs} inputs in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.accepted} accepted, rejected most for ${JSON.stringify(Object.fromEntries(top))}`);
      expect(r.failures, `repeat with FLEXLAB_FUZZ_SEED=${SEED} FLEXLAB_FUZZ_FRAMES=${INPUTS}`).toEqual([]);
      expect(r.accepted).toBeGreaterThan(r.inputs / 20);
    },
    TIMEOUT_MS,
  );
});
