// Routers hosted many to a process (process runtime, `hosted: N` in lab.yaml): the lab daemon's
// side of a router host (core/router/agent/host.ts). A RouterHostProcess is one agent process
// started with `--router-host=K`, spoken to over IPC (core/api/router-host.ts); a HostedNode
// is one router in it, supervised like a NodeProcess: starting, running, stopped, or crashed
// with its error. A router's crash is its own; the host exiting crashes the routers it held,
// and the next `start` of one of them spawns the host again.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { hostEventSchema, type HostCommand, type HostEvent } from "../api/router-host";
import type { ProgramCommand } from "./agent-entry";
import { STOP_GRACE_MS, TOKEN_ENV, type NodeSpec, type NodeStartFailure, type SupervisedNode } from "./node-process";
import { LOOPBACK_HOST, type NodeRunState, type NodeStatus } from "./runtime/types";

const TAIL_LINES = 20;

/** The last `TAIL_LINES` lines of `lines` plus `text`'s. */
function appendTail(lines: string[], text: string): void {
  for (const line of text.replace(/\n$/, "").split("\n")) lines.push(line);
  if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
}

export class RouterHostProcess {
  private child: ChildProcess | undefined;
  private starting: Promise<string | undefined> | undefined;
  private readonly nodes = new Map<string, HostedNode>();
  private stderrTail: string[] = [];
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    /** Its number in the lab, from 0: `--router-host=K` on its command line. */
    readonly index: number,
    private readonly agent: ProgramCommand,
    private readonly token: string,
    /** Where its own output goes: host-K.log. */
    private readonly logFile: string,
    private readonly onChange: () => void,
  ) {}

  /** The host's pid while it runs. */
  get pid(): number | undefined {
    const c = this.child;
    return c?.pid !== undefined && c.exitCode === null && c.signalCode === null ? c.pid : undefined;
  }

  /** The routers it holds (whatever their state), in the order they were given. */
  get nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** The mark on its command line that tells it from any other process (runtime/process.ts). */
  static mark(index: number): string {
    return `--router-host=${index}`;
  }

  adopt(node: HostedNode): void {
    this.nodes.set(node.spec.name, node);
  }

  /** A stopped router leaves this host for good (it moved to a process of its own). */
  release(name: string): void {
    this.nodes.delete(name);
    this.onChange();
  }

  /** Spawns the host unless it runs; resolves undefined once it listens, or why it cannot. */
  ensure(timeoutMs: number): Promise<string | undefined> {
    if (this.starting) return this.starting;
    this.starting = this.spawn(timeoutMs);
    return this.starting;
  }

  send(command: HostCommand): boolean {
    const c = this.child;
    if (!c?.connected) return false;
    c.send(command);
    return true;
  }

  /** SIGTERM (it stops its routers and leaves), SIGKILL after 3 s; resolves once it is gone. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    this.stopping = true;
    c.kill("SIGTERM");
    const killer = setTimeout(() => c.kill("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  killNow(): void {
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) {
      this.stopping = true;
      c.kill("SIGKILL");
    }
  }

  private async spawn(timeoutMs: number): Promise<string | undefined> {
    await mkdir(join(this.logFile, ".."), { recursive: true });
    const log = createWriteStream(this.logFile, { flags: "a" });
    const args = [...this.agent.args, RouterHostProcess.mark(this.index), "--token-env", TOKEN_ENV, "--bind", LOOPBACK_HOST];
    this.stopping = false;
    this.stderrTail = [];
    let child: ChildProcess;
    try {
      child = spawn(this.agent.command, args, { cwd: join(this.logFile, ".."), env: { ...process.env, ...this.agent.env, [TOKEN_ENV]: this.token }, stdio: ["ignore", "pipe", "pipe", "ipc"] });
    } catch (err) {
      log.end();
      return (err as Error).message;
    }
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        log.write(line + "\n");
        if (stream === child.stderr) appendTail(this.stderrTail, line);
      });
    }
    let settle: (why: string | undefined) => void = () => {};
    const listening = new Promise<string | undefined>((resolve) => (settle = resolve));
    const timer = setTimeout(() => {
      settle(`router host ${this.index} did not answer within ${timeoutMs} ms`);
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("message", (raw: unknown) => {
      const parsed = hostEventSchema.safeParse(raw);
      if (!parsed.success) return;
      const event = parsed.data;
      if (event.type === "host-ready") {
        clearTimeout(timer);
        settle(undefined);
        this.onChange();
        return;
      }
      this.nodes.get(event.name)?.onHostEvent(event);
    });
    this.exited = new Promise((resolve) => {
      child.once("error", (err) => {
        if (child.pid !== undefined) return;
        clearTimeout(timer);
        settle(`cannot start router host ${this.index}: ${err.message}`);
        log.end();
        resolve();
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        const how = signal ?? `code ${code}`;
        settle(`router host ${this.index} exited (${how}) before it listened${this.stderrTail.length ? `:\n${this.stderrTail.join("\n")}` : ""}`);
        this.starting = undefined;
        for (const node of this.nodes.values()) node.onHostExit(this.stopping, code, signal, this.stderrTail);
        log.end();
        this.onChange();
        resolve();
      });
    });
    return listening;
  }
}

/** One router of a router host, as the daemon supervises it. */
export class HostedNode implements SupervisedNode {
  private runState: NodeRunState = "stopped";
  private tail: string[] = [];
  private exitCode: number | null | undefined;
  private exitSignal: string | undefined;
  private log: WriteStream | undefined;
  private pendingStart: ((failure: NodeStartFailure | undefined) => void) | undefined;
  private pendingStop: (() => void) | undefined;

  constructor(
    readonly spec: NodeSpec,
    readonly host: RouterHostProcess,
    public consolePort: number,
    public mgmtPort: number,
    private readonly onChange: () => void,
  ) {
    host.adopt(this);
  }

  get state(): NodeRunState {
    return this.runState;
  }

  status(): NodeStatus {
    const pid = this.runState === "running" || this.runState === "starting" ? this.host.pid : undefined;
    return {
      name: this.spec.name,
      state: this.runState,
      host: LOOPBACK_HOST,
      consolePort: this.consolePort,
      mgmtPort: this.mgmtPort,
      ...(pid !== undefined ? { pid } : {}),
      hostProcess: this.host.index,
      ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}),
      ...(this.exitSignal ? { signal: this.exitSignal } : {}),
      ...(this.tail.length ? { stderrTail: [...this.tail] } : {}),
    };
  }

  async start(timeoutMs: number, ports: readonly string[]): Promise<NodeStartFailure | undefined> {
    if (this.runState === "running" || this.runState === "starting") return undefined;
    this.tail = [];
    this.exitCode = undefined;
    this.exitSignal = undefined;
    this.setState("starting");
    const hostDown = await this.host.ensure(timeoutMs);
    if (hostDown !== undefined) {
      appendTail(this.tail, hostDown);
      this.setState("crashed");
      return { reason: "spawn", message: hostDown, portInUse: false };
    }
    await mkdir(this.spec.dir, { recursive: true });
    this.log ??= createWriteStream(join(this.spec.dir, "agent.log"), { flags: "a" });
    const { spec } = this;
    const started = new Promise<NodeStartFailure | undefined>((resolve) => (this.pendingStart = resolve));
    const timer = setTimeout(() => {
      this.host.send({ type: "stop", name: spec.name });
      this.settleStart({ reason: "timeout", message: `not ready after ${timeoutMs} ms`, portInUse: false }, "crashed");
    }, timeoutMs);
    const sent = this.host.send({
      type: "start",
      router: {
        name: spec.name,
        dir: spec.configDir,
        config: spec.config,
        consolePort: this.consolePort,
        mgmtPort: this.mgmtPort,
        ports: [...ports],
        nodeIndex: spec.index,
        ...(spec.platform !== undefined ? { platform: spec.platform } : {}),
        ...(spec.ports !== undefined ? { portCount: spec.ports } : {}),
      },
    });
    if (!sent) this.settleStart({ reason: "exited", message: `router host ${this.host.index} is gone`, portInUse: false }, "crashed");
    const failure = await started;
    clearTimeout(timer);
    return failure;
  }

  /** Asks the host to stop it; resolves once it has (or the host is gone, or 3 s passed). */
  async stop(): Promise<void> {
    if (this.runState !== "running" && this.runState !== "starting") {
      if (this.runState !== "crashed") this.setState("stopped");
      return;
    }
    const stopped = new Promise<void>((resolve) => (this.pendingStop = resolve));
    if (!this.host.send({ type: "stop", name: this.spec.name })) this.pendingStop?.();
    const timer = setTimeout(() => this.pendingStop?.(), STOP_GRACE_MS);
    await stopped;
    clearTimeout(timer);
    this.pendingStop = undefined;
    this.settleStart({ reason: "exited", message: "stopped before it was ready", portInUse: false }, "stopped");
    this.setState("stopped");
  }

  /** The host goes down with its routers (RouterHostProcess.killNow). */
  killNow(): void {}

  onHostEvent(event: Exclude<HostEvent, { type: "host-ready" }>): void {
    switch (event.type) {
      case "ready":
        this.consolePort = event.consolePort;
        this.mgmtPort = event.mgmtPort;
        this.settleStart(undefined, "running");
        return;
      case "failed":
        appendTail(this.tail, event.message);
        this.settleStart({ reason: "exited", message: `did not start: ${event.message}`, portInUse: /EADDRINUSE|address already in use/i.test(event.message) }, "crashed");
        return;
      case "stopped":
        this.pendingStop?.();
        return;
      case "crashed": {
        // What the agent of a process of its own prints before it exits, here for this router alone.
        const text = `flexlab-agent: uncaught exception, router stopped: ${event.error}\n`;
        this.log?.write(text);
        appendTail(this.tail, text);
        this.settleStart({ reason: "exited", message: `crashed before it was ready:\n${event.error}`, portInUse: false }, "crashed");
        if (this.runState === "running") this.setState("crashed");
        return;
      }
      case "log":
        this.log?.write(event.text);
        appendTail(this.tail, event.text);
        return;
    }
  }

  /** Its host exited: asked to (the lab goes down) or not (every router of it crashed). */
  onHostExit(asked: boolean, code: number | null, signal: NodeJS.Signals | null, hostTail: readonly string[]): void {
    this.pendingStop?.();
    if (this.runState !== "running" && this.runState !== "starting") return;
    if (!asked) {
      this.exitCode = code;
      this.exitSignal = signal ?? undefined;
      for (const line of hostTail) appendTail(this.tail, line);
    }
    const failure: NodeStartFailure = { reason: "exited", message: `its router host exited (${signal ?? `code ${code}`}) before it was ready${hostTail.length ? `:\n${hostTail.join("\n")}` : ""}`, portInUse: false };
    this.settleStart(failure, asked ? "stopped" : "crashed");
    this.setState(asked ? "stopped" : "crashed");
  }

  private settleStart(failure: NodeStartFailure | undefined, state: NodeRunState): void {
    const settle = this.pendingStart;
    if (!settle) return;
    this.pendingStart = undefined;
    this.setState(state);
    settle(failure);
  }

  private setState(state: NodeRunState): void {
    if (this.runState === state) return;
    this.runState = state;
    this.onChange();
  }
}
