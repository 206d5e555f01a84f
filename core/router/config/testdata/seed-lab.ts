// The three seed-lab configurations, read from the copy the repo ships in
// labs/mpls-over-flexvpn (test/e2e/cli-sim.test.ts checks it byte for byte against the
// reference). Test data only: tests run under Node, so reading files is fine here.
import { readFileSync } from "node:fs";

const read = (file: string): string => readFileSync(new URL(`../../../../labs/mpls-over-flexvpn/${file}`, import.meta.url), "utf8");

export const R1_HUB = read("R1-HUB.cfg");
export const R3_SPOKE1 = read("R3-Spoke1.cfg");
export const R4_SPOKE = read("R4-Spoke.cfg");

export const SEED_CONFIGS = { "R1-HUB": R1_HUB, "R3-Spoke1": R3_SPOKE1, "R4-Spoke": R4_SPOKE } as const;
