// A link's impairment and cable as numbers, io/impair.ts's Impairment in zod: what the lab
// state file keeps per link, what `flexlab link` changes, and what the mgmt API's `link.set`
// sets on a router's port (the docker runtime's way to impair its links). One schema for all.
import { z } from "zod";

export const impairmentSchema = z.object({
  delayMs: z.number().nonnegative().max(60_000).optional(),
  jitterMs: z.number().nonnegative().max(60_000).optional(),
  lossPercent: z.number().min(0).max(100).optional(),
  duplicatePercent: z.number().min(0).max(100).optional(),
  reorderPercent: z.number().min(0).max(100).optional(),
  /** At least 8 kbit/s, as io/impair.ts takes it. */
  rateBitsPerSecond: z.number().min(8_000).optional(),
});
export type ImpairmentValues = z.infer<typeof impairmentSchema>;

export const CARRIER_STATES = ["up", "down"] as const;
export const carrierSchema = z.enum(CARRIER_STATES);
