// A router host: one agent process running many routers on the real clock (`hosted: N` in
// lab.yaml, process runtime). Each router is a whole agent (startAgent): its own ports,
// clock, console and mgmt API on ports of its own, so every client reaches it exactly as it
// reaches a router in a process of its own.
//
// Isolation. Everything a router does runs in its own async context (AsyncLocalStorage):
// its timers, sockets and servers are created inside `run(name, …)`, and Node carries the
// context into every callback they cause. Exceptions inside the router are caught by the
// agent's guards as in a process of its own (logged, the router goes on). One that escapes
// every guard, which in a process of its own would end that process, reaches the host's
// uncaughtException handler (host-main.ts), which asks `crashOf` whose it was: that router
// alone is closed and reported crashed with its error; the others never notice. An
// exception no router's context claims is the host's own bug and ends the host.
import { AsyncLocalStorage } from "node:async_hooks";
import { startAgent, type Agent } from "./agent";
import { parsePortSpec, type PortSpec } from "./ports";
import { PLATFORM_NAMES, type PlatformName } from "../config/platform";
import type { HostedRouter } from "../../api/router-host";

export type HostedRouterState = "starting" | "running" | "crashed";

export interface RouterHostOptions {
  readonly token: string;
  /** The address every console and mgmt API listens on. */
  readonly bind: string;
  readonly version: string;
  /** The lab PKI folder of a router whose startup-config is in `dir` (main.ts's default: DIR/pki). */
  readonly pkiDirOf: (router: HostedRouter) => string;
  /** What a router writes to its stderr. */
  readonly log: (name: string, text: string) => void;
  /** A router crashed (it is closed by then). */
  readonly onCrash: (name: string, error: string) => void;
}

interface Hosted {
  readonly name: string;
  state: HostedRouterState;
  agent?: Agent;
  /** Set when it crashed: the error, message and stack. */
  error?: string;
}

export class RouterHost {
  private readonly routers = new Map<string, Hosted>();
  private readonly owner = new AsyncLocalStorage<Hosted>();

  constructor(private readonly options: RouterHostOptions) {}

  /** Starts a router; resolves with its console and mgmt ports once they listen, rejects with
   * why it could not (nothing of it is left then). A crashed router of that name is replaced. */
  async start(router: HostedRouter): Promise<{ consolePort: number; mgmtPort: number }> {
    const existing = this.routers.get(router.name);
    if (existing && existing.state !== "crashed") throw new Error(`${router.name} is already ${existing.state} in this host`);
    const ports: PortSpec[] = [];
    for (const text of router.ports) {
      const spec = parsePortSpec(text);
      if (typeof spec === "string") throw new Error(spec);
      ports.push(spec);
    }
    const platform = router.platform === undefined ? undefined : PLATFORM_NAMES.find((p): p is PlatformName => p === router.platform);
    if (router.platform !== undefined && platform === undefined) throw new Error(`unknown platform ${router.platform} (one of ${PLATFORM_NAMES.join(", ")})`);
    const hosted: Hosted = { name: router.name, state: "starting" };
    this.routers.set(router.name, hosted);
    const { token, bind, version, log } = this.options;
    try {
      // Everything the agent creates (sockets, servers, timers) inherits this context.
      const agent = await this.owner.run(hosted, () =>
        startAgent({
          name: router.name,
          dir: router.dir,
          config: router.config,
          consolePort: router.consolePort,
          mgmtPort: router.mgmtPort,
          token,
          bind,
          ports,
          pkiDir: this.options.pkiDirOf(router),
          nodeIndex: router.nodeIndex,
          platform,
          portCount: router.portCount,
          version,
          stderr: (text) => log(router.name, text),
        }),
      );
      if (this.routers.get(router.name) !== hosted || hosted.state !== "starting") {
        // Stopped or crashed while it booted.
        await agent.close().catch(() => {});
        throw new Error(`${router.name} ${hosted.state === "crashed" ? `crashed while starting: ${hosted.error}` : "was stopped while starting"}`);
      }
      hosted.agent = agent;
      hosted.state = "running";
      return { consolePort: agent.consolePort, mgmtPort: agent.mgmtPort };
    } catch (err) {
      if (this.routers.get(router.name) === hosted && hosted.state === "starting") this.routers.delete(router.name);
      throw err;
    }
  }

  /** Stops a router (running, starting or crashed): it is gone from the host afterwards. */
  async stop(name: string): Promise<void> {
    const hosted = this.routers.get(name);
    if (!hosted) return;
    this.routers.delete(name);
    hosted.state = "crashed"; // a start still under way sees it is no longer wanted
    await hosted.agent?.close().catch(() => {});
  }

  /** Stops every router. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.routers.keys()].map((name) => this.stop(name)));
  }

  /** Runs `fn` as router `name`: whatever it schedules belongs to that router. */
  run<T>(name: string, fn: () => T): T {
    const hosted = this.routers.get(name);
    if (!hosted) throw new Error(`no router ${name} in this host`);
    return this.owner.run(hosted, fn);
  }

  state(name: string): HostedRouterState | undefined {
    return this.routers.get(name)?.state;
  }

  agent(name: string): Agent | undefined {
    return this.routers.get(name)?.agent;
  }

  names(): string[] {
    return [...this.routers.keys()];
  }

  /**
   * For the host's uncaughtException handler: when the exception was thrown in a router's
   * context, closes that router, reports it crashed and returns its name; undefined when no
   * router claims it (the host's own bug).
   */
  crashOf(err: unknown): string | undefined {
    const hosted = this.owner.getStore();
    if (!hosted || this.routers.get(hosted.name) !== hosted) return undefined;
    if (hosted.state === "crashed") return hosted.name;
    hosted.state = "crashed";
    hosted.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    // Closed outside its own context: its close is the host's business.
    const agent = hosted.agent;
    hosted.agent = undefined;
    void this.owner.exit(async () => {
      await agent?.close().catch(() => {});
      this.options.onCrash(hosted.name, hosted.error ?? "");
    });
    return hosted.name;
  }
}
