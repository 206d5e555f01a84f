// `flexlab sim LABDIR [--advance DURATION] --exec 'NODE: COMMAND' ...`
import type { Command } from "commander";
import { formatProblem, LabFileError, loadLab } from "../../lab/topology";
import type { SimExec } from "../../lab/sim-runtime";

export function registerSim(program: Command): void {
  program
    .command("sim")
    .description("Run a lab in virtual time inside this process, then run exec commands on its nodes")
    .argument("<labdir>", "lab folder (holding lab.yaml)")
    .option("--advance <duration>", "virtual time to let the lab settle, at most (e.g. 30s, 5m)", "60s")
    .option("--exec <spec>", "'NODE: COMMAND' to run in privileged exec (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (labdir: string, options: { advance: string; exec: string[] }) => {
      // Loaded here, not at the top: it brings the whole router stack, which other commands do without.
      const { parseDuration, parseExecSpec, startSimLab } = await import("../../lab/sim-runtime");
      const advanceMs = parseDuration(options.advance);
      if (advanceMs === undefined) {
        console.error(`flexlab sim: --advance "${options.advance}" is not a duration (e.g. 500ms, 30s, 5m, 1h)`);
        process.exitCode = 2;
        return;
      }
      const execs: SimExec[] = [];
      for (const spec of options.exec) {
        const e = parseExecSpec(spec);
        if (!e) {
          console.error(`flexlab sim: --exec "${spec}" is not 'NODE: COMMAND'`);
          process.exitCode = 2;
          return;
        }
        execs.push(e);
      }
      let lab;
      try {
        lab = await loadLab(labdir);
      } catch (err) {
        if (err instanceof LabFileError) {
          for (const p of err.problems) console.error(formatProblem(p));
          process.exitCode = 1;
          return;
        }
        throw err;
      }
      for (const e of execs) {
        if (!lab.nodes.some((n) => n.name === e.node)) {
          console.error(`flexlab sim: no node "${e.node}" in ${lab.name} (nodes: ${lab.nodes.map((n) => n.name).join(", ")})`);
          process.exitCode = 2;
          return;
        }
      }
      const { sim, diagnostics } = await startSimLab(lab);
      let configErrors = 0;
      for (const node of lab.nodes) {
        for (const d of diagnostics.get(node.name) ?? []) {
          console.error(`${node.config}:${d.line}:${d.column}: ${d.message}`);
          configErrors++;
        }
      }
      const settledMs = sim.settle(advanceMs);
      console.error(`${lab.name}: ${lab.nodes.length} node${lab.nodes.length === 1 ? "" : "s"} settled after ${(settledMs / 1000).toFixed(1)} s of virtual time`);
      for (const e of execs) {
        const shell = sim.node(e.node).shell;
        process.stdout.write(`${shell.prompt()}${e.command}\n`);
        process.stdout.write(await sim.exec(e.node, e.command));
      }
      sim.close();
      if (configErrors > 0) process.exitCode = 1;
    });
}
