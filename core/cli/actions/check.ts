// What `flexlab check` and `flexlab sim LABDIR --check` do: load the lab's checks (problems
// positioned in their file, exit 1), run them against the lab, print the score card or the
// report as JSON, and exit 1 when any check failed so CI can grade. Declared in
// ../commands/check.ts and ../commands/sim.ts.
import type { CheckReport } from "../../api/checks";
import { formatScoreCard } from "../../lab/checks/card";
import { loadChecks, type LabChecks } from "../../lab/checks/load";
import { runChecks } from "../../lab/checks/run";
import { runningLabTarget } from "../../lab/checks/targets";
import { formatProblem, LabFileError, loadLab, type Lab } from "../../lab/topology";
import type { JsonOption, LabOption } from "../options";
import { fail, runningLab } from "./lab-context";

/** The lab's checks, or undefined after printing each problem (exit 1) or that it has none. */
export async function loadChecksOrReport(lab: Pick<Lab, "dir" | "name"> & { readonly nodes: readonly { readonly name: string }[] }): Promise<LabChecks | undefined> {
  try {
    const loaded = await loadChecks(lab);
    if (loaded.checks.length === 0) {
      fail(`${lab.name} has no checks (add checks: to lab.yaml, or a checks.yaml beside it)`);
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

export async function check(options: LabOption & JsonOption): Promise<void> {
  const running = await runningLab(options);
  if (!running) return;
  const { state } = running;
  // The lab as its folder says now: the checks are read fresh, the nodes are the running ones.
  let lab: Lab;
  try {
    lab = await loadLab(state.dir);
  } catch (err) {
    if (!(err instanceof LabFileError)) throw err;
    for (const p of err.problems) console.error(formatProblem(p));
    process.exitCode = 1;
    return;
  }
  const loaded = await loadChecksOrReport({ dir: lab.dir, name: lab.name, nodes: state.nodes });
  if (!loaded) return;
  const target = runningLabTarget(state);
  try {
    printReport(await runChecks(state.lab, loaded.checks, target), options.json);
  } finally {
    target.close();
  }
}
