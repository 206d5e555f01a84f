// How fast the command-line tool answers: `flexlab --help` run as a user runs it (a new Node
// process through bin/flexlab.mjs, the bundle's freshness check included), and through npx,
// whose own start-up comes on top. Best of several runs: a shared machine only slows one down.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import type { Benchmark } from "./bench";

const root = resolve(import.meta.dirname, "../..");

function bestMs(runs: number, run: () => void): number {
  run(); // builds dist/cli/ first when a source changed
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

const benchmarks: Benchmark[] = [
  {
    name: "cli.help",
    run() {
      const env = { ...process.env, FLEXLAB_FROM_SOURCE: "" };
      const node = bestMs(10, () => execFileSync(process.execPath, [join(root, "bin/flexlab.mjs"), "--help"], { cwd: root, env, stdio: "ignore" }));
      const npx = bestMs(5, () => execFileSync("npx", ["flexlab", "--help"], { cwd: root, env, stdio: "ignore" }));
      return [
        { name: "cli.help", value: node, unit: "ms" },
        { name: "cli.help.npx", value: npx, unit: "ms" },
      ];
    },
  },
];

export default benchmarks;
