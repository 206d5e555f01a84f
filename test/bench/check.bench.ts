// Grading an exercise: every check of labs/exercise-flexvpn-spokes, the seed lab's exercise
// (IKEv2 SA, interface and BGP VPNv4 tables, a ping, exec output, a running-config line),
// against its solved lab. On the process runtime
// the lab is deployed once and graded a few times the way `flexlab check` and the LabApi do
// (checks read from the folder, fresh mgmt connections); the best run counts. In sim the figure is real milliseconds to
// grade a settled simulated lab.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gradeRunningLab } from "../../core/lab/checks/grade";
import { loadChecks } from "../../core/lab/checks/load";
import { runChecks } from "../../core/lab/checks/run";
import { runningLabTarget, simTarget } from "../../core/lab/checks/targets";
import { enrolLab } from "../../core/lab/pki";
import { ProcessRuntime } from "../../core/lab/runtime/process";
import { startSimLab } from "../../core/lab/runtime/sim";
import type { ProcessLabState } from "../../core/lab/runtime/types";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { loadLab } from "../../core/lab/topology";
import type { Benchmark } from "./bench";

const EXERCISE = "exercise-flexvpn-spokes";
const TRIALS = 5;

async function solvedExercise(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-bench-check-"));
  await copyExampleLab(EXERCISE, dir);
  for (const file of await readdir(join(dir, "solution"))) await cp(join(dir, "solution", file), join(dir, file));
  return dir;
}

const benchmarks: Benchmark[] = [
  {
    name: "lab.check.seed-all",
    async run() {
      const dir = await solvedExercise();
      const runtime = new ProcessRuntime();
      let state: ProcessLabState | undefined;
      try {
        const lab = await loadLab(dir);
        const { checks } = await loadChecks(lab);
        await enrolLab(lab); // the spokes' and hub's certificates, as `flexlab up` issues them
        state = await runtime.deploy(lab, { timeoutMs: 120_000 });
        // Converged first (IKEv2, addresses, BGP): the figure is grading, not waiting.
        const settled = runningLabTarget(state);
        const first = await runChecks(lab.name, checks, settled);
        settled.close();
        if (first.failed) throw new Error(`the solved exercise did not converge: ${first.results.filter((r) => !r.passed).map((r) => `${r.title}: ${r.seen}`).join("; ")}`);
        let best = Infinity;
        for (let t = 0; t < TRIALS; t++) {
          // flexlab check's and the LabApi's path: the checks read from the folder, fresh mgmt connections.
          const start = performance.now();
          const report = await gradeRunningLab(state);
          const ms = performance.now() - start;
          if (report.failed) throw new Error(`the solved exercise failed ${report.failed} checks: ${report.results.filter((r) => !r.passed).map((r) => `${r.title}: ${r.seen}`).join("; ")}`);
          best = Math.min(best, ms);
        }
        return [
          { name: "lab.check.seed-all", value: best, unit: "ms" },
          { name: "lab.check.seed-all.checks", value: checks.length, unit: "checks" },
        ];
      } finally {
        if (state) await runtime.destroy(state);
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: "lab.check.seed-all.sim",
    async run() {
      const dir = await solvedExercise();
      try {
        const lab = await loadLab(dir);
        const { checks } = await loadChecks(lab);
        let best = Infinity;
        for (let t = 0; t < TRIALS; t++) {
          const { sim } = await startSimLab(lab);
          sim.settle();
          const start = performance.now();
          const report = await runChecks(lab.name, checks, simTarget(sim));
          best = Math.min(best, performance.now() - start);
          sim.close();
          if (report.failed) throw new Error(`the solved exercise failed ${report.failed} checks in sim`);
        }
        return { name: "lab.check.seed-all.sim", value: best, unit: "ms" };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];

export default benchmarks;
