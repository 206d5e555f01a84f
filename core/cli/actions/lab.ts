// What `flexlab up LAB`, `status`, `down`, and `start|stop|restart NODE` do: a lab's lifecycle.
// Declared in ../commands/lab.ts.
import { resolve } from "node:path";
import { findRunningLab } from "../../lab/running-lab";
import { chooseRuntime, removeLeftovers, type UpRuntimeName } from "../../lab/runtime/index";
import { RuntimeError } from "../../lab/runtime/types";
import { formatProblem, LabFileError, loadLab, type Lab } from "../../lab/topology";
import type { JsonOption, LabOption } from "../options";
import { createProgress } from "./progress";
import { fail, failWith, formatCrashReports, formatLinkTable, formatStatusTable, labJson, runningLab } from "./lab-context";

/** The lab, or undefined after printing each problem of its lab file (exit 1). */
export async function loadLabOrReport(labdir: string): Promise<Lab | undefined> {
  try {
    return await loadLab(labdir);
  } catch (err) {
    if (!(err instanceof LabFileError)) throw err;
    for (const p of err.problems) console.error(formatProblem(p));
    process.exitCode = 1;
    return undefined;
  }
}

export async function up(labdir: string, options: JsonOption & { runtime?: UpRuntimeName; timeout?: number; hosted?: number }): Promise<void> {
  const loaded = await loadLabOrReport(labdir);
  if (!loaded) return;
  const lab: Lab = options.hosted === undefined ? loaded : { ...loaded, hosted: options.hosted };
  const asked = options.runtime ?? lab.runtime;
  if (asked === "sim") return fail(`the sim runtime runs in this process, in virtual time: use \`flexlab sim ${labdir} --exec 'NODE: COMMAND'\``, 2);
  const running = await findRunningLab(lab.dir);
  if (running.ok && running.value.state.dir === resolve(lab.dir)) {
    const answers = await running.value.runtime.status(running.value.state).then(
      () => true,
      () => false,
    );
    if (answers) return fail(`lab ${running.value.state.lab} is already running in ${running.value.state.dir} (${running.value.state.runtime} runtime); \`flexlab down\` first`);
  }
  let runtime;
  try {
    const entry = await chooseRuntime(asked as UpRuntimeName);
    const prepared = await entry.prepare((text) => console.error(text));
    if (!prepared.ok) return fail(prepared.message);
    runtime = await entry.create();
  } catch (err) {
    return failWith(err);
  }
  const timeoutMs = options.timeout;
  if (!runtime.changeLink && lab.links.some((l) => l.impair)) console.error(`${lab.name}: the ${runtime.name} runtime does not impair links; lab.yaml's impair: is left out (sim, process and docker apply it)`);
  if (lab.hosted !== undefined && runtime.name !== "process") console.error(`${lab.name}: the ${runtime.name} runtime runs every router on its own; hosted: ${lab.hosted} is for the process runtime and is left out`);
  const hosts = runtime.name === "process" && lab.hosted !== undefined ? Math.ceil(lab.nodes.filter((n) => n.hosted !== false).length / lab.hosted) : 0;
  const packing = hosts ? `, ${hosts} router host${hosts === 1 ? "" : "s"} of up to ${lab.hosted}` : "";
  console.error(`${lab.name}: starting ${lab.nodes.length} node${lab.nodes.length === 1 ? "" : "s"} and ${lab.links.length} link${lab.links.length === 1 ? "" : "s"} (${runtime.name} runtime${packing})`);
  const started = Date.now();
  // Certificate labs boot enrolled: the lab CA issues what the trustpoints ask for first.
  const { enrolLab } = await import("../../lab/pki"); // loads the config grammar: only for `up`
  let issued;
  try {
    issued = await enrolLab(lab);
  } catch (err) {
    return failWith(err);
  }
  for (const c of issued.filter((i) => i.fresh)) console.error(`${c.node}: issued certificate ${c.serial} for trustpoint ${c.trustpoint} (${c.subject})`);
  const progress = createProgress(lab.nodes.map((n) => n.name));
  // Ctrl-C or SIGTERM (also what `flexlab down` sends a deploy under way) cancels the deploy:
  // the runtime takes down what it made before this process goes.
  const cancel = new AbortController();
  const interrupt = (): void => {
    if (!cancel.signal.aborted) console.error(`\n${lab.name}: interrupted, taking down what was made so far…`);
    cancel.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  try {
    const state = await runtime.deploy(lab, {
      onProgress: (node, step, detail) => progress.update(node, step, detail),
      signal: cancel.signal,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    progress.done();
    console.error(`${lab.name} is up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(options.json ? labJson(state, state.nodes) : formatStatusTable(state.nodes));
  } catch (err) {
    progress.done();
    failWith(err);
    // As a shell reports a command ended by SIGINT.
    if (err instanceof RuntimeError && err.code === "interrupted") process.exitCode = 130;
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  }
}

export async function status(options: LabOption & JsonOption): Promise<void> {
  const lab = await runningLab(options);
  if (!lab) return;
  try {
    const nodes = await lab.runtime.status(lab.state);
    if (options.json) {
      process.stdout.write(labJson(lab.state, nodes));
      return;
    }
    console.log(`${lab.state.lab} (${lab.state.runtime} runtime, ${lab.state.dir}), up since ${lab.state.createdAt}`);
    process.stdout.write(formatStatusTable(nodes) + formatCrashReports(nodes));
    if (lab.state.links.length) process.stdout.write("\n" + formatLinkTable(lab.state.links));
  } catch (err) {
    failWith(err);
  }
}

export async function down(options: LabOption & JsonOption): Promise<void> {
  const found = await findRunningLab(options.lab);
  if (!found.ok) return downLeftovers(options, found.message);
  const lab = found.value;
  try {
    await lab.runtime.destroy(lab.state);
    console.error(`${lab.state.lab} is down`);
    if (options.json) process.stdout.write(JSON.stringify({ lab: lab.state.lab, dir: lab.state.dir, runtime: lab.state.runtime, down: true }, null, 2) + "\n");
  } catch (err) {
    failWith(err);
  }
}

/** No state file: objects a lab left anyway (an `up` killed outside FlexLab's control) are
 * found by their labels, from the lab.yaml of the folder `down` was given or run in. */
async function downLeftovers(options: LabOption & JsonOption, noLab: string): Promise<void> {
  const lab = await loadLab(resolve(options.lab ?? ".")).catch(() => undefined);
  if (!lab) return fail(noLab);
  try {
    const removed = await removeLeftovers(lab);
    if (!removed.length) return fail(noLab);
    console.error(`${lab.name} had no state file; removed what it left: ${removed.join(", ")}`);
    if (options.json) process.stdout.write(JSON.stringify({ lab: lab.name, dir: lab.dir, down: true, removed }, null, 2) + "\n");
  } catch (err) {
    failWith(err);
  }
}

type NodeOp = "startNode" | "stopNode" | "restartNode" | "restartInOwnProcess";

/** `start|stop|restart NODE`. */
export async function nodeLifecycle(op: NodeOp, node: string, options: LabOption): Promise<void> {
  const lab = await runningLab(options);
  if (!lab) return;
  try {
    if (op === "restartInOwnProcess" && !lab.runtime.restartInOwnProcess) return fail(`the ${lab.runtime.name} runtime runs every node in its own ${lab.runtime.name === "process" ? "process" : "container"} already: flexlab restart ${node}`, 2);
    const s = op === "restartInOwnProcess" ? await lab.runtime.restartInOwnProcess!(lab.state, node) : await lab.runtime[op](lab.state, node);
    console.error(`${node}: ${s.state}${s.state === "running" ? ` (console ${s.consolePort}, mgmt ${s.mgmtPort})` : ""}`);
  } catch (err) {
    failWith(err);
  }
}
