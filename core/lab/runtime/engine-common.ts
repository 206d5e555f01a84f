// What the docker and swarm runtimes do alike on one engine: reach it, check the router image
// is there, refuse a lab a live deploy or another runtime holds, create a lab's networks on
// subnets from the pool (again with fresh ones when another lab took one meanwhile), and
// change a link through the routers' mgmt API. Each runtime keeps what is its own.
import type Docker from "dockerode";
import type { Lab } from "../topology";
import { connectEngine, engineMessage, statusCodeOf, type Engine } from "./docker-engine";
import { usedSubnets } from "./docker-objects";
import { allocateSubnets, DEFAULT_POOL, parseCidr, type Cidr } from "./docker-subnets";
import { applyLinkChange, changedLink } from "./link-cables";
import { processStartTicks, sameProcessAlive } from "./pids";
import { readState, writeState, type StateRead } from "./state";
import { LOOPBACK_HOST, RuntimeError, type LabState, type LinkChange, type LinkState, type NodeState, type NodeStatus } from "./types";

const SUBNET_ATTEMPTS = 3;

/** The engine, or a RuntimeError that says how to get one. */
export async function requireEngine(): Promise<Engine> {
  const connected = await connectEngine();
  if (!connected.ok) throw new RuntimeError("engine-unavailable", connected.message);
  return connected.engine;
}

/** Rejects unless `image` is on the engine; `howToGet` ends the message when it is missing. */
export async function requireImage(docker: Docker, image: string, howToGet: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
  } catch (err) {
    if (statusCodeOf(err) === 404) throw new RuntimeError("image-missing", `the router image ${image} is not built here: ${howToGet}`);
    throw new RuntimeError("engine-unavailable", `cannot look up ${image}: ${engineMessage(err)}`);
  }
}

/** The lab folder's state as it is before a deploy; throws when a deploy that still runs, or
 * another runtime, holds the lab. */
export async function refuseIfHeld(lab: Lab, runtime: LabState["runtime"]): Promise<StateRead> {
  const previous = await readState(lab.dir);
  const deployer = previous.ok ? previous.state.deploying : undefined;
  if (deployer && sameProcessAlive(deployer.pid, deployer.startTicks)) {
    throw new RuntimeError("already-running", `lab ${lab.name} in ${lab.dir} is being deployed right now (pid ${deployer.pid}); \`flexlab down\` cancels that`);
  }
  if (previous.ok && previous.state.runtime !== runtime) {
    throw new RuntimeError("already-running", `lab ${lab.name} in ${lab.dir} is running on the ${previous.state.runtime} runtime (flexlab down first)`);
  }
  return previous;
}

/** Allocates subnets of `sizes` from the pool, plans with them and creates the networks
 * `networksOf` names, in order; when another lab took a subnet meanwhile (the engine refuses
 * overlapping pools), it tries again with fresh ones. Ids by network name. */
export async function createLabNetworks<P>(
  docker: Docker,
  lab: Lab,
  poolText: string | undefined,
  sizes: readonly number[],
  signal: AbortSignal | undefined,
  plan: (subnets: readonly Cidr[]) => P,
  networksOf: (planned: P) => readonly Docker.NetworkCreateOptions[],
): Promise<{ planned: P; networkIds: Map<string, string> }> {
  const pool = parseCidr(poolText ?? DEFAULT_POOL);
  if (!pool) throw new RuntimeError("internal", `the subnet pool ${poolText} is not an IPv4 prefix like 10.255.0.0/16`);
  for (let attempt = 1; ; attempt++) {
    const allocation = allocateSubnets(pool, await usedSubnets(docker), sizes);
    if (!allocation.ok) throw new RuntimeError("internal", allocation.message);
    const planned = plan(allocation.subnets);
    const networkIds = new Map<string, string>();
    try {
      for (const net of networksOf(planned)) {
        if (signal?.aborted) throw interrupted(lab);
        networkIds.set(net.Name, (await docker.createNetwork(net)).id);
      }
      return { planned, networkIds };
    } catch (err) {
      await Promise.all([...networkIds.values()].map((id) => docker.getNetwork(id).remove().catch(() => {})));
      if (err instanceof RuntimeError) throw err;
      if (attempt < SUBNET_ATTEMPTS && /overlap/i.test(engineMessage(err))) continue;
      throw new RuntimeError("internal", `cannot create the networks of ${lab.name}: ${engineMessage(err)}`);
    }
  }
}

/** Impairs, clears, pulls or plugs link `index` on the routers of it that run; the state file
 * keeps it, so a router that starts later takes it up. */
export async function changeLabLink<S extends LabState>(now: S, index: number, change: LinkChange, status: (state: S) => Promise<NodeStatus[]>): Promise<void> {
  const link = now.links.find((l) => l.index === index);
  if (!link) throw new RuntimeError("no-such-node", `no link ${index} in lab ${now.lab} (links: ${now.links.map((l) => l.index).join(", ") || "none"})`);
  const running = new Set((await status(now)).filter((n) => n.state === "running").map((n) => n.name));
  await writeState({ ...now, links: now.links.map((l) => (l.index === index ? changedLink(l, change) : l)) });
  try {
    await applyLinkChange(now, link, change, running);
  } catch (err) {
    throw new RuntimeError("node-failed", `link ${index}: ${err instanceof Error ? err.message : String(err)} (it takes the change when it starts again)`);
  }
}

type EngineRuntime = "docker" | "swarm";

/** The lab as the state file first records it: nodes starting on their host ports on the
 * loopback (published there by docker, by the gateway on a swarm's manager), nothing made
 * yet. A node's folder is the lab folder: bound at /lab, where write memory lands. */
export function deployingState<R extends EngineRuntime>(lab: Lab, runtime: R, token: string, hostPorts: ReadonlyMap<string, { console: number; mgmt: number }>) {
  const ticks = processStartTicks(process.pid);
  return {
    version: 1 as const,
    lab: lab.name,
    dir: lab.dir,
    runtime,
    token,
    createdAt: new Date().toISOString(),
    nodes: lab.nodes.map((n): NodeState => ({
      name: n.name,
      state: "starting",
      host: LOOPBACK_HOST,
      consolePort: hostPorts.get(n.name)?.console ?? 1,
      mgmtPort: hostPorts.get(n.name)?.mgmt ?? 1,
      config: n.config,
      dir: lab.dir,
    })),
    links: [] as LinkState[],
    deploying: { pid: process.pid, ...(ticks === undefined ? {} : { startTicks: ticks }) },
  };
}

/** The state file as it is now (a `flexlab link` from another shell may have changed it), when
 * it still holds this lab on this runtime; else `state`. */
export async function freshState<S extends LabState>(state: S): Promise<S> {
  const fresh = await readState(state.dir);
  return fresh.ok && fresh.state.runtime === state.runtime && fresh.state.lab === state.lab ? (fresh.state as S) : state;
}

export function nodeOf(state: LabState, node: string): NodeState {
  const n = state.nodes.find((x) => x.name === node);
  if (!n) throw new RuntimeError("no-such-node", `no node "${node}" in lab ${state.lab} (nodes: ${state.nodes.map((x) => x.name).join(", ")})`);
  return n;
}

export function interrupted(lab: Lab): RuntimeError {
  return new RuntimeError("interrupted", `deploying ${lab.name} was interrupted: what it had made is removed again`);
}
