// Grading a deployed lab, the one path `flexlab check` and the LabApi's `lab.check` (the
// desktop app) share: the lab folder's checks read fresh, run against the running nodes
// through their mgmt API, the report returned. A lab whose checks do not load is a
// LabFileError (positioned problems); one without checks is a NoChecksError.
import type { CheckReport } from "../../api/checks";
import { loadLab } from "../topology";
import type { LabState } from "../runtime/types";
import { loadChecks } from "./load";
import { runChecks } from "./run";
import type { Check } from "./spec";
import { runningLabTarget } from "./targets";

export class NoChecksError extends Error {
  constructor(lab: string) {
    super(`${lab} has no checks (add checks: to lab.yaml, or a checks.yaml beside it)`);
    this.name = "NoChecksError";
  }
}

export interface GradeOptions {
  /** The longest any check waits for convergence (their own `wait` when shorter): grading a
   * lab that has had its time, now. Default: each check's own. */
  readonly maxWaitMs?: number;
}

/** Each check's wait, at most `maxWaitMs`. */
export function capWait(checks: readonly Check[], maxWaitMs: number | undefined): readonly Check[] {
  if (maxWaitMs === undefined) return checks;
  return checks.map((c) => (c.waitMs > maxWaitMs ? { ...c, waitMs: maxWaitMs } : c));
}

/** Runs the lab folder's checks against the deployed lab `state` describes. */
export async function gradeRunningLab(state: LabState, options: GradeOptions = {}): Promise<CheckReport> {
  // The lab as its folder says now: the checks are read fresh, the nodes are the running ones.
  const lab = await loadLab(state.dir);
  const loaded = await loadChecks({ dir: lab.dir, nodes: state.nodes });
  if (loaded.checks.length === 0) throw new NoChecksError(lab.name);
  const target = runningLabTarget(state);
  try {
    return await runChecks(state.lab, capWait(loaded.checks, options.maxWaitMs), target);
  } finally {
    target.close();
  }
}
