// What `flexlab sim LABDIR --exec 'NODE: COMMAND' ... [--check]` does: the lab in virtual time
// inside this process, then each command on its node, then (--check) the lab's checks. Exit 1
// on a config error in a startup-config, when a router rejects a command or a check fails; 2
// on a usage error. --capture writes pcapng files of ports and tunnels (../../lab/sim-capture.ts). Declared in ../commands/sim.ts.
import type { CheckReport } from "../../api/checks";
import { formatScoreCard } from "../../lab/checks/card";
import type { LabChecks } from "../../lab/checks/load";
import { runChecks } from "../../lab/checks/run";
import { simTarget } from "../../lab/checks/targets";
import { parseExecSpec, startSimLab, type SimExec } from "../../lab/runtime/sim";
import { SimCaptures, parseCaptureSpec, writeEspKeys, type SimCaptureSpec } from "../../lab/sim-capture";
import type { JsonOption } from "../options";
import { loadChecksOrReport } from "./check";
import { fail, rejectedCommand } from "./lab-context";
import { loadLabOrReport } from "./lab";

interface ExecResult {
  readonly node: string;
  readonly command: string;
  readonly output: string;
  readonly rejected?: string;
}

export async function sim(labdir: string, options: JsonOption & { advance: number; exec: string[]; check?: boolean; capture?: string[]; espKeys?: string }): Promise<void> {
  const execs: SimExec[] = [];
  for (const spec of options.exec) {
    const e = parseExecSpec(spec);
    if (!e) return fail(`--exec "${spec}" is not 'NODE: COMMAND'`, 2);
    execs.push(e);
  }
  const specs: SimCaptureSpec[] = [];
  for (const spec of options.capture ?? []) {
    const c = parseCaptureSpec(spec);
    if (!c) return fail(`--capture "${spec}" is not 'NODE:IFACE=FILE'`, 2);
    specs.push(c);
  }
  if (options.espKeys !== undefined && specs.length === 0) return fail("--esp-keys goes with --capture", 2);
  const lab = await loadLabOrReport(labdir);
  if (!lab) return;
  for (const node of [...execs, ...specs].map((e) => e.node)) {
    if (!lab.nodes.some((n) => n.name === node)) return fail(`no node "${node}" in ${lab.name} (nodes: ${lab.nodes.map((n) => n.name).join(", ")})`, 2);
  }
  let checks: LabChecks | undefined;
  if (options.check) {
    checks = await loadChecksOrReport(lab);
    if (!checks) return;
  }
  const captures = new SimCaptures(specs);
  const { sim, diagnostics } = await startSimLab(lab, specs.length === 0 ? undefined : captures.port);
  const notCapturable = captures.attach(sim);
  if (notCapturable !== undefined) {
    sim.close();
    return fail(notCapturable, 2);
  }
  const configErrors: { file: string; line: number; column: number; message: string }[] = [];
  for (const node of lab.nodes) {
    for (const d of diagnostics.get(node.name) ?? []) {
      configErrors.push({ file: node.config, line: d.line, column: d.column, message: d.message });
      console.error(`${node.config}:${d.line}:${d.column}: ${d.message}`);
    }
    for (const w of sim.node(node.name).warnings) console.error(`${node.config}: ${w}`);
  }
  const settledMs = sim.settle(options.advance);
  console.error(`${lab.name}: ${lab.nodes.length} node${lab.nodes.length === 1 ? "" : "s"} settled after ${(settledMs / 1000).toFixed(1)} s of virtual time`);
  const results: ExecResult[] = [];
  let report: CheckReport | undefined;
  try {
    for (const e of execs) {
      const prompt = sim.node(e.node).shell.prompt();
      const output = await sim.exec(e.node, e.command);
      const rejected = rejectedCommand(output);
      results.push({ node: e.node, command: e.command, output, ...(rejected ? { rejected } : {}) });
      if (!options.json) process.stdout.write(`${prompt}${e.command}\n${output}`);
      if (rejected) console.error(`flexlab: ${e.node}: ${rejected} (${e.command})`);
    }
    if (checks) {
      report = await runChecks(lab.name, checks.checks, simTarget(sim));
      if (!options.json) process.stdout.write(formatScoreCard(report));
    }
    if (specs.length > 0) {
      for (const line of await captures.write()) console.error(line);
      if (options.espKeys !== undefined) console.error(await writeEspKeys(options.espKeys, captures.nodes().flatMap((n) => sim.table(n, "esp-keys"))));
    }
  } finally {
    sim.close();
  }
  if (options.json) process.stdout.write(JSON.stringify({ lab: lab.name, settledMs, configErrors, execs: results, ...(report ? { checks: report } : {}) }, null, 2) + "\n");
  if (configErrors.length > 0 || results.some((r) => r.rejected) || (report && report.failed > 0)) process.exitCode = 1;
}
