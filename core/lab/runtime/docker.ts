// The docker runtime: one container per router running the image `flexlab image build`
// makes, one internal Docker network per link, one management network per lab for the
// console and mgmt ports on 127.0.0.1 (the choices are explained in docker-plan.ts). No lab
// daemon: the engine keeps the containers, and every operation asks it afresh. Every object
// carries `flexlab.lab=<name>`, so destroy removes exactly what the lab made.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type Docker from "dockerode";
import { PortAllocator } from "../ports";
import type { Lab } from "../topology";
import { ROUTER_IMAGE } from "../image/tag";
import { compareApiVersions, connectEngine, engineMessage, statusCodeOf, type Engine } from "./docker-engine";
import { listLabObjects, otherDirs, removeLabObjects, usedSubnets } from "./docker-objects";
import { containerUser, dockerLimitation, planLab, STOP_TIMEOUT_SEC, type LabPlan, type NodePlan } from "./docker-plan";
import { createContainer, describeExit, inspectContainer, readLog, startAndWait, stopContainer, tailLines, type NodeWiring, type StartFailure } from "./docker-node";
import { allocateSubnets, DEFAULT_POOL, formatCidr, parseCidr, prefixLengthFor, type Cidr } from "./docker-subnets";
import { newToken, readState, removeState, writeState } from "./state";
import { RuntimeError, type DeployOptions, type DeployStep, type LabState, type NodeState, type NodeStatus, type Runtime, type RuntimeErrorCode } from "./types";

export { dockerAvailable } from "./docker-engine";

export interface DockerRuntimeOptions {
  /** Default: flexlab/router:<FlexLab version>. */
  readonly image?: string;
  /** Where the Docker-side subnets come from. Default 10.255.0.0/16. */
  readonly pool?: string;
  /** Memory limit per router container. Default 256 MiB. */
  readonly memoryBytes?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const SUBNET_ATTEMPTS = 3;

export class DockerRuntime implements Runtime {
  readonly name = "docker" as const;

  constructor(private readonly options: DockerRuntimeOptions = {}) {}

  private get image(): string {
    return this.options.image ?? ROUTER_IMAGE;
  }

  async deploy(given: Lab, options: DeployOptions = {}): Promise<LabState> {
    const lab: Lab = { ...given, dir: resolve(given.dir) }; // bind mounts and labels want it absolute
    const limitation = dockerLimitation(lab);
    if (limitation) throw new RuntimeError("internal", limitation);
    const engine = await this.engine();
    const { docker } = engine;
    await this.requireImage(docker);
    await this.refuseIfRunning(docker, lab);

    const token = newToken();
    // The agent writes the lab folder (write memory) as the folder's owner.
    const owner = await stat(lab.dir);
    const user = containerUser(owner.uid, owner.gid);
    const ports = new PortAllocator();
    const hostPorts = new Map<string, { console: number; mgmt: number }>();
    for (const n of lab.nodes) hostPorts.set(n.name, { console: await ports.tcp(), mgmt: await ports.tcp() });
    const progress = (node: string, step: DeployStep, detail?: string): void => options.onProgress?.(node, step, detail);

    try {
      for (const n of lab.nodes) progress(n.name, "network");
      const plan = await this.createNetworks(docker, lab, (subnets) =>
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
      const perEndpointMac = compareApiVersions(engine.apiVersion, "1.44") >= 0;
      const timeoutMs = options.timeoutMs ?? Math.max(DEFAULT_READY_TIMEOUT_MS, lab.nodes.length * 1000);
      const ids = new Map<string, string>();
      const failures: StartFailure[] = [];
      await Promise.all(
        plan.nodes.map(async (node) => {
          progress(node.name, "starting");
          const failure = await this.createAndStart(docker, node, perEndpointMac, timeoutMs, ids, () => progress(node.name, "booting"));
          if (failure) {
            progress(node.name, "failed", failure.message);
            failures.push(failure);
          } else {
            progress(node.name, "ready", `console ${node.consolePort}, mgmt ${node.mgmtPort}`);
          }
        }),
      );
      if (failures.length) throw new RuntimeError(errorCodeOf(failures), failures.map((f) => f.message).join("\n"));
      const state = await this.stateOf(docker, lab, plan, token, ids);
      await writeState(state);
      return state;
    } catch (err) {
      await removeLabObjects(docker, lab.name, 0).catch(() => {});
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError("internal", `deploying ${lab.name} on Docker failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async destroy(state: LabState): Promise<void> {
    const { docker } = await this.engine();
    try {
      await removeLabObjects(docker, state.lab, STOP_TIMEOUT_SEC);
    } catch (err) {
      throw new RuntimeError("internal", err instanceof Error ? err.message : String(err));
    }
    await removeState(state.dir);
  }

  async startNode(state: LabState, node: string): Promise<NodeStatus> {
    const n = this.nodeOf(state, node);
    const { docker } = await this.engine();
    const facts = await inspectContainer(docker, this.containerRef(n));
    if (!facts) throw this.gone(state, n);
    if (!facts.running) {
      const failure = await this.startUntilReady(docker, this.wiringOf(state, n), facts.id, DEFAULT_READY_TIMEOUT_MS);
      if (failure) {
        await this.saveNode(state, n.name, "crashed");
        throw new RuntimeError(errorCodeOf([failure]), failure.message);
      }
    }
    await this.saveNode(state, n.name, "running");
    return this.statusOf(docker, state, n, "running");
  }

  async stopNode(state: LabState, node: string): Promise<NodeStatus> {
    const n = this.nodeOf(state, node);
    const { docker } = await this.engine();
    const facts = await inspectContainer(docker, this.containerRef(n));
    if (!facts) throw this.gone(state, n);
    await stopContainer(docker, facts.id, STOP_TIMEOUT_SEC);
    await this.saveNode(state, n.name, "stopped");
    return this.statusOf(docker, state, n, "stopped");
  }

  async restartNode(state: LabState, node: string): Promise<NodeStatus> {
    await this.stopNode(state, node);
    return this.startNode(state, node);
  }

  async status(state: LabState): Promise<NodeStatus[]> {
    const { docker } = await this.engine();
    // The file knows which nodes were stopped on purpose, also when `state` was read before.
    const fresh = await readState(state.dir);
    const nodes = fresh.ok && fresh.state.lab === state.lab ? fresh.state.nodes : state.nodes;
    return Promise.all(nodes.map((n) => this.statusOf(docker, state, n, n.state)));
  }

  // --- engine and image -------------------------------------------------------------------

  private async engine(): Promise<Engine> {
    const connected = await connectEngine();
    if (!connected.ok) throw new RuntimeError("engine-unavailable", connected.message);
    return connected.engine;
  }

  private async requireImage(docker: Docker): Promise<void> {
    try {
      await docker.getImage(this.image).inspect();
    } catch (err) {
      if (statusCodeOf(err) === 404) {
        throw new RuntimeError("image-missing", `the router image ${this.image} is not built here: run \`flexlab image build\` (or \`flexlab image load FILE.tar\`)`);
      }
      throw new RuntimeError("engine-unavailable", `cannot look up ${this.image}: ${engineMessage(err)}`);
    }
  }

  /** A lab of this name already on the engine: from this folder and alive, from another folder,
   * or left over from a deploy that never finished (removed here). */
  private async refuseIfRunning(docker: Docker, lab: Lab): Promise<void> {
    const previous = await readState(lab.dir);
    if (previous.ok && previous.state.runtime !== "docker") {
      throw new RuntimeError("already-running", `lab ${lab.name} in ${lab.dir} is running on the ${previous.state.runtime} runtime (flexlab down first)`);
    }
    const objects = await listLabObjects(docker, lab.name);
    const elsewhere = otherDirs(objects, lab.dir);
    if (elsewhere.length) {
      throw new RuntimeError("already-running", `a lab named ${lab.name} is already on Docker, deployed from ${elsewhere.join(", ")} (flexlab down there first)`);
    }
    if (previous.ok && objects.containers.length) {
      throw new RuntimeError("already-running", `lab ${lab.name} is already running in ${lab.dir} (flexlab down first)`);
    }
    if (objects.containers.length || objects.networks.length) await removeLabObjects(docker, lab.name, 0);
    if (previous.ok) await removeState(lab.dir);
  }

  // --- deploy steps -----------------------------------------------------------------------

  /** Allocates the subnets, plans the lab and creates its networks; when another lab took a
   * subnet meanwhile (the engine refuses overlapping pools), it tries again with fresh ones. */
  private async createNetworks(docker: Docker, lab: Lab, plan: (subnets: readonly Cidr[]) => LabPlan): Promise<LabPlan> {
    const pool = parseCidr(this.options.pool ?? DEFAULT_POOL);
    if (!pool) throw new RuntimeError("internal", `the subnet pool ${this.options.pool} is not an IPv4 prefix like 10.255.0.0/16`);
    const sizes = [prefixLengthFor(lab.nodes.length), ...lab.links.map((l) => prefixLengthFor(l.endpoints.length))];
    for (let attempt = 1; ; attempt++) {
      const allocation = allocateSubnets(pool, await usedSubnets(docker), sizes);
      if (!allocation.ok) throw new RuntimeError("internal", allocation.message);
      const labPlan = plan(allocation.subnets);
      const created: string[] = [];
      try {
        for (const net of [labPlan.mgmt, ...labPlan.links]) created.push((await docker.createNetwork(net.create)).id);
        return labPlan;
      } catch (err) {
        await Promise.all(created.map((id) => docker.getNetwork(id).remove().catch(() => {})));
        if (attempt < SUBNET_ATTEMPTS && /overlap/i.test(engineMessage(err))) continue;
        throw new RuntimeError("internal", `cannot create the networks of ${lab.name}: ${engineMessage(err)}`);
      }
    }
  }

  private async createAndStart(
    docker: Docker,
    node: NodePlan,
    perEndpointMac: boolean,
    timeoutMs: number,
    ids: Map<string, string>,
    onStarted: () => void,
  ): Promise<StartFailure | undefined> {
    let id: string;
    try {
      id = await createContainer(docker, node, perEndpointMac);
    } catch (err) {
      return { kind: "engine", message: `${node.name}: the engine cannot create ${node.containerName}: ${engineMessage(err)}` };
    }
    ids.set(node.name, id);
    try {
      return await this.startUntilReady(docker, node, id, timeoutMs, onStarted);
    } catch (err) {
      return { kind: "engine", message: `${node.name}: ${engineMessage(err)}` };
    }
  }

  /** Starts a created container and waits for its agent; `onStarted` once the engine started it. */
  private async startUntilReady(docker: Docker, wiring: NodeWiring, id: string, timeoutMs: number, onStarted?: () => void): Promise<StartFailure | undefined> {
    onStarted?.();
    const failure = await startAndWait(docker, wiring, id, timeoutMs);
    if (failure && failure.kind !== "port-in-use" && failure.kind !== "engine") await stopContainer(docker, id, 0).catch(() => {});
    return failure;
  }

  private async stateOf(docker: Docker, lab: Lab, plan: LabPlan, token: string, ids: ReadonlyMap<string, string>): Promise<LabState> {
    const networkIds = new Map<string, string>();
    for (const net of [plan.mgmt, ...plan.links]) networkIds.set(net.name, (await docker.getNetwork(net.name).inspect()).Id);
    const configOf = new Map(lab.nodes.map((n) => [n.name, n.config]));
    return {
      version: 1,
      lab: lab.name,
      dir: lab.dir,
      runtime: "docker",
      token,
      createdAt: new Date().toISOString(),
      // A docker node's folder is the lab folder: bound at /lab, where write memory lands.
      nodes: plan.nodes.map((n) => ({
        name: n.name,
        state: "running",
        consolePort: n.consolePort,
        mgmtPort: n.mgmtPort,
        containerId: ids.get(n.name),
        config: configOf.get(n.name) ?? "",
        dir: lab.dir,
      })),
      links: plan.links.map((net) => ({
        index: net.linkIndex ?? 0,
        endpoints: plan.nodes.flatMap((n) => n.links.filter((e) => e.network === net.name).map((e) => ({ node: n.name, iface: e.iface, mac: e.mac }))),
        network: { id: networkIds.get(net.name) ?? "", name: net.name, subnet: formatCidr(net.subnet) },
      })),
      docker: { image: this.image, mgmtNetwork: { id: networkIds.get(plan.mgmt.name) ?? "", name: plan.mgmt.name } },
    };
  }

  // --- node helpers -----------------------------------------------------------------------

  private nodeOf(state: LabState, node: string): NodeState {
    const n = state.nodes.find((x) => x.name === node);
    if (!n) throw new RuntimeError("no-such-node", `no node "${node}" in lab ${state.lab} (nodes: ${state.nodes.map((x) => x.name).join(", ")})`);
    return n;
  }

  private containerRef(n: NodeState): string {
    return n.containerId ?? n.name;
  }

  private gone(state: LabState, n: NodeState): RuntimeError {
    return new RuntimeError("node-failed", `the container of ${n.name} is gone (removed outside FlexLab?): \`flexlab down\` and up again to recreate lab ${state.lab}`);
  }

  private wiringOf(state: LabState, n: NodeState): NodeWiring {
    const links = state.links.flatMap((l) =>
      l.endpoints.filter((e) => e.node === n.name && e.mac && l.network).map((e) => ({ network: l.network?.name ?? "", iface: e.iface, mac: e.mac ?? "" })),
    );
    return { name: n.name, containerName: this.containerRef(n), links };
  }

  /** Records a node's intended state so status can tell "stopped" from "crashed". */
  private async saveNode(state: LabState, node: string, runState: NodeState["state"]): Promise<void> {
    const fresh = await readState(state.dir);
    const base = fresh.ok ? fresh.state : state;
    await writeState({ ...base, nodes: base.nodes.map((x) => (x.name === node ? { ...x, state: runState } : x)) });
  }

  private async statusOf(docker: Docker, state: LabState, n: NodeState, intended: NodeState["state"]): Promise<NodeStatus> {
    const base = { name: n.name, consolePort: n.consolePort, mgmtPort: n.mgmtPort };
    const facts = await inspectContainer(docker, this.containerRef(n));
    if (!facts) return { ...base, state: "crashed", stderrTail: [`the container of ${n.name} is gone (removed outside FlexLab?)`] };
    if (facts.running) return { ...base, state: "running", containerId: facts.id };
    if (intended === "stopped") return { ...base, state: "stopped", containerId: facts.id, exitCode: facts.exitCode };
    const log = await readLog(docker, facts.id).catch(() => ({ stdout: "", stderr: "" }));
    const tail = tailLines(log.stderr || log.stdout);
    return { ...base, state: "crashed", containerId: facts.id, exitCode: facts.exitCode, stderrTail: [...tail, `(${describeExit(facts)})`] };
  }
}

function errorCodeOf(failures: readonly StartFailure[]): RuntimeErrorCode {
  if (failures.some((f) => f.kind === "port-in-use")) return "port-in-use";
  return failures.every((f) => f.kind === "timeout") ? "timeout" : "node-failed";
}
