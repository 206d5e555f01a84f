// The process runtime seen from the CLI: `deploy` spawns the lab daemon (daemon-main.ts)
// detached, hands it the lab over IPC and waits for its `ready`; every later operation is a
// POST on the daemon's control channel, found through the state file. When the daemon is
// gone (killed, machine slept), `destroy` still cleans up what the state file names.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve as resolvePath } from "node:path";
import { daemonCommand } from "../agent-entry";
import { controlResponseSchema, DAEMON_TOKEN_ENV, daemonMessageSchema, type ControlOp, type ControlRequest, type DeployMessage } from "../daemon-protocol";
import { RouterHostProcess } from "../router-host";
import type { Lab } from "../topology";
import { pidAlive, pidRuns, waitForExit } from "./pids";
import { newToken, readState, removeState, stateDir } from "./state";
import { processLabStateSchema, RuntimeError, type DeployOptions, type LinkChange, type ProcessLabState, type NodeStatus, type Runtime, type RuntimeEntry, type RuntimeErrorCode } from "./types";

const DAEMON_LOG = "daemon.log";
const CONTROL_TIMEOUT_MS = 30_000;
const EXIT_WAIT_MS = 10_000;

/** Default per-node ready timeout: generous, tsx compiles the router stack on first start. */
function defaultNodeTimeoutMs(nodes: number): number {
  return Math.max(30_000, nodes * 1500);
}

function errorCode(code: string): RuntimeErrorCode {
  const known: readonly string[] = ["no-such-node", "port-in-use", "engine-unavailable", "node-failed", "already-running", "timeout", "interrupted", "internal"];
  return known.includes(code) ? (code as RuntimeErrorCode) : "internal";
}

/** Nothing answers on the daemon's control port (as opposed to an answer saying no). */
class DaemonUnreachable extends RuntimeError {
  constructor(message: string) {
    super("engine-unavailable", message);
  }
}

export class ProcessRuntime implements Runtime<ProcessLabState> {
  readonly name = "process" as const;

  async deploy(given: Lab, options: DeployOptions = {}): Promise<ProcessLabState> {
    // Everything the daemon and the agents get is absolute: they run in other folders.
    const lab: Lab = { ...given, dir: resolvePath(given.dir) };
    const previous = await readState(lab.dir);
    if (previous.ok) {
      if (previous.state.runtime !== "process" || (await this.answers(previous.state))) {
        throw new RuntimeError("already-running", `lab ${previous.state.lab} is already running in ${lab.dir} (${previous.state.runtime} runtime; flexlab down first)`);
      }
      await this.cleanUpDead(previous.state);
    }
    const token = newToken();
    const dir = stateDir(lab.dir);
    await mkdir(dir, { recursive: true });
    const logFd = openSync(join(dir, DAEMON_LOG), "a");
    const daemon = await daemonCommand();
    const child = spawn(daemon.command, [...daemon.args], {
      cwd: lab.dir,
      detached: true,
      stdio: ["ignore", logFd, logFd, "ipc"],
      env: { ...process.env, [DAEMON_TOKEN_ENV]: token },
    });
    closeSync(logFd);
    const message: DeployMessage = {
      type: "deploy",
      lab: { dir: lab.dir, name: lab.name, ...(lab.hosted === undefined ? {} : { hosted: lab.hosted }), nodes: lab.nodes.map((n) => ({ ...n })), links: lab.links.map((l) => ({ index: l.index, endpoints: l.endpoints.map((e) => ({ ...e })), ...(l.impair ? { impair: { ...l.impair } } : {}) })) },
      timeoutMs: options.timeoutMs ?? defaultNodeTimeoutMs(lab.nodes.length),
    };
    const overallMs = message.timeoutMs * lab.nodes.length + 60_000;
    let deadline: NodeJS.Timeout | undefined;
    // Cancelling the deploy (Ctrl-C in `flexlab up`) stops the daemon, which takes the
    // half-made lab down with it; the exit below then rejects.
    const { signal } = options;
    let interrupted = false;
    const interrupt = (): void => {
      interrupted = true;
      child.kill("SIGTERM");
    };
    const whyFailed = (code: RuntimeErrorCode, message: string): RuntimeError =>
      interrupted ? new RuntimeError("interrupted", `deploying ${lab.name} was interrupted: the lab daemon took it down again`) : new RuntimeError(code, message);
    if (signal?.aborted) interrupt();
    signal?.addEventListener("abort", interrupt);
    try {
      return await new Promise<ProcessLabState>((resolve, reject) => {
        child.on("message", (raw: unknown) => {
          const parsed = daemonMessageSchema.safeParse(raw);
          if (!parsed.success) return;
          const m = parsed.data;
          if (m.type === "progress") options.onProgress?.(m.node, m.step, m.detail);
          // Once interrupted, only the daemon's exit counts: by then it has taken the lab down.
          else if (interrupted) return;
          else if (m.type === "ready") resolve(m.state);
          else reject(whyFailed(errorCode(m.error.code), m.error.message));
        });
        child.once("error", (err) => reject(new RuntimeError("internal", `cannot start the lab daemon: ${err.message}`)));
        // "close", not "exit": it comes after the IPC channel has delivered everything the
        // daemon sent, so a last word (the deploy was interrupted by `down`) is never lost
        // to the exit that follows it.
        child.once("close", (code, signal) => {
          const tail = this.logTail(lab.dir);
          reject(whyFailed("internal", `the lab daemon exited (${signal ?? `code ${code}`}) before the lab was up${tail ? `:\n${tail}` : ""}`));
        });
        // The daemon times out each node itself; this only guards against a daemon that hangs.
        deadline = setTimeout(() => {
          child.kill("SIGTERM");
          reject(new RuntimeError("timeout", `the lab daemon did not report the lab up within ${Math.round(overallMs / 1000)} s`));
        }, overallMs);
        child.send(message);
      });
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener("abort", interrupt);
      child.removeAllListeners("message");
      child.removeAllListeners("close");
      if (child.connected) child.disconnect();
      child.unref();
    }
  }

  async destroy(state: ProcessLabState): Promise<void> {
    const pid = state.daemon?.pid;
    if (state.daemon && (await this.answers(state))) {
      const answer = await this.control(state, "down").catch((err: unknown) => err);
      if (pid !== undefined && (await waitForExit([pid], EXIT_WAIT_MS))) {
        if (answer instanceof Error) throw answer;
        return;
      }
    }
    await this.cleanUpDead(state);
  }

  async startNode(state: ProcessLabState, node: string): Promise<NodeStatus> {
    return this.nodeOp(state, "start-node", node);
  }

  async stopNode(state: ProcessLabState, node: string): Promise<NodeStatus> {
    return this.nodeOp(state, "stop-node", node);
  }

  async restartNode(state: ProcessLabState, node: string): Promise<NodeStatus> {
    return this.nodeOp(state, "restart-node", node);
  }

  /** Out of its router host: the daemon stops it there and starts it in a process of its own. */
  async restartInOwnProcess(state: ProcessLabState, node: string): Promise<NodeStatus> {
    return this.nodeOp(state, "own-process", node);
  }

  status(state: ProcessLabState): Promise<NodeStatus[]> {
    return this.control(state, "status");
  }

  /** The daemon's bridge for the link applies it; the state file shows it afterwards. */
  async changeLink(state: ProcessLabState, index: number, change: LinkChange): Promise<void> {
    await this.control(state, "link", undefined, { index, change });
  }

  private async nodeOp(state: ProcessLabState, op: ControlOp, node: string): Promise<NodeStatus> {
    if (!state.nodes.some((n) => n.name === node)) {
      throw new RuntimeError("no-such-node", `no node "${node}" in lab ${state.lab} (nodes: ${state.nodes.map((n) => n.name).join(", ")})`);
    }
    const nodes = await this.control(state, op, node);
    const status = nodes.find((n) => n.name === node);
    if (!status) throw new RuntimeError("internal", `the lab daemon did not report node ${node}`);
    return status;
  }

  /** POSTs one operation to the daemon; its failures come back as RuntimeErrors. */
  private async control(state: ProcessLabState, op: ControlOp, node?: string, link?: ControlRequest["link"]): Promise<NodeStatus[]> {
    if (!state.daemon) throw new RuntimeError("internal", `the state of lab ${state.lab} names no lab daemon`);
    let response: Response;
    try {
      response = await fetch(`http://127.0.0.1:${state.daemon.controlPort}/${op}`, {
        method: "POST",
        headers: { authorization: `Bearer ${state.token}`, "content-type": "application/json" },
        body: JSON.stringify({ ...(node === undefined ? {} : { node }), ...(link === undefined ? {} : { link }) }),
        signal: AbortSignal.timeout(op === "status" ? 5000 : CONTROL_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new DaemonUnreachable(
        `the lab daemon of ${state.lab} (pid ${state.daemon.pid}) does not answer (${cause}); \`flexlab down\` cleans up what is left`,
      );
    }
    const parsed = controlResponseSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new RuntimeError("internal", `the lab daemon answered ${op} with something unreadable (HTTP ${response.status})`);
    if (!parsed.data.ok) throw new RuntimeError(errorCode(parsed.data.error.code), parsed.data.error.message);
    return parsed.data.nodes;
  }

  private async answers(state: ProcessLabState): Promise<boolean> {
    if (!state.daemon || !pidAlive(state.daemon.pid)) return false;
    try {
      await this.control(state, "status");
      return true;
    } catch (err) {
      // "still starting" is an answer too: that daemon is deploying the lab right now.
      return !(err instanceof DaemonUnreachable);
    }
  }

  /** The daemon is gone or deaf: kill what the state names (only if it is still ours), drop the state. */
  private async cleanUpDead(state: ProcessLabState): Promise<void> {
    const pids: number[] = [];
    if (state.daemon && pidRuns(state.daemon.pid, ["daemon-main"])) pids.push(state.daemon.pid);
    for (const n of state.nodes) if (n.pid !== undefined && n.hostProcess === undefined && pidRuns(n.pid, ["--name", n.name])) pids.push(n.pid);
    for (const h of state.hosts ?? []) if (h.pid !== undefined && pidRuns(h.pid, [RouterHostProcess.mark(h.index)])) pids.push(h.pid);
    for (const pid of pids) process.kill(pid, "SIGTERM");
    if (!(await waitForExit(pids, 3000))) for (const pid of pids) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    await waitForExit(pids, 2000);
    await removeState(state.dir);
  }

  private logTail(labDir: string): string {
    try {
      return readFileSync(join(stateDir(labDir), DAEMON_LOG), "utf8").trimEnd().split("\n").slice(-10).join("\n");
    } catch {
      return "";
    }
  }
}

/** The process runtime in the registry: runs wherever FlexLab does, needs nothing first, and
 * leaves nothing without a state file (its daemon writes one before anything else, and the
 * routers die with the daemon). */
export const processRuntimeEntry: RuntimeEntry<ProcessLabState> = {
  name: "process",
  available: () => Promise.resolve(true),
  unavailableHint: "",
  prepare: () => Promise.resolve({ ok: true }),
  create: () => Promise.resolve(new ProcessRuntime()),
  stateSchema: processLabStateSchema,
};
