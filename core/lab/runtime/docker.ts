// The docker runtime: one container per router running the image `flexlab image build`
// makes, one internal Docker network per link, one management network per lab for the
// console and mgmt ports on 127.0.0.1 (the choices are explained in docker-plan.ts). No lab
// daemon: the engine keeps the containers, and every operation asks it afresh. Every object
// carries `flexlab.lab=<name>`, so destroy removes exactly what the lab made. A link's
// impairment and cable are set on the routers' ports through their mgmt API (link-cables.ts).
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type Docker from "dockerode";
import { PortAllocator } from "../ports";
import type { Lab } from "../topology";
import { ROUTER_IMAGE } from "../image/tag";
import { compareApiVersions, connectEngine, engineMessage } from "./docker-engine";
import { changeLabLink, createLabNetworks, deployingState, freshState, interrupted, nodeOf, refuseIfHeld, requireEngine, requireImage } from "./engine-common";
import { listLabObjects, otherDirs, removeLabObjects } from "./docker-objects";
import { containerUser, dockerLimitation, planLab, STOP_TIMEOUT_SEC, type LabPlan, type NodePlan } from "./docker-plan";
import { createContainer, describeExit, inspectContainer, readLog, startAndWait, stopContainer, tailLines, type NodeWiring, type StartFailure } from "./docker-node";
import { formatCidr, prefixLengthFor, type Cidr } from "./docker-subnets";
import { containerName } from "./docker-labels";
import { sameProcessAlive, stopDeployer } from "./pids";
import { applyLinksOfNode } from "./link-cables";
import { newToken, readState, removeState, StateRecord, writeState } from "./state";
import { RuntimeError, type DeployOptions, type DeployStep, type DockerLabState, type LinkChange, type NodeState, type NodeStatus, type Runtime, type RuntimeErrorCode } from "./types";

export { dockerAvailable } from "./docker-engine";

/** What a lab from `lab.dir` left on the engine without a state file to name it (found by
 * its labels), removed; names what went. Nothing when no engine answers. */
export async function removeLeftovers(lab: Pick<Lab, "name" | "dir">): Promise<string[]> {
  const connected = await connectEngine();
  if (!connected.ok) return [];
  const removed = await removeLabObjects(connected.engine.docker, lab.name, STOP_TIMEOUT_SEC, resolve(lab.dir));
  return [...removed.containers.map((c) => `container ${c.name}`), ...removed.networks.map((n) => `network ${n.name}`)];
}

export interface DockerRuntimeOptions {
  /** Default: flexlab/router:<FlexLab version>. */
  readonly image?: string;
  /** Where the Docker-side subnets come from. Default 10.255.0.0/16. */
  readonly pool?: string;
  /** Memory limit per router container. Default 256 MiB. */
  readonly memoryBytes?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;

export class DockerRuntime implements Runtime<DockerLabState> {
  readonly name = "docker" as const;

  constructor(private readonly options: DockerRuntimeOptions = {}) {}

  private get image(): string {
    return this.options.image ?? ROUTER_IMAGE;
  }

  async deploy(given: Lab, options: DeployOptions = {}): Promise<DockerLabState> {
    const lab: Lab = { ...given, dir: resolve(given.dir) }; // bind mounts and labels want it absolute
    const limitation = dockerLimitation(lab);
    if (limitation) throw new RuntimeError("internal", limitation);
    const { signal } = options;
    const engine = await requireEngine();
    const { docker } = engine;
    await requireImage(docker, this.image, "run `flexlab image build` (or `flexlab image load FILE.tar`)");
    await this.refuseIfRunning(docker, lab);
    if (signal?.aborted) throw interrupted(lab);

    const token = newToken();
    // The agent writes the lab folder (write memory) as the folder's owner.
    const owner = await stat(lab.dir);
    const user = containerUser(owner.uid, owner.gid);
    const ports = new PortAllocator();
    const hostPorts = new Map<string, { console: number; mgmt: number }>();
    for (const n of lab.nodes) hostPorts.set(n.name, { console: await ports.tcp(), mgmt: await ports.tcp() });
    const progress = (node: string, step: DeployStep, detail?: string): void => options.onProgress?.(node, step, detail);

    // The state file comes before the first object and follows every one made: whatever ends
    // this deploy (Ctrl-C, a crash, `down` from another shell), `down` finds what it made.
    const record = new StateRecord(this.deployingState(lab, token, hostPorts));
    await record.flush();
    try {
      for (const n of lab.nodes) progress(n.name, "network");
      const { plan, networkIds } = await this.createNetworks(docker, lab, signal, (subnets) =>
        planLab({
          lab,
          image: this.image,
          token,
          user,
          mgmtSubnet: subnets[0],
          linkSubnets: subnets.slice(1),
          hostPorts,
          ...(this.options.memoryBytes ? { memoryBytes: this.options.memoryBytes } : {}),
        }),
      );
      record.update((s) => this.withNetworks(s, lab, plan, networkIds));
      const perEndpointMac = compareApiVersions(engine.apiVersion, "1.44") >= 0;
      const timeoutMs = options.timeoutMs ?? Math.max(DEFAULT_READY_TIMEOUT_MS, lab.nodes.length * 1000);
      const failures: StartFailure[] = [];
      const onCreated = (node: string, id: string): void =>
        record.update((s) => ({ ...s, nodes: s.nodes.map((n) => (n.name === node ? { ...n, containerId: id } : n)) }));
      // Every node task ends (and no engine request is in flight) before anything is removed:
      // a container created after the clean-up listed the lab's objects would be left behind.
      await Promise.all(
        plan.nodes.map(async (node) => {
          progress(node.name, "starting");
          const failure =
            (await this.createAndStart(docker, node, perEndpointMac, timeoutMs, signal, onCreated, () => progress(node.name, "booting"))) ??
            (await this.cablesOf(record.current, node.name));
          if (failure) {
            progress(node.name, "failed", failure.message);
            failures.push(failure);
          } else {
            progress(node.name, "ready", `console ${node.consolePort}, mgmt ${node.mgmtPort}`);
          }
        }),
      );
      if (signal?.aborted) throw interrupted(lab);
      if (failures.length) throw new RuntimeError(errorCodeOf(failures), failures.map((f) => f.message).join("\n"));
      record.update((s) => {
        const { deploying: _done, ...rest } = s;
        return { ...rest, nodes: s.nodes.map((n) => ({ ...n, state: "running" })) };
      });
      await record.flush();
      return record.current;
    } catch (err) {
      await record.flush().catch(() => {}); // no write may land after the removal
      await removeLabObjects(docker, lab.name, 0).catch(() => {});
      await removeState(lab.dir).catch(() => {});
      if (signal?.aborted) throw interrupted(lab);
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError("internal", `deploying ${lab.name} on Docker failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async destroy(state: DockerLabState): Promise<void> {
    // A deploy still under way is cancelled first: it takes down what it made.
    if (state.deploying) await stopDeployer(state.deploying);
    const { docker } = await requireEngine();
    try {
      await removeLabObjects(docker, state.lab, STOP_TIMEOUT_SEC);
    } catch (err) {
      throw new RuntimeError("internal", err instanceof Error ? err.message : String(err));
    }
    await removeState(state.dir);
  }

  async startNode(state: DockerLabState, node: string): Promise<NodeStatus> {
    const n = nodeOf(state, node);
    const { docker } = await requireEngine();
    const facts = await inspectContainer(docker, this.containerRef(state, n));
    if (!facts) throw this.gone(state, n);
    if (!facts.running) {
      const failure = (await this.startUntilReady(docker, this.wiringOf(state, n), facts.id, DEFAULT_READY_TIMEOUT_MS)) ?? (await this.cablesOf(await freshState(state), n.name));
      if (failure) {
        await this.saveNode(state, n.name, "crashed");
        throw new RuntimeError(errorCodeOf([failure]), failure.message);
      }
    }
    await this.saveNode(state, n.name, "running");
    return this.statusOf(docker, state, n, "running");
  }

  async stopNode(state: DockerLabState, node: string): Promise<NodeStatus> {
    const n = nodeOf(state, node);
    const { docker } = await requireEngine();
    const facts = await inspectContainer(docker, this.containerRef(state, n));
    if (!facts) throw this.gone(state, n);
    await stopContainer(docker, facts.id, STOP_TIMEOUT_SEC);
    await this.saveNode(state, n.name, "stopped");
    return this.statusOf(docker, state, n, "stopped");
  }

  async restartNode(state: DockerLabState, node: string): Promise<NodeStatus> {
    await this.stopNode(state, node);
    return this.startNode(state, node);
  }

  async status(state: DockerLabState): Promise<NodeStatus[]> {
    const { docker } = await requireEngine();
    // The file knows which nodes were stopped on purpose, also when `state` was read before.
    const fresh = await readState(state.dir);
    const now = fresh.ok && fresh.state.lab === state.lab ? fresh.state : state;
    // A deploy whose process died will bring no node further: say what each really is.
    const deployer = now.deploying;
    const orphaned = deployer !== undefined && !sameProcessAlive(deployer.pid, deployer.startTicks);
    return Promise.all(now.nodes.map((n) => this.statusOf(docker, state, n, orphaned && n.state === "starting" ? "running" : n.state)));
  }

  /** Impairs, clears, pulls or plugs link `index` on the routers of it that run; the state
   * file keeps it, so a router that starts later takes it up. */
  async changeLink(state: DockerLabState, index: number, change: LinkChange): Promise<void> {
    await changeLabLink(await freshState(state), index, change, (now) => this.status(now));
  }

  // --- leftovers ---------------------------------------------------------------------------

  /** A lab of this name already on the engine: from this folder and alive, from another folder,
   * or left over from a deploy that never finished (removed here). */
  private async refuseIfRunning(docker: Docker, lab: Lab): Promise<void> {
    const previous = await refuseIfHeld(lab, "docker");
    const deployer = previous.ok ? previous.state.deploying : undefined;
    const objects = await listLabObjects(docker, lab.name);
    const elsewhere = otherDirs(objects, lab.dir);
    if (elsewhere.length) {
      throw new RuntimeError("already-running", `a lab named ${lab.name} is already on Docker, deployed from ${elsewhere.join(", ")} (flexlab down there first)`);
    }
    // A deploy whose process died (deployer checked above) left a half-made lab: cleared below.
    if (previous.ok && !deployer && objects.containers.length) {
      throw new RuntimeError("already-running", `lab ${lab.name} is already running in ${lab.dir} (flexlab down first)`);
    }
    if (objects.containers.length || objects.networks.length) await removeLabObjects(docker, lab.name, 0);
    if (previous.ok) await removeState(lab.dir);
  }

  // --- deploy steps -----------------------------------------------------------------------

  /** Allocates the subnets, plans the lab and creates its networks; when another lab took a
   * subnet meanwhile (the engine refuses overlapping pools), it tries again with fresh ones. */
  private async createNetworks(
    docker: Docker,
    lab: Lab,
    signal: AbortSignal | undefined,
    plan: (subnets: readonly Cidr[]) => LabPlan,
  ): Promise<{ plan: LabPlan; networkIds: Map<string, string> }> {
    const sizes = [prefixLengthFor(lab.nodes.length), ...lab.links.map((l) => prefixLengthFor(l.endpoints.length))];
    const { planned, networkIds } = await createLabNetworks(docker, lab, this.options.pool, sizes, signal, plan, (p) => [p.mgmt.create, ...p.links.map((l) => l.create)]);
    return { plan: planned, networkIds };
  }

  private async createAndStart(
    docker: Docker,
    node: NodePlan,
    perEndpointMac: boolean,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onCreated: (node: string, id: string) => void,
    onStarted: () => void,
  ): Promise<StartFailure | undefined> {
    if (signal?.aborted) return { kind: "interrupted", message: `${node.name}: interrupted` };
    let id: string;
    try {
      id = await createContainer(docker, node, perEndpointMac);
    } catch (err) {
      return { kind: "engine", message: `${node.name}: the engine cannot create ${node.containerName}: ${engineMessage(err)}` };
    }
    onCreated(node.name, id);
    try {
      return await this.startUntilReady(docker, node, id, timeoutMs, onStarted, signal);
    } catch (err) {
      return { kind: "engine", message: `${node.name}: ${engineMessage(err)}` };
    }
  }

  /** Starts a created container and waits for its agent; `onStarted` once the engine started it. */
  private async startUntilReady(
    docker: Docker,
    wiring: NodeWiring,
    id: string,
    timeoutMs: number,
    onStarted?: () => void,
    signal?: AbortSignal,
  ): Promise<StartFailure | undefined> {
    if (signal?.aborted) return { kind: "interrupted", message: `${wiring.name}: interrupted` };
    onStarted?.();
    const failure = await startAndWait(docker, wiring, id, timeoutMs, signal);
    if (failure && failure.kind !== "port-in-use" && failure.kind !== "engine" && failure.kind !== "interrupted") await stopContainer(docker, id, 0).catch(() => {});
    return failure;
  }

  /** The lab as the state file first records it: nodes starting on their host ports, nothing made yet. */
  private deployingState(lab: Lab, token: string, hostPorts: ReadonlyMap<string, { console: number; mgmt: number }>): DockerLabState {
    return { ...deployingState(lab, "docker", token, hostPorts), docker: { image: this.image } };
  }

  private withNetworks(state: DockerLabState, lab: Lab, plan: LabPlan, networkIds: ReadonlyMap<string, string>): DockerLabState {
    return {
      ...state,
      links: plan.links.map((net) => {
        const impair = lab.links[net.linkIndex ?? 0]?.impair;
        return {
          index: net.linkIndex ?? 0,
          endpoints: plan.nodes.flatMap((n) => n.links.filter((e) => e.network === net.name).map((e) => ({ node: n.name, iface: e.iface, mac: e.mac }))),
          network: { id: networkIds.get(net.name) ?? "", name: net.name, subnet: formatCidr(net.subnet) },
          ...(impair ? { impair: { ...impair } } : {}),
        };
      }),
      docker: { image: this.image, mgmtNetwork: { id: networkIds.get(plan.mgmt.name) ?? "", name: plan.mgmt.name } },
    };
  }

  /** Gives a node that just became ready its links' impairments and pulled cables. */
  private async cablesOf(state: DockerLabState, node: string): Promise<StartFailure | undefined> {
    try {
      await applyLinksOfNode(state, node);
      return undefined;
    } catch (err) {
      return { kind: "link", message: `${node}: cannot set its links' impairment: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  // --- node helpers -----------------------------------------------------------------------

  private containerRef(state: DockerLabState, n: NodeState): string {
    return n.containerId ?? containerName(state.lab, n.name);
  }

  private gone(state: DockerLabState, n: NodeState): RuntimeError {
    return new RuntimeError("node-failed", `the container of ${n.name} is gone (removed outside FlexLab?): \`flexlab down\` and up again to recreate lab ${state.lab}`);
  }

  private wiringOf(state: DockerLabState, n: NodeState): NodeWiring {
    const links = state.links.flatMap((l) =>
      l.endpoints.filter((e) => e.node === n.name && e.mac && l.network).map((e) => ({ network: l.network?.name ?? "", iface: e.iface, mac: e.mac ?? "" })),
    );
    return { name: n.name, containerName: this.containerRef(state, n), links };
  }

  /** Records a node's intended state so status can tell "stopped" from "crashed". */
  private async saveNode(state: DockerLabState, node: string, runState: NodeState["state"]): Promise<void> {
    const fresh = await readState(state.dir);
    const base = fresh.ok ? fresh.state : state;
    await writeState({ ...base, nodes: base.nodes.map((x) => (x.name === node ? { ...x, state: runState } : x)) });
  }

  private async statusOf(docker: Docker, state: DockerLabState, n: NodeState, intended: NodeState["state"]): Promise<NodeStatus> {
    const base = { name: n.name, host: n.host, consolePort: n.consolePort, mgmtPort: n.mgmtPort };
    const facts = await inspectContainer(docker, this.containerRef(state, n));
    // A deploy still under way: the container is not made or started yet, or its agent not
    // yet ready (the deploy itself reports a node that fails).
    if (intended === "starting") return { ...base, state: "starting", ...(facts ? { containerId: facts.id } : {}) };
    if (!facts) return { ...base, state: "crashed", stderrTail: [`the container of ${n.name} is gone (removed outside FlexLab?)`] };
    if (facts.running) return { ...base, state: "running", containerId: facts.id };
    if (intended === "stopped") return { ...base, state: "stopped", containerId: facts.id, exitCode: facts.exitCode };
    const log = await readLog(docker, facts.id).catch(() => ({ stdout: "", stderr: "" }));
    const tail = tailLines(log.stderr || log.stdout);
    return { ...base, state: "crashed", containerId: facts.id, exitCode: facts.exitCode, stderrTail: [...tail, `(${describeExit(facts)})`] };
  }
}

function errorCodeOf(failures: readonly StartFailure[]): RuntimeErrorCode {
  if (failures.some((f) => f.kind === "interrupted")) return "interrupted";
  if (failures.some((f) => f.kind === "port-in-use")) return "port-in-use";
  return failures.every((f) => f.kind === "timeout") ? "timeout" : "node-failed";
}
