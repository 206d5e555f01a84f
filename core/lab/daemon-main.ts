// Entry of the process runtime's lab daemon, spawned detached by `flexlab up` (see
// runtime/process.ts) with an IPC channel: it receives the lab to deploy, reports progress,
// then `ready` (with the lab state) or `failed`, and its parent lets go. From then on it
// answers the control channel until `down`, SIGTERM or SIGINT, and leaves nothing behind.
import type { Server } from "node:http";
import { agentCommand, freshAgentBundle } from "./agent-entry";
import { LabDaemon } from "./daemon";
import { startControlServer } from "./daemon-control";
import { DAEMON_TOKEN_ENV, deployMessageSchema, type ControlRequest, type ControlResponse, type DaemonMessage } from "./daemon-protocol";
import { RuntimeError } from "./runtime/types";

/** Sends to the parent (if still there); resolves once the message has left. */
function tell(message: DaemonMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

function log(text: string): void {
  console.error(`${new Date().toISOString()} ${text}`);
}

const token = process.env[DAEMON_TOKEN_ENV] ?? "";
delete process.env[DAEMON_TOKEN_ENV];
let daemon: LabDaemon | undefined;
let ready = false;
let server: Server | undefined;
let leaving = false;
/** `down` arrived while deploying: the deploy's own failure (its nodes killed under it) is
 * not news to anyone. */
let cancelled = false;

/** Stops the lab (if up), closes the control channel, exits. */
async function leave(code: number): Promise<never> {
  if (!leaving) {
    leaving = true;
    await daemon?.shutdown();
    server?.close();
    server?.closeAllConnections();
    log(`lab daemon exiting (${code})`);
  }
  process.exit(code);
}

process.on("exit", () => daemon?.killAll());
process.on("SIGTERM", () => void leave(0));
process.on("SIGINT", () => void leave(0));
process.on("SIGHUP", () => {});
process.on("uncaughtException", (err) => {
  log(`lab daemon bug: ${err.stack ?? err.message}`);
  void leave(70);
});

async function handle(op: string, node: string | undefined, link?: ControlRequest["link"]): Promise<ControlResponse> {
  const d = daemon;
  // `down` while the lab is still being deployed cancels the deploy: `flexlab up` learns
  // from this process's exit, after everything made so far is gone.
  if (op === "down" && d && !ready) {
    // Say why first, so `up` reports the deploy as interrupted (exit 130) rather than as
    // nodes that died or a daemon that vanished, whichever of those it would see first.
    cancelled = true;
    const message = `deploying ${d.state().lab} was interrupted: the lab was taken down before it was up`;
    void tell({ type: "failed", error: { code: "interrupted", message } }).then(() => leave(0));
    return { ok: true, nodes: d.statuses() };
  }
  // While deploying, status shows how far it got; node operations wait for the lab to be up.
  if (op === "status" && d) return { ok: true, nodes: d.state().nodes };
  if (!d || !ready) return { ok: false, error: { code: "engine-unavailable", message: "the lab is still starting" } };
  const one = async (f: (name: string) => Promise<unknown>): Promise<ControlResponse> => {
    if (!node) return { ok: false, error: { code: "internal", message: `${op} needs a node` } };
    await f(node);
    // The next CLI call may read the state file: let it see this change.
    await d.flushed();
    return { ok: true, nodes: d.statuses() };
  };
  try {
    switch (op) {
      case "status":
        return { ok: true, nodes: d.statuses() };
      case "start-node":
        return await one((n) => d.startNode(n));
      case "stop-node":
        return await one((n) => d.stopNode(n));
      case "restart-node":
        return await one((n) => d.restartNode(n));
      case "own-process":
        return await one((n) => d.restartInOwnProcess(n));
      case "link": {
        if (!link) return { ok: false, error: { code: "internal", message: "link needs a link and a change" } };
        d.changeLink(link.index, link.change);
        await d.flushed();
        return { ok: true, nodes: d.statuses() };
      }
      case "down": {
        const nodes = d.statuses();
        leaving = true;
        await d.shutdown();
        // Answer first, then go: the caller waits for this pid to disappear.
        setImmediate(() => {
          server?.close();
          server?.closeAllConnections();
          log("lab daemon down");
          process.exit(0);
        });
        return { ok: true, nodes };
      }
      default:
        return { ok: false, error: { code: "internal", message: `unknown operation ${op}` } };
    }
  } catch (err) {
    if (err instanceof RuntimeError) return { ok: false, error: { code: err.code, message: err.message } };
    throw err;
  }
}

process.once("message", (raw: unknown) => {
  const parsed = deployMessageSchema.safeParse(raw);
  if (!parsed.success) {
    void tell({ type: "failed", error: { code: "internal", message: `lab daemon: bad deploy message: ${parsed.error.issues[0].message}` } }).then(() => leave(2));
    return;
  }
  const { lab, timeoutMs } = parsed.data;
  void (async () => {
    try {
      const control = await startControlServer(token, (op, req) => handle(op, req.node, req.link));
      server = control.server;
      log(`lab daemon for ${lab.name} in ${lab.dir}: control on 127.0.0.1:${control.port}`);
      daemon = new LabDaemon({
        lab,
        token,
        agent: agentCommand(await freshAgentBundle()),
        nodeTimeoutMs: timeoutMs,
        controlPort: control.port,
        onProgress: (node, step, detail) => {
          if (!cancelled) void tell({ type: "progress", node, step, ...(detail ? { detail } : {}) });
        },
      });
      await daemon.deploy();
      ready = true;
      log(`lab ${lab.name} up: ${lab.nodes.length} node(s)`);
      await tell({ type: "ready", state: daemon.state() });
      if (process.connected) process.disconnect();
    } catch (err) {
      if (cancelled) return; // `down` is taking the lab down and has told `up` why
      const error = err instanceof RuntimeError ? { code: err.code, message: err.message } : { code: "internal", message: (err as Error).stack ?? String(err) };
      log(`lab ${lab.name} failed to start: ${error.message}`);
      await tell({ type: "failed", error });
      await leave(1);
    }
  })();
});
