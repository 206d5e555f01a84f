// What grading an exercise gives back: one result per check of the lab (`checks:` in
// lab.yaml or checks.yaml) and the score. `flexlab check --json` prints it, and the LabApi
// serves the same shape to the desktop app, so both read one definition.
import { z } from "zod";

export const CHECK_KINDS = ["exec", "table", "ping", "traceroute", "config"] as const;

export const checkResultSchema = z.object({
  /** Position in the lab's checks list, 0-based. */
  index: z.number().int().nonnegative(),
  title: z.string(),
  node: z.string(),
  kind: z.enum(CHECK_KINDS),
  passed: z.boolean(),
  /** The check's points, and what it earned (all or nothing). */
  points: z.number().int().nonnegative(),
  earned: z.number().int().nonnegative(),
  /** What must hold, in words ("a line of `show ip route` matches 2.2.2.2"). */
  expected: z.string(),
  /** What was seen on the node, the last time it was looked at. */
  seen: z.string(),
  /** Shown when it failed. */
  hint: z.string().optional(),
  /** How often it was looked at (more than once while waiting for convergence). */
  attempts: z.number().int().positive(),
  /** Time it took, in the lab's time (virtual in `flexlab sim`). */
  elapsedMs: z.number().nonnegative(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const checkReportSchema = z.object({
  lab: z.string(),
  /** Which runtime ran the lab the checks looked at: process, docker, or sim. */
  runtime: z.string(),
  results: z.array(checkResultSchema),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  points: z.number().int().nonnegative(),
  earned: z.number().int().nonnegative(),
});
export type CheckReport = z.infer<typeof checkReportSchema>;
