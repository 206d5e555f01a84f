// Where the programs the lab runs live: the router agent (one per node) and the lab daemon
// (process runtime). Each runs from its esbuild bundle, rebuilt when any source is newer (a
// bundle starts in a fraction of the time and memory of tsx); without esbuild, from source
// through tsx. This is the one place that knows.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { AGENT_BUNDLE, AGENT_ENTRY, bundleAgent, bundleDaemon, DAEMON_BUNDLE, DAEMON_ENTRY, type BundleResult } from "./image/bundle";
import { repoRoot } from "./repo-root";

export interface ProgramCommand {
  readonly command: string;
  /** Arguments before the program's own. */
  readonly args: readonly string[];
  /** Environment variables it runs with, besides the parent's. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Node flags every agent runs with, whichever way it starts (process runtime, image).
 * V8 grows the young generation to 16 MB semi-spaces (32 MB of RSS held for good once a
 * burst of allocation has touched them) to make short-lived objects cheap; a router's
 * tables are long-lived, so a 1 MB semi-space costs it no time and saves ~12 MB idle and
 * ~20 MB holding 100,000 BGP routes (test/bench/bgp-vpnv4.bench.ts; the 100k-route RIB fill
 * spends the same CPU with either). `--expose-gc` lets the agent collect garbage as soon as
 * a burst is over rather than seconds later (agent/housekeeping.ts). `--v8-pool-size=1`: one
 * V8 helper thread (concurrent marking, parallel scavenges, optimizing compiles) rather than
 * four; a lab runs a router per process, and a laptop has a few cores for all of them. */
export const AGENT_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=1", "--expose-gc", "--v8-pool-size=1"];

/** Environment every agent runs with. glibc gives each thread that allocates an arena of its
 * own (up to eight per core), each keeping what was freed in it; two hold a router's C
 * allocations with less of that left over. With the flags above: idle RSS 71 -> 64 MB, after
 * 100,000 VPNv4 routes 115 -> 110 MB (test/bench/bgp-vpnv4.bench.ts), the same CPU. */
export const AGENT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };

/** tsx's loader by absolute URL: `--import tsx` would be looked up from the child's cwd. */
function fromSource(relative: string): ProgramCommand {
  return { command: process.execPath, args: ["--import", import.meta.resolve("tsx"), join(repoRoot(), relative)] };
}

/** `node dist/agent.mjs` when a bundle is given, else `node --import tsx core/router/agent/main.ts`. */
export function agentCommand(bundle?: string): ProgramCommand {
  const program = bundle ? { command: process.execPath, args: [bundle] } : fromSource(AGENT_ENTRY);
  return { command: program.command, args: [...AGENT_NODE_FLAGS, ...program.args], env: AGENT_ENV };
}

/** Newest modification time of the files the agent is built from. */
function newestSourceMs(root: string): number {
  let newest = statSync(join(root, "package.json")).mtimeMs;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(root, "core"));
  return newest;
}

/** The bundle at `file` (relative to root), rebuilt first when it is missing or older than a
 * source; undefined when it cannot be built (no esbuild in a production install: the caller
 * runs from source). */
async function freshBundle(root: string, file: string, build: (root: string) => Promise<BundleResult>): Promise<string | undefined> {
  const bundle = join(root, file);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSourceMs(root)) return bundle;
  const built = await build(root);
  return built.ok ? built.file : undefined;
}

/** The agent bundle, rebuilt first when it is missing or stale. */
export function freshAgentBundle(root = repoRoot()): Promise<string | undefined> {
  return freshBundle(root, AGENT_BUNDLE, bundleAgent);
}

/** The lab daemon's bundle, rebuilt first when it is missing or stale. */
export function freshDaemonBundle(root = repoRoot()): Promise<string | undefined> {
  return freshBundle(root, DAEMON_BUNDLE, bundleDaemon);
}

/** `node dist/daemon-main.mjs` (else `node --import tsx core/lab/daemon-main.ts`): the
 * process runtime's lab daemon. */
export async function daemonCommand(): Promise<ProgramCommand> {
  const bundle = await freshDaemonBundle();
  return bundle ? { command: process.execPath, args: [bundle] } : fromSource(DAEMON_ENTRY);
}

/** `node --import tsx core/lab/runtime/kubernetes-forward-main.ts`: the kubernetes runtime's
 * port-forwarder, which holds a lab's console and mgmt ports on 127.0.0.1. */
export function kubernetesForwarderCommand(): ProgramCommand {
  return fromSource("core/lab/runtime/kubernetes-forward-main.ts");
}
