// Our router as a child process inside a network namespace, its Ethernet ports on the `packet`
// Nic backend bound to veth ends there (netns-router-main.ts is the child; its header has the
// stdin/stdout protocol). The test asks it for show output or typed rows, and sees its log.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { stopChild } from "./netns";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { TrustpointMaterial } from "../../core/router/pki/store";
import { AGENT_ENV, AGENT_NODE_FLAGS } from "../../core/lab/agent-entry";

const REPO = resolve(import.meta.dirname, "../..");
const MAIN = join(REPO, "test/support/netns-router-main.ts");
/** In dist/ (not tmp) so the packet-socket addon, left outside the bundle, resolves from node_modules. */
export const NETNS_ROUTER_BUNDLE = join(REPO, "dist/netns-router.mjs");

/**
 * netns-router-main.ts as one ESM file, bundled the way the agent's image bundle is
 * (core/lab/image/bundle.ts): a router that starts in a fraction of tsx's time and memory, as
 * a deployed agent does, which is what a benchmark's RSS figure should see.
 */
export async function bundleNetnsRouter(): Promise<string> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: [MAIN],
    outfile: NETNS_ROUTER_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["@flexlab/packet-socket", "bufferutil", "utf-8-validate"],
    banner: { js: 'import { createRequire as __flexlabCreateRequire } from "node:module";\nconst require = __flexlabCreateRequire(import.meta.url);' },
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "silent",
  });
  return NETNS_ROUTER_BUNDLE;
}

/** One answer on the child's stdout (netns-router-main.ts's protocol). */
interface Reply {
  readonly output?: string;
  readonly rows?: unknown[];
  readonly error?: string;
}

export interface NetnsRouterOptions {
  readonly ns: string;
  /** IOS port name → Linux interface in `ns`, e.g. { "Ethernet0/0": "flxbgp0" }. */
  readonly ports: Readonly<Record<string, string>>;
  readonly config: string;
  /** How long booting may take (tsx compiles the stack on a cold start). */
  readonly readyTimeoutMs?: number;
  /** Trustpoint material (certificates and keys) the router boots with. */
  readonly pki?: readonly TrustpointMaterial[];
  /** Run this bundle (bundleNetnsRouter) instead of the source through tsx. */
  readonly bundle?: string;
}

export class NetnsRouter {
  private nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly output: { stderr: string },
    /** Every log line the router printed (`%BGP-5-ADJCHANGE: …`), in order. */
    readonly log: string[],
    private readonly pending: Map<number, (reply: Reply) => void>,
    readonly pid: number,
  ) {}

  static async start(options: NetnsRouterOptions): Promise<NetnsRouter> {
    const dir = mkdtempSync(join(tmpdir(), "flexlab-netns-router-"));
    const config = join(dir, "startup-config");
    writeFileSync(config, options.config);
    const program = options.bundle ? [options.bundle] : ["--import", "tsx", MAIN];
    // The agent's own node flags: the router runs as a deployed one does.
    const args = ["netns", "exec", options.ns, process.execPath, ...AGENT_NODE_FLAGS, ...program, "--config", config];
    for (const [iface, ifname] of Object.entries(options.ports)) args.push("--port", `${iface}=packet:${ifname}`);
    if (options.pki) {
      writeFileSync(join(dir, "pki.json"), JSON.stringify(options.pki));
      args.push("--pki", join(dir, "pki.json"));
    }
    const child = spawn("ip", args, { cwd: REPO, env: { ...process.env, ...AGENT_ENV }, stdio: ["pipe", "pipe", "pipe"] });
    const output = { stderr: "" };
    child.stderr!.on("data", (d: Buffer) => (output.stderr += d.toString()));
    const lines = createInterface({ input: child.stdout! });
    // Filled from the first line on, before the NetnsRouter exists, so nothing said right
    // after "ready" is lost.
    const log: string[] = [];
    const pending = new Map<number, (reply: Reply) => void>();
    const pid = await new Promise<number>((resolvePid, reject) => {
      const timer = setTimeout(() => reject(new Error(`router in ${options.ns} not ready after ${options.readyTimeoutMs ?? 60_000} ms: ${output.stderr}`)), options.readyTimeoutMs ?? 60_000);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`router in ${options.ns} exited with ${code} before it was ready: ${output.stderr}`));
      });
      lines.on("line", (line) => {
        let message: { ready?: boolean; pid?: number; id?: number; log?: string; output?: string; rows?: unknown[]; error?: string };
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          return;
        }
        if (message.ready) {
          clearTimeout(timer);
          resolvePid(message.pid ?? -1);
        } else if (message.log !== undefined) log.push(message.log);
        else if (typeof message.id === "number") {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          waiter?.(message);
        }
      });
    }).catch((err: unknown) => {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw err;
    });
    child.once("exit", () => {
      for (const waiter of pending.values()) waiter({ error: `router exited: ${output.stderr}` });
      pending.clear();
    });
    return new NetnsRouter(child, dir, output, log, pending, pid);
  }

  private request(body: object): Promise<Reply> {
    if (this.child.exitCode !== null) return Promise.resolve({ error: `router exited: ${this.output.stderr}` });
    const id = this.nextId++;
    return new Promise((resolveReply) => {
      this.pending.set(id, resolveReply);
      this.child.stdin!.write(JSON.stringify({ id, ...body }) + "\n");
    });
  }

  /** A command's console output; several lines are pasted in one go (`configure terminal` … `end`). */
  async exec(command: string): Promise<string> {
    const reply = await this.request({ exec: command });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.output ?? "";
  }

  /** A table's typed rows, as the mgmt API's tables.get serves them. */
  async rows(table: string): Promise<unknown[]> {
    const reply = await this.request({ table });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.rows ?? [];
  }

  /** What the router wrote to stderr (boot diagnostics, caught bugs). */
  get errors(): string {
    return this.output.stderr;
  }

  /** Stops the router (stdin closed, then SIGKILL if it hangs) and removes its folder. */
  async close(): Promise<void> {
    await stopChild(this.child, () => this.child.stdin!.end(), 3000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined, or throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
