// What `flexlab check` and `flexlab sim LABDIR --check` do: load the lab's checks (problems
// positioned in their file, exit 1), run them against the lab, print the score card or the
// report as JSON, and exit 1 when any check failed so CI can grade. Declared in
// ../commands/check.ts and ../commands/sim.ts.
import type { CheckReport } from "../../api/checks";
import { formatScoreCard } from "../../lab/checks/card";
import { loadChecks, type LabChecks } from "../../lab/checks/load";
import { gradeRunningLab, NoChecksError } from "../../lab/checks/grade";
import { formatProblem, LabFileError, type Lab } from "../../lab/topology";
import type { JsonOption, LabOption } from "../options";
import { fail, runningLab } from "./lab-context";

/** The lab's checks, or undefined after printing each problem (exit 1) or that it has none. */
export async function loadChecksOrReport(lab: Pick<Lab, "dir" | "name"> & { readonly nodes: readonly { readonly name: string }[] }): Promise<LabChecks | undefined> {
  try {
    const loaded = await loadChecks(lab);
    if (loaded.checks.length === 0) {
      fail(new NoChecksError(lab.name).message);
      return undefined;
    }
    return loaded;
  } catch (err) {
    if (!(err instanceof LabFileError)) throw err;
    for (const p of err.problems) console.error(formatProblem(p));
    process.exitCode = 1;
    return undefined;
  }
}

/** Prints the report (card or JSON); exit 1 when a check failed. */
export function printReport(report: CheckReport, json: boolean | undefined): void {
  process.stdout.write(json ? JSON.stringify(report, null, 2) + "\n" : formatScoreCard(report));
  if (report.failed > 0) process.exitCode = 1;
}

export async function check(options: LabOption & JsonOption & { maxWait?: number }): Promise<void> {
  const running = await runningLab(options);
  if (!running) return;
  let report: CheckReport;
  try {
    report = await gradeRunningLab(running.state, options.maxWait === undefined ? {} : { maxWaitMs: options.maxWait });
  } catch (err) {
    if (err instanceof NoChecksError) return fail(err.message);
    if (!(err instanceof LabFileError)) throw err;
    for (const p of err.problems) console.error(formatProblem(p));
    process.exitCode = 1;
    return;
  }
  printReport(report, options.json);
}
