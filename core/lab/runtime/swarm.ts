// The swarm runtime: a lab on a Docker swarm, driven from one of its managers. One service
// per router (one replica, no restart), one internal overlay network per link, a management
// overlay, and a gateway container on the manager that puts every console and mgmt API on
// 127.0.0.1 (the choices are explained in swarm-plan.ts and swarm-gateway.ts). As with the
// docker runtime there is no lab daemon: the swarm keeps everything, every operation asks it
// afresh, and every object carries `flexlab.lab=<name>`, so destroy removes exactly what the
// lab made. The image is the local one on a single node; lab.yaml's `registry:` has it tagged
// and pushed there for a swarm of several machines to pull.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type Docker from "dockerode";
import { connectMgmt } from "../mgmt-client";
import { PortAllocator } from "../ports";
import type { Lab } from "../topology";
import { ROUTER_IMAGE, ROUTER_IMAGE_REPO, FLEXLAB_VERSION } from "../image/tag";
import { connectEngine, engineMessage, statusCodeOf } from "./docker-engine";
import { changeLabLink, createLabNetworks, deployingState, freshState, interrupted, nodeOf, refuseIfHeld, requireEngine, requireImage } from "./engine-common";
import { macForAddress } from "./docker-labels";
import { demuxLog, readLog, stopContainer, tailLines } from "./docker-node";
import { CONTAINER_CONSOLE_PORT, CONTAINER_MGMT_PORT, containerUser, dockerLimitation } from "./docker-plan";
import { formatCidr, type Cidr } from "./docker-subnets";
import { applyLinksOfNode } from "./link-cables";
import { sameProcessAlive, stopDeployer } from "./pids";
import { newToken, removeState, StateRecord, writeState } from "./state";
import { gatewayName, mgmtAlias, planSwarm, serviceSpec, subnetSizes, type SwarmPlan } from "./swarm-plan";
import { planGateway, RELAY_READY, type GatewayPlan } from "./swarm-gateway";
import { listServiceTasks, listSwarmObjects, removeSwarmObjects, swarmRole, taskEnded, type SwarmTask } from "./swarm-objects";
import { RuntimeError, type DeployOptions, type DeployStep, type LinkChange, type NodeState, type NodeStatus, type Runtime, type SwarmLabState } from "./types";

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const POLL_MS = 300;
const PROBE_TIMEOUT_MS = 2_000;
const GATEWAY_READY_MS = 15_000;

/** Whether an engine answers and manages a swarm. Never rejects. */
export async function swarmAvailable(): Promise<boolean> {
  const connected = await connectEngine();
  if (!connected.ok) return false;
  try {
    return (await swarmRole(connected.engine.docker)).ok;
  } catch {
    return false;
  }
}

/** What a lab from `lab.dir` left on the swarm without a state file to name it, removed. */
export async function removeLeftovers(lab: Pick<Lab, "name" | "dir">): Promise<string[]> {
  const connected = await connectEngine();
  if (!connected.ok) return [];
  const removed = await removeSwarmObjects(connected.engine.docker, lab.name, resolve(lab.dir));
  return [...removed.services.map((s) => `service ${s.name}`), ...removed.containers.map((c) => `container ${c.name}`), ...removed.networks.map((n) => `network ${n.name}`)];
}

/** The image reference a registry serves the router image under: REGISTRY/flexlab/router:VERSION. */
export function registryImage(registry: string): string {
  return `${registry.replace(/\/+$/, "")}/${ROUTER_IMAGE_REPO}:${FLEXLAB_VERSION}`;
}

export interface SwarmRuntimeOptions {
  /** The local image. Default: flexlab/router:<FlexLab version>. */
  readonly image?: string;
  /** Where the subnets come from. Default 10.255.0.0/16 (shared with the docker runtime). */
  readonly pool?: string;
  readonly memoryBytes?: number;
}

type Failure = { readonly node: string; readonly message: string; readonly timeout?: boolean };

export class SwarmRuntime implements Runtime<SwarmLabState> {
  readonly name = "swarm" as const;

  constructor(private readonly options: SwarmRuntimeOptions = {}) {}

  private get localImage(): string {
    return this.options.image ?? ROUTER_IMAGE;
  }

  async deploy(given: Lab, options: DeployOptions = {}): Promise<SwarmLabState> {
    const lab: Lab = { ...given, dir: resolve(given.dir) };
    const limitation = dockerLimitation(lab);
    if (limitation) throw new RuntimeError("internal", limitation.replace("docker runtime", "swarm runtime"));
    const { signal } = options;
    const { docker } = await requireEngine();
    const role = await swarmRole(docker);
    if (!role.ok) throw new RuntimeError("engine-unavailable", role.message);
    await requireImage(docker, this.localImage, "run `flexlab image build`");
    await this.refuseIfRunning(docker, lab);
    if (signal?.aborted) throw interrupted(lab);
    const image = lab.registry ? await this.pushImage(docker, lab.registry) : this.localImage;

    const token = newToken();
    const owner = await stat(lab.dir);
    const user = containerUser(owner.uid, owner.gid);
    const ports = new PortAllocator();
    const hostPorts = new Map<string, { console: number; mgmt: number }>();
    for (const n of lab.nodes) hostPorts.set(n.name, { console: await ports.tcp(), mgmt: await ports.tcp() });
    const progress = (node: string, step: DeployStep, detail?: string): void => options.onProgress?.(node, step, detail);

    // As on docker: the state file comes first and follows every object made.
    const record = new StateRecord<SwarmLabState>(this.deployingState(lab, token, image, hostPorts));
    await record.flush();
    try {
      for (const n of lab.nodes) progress(n.name, "network");
      const made = await this.createNetworks(docker, lab, role.nodes, signal, (subnets) => ({
        plan: planSwarm({ lab, image, token, user, mgmtSubnet: subnets[0], linkSubnets: subnets.slice(2), hostPorts, ...(this.options.memoryBytes ? { memoryBytes: this.options.memoryBytes } : {}) }),
        gateway: planGateway({
          lab,
          name: gatewayName(lab.name),
          image: this.localImage,
          bridgeSubnet: subnets[1],
          routers: lab.nodes.map((n, i) => ({ alias: mgmtAlias(i), consolePort: hostPorts.get(n.name)?.console ?? 0, mgmtPort: hostPorts.get(n.name)?.mgmt ?? 0 })),
          consoleTarget: CONTAINER_CONSOLE_PORT,
          mgmtTarget: CONTAINER_MGMT_PORT,
        }),
      }));
      const { plan, gateway, networkIds } = made;
      record.update((s) => this.withNetworks(s, lab, plan, gateway, networkIds));
      await this.startGateway(docker, gateway, networkIds.get(plan.mgmt.name) ?? "", (id) =>
        record.update((s) => ({ ...s, swarm: { ...s.swarm, ...(s.swarm.gateway ? { gateway: { ...s.swarm.gateway, containerId: id } } : {}) } })),
      );
      if (signal?.aborted) throw interrupted(lab);

      const mgmtId = networkIds.get(plan.mgmt.name) ?? "";
      const failures: Failure[] = [];
      // One at a time keeps the manager's raft log calm; each create is a few milliseconds.
      for (const service of plan.services) {
        if (signal?.aborted) throw interrupted(lab);
        progress(service.node, "starting");
        try {
          const created = await docker.createService(serviceSpec(service, mgmtId, networkIds));
          const id = created.id;
          record.update((s) => ({ ...s, swarm: { ...s.swarm, services: { ...s.swarm.services, [service.node]: id } } }));
        } catch (err) {
          failures.push({ node: service.node, message: `${service.node}: the swarm cannot create service ${service.serviceName}: ${engineMessage(err)}` });
          progress(service.node, "failed", engineMessage(err));
        }
      }
      if (failures.length) throw new RuntimeError("node-failed", failures.map((f) => f.message).join("\n"));

      const timeoutMs = options.timeoutMs ?? Math.max(DEFAULT_READY_TIMEOUT_MS, lab.nodes.length * 1000);
      const waitFailures = await this.waitReady(docker, record.current, lab.nodes.map((n) => n.name), timeoutMs, signal, (node) => progress(node, "booting"));
      if (signal?.aborted) throw interrupted(lab);
      if (waitFailures.length) {
        for (const f of waitFailures) progress(f.node, "failed", f.message);
        throw new RuntimeError(waitFailures.every((f) => f.timeout) ? "timeout" : "node-failed", waitFailures.map((f) => f.message).join("\n"));
      }
      const withMacs = await this.withMacs(docker, record.current);
      record.update(() => withMacs);
      for (const n of lab.nodes) {
        const failure = await this.cablesOf(record.current, n.name);
        if (failure) throw new RuntimeError("node-failed", failure);
        progress(n.name, "ready", `console ${hostPorts.get(n.name)?.console}, mgmt ${hostPorts.get(n.name)?.mgmt}`);
      }
      record.update((s) => {
        const { deploying: _done, ...rest } = s;
        return { ...rest, nodes: s.nodes.map((n) => ({ ...n, state: "running" })) };
      });
      await record.flush();
      return record.current;
    } catch (err) {
      await record.flush().catch(() => {});
      await removeSwarmObjects(docker, lab.name).catch(() => {});
      await removeState(lab.dir).catch(() => {});
      if (signal?.aborted) throw interrupted(lab);
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError("internal", `deploying ${lab.name} on the swarm failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async destroy(state: SwarmLabState): Promise<void> {
    if (state.deploying) await stopDeployer(state.deploying);
    const { docker } = await requireEngine();
    try {
      await removeSwarmObjects(docker, state.lab);
    } catch (err) {
      throw new RuntimeError("internal", err instanceof Error ? err.message : String(err));
    }
    await removeState(state.dir);
  }

  async startNode(state: SwarmLabState, node: string): Promise<NodeStatus> {
    const n = nodeOf(state, node);
    const { docker } = await requireEngine();
    const tasks = await listServiceTasks(docker, [this.serviceOf(state, n)]);
    const current = tasks.get(this.serviceOf(state, n))?.[0];
    if (!(current && current.Status.State === "running" && current.DesiredState === "running")) {
      // One replica again, and a new task even when the old one ended on its own (restart
      // policy none leaves an ended task ended): ForceUpdate is the swarm's "redeploy".
      await this.updateService(docker, state, n, (spec) => ({
        ...spec,
        Mode: { Replicated: { Replicas: 1 } },
        TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1 },
      }));
      const failures = await this.waitReady(docker, state, [n.name], DEFAULT_READY_TIMEOUT_MS, undefined, () => {}, current?.ID);
      const failure = failures[0]?.message ?? (await this.cablesOf(await freshState(state), n.name));
      if (failure) {
        await this.saveNode(state, n.name, "crashed");
        throw new RuntimeError(failures[0]?.timeout ? "timeout" : "node-failed", failure);
      }
    }
    await this.saveNode(state, n.name, "running", docker);
    return this.statusOf(docker, state, n, "running");
  }

  async stopNode(state: SwarmLabState, node: string): Promise<NodeStatus> {
    const n = nodeOf(state, node);
    const { docker } = await requireEngine();
    await this.updateService(docker, state, n, (spec) => ({ ...spec, Mode: { Replicated: { Replicas: 0 } } }));
    // Scaled to nothing: the task gets SIGTERM, SIGKILL after the grace period.
    const deadline = Date.now() + DEFAULT_READY_TIMEOUT_MS;
    const id = this.serviceOf(state, n);
    while (Date.now() < deadline) {
      const tasks = (await listServiceTasks(docker, [id])).get(id) ?? [];
      if (tasks.every((t) => taskEnded(t.Status.State))) break;
      await sleep(POLL_MS);
    }
    await this.saveNode(state, n.name, "stopped");
    return this.statusOf(docker, state, n, "stopped");
  }

  async restartNode(state: SwarmLabState, node: string): Promise<NodeStatus> {
    await this.stopNode(state, node);
    return this.startNode(state, node);
  }

  async status(state: SwarmLabState): Promise<NodeStatus[]> {
    const { docker } = await requireEngine();
    const now = await freshState(state);
    const deployer = now.deploying;
    const orphaned = deployer !== undefined && !sameProcessAlive(deployer.pid, deployer.startTicks);
    const ids = Object.values(now.swarm.services);
    const tasks = await listServiceTasks(docker, ids);
    return Promise.all(now.nodes.map((n) => this.statusOf(docker, now, n, orphaned && n.state === "starting" ? "running" : n.state, tasks)));
  }

  async changeLink(state: SwarmLabState, index: number, change: LinkChange): Promise<void> {
    await changeLabLink(await freshState(state), index, change, (now) => this.status(now));
  }

  // --- image, leftovers ---------------------------------------------------------------------

  /** Tags the local image for lab.yaml's registry and pushes it there, for every swarm node to
   * pull; resolves to the reference the services run. */
  private async pushImage(docker: Docker, registry: string): Promise<string> {
    const reference = registryImage(registry);
    const at = reference.lastIndexOf(":");
    try {
      await docker.getImage(this.localImage).tag({ repo: reference.slice(0, at), tag: reference.slice(at + 1) });
      // The engine wants an X-Registry-Auth header even for a registry without a login: an empty one.
      const stream = await docker.getImage(reference).push({ authconfig: {} });
      const events = await new Promise<unknown[]>((done, fail) => docker.modem.followProgress(stream, (err: Error | null, out: unknown[]) => (err ? fail(err) : done(out))));
      const error = events.find((e): e is { error: string } => typeof e === "object" && e !== null && "error" in e && typeof (e as { error: unknown }).error === "string");
      if (error) throw new Error(error.error);
    } catch (err) {
      throw new RuntimeError("image-missing", `cannot push the router image to ${registry} as ${reference}: ${engineMessage(err)} (is the registry running, and this engine allowed to push there: insecure-registries or TLS?)`);
    }
    return reference;
  }

  private async refuseIfRunning(docker: Docker, lab: Lab): Promise<void> {
    const previous = await refuseIfHeld(lab, "swarm");
    const deployer = previous.ok ? previous.state.deploying : undefined;
    const objects = await listSwarmObjects(docker, lab.name);
    const elsewhere = [...new Set([...objects.services, ...objects.containers, ...objects.networks].map((o) => o.dir).filter((d): d is string => d !== undefined && d !== lab.dir))];
    if (elsewhere.length) throw new RuntimeError("already-running", `a lab named ${lab.name} is already on the swarm, deployed from ${elsewhere.join(", ")} (flexlab down there first)`);
    if (previous.ok && !deployer && objects.services.length) throw new RuntimeError("already-running", `lab ${lab.name} is already running in ${lab.dir} (flexlab down first)`);
    if (objects.services.length || objects.containers.length || objects.networks.length) await removeSwarmObjects(docker, lab.name);
    if (previous.ok) await removeState(lab.dir);
  }

  // --- deploy steps -----------------------------------------------------------------------

  private async createNetworks(
    docker: Docker,
    lab: Lab,
    swarmNodes: number,
    signal: AbortSignal | undefined,
    plan: (subnets: readonly Cidr[]) => { plan: SwarmPlan; gateway: GatewayPlan },
  ): Promise<{ plan: SwarmPlan; gateway: GatewayPlan; networkIds: Map<string, string> }> {
    const { planned, networkIds } = await createLabNetworks(docker, lab, this.options.pool, subnetSizes(lab, swarmNodes), signal, plan, (p) => [
      p.plan.mgmt.create,
      p.gateway.bridge.create,
      ...p.plan.links.map((l) => l.create),
    ]);
    return { ...planned, networkIds };
  }

  /** Creates the gateway on its bridge, joins it to the management overlay, starts it, and
   * waits for the relay's ready line. */
  private async startGateway(docker: Docker, gateway: GatewayPlan, mgmtId: string, onCreated: (id: string) => void): Promise<void> {
    let id: string;
    try {
      id = (await docker.createContainer(gateway.create)).id;
      onCreated(id);
      await docker.getNetwork(mgmtId).connect({ Container: id });
      await docker.getContainer(id).start();
    } catch (err) {
      const message = engineMessage(err);
      throw new RuntimeError(/address already in use|port is already allocated/i.test(message) ? "port-in-use" : "internal", `the lab's gateway ${gateway.name}: ${message}`);
    }
    const deadline = Date.now() + GATEWAY_READY_MS;
    for (;;) {
      const log = await readLog(docker, id);
      if (log.stdout.includes(RELAY_READY)) return;
      const info = await docker.getContainer(id).inspect();
      if (!info.State.Running || Date.now() > deadline) {
        await stopContainer(docker, id, 0).catch(() => {});
        throw new RuntimeError("internal", `the lab's gateway ${gateway.name} did not start:\n  ${tailLines(log.stderr || log.stdout).join("\n  ")}`);
      }
      await sleep(100);
    }
  }

  /**
   * Waits until each node's mgmt API answers through the gateway with the lab's token; a node
   * whose task ended (or was rejected: no image, no such bind source on its node) fails at
   * once with the swarm's reason and its log's last lines. `oldTask`: a task to look past.
   */
  private async waitReady(
    docker: Docker,
    state: SwarmLabState,
    nodes: readonly string[],
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onBooting: (node: string) => void,
    oldTask?: string,
  ): Promise<Failure[]> {
    const deadline = Date.now() + timeoutMs;
    const waiting = new Set(nodes);
    const booting = new Set<string>();
    const failures: Failure[] = [];
    while (waiting.size) {
      if (signal?.aborted) return [...waiting].map((node) => ({ node, message: `${node}: interrupted` }));
      const ids = [...waiting].map((node) => this.serviceOf(state, nodeOf(state, node)));
      const tasks = await listServiceTasks(docker, ids);
      await Promise.all(
        [...waiting].map(async (node) => {
          const id = this.serviceOf(state, nodeOf(state, node));
          const task = tasks.get(id)?.find((t) => t.ID !== oldTask);
          if (!task) return;
          if (taskEnded(task.Status.State)) {
            waiting.delete(node);
            failures.push({ node, message: await this.taskFailure(docker, node, id, task) });
            return;
          }
          if (task.Status.State !== "running") return;
          if (!booting.has(node)) {
            booting.add(node);
            onBooting(node);
          }
          const n = nodeOf(state, node);
          const probe = await connectMgmt({ host: n.host, port: n.mgmtPort, token: state.token, timeoutMs: PROBE_TIMEOUT_MS });
          if (probe.ok) {
            probe.client.close();
            waiting.delete(node);
          }
        }),
      );
      if (!waiting.size) break;
      if (Date.now() > deadline) {
        for (const node of waiting) failures.push({ node, message: `${node} not ready after ${timeoutMs} ms`, timeout: true });
        break;
      }
      await sleep(POLL_MS);
    }
    return failures;
  }

  /** Why a task ended: the swarm's error (no such image, bind source missing…) or the
   * router's exit with its log's last lines. */
  private async taskFailure(docker: Docker, node: string, serviceId: string, task: SwarmTask): Promise<string> {
    const exit = task.Status.ContainerStatus?.ExitCode;
    const reason = task.Status.Err ?? (exit === undefined ? task.Status.Message ?? task.Status.State : `exited with code ${exit}`);
    const tail = await this.serviceLogTail(docker, serviceId);
    const hint = /No such image/i.test(reason) ? " (name a registry in lab.yaml, or load the image on that node: flexlab image save / docker load)" : "";
    return `${node}: its task ${task.Status.State}: ${reason}${hint}${tail.length ? `:\n  ${tail.join("\n  ")}` : ""}`;
  }

  private async serviceLogTail(docker: Docker, serviceId: string): Promise<string[]> {
    try {
      const answer: unknown = await docker.getService(serviceId).logs({ stdout: true, stderr: true, follow: false, tail: 20 });
      const bytes = Buffer.isBuffer(answer) ? answer : await readAll(answer as NodeJS.ReadableStream);
      // Without a TTY the log is framed as a container's is.
      const log = demuxLog(bytes);
      return tailLines(log.stderr || log.stdout);
    } catch {
      return [];
    }
  }

  /** The state with each link endpoint's MAC, from the address its running task got on the
   * link's overlay: the NIC's MAC is 02:42:<address> there, as on bridges. A task started anew
   * (`flexlab start`) may have another address, so this is read again then. */
  private async withMacs(docker: Docker, state: SwarmLabState): Promise<SwarmLabState> {
    const tasks = await listServiceTasks(docker, Object.values(state.swarm.services));
    const addressOn = (node: string, networkId: string): string | undefined => {
      const task = tasks.get(state.swarm.services[node] ?? "")?.find((t) => t.Status.State === "running");
      const address = task?.NetworksAttachments?.find((a) => a.Network.ID === networkId)?.Addresses?.[0];
      return address?.split("/")[0];
    };
    return {
      ...state,
      links: state.links.map((l) => ({
        ...l,
        endpoints: l.endpoints.map((e) => {
          const address = l.network ? addressOn(e.node, l.network.id) : undefined;
          return address ? { ...e, mac: macForAddress(address) } : e;
        }),
      })),
    };
  }

  private deployingState(lab: Lab, token: string, image: string, hostPorts: ReadonlyMap<string, { console: number; mgmt: number }>): SwarmLabState {
    return { ...deployingState(lab, "swarm", token, hostPorts), swarm: { image, services: {} } };
  }

  private withNetworks(state: SwarmLabState, lab: Lab, plan: SwarmPlan, gateway: GatewayPlan, networkIds: ReadonlyMap<string, string>): SwarmLabState {
    return {
      ...state,
      links: plan.links.map((net) => {
        const impair = lab.links.find((l) => l.index === net.linkIndex)?.impair;
        return {
          index: net.linkIndex ?? 0,
          endpoints: plan.services.flatMap((s) => s.links.filter((e) => e.network === net.name).map((e) => ({ node: s.node, iface: e.iface }))),
          network: { id: networkIds.get(net.name) ?? "", name: net.name, subnet: formatCidr(net.subnet) },
          ...(impair ? { impair: { ...impair } } : {}),
        };
      }),
      swarm: {
        ...state.swarm,
        mgmtNetwork: { id: networkIds.get(plan.mgmt.name) ?? "", name: plan.mgmt.name, subnet: formatCidr(plan.mgmt.subnet) },
        gateway: { name: gateway.name, network: { id: networkIds.get(gateway.bridge.name) ?? "", name: gateway.bridge.name } },
      },
    };
  }

  private async cablesOf(state: SwarmLabState, node: string): Promise<string | undefined> {
    try {
      await applyLinksOfNode(state, node);
      return undefined;
    } catch (err) {
      return `${node}: cannot set its links' impairment: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  // --- node helpers -----------------------------------------------------------------------

  private serviceOf(state: SwarmLabState, n: NodeState): string {
    const id = state.swarm.services[n.name];
    if (!id) throw new RuntimeError("node-failed", `${n.name} has no service in lab ${state.lab}: \`flexlab down\` and up again`);
    return id;
  }

  private async updateService(docker: Docker, state: SwarmLabState, n: NodeState, change: (spec: Docker.ServiceSpec) => Docker.ServiceSpec): Promise<void> {
    const service = docker.getService(this.serviceOf(state, n));
    try {
      const info = await service.inspect();
      await service.update({ version: info.Version.Index, ...change(info.Spec) });
    } catch (err) {
      if (statusCodeOf(err) === 404) throw new RuntimeError("node-failed", `the service of ${n.name} is gone (removed outside FlexLab?): \`flexlab down\` and up again to recreate lab ${state.lab}`);
      throw new RuntimeError("internal", `${n.name}: ${engineMessage(err)}`);
    }
  }

  private async saveNode(state: SwarmLabState, node: string, runState: NodeState["state"], docker?: Docker): Promise<void> {
    const fresh = await freshState(state);
    const base = docker ? await this.withMacs(docker, fresh) : fresh;
    await writeState({ ...base, nodes: base.nodes.map((x) => (x.name === node ? { ...x, state: runState } : x)) });
  }

  private async statusOf(docker: Docker, state: SwarmLabState, n: NodeState, intended: NodeState["state"], known?: ReadonlyMap<string, SwarmTask[]>): Promise<NodeStatus> {
    const base = { name: n.name, host: n.host, consolePort: n.consolePort, mgmtPort: n.mgmtPort };
    const id = state.swarm.services[n.name];
    if (intended === "starting") return { ...base, state: "starting" };
    if (!id) return { ...base, state: "crashed", stderrTail: [`${n.name} has no service (removed outside FlexLab?)`] };
    const tasks = known ?? (await listServiceTasks(docker, [id]));
    const task = tasks.get(id)?.[0];
    const containerId = task?.Status.ContainerStatus?.ContainerID;
    const withContainer = containerId ? { containerId } : {};
    if (intended === "stopped") return { ...base, state: "stopped", ...withContainer };
    if (task && !taskEnded(task.Status.State)) return { ...base, state: task.Status.State === "running" ? "running" : "starting", ...withContainer };
    if (!task) return { ...base, state: "crashed", stderrTail: [`the service of ${n.name} has no task (removed outside FlexLab?)`] };
    const exit = task.Status.ContainerStatus?.ExitCode;
    return {
      ...base,
      state: "crashed",
      ...withContainer,
      ...(exit === undefined ? {} : { exitCode: exit }),
      stderrTail: [...(await this.serviceLogTail(docker, id)), `(task ${task.Status.State}: ${task.Status.Err ?? task.Status.Message ?? ""})`],
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
