// One router node as a child process of the lab daemon: spawned with the agent's command
// line, ready when it prints its one `flexlab-agent ready ...` line, supervised afterwards.
// A node that exits without being asked is "crashed", with its exit code and the last lines
// of its stderr; that never takes anything else down.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ProgramCommand } from "./agent-entry";
import type { PlatformName } from "../router/config/platform";
import { platformArgs } from "./topology";
import { LOOPBACK_HOST, type NodeRunState, type NodeStatus } from "./runtime/types";

export const READY_LINE = /^flexlab-agent ready name=(\S+) console=(\d+) mgmt=(\d+)\s*$/;
const STDERR_TAIL_LINES = 20;
export const STOP_GRACE_MS = 3000;
/** The environment variable the agent reads the lab token from (`--token-env`). */
export const TOKEN_ENV = "FLEXLAB_TOKEN";

export interface NodeSpec {
  readonly name: string;
  /** The agent's --dir: the folder holding its startup-config (the lab folder, so that
   * `write memory` lands there). */
  readonly configDir: string;
  /** The startup-config's file name, relative to configDir (as lab.yaml names it). */
  readonly config: string;
  /** The node's own folder: its working directory and its log, agent.log. */
  readonly dir: string;
  /** Its place in lab.yaml, from 1: the node's burned-in MACs are aabb.cc00.NN00 (IOL's
   * scheme, the same the sim runtime uses), unique within the lab. */
  readonly index: number;
  /** The hardware it pretends to be, and its port count (lab.yaml's `platform:`/`ports:`). */
  readonly platform?: PlatformName;
  readonly ports?: number;
}

export interface NodeStartFailure {
  readonly reason: "exited" | "timeout" | "spawn";
  readonly message: string;
  readonly portInUse: boolean;
}

/** A router node as the lab daemon supervises it: a process of its own (NodeProcess) or one
 * router of a router host (router-host.ts, HostedNode). */
export interface SupervisedNode {
  readonly spec: NodeSpec;
  consolePort: number;
  mgmtPort: number;
  readonly state: NodeRunState;
  status(): NodeStatus;
  /** Starts it with its links (`--port` specs); resolves undefined once it is ready, or a failure. */
  start(timeoutMs: number, ports: readonly string[]): Promise<NodeStartFailure | undefined>;
  /** Stops it on purpose; resolves once it has. */
  stop(): Promise<void>;
  /** Last resort when the daemon itself is going away: no waiting. */
  killNow(): void;
}

export class NodeProcess implements SupervisedNode {
  private child: ChildProcess | undefined;
  private runState: NodeRunState = "stopped";
  private exitCode: number | null | undefined;
  private exitSignal: string | undefined;
  private stderrTail: string[] = [];
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: NodeSpec,
    private readonly agent: ProgramCommand,
    private readonly token: string,
    public consolePort: number,
    public mgmtPort: number,
    /** Called on every change of state (to rewrite the state file). */
    private readonly onChange: () => void,
  ) {}

  get state(): NodeRunState {
    return this.runState;
  }

  status(): NodeStatus {
    return {
      name: this.spec.name,
      state: this.runState,
      host: LOOPBACK_HOST,
      consolePort: this.consolePort,
      mgmtPort: this.mgmtPort,
      ...(this.child?.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null ? { pid: this.child.pid } : {}),
      ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}),
      ...(this.exitSignal ? { signal: this.exitSignal } : {}),
      ...(this.stderrTail.length ? { stderrTail: [...this.stderrTail] } : {}),
    };
  }

  /**
   * Spawns the agent with its links (`--port` values, "Ethernet0/0=udp:LOCALPORT:REMOTEPORT");
   * resolves undefined once it is ready, or a failure (the child is gone then).
   */
  async start(timeoutMs: number, ports: readonly string[]): Promise<NodeStartFailure | undefined> {
    if (this.runState === "running" || this.runState === "starting") return undefined;
    await mkdir(this.spec.dir, { recursive: true });
    const log = createWriteStream(join(this.spec.dir, "agent.log"), { flags: "a" });
    const args = [
      ...this.agent.args,
      ...["--name", this.spec.name, "--dir", this.spec.configDir, "--config", this.spec.config],
      ...["--console-port", String(this.consolePort), "--mgmt-port", String(this.mgmtPort)],
      ...["--token-env", TOKEN_ENV, "--bind", LOOPBACK_HOST, "--exit-with-stdin", "--node-index", String(this.spec.index)],
      ...platformArgs(this.spec),
      ...ports.flatMap((p) => ["--port", p]),
    ];
    this.stopping = false;
    this.exitCode = undefined;
    this.exitSignal = undefined;
    this.stderrTail = [];
    this.setState("starting");
    let child: ChildProcess;
    try {
      child = spawn(this.agent.command, args, {
        cwd: this.spec.dir,
        env: { ...process.env, ...this.agent.env, [TOKEN_ENV]: this.token },
        // stdin stays open while we live: the agent leaves when it closes (we died).
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (err) {
      log.end();
      this.setState("crashed");
      return { reason: "spawn", message: (err as Error).message, portInUse: false };
    }
    this.child = child;
    return this.supervise(child, log, timeoutMs);
  }

  /** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (this.runState !== "crashed") this.setState("stopped");
      return;
    }
    this.stopping = true;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  /** Last resort when the daemon itself is going away: no waiting. */
  killNow(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.stopping = true;
      this.child.kill("SIGKILL");
    }
  }

  private supervise(child: ChildProcess, log: WriteStream, timeoutMs: number): Promise<NodeStartFailure | undefined> {
    let settle: (failure: NodeStartFailure | undefined) => void = () => {};
    const started = new Promise<NodeStartFailure | undefined>((resolve) => (settle = resolve));
    let ready = false;
    const timer = setTimeout(() => {
      if (ready) return;
      settle({ reason: "timeout", message: `not ready after ${timeoutMs} ms`, portInUse: false });
      this.stopping = true;
      child.kill("SIGKILL");
    }, timeoutMs);

    createInterface({ input: child.stdout! }).on("line", (line) => {
      log.write(line + "\n");
      if (!ready && READY_LINE.test(line)) {
        ready = true;
        clearTimeout(timer);
        this.setState("running");
        settle(undefined);
      }
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      log.write(line + "\n");
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    });

    this.exited = new Promise((resolve) => {
      child.once("error", (err) => {
        // spawn failed (no such binary): "exit" may not follow
        if (child.pid === undefined) {
          clearTimeout(timer);
          this.stderrTail.push(err.message);
          this.setState("crashed");
          settle({ reason: "spawn", message: err.message, portInUse: false });
          log.end();
          resolve();
        }
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        this.exitCode = code;
        this.exitSignal = signal ?? undefined;
        const tail = this.stderrTail.join("\n");
        if (!ready) {
          settle({
            reason: "exited",
            message: `exited (${signal ?? `code ${code}`}) before it was ready${tail ? `:\n${tail}` : ""}`,
            portInUse: /EADDRINUSE|address already in use/i.test(tail),
          });
        }
        this.setState(this.stopping ? "stopped" : "crashed");
        log.end();
        resolve();
      });
    });
    return started;
  }

  private setState(state: NodeRunState): void {
    this.runState = state;
    this.onChange();
  }
}
