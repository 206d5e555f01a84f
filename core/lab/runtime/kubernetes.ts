// The kubernetes runtime: a lab on a cluster the user already has. One Pod per router from
// the router image, its startup-config in a ConfigMap, the lab token in a Secret (the
// objects and the choices behind them are in kubernetes-plan.ts). Links are UDP tunnels
// between Pod IPs: once every Pod runs with an address, the runtime tells each router its
// tunnel peers through the mgmt API (`link.peers`). Consoles and mgmt APIs are reached
// through the API server's port-forward by a forwarder process of ours on 127.0.0.1
// (kubernetes-forward-main.ts), so every client works as with the other runtimes.
//
// Settings (environment, read when the runtime is made): FLEXLAB_KUBE_CONTEXT (a kubeconfig
// context other than the current one), FLEXLAB_KUBE_NAMESPACE (else the context's, else
// "default"), FLEXLAB_KUBE_IMAGE (the router image), or FLEXLAB_KUBE_REGISTRY (the registry
// the image flexlab/router:<version> was pushed to).
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { kubernetesForwarderCommand } from "../agent-entry";
import { ROUTER_IMAGE, ROUTER_IMAGE_REPO, FLEXLAB_VERSION } from "../image/tag";
import { connectMgmt } from "../mgmt-client";
import { PortAllocator } from "../ports";
import type { Lab } from "../topology";
import { KubeApi, KubeApiError } from "./kube-api";
import { loadKubeTarget } from "./kube-config";
import { FORWARDER_READY_LINE } from "./kube-portforward";
import { createFresh, deleteLabObjects, listLabObjects, listPods, podFacts, waitForPods, type PodObject } from "./kubernetes-objects";
import { kubernetesLimitation, planKubernetesLab, tunnelPeers, type KubernetesPlan, type Manifest } from "./kubernetes-plan";
import { applyLinksOfNode } from "./link-cables";
import { pidRuns, processStartTicks, sameProcessAlive, stopDeployer, waitForExit } from "./pids";
import { newToken, readState, removeState, stateDir, writeState } from "./state";
import { LOOPBACK_HOST, RuntimeError, type DeployOptions, type KubernetesLabState, type NodeStatus, type Runtime } from "./types";

export interface KubernetesRuntimeOptions {
  readonly context?: string;
  readonly namespace?: string;
  /** The router image the cluster pulls. */
  readonly image?: string;
}

/** The runtime's settings from the environment (see the header). */
export function kubernetesOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): KubernetesRuntimeOptions {
  const registry = env.FLEXLAB_KUBE_REGISTRY?.replace(/\/+$/, "");
  const image = env.FLEXLAB_KUBE_IMAGE || (registry ? `${registry}/${ROUTER_IMAGE_REPO}:${FLEXLAB_VERSION}` : undefined);
  return {
    ...(env.FLEXLAB_KUBE_CONTEXT ? { context: env.FLEXLAB_KUBE_CONTEXT } : {}),
    ...(env.FLEXLAB_KUBE_NAMESPACE ? { namespace: env.FLEXLAB_KUBE_NAMESPACE } : {}),
    ...(image ? { image } : {}),
  };
}

const DEFAULT_READY_TIMEOUT_MS = 120_000;
const MGMT_RETRY_MS = 300;
const FORWARDER_START_MS = 20_000;
const FORWARDER_MARK = "kubernetes-forward-main";

export class KubernetesRuntime implements Runtime<KubernetesLabState> {
  readonly name = "kubernetes" as const;

  constructor(private readonly options: KubernetesRuntimeOptions = kubernetesOptionsFromEnv()) {}

  private get image(): string {
    return this.options.image ?? ROUTER_IMAGE;
  }

  /** The cluster of the kubeconfig (or of a state file's context, which must name the same server). */
  private api(state?: KubernetesLabState): KubeApi {
    const loaded = loadKubeTarget({ ...(state ? { context: state.kubernetes.context } : this.options.context ? { context: this.options.context } : {}) });
    if (!loaded.ok) throw new RuntimeError("engine-unavailable", loaded.message);
    if (state && loaded.target.server !== state.kubernetes.server) {
      throw new RuntimeError("engine-unavailable", `kubeconfig context ${state.kubernetes.context} now names ${loaded.target.server}, but lab ${state.lab} runs on ${state.kubernetes.server}`);
    }
    const namespace = state?.kubernetes.namespace ?? this.options.namespace ?? loaded.target.namespace;
    return new KubeApi({ ...loaded.target, namespace });
  }

  async deploy(given: Lab, options: DeployOptions = {}): Promise<KubernetesLabState> {
    const lab: Lab = { ...given, dir: resolve(given.dir) };
    const limitation = kubernetesLimitation(lab);
    if (limitation) throw new RuntimeError("internal", limitation);
    const api = this.api();
    await this.refuseIfRunning(api, lab);
    const { signal } = options;
    const progress = options.onProgress ?? (() => {});
    const timeoutMs = options.timeoutMs ?? Math.max(DEFAULT_READY_TIMEOUT_MS, lab.nodes.length * 2000);
    const deadline = Date.now() + timeoutMs;

    const token = newToken();
    const plan = planKubernetesLab({ lab, image: this.image, version: FLEXLAB_VERSION, token, configs: await readConfigs(lab), pki: await readPki(lab) });
    const ports = new PortAllocator();
    let state = await this.deployingState(lab, api, token, plan, ports);
    await writeState(state);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const onAbort = (): void => abort.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (const n of lab.nodes) progress(n.name, "network");
      await createFresh(api, plan.secret, deadline, signal);
      for (const n of plan.nodes) await createFresh(api, n.configManifest, deadline, signal);
      for (const n of plan.nodes) {
        if (signal?.aborted) throw interrupted(lab);
        progress(n.name, "starting");
        await createFresh(api, n.manifest, deadline, signal);
      }
      state = { ...state, kubernetes: { ...state.kubernetes, forwarder: await startForwarderProcess(lab.dir, deadline) } };
      await writeState(state);
      const byPod = new Map(plan.nodes.map((n) => [n.pod, n.name]));
      const ips = new Map<string, string>();
      const failures = await waitForPods(
        api,
        lab.name,
        new Set(byPod.keys()),
        (pod, ip) => {
          const node = byPod.get(pod) ?? pod;
          ips.set(node, ip);
          progress(node, "booting", `Pod ${pod} at ${ip}`);
        },
        abort.signal,
      ).catch((err: unknown) => {
        if (signal?.aborted) throw interrupted(lab);
        if (err instanceof KubeApiError && err.reason === "Aborted") throw new RuntimeError("timeout", `the Pods of ${lab.name} were not all running after ${timeoutMs} ms`);
        throw err;
      });
      const failed = [...failures].filter(([, why]) => why !== "");
      if (failed.length) {
        for (const [pod, why] of failed) progress(byPod.get(pod) ?? pod, "failed", why);
        throw new RuntimeError("node-failed", failed.map(([pod, why]) => `${byPod.get(pod) ?? pod}: ${why}`).join("\n"));
      }
      state = withIps(state, ips);
      await writeState(state);
      await Promise.all(
        plan.nodes.map(async (n) => {
          await this.tellPeers(state, n.name, deadline, signal);
          await applyLinksOfNode(state, n.name);
          const node = state.nodes.find((x) => x.name === n.name);
          progress(n.name, "ready", `console ${node?.consolePort}, mgmt ${node?.mgmtPort}`);
        }),
      );
      const { deploying: _done, ...rest } = state;
      state = { ...rest, nodes: state.nodes.map((n) => ({ ...n, state: "running" })) };
      await writeState(state);
      return state;
    } catch (err) {
      await stopForwarder(state.kubernetes.forwarder);
      await deleteLabObjects(api, lab.name, lab.dir).catch(() => {});
      await removeState(lab.dir).catch(() => {});
      if (signal?.aborted) throw interrupted(lab);
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError("internal", `deploying ${lab.name} on Kubernetes failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async destroy(state: KubernetesLabState): Promise<void> {
    if (state.deploying) await stopDeployer(state.deploying);
    await stopForwarder(state.kubernetes.forwarder);
    try {
      await deleteLabObjects(this.api(state), state.lab, state.dir);
    } catch (err) {
      throw err instanceof RuntimeError ? err : new RuntimeError("engine-unavailable", err instanceof Error ? err.message : String(err));
    }
    await removeState(state.dir);
  }

  async status(state: KubernetesLabState): Promise<NodeStatus[]> {
    const fresh = await this.freshState(state);
    const pods = new Map((await this.call(() => listPods(this.api(fresh), fresh.lab))).items.map((p) => [p.metadata.name, p]));
    const deployer = fresh.deploying;
    const orphaned = deployer !== undefined && !sameProcessAlive(deployer.pid, deployer.startTicks);
    if (!fresh.deploying) await this.ensureForwarder(fresh);
    return fresh.nodes.map((n) => statusOf(n, pods.get(fresh.kubernetes.pods[n.name]?.name ?? ""), orphaned && n.state === "starting" ? "running" : n.state));
  }

  /** A Pod cannot be stopped: it is deleted, and `start` makes it anew from its manifest. */
  async stopNode(state: KubernetesLabState, node: string): Promise<NodeStatus> {
    const fresh = await this.freshState(state);
    const n = nodeOf(fresh, node);
    const pod = fresh.kubernetes.pods[node];
    const api = this.api(fresh);
    await this.call(() => api.call("DELETE", `/api/v1/namespaces/${encodeURIComponent(api.namespace)}/pods/${encodeURIComponent(pod.name)}`, { query: { gracePeriodSeconds: 3 } })).catch((err: unknown) => {
      if (!(err instanceof RuntimeError && /NotFound/.test(err.message))) throw err;
    });
    const next = { ...fresh, nodes: fresh.nodes.map((x) => (x.name === node ? { ...x, state: "stopped" as const } : x)) };
    await writeState(next);
    return { name: n.name, host: n.host, consolePort: n.consolePort, mgmtPort: n.mgmtPort, state: "stopped" };
  }

  async startNode(state: KubernetesLabState, node: string): Promise<NodeStatus> {
    let fresh = await this.freshState(state);
    const n = nodeOf(fresh, node);
    const pod = fresh.kubernetes.pods[node];
    const api = this.api(fresh);
    const deadline = Date.now() + DEFAULT_READY_TIMEOUT_MS;
    const current = (await this.call(() => listPods(api, fresh.lab))).items.find((p) => p.metadata.name === pod.name);
    if (!current || podFacts(current).kind === "ended") {
      await this.call(() => createFresh(api, pod.manifest as Manifest, deadline));
    }
    const abort = AbortSignal.timeout(DEFAULT_READY_TIMEOUT_MS);
    let ip = "";
    const failures = await this.call(() => waitForPods(api, fresh.lab, new Set([pod.name]), (_p, addr) => (ip = addr), abort));
    const why = failures.get(pod.name);
    if (why) throw new RuntimeError("node-failed", `${node}: ${why}`);
    fresh = withIps({ ...fresh, nodes: fresh.nodes.map((x) => (x.name === node ? { ...x, state: "running" as const } : x)) }, new Map([[node, ip]]));
    await writeState(fresh);
    await this.ensureForwarder(fresh);
    // Its neighbours learn its new address; it learns theirs.
    const neighbours = new Set(fresh.links.filter((l) => l.endpoints.some((e) => e.node === node)).flatMap((l) => l.endpoints.map((e) => e.node)));
    for (const other of neighbours) {
      if (other === node || fresh.nodes.find((x) => x.name === other)?.state !== "running") continue;
      await this.tellPeers(fresh, other, deadline).catch(() => {});
    }
    await this.tellPeers(fresh, node, deadline);
    await applyLinksOfNode(fresh, node);
    return { name: n.name, host: n.host, consolePort: n.consolePort, mgmtPort: n.mgmtPort, state: "running" };
  }

  async restartNode(state: KubernetesLabState, node: string): Promise<NodeStatus> {
    await this.stopNode(state, node);
    return this.startNode(state, node);
  }

  // --- helpers ----------------------------------------------------------------------------

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RuntimeError) throw err;
      if (err instanceof KubeApiError) throw new RuntimeError(err.status === 0 ? "engine-unavailable" : "internal", `${err.reason}: ${err.message}`);
      throw err;
    }
  }

  private async refuseIfRunning(api: KubeApi, lab: Lab): Promise<void> {
    const previous = await readState(lab.dir);
    const deployer = previous.ok ? previous.state.deploying : undefined;
    if (deployer && sameProcessAlive(deployer.pid, deployer.startTicks)) {
      throw new RuntimeError("already-running", `lab ${lab.name} in ${lab.dir} is being deployed right now (pid ${deployer.pid}); \`flexlab down\` cancels that`);
    }
    if (previous.ok && previous.state.runtime !== "kubernetes") {
      throw new RuntimeError("already-running", `lab ${lab.name} in ${lab.dir} is running on the ${previous.state.runtime} runtime (flexlab down first)`);
    }
    const objects = await this.call(() => listLabObjects(api, lab.name));
    const elsewhere = [...new Set(objects.map((o) => o.dir).filter((d) => d !== undefined && d !== lab.dir))];
    if (elsewhere.length) {
      throw new RuntimeError("already-running", `a lab named ${lab.name} is already in namespace ${api.namespace}, deployed from ${elsewhere.join(", ")} (flexlab down there first)`);
    }
    if (previous.ok && !deployer && objects.some((o) => o.kind === "Pod")) {
      throw new RuntimeError("already-running", `lab ${lab.name} is already running in ${lab.dir} (flexlab down first)`);
    }
    if (previous.ok) await stopForwarder(previous.state.runtime === "kubernetes" ? previous.state.kubernetes.forwarder : undefined);
    if (objects.length) await this.call(() => deleteLabObjects(api, lab.name, lab.dir));
    if (previous.ok) await removeState(lab.dir);
  }

  private async deployingState(lab: Lab, api: KubeApi, token: string, plan: KubernetesPlan, ports: PortAllocator): Promise<KubernetesLabState> {
    const nodes = [];
    for (const n of lab.nodes) {
      nodes.push({ name: n.name, state: "starting" as const, host: LOOPBACK_HOST, consolePort: await ports.tcp(), mgmtPort: await ports.tcp(), config: n.config, dir: lab.dir });
    }
    return {
      version: 1,
      lab: lab.name,
      dir: lab.dir,
      runtime: "kubernetes",
      token,
      createdAt: new Date().toISOString(),
      nodes,
      links: plan.links.map((l) => {
        const impair = lab.links.find((x) => x.index === l.index)?.impair;
        return { index: l.index, endpoints: l.endpoints.map((e) => ({ node: e.node, iface: e.iface, tunnelPort: e.port })), ...(impair ? { impair: { ...impair } } : {}) };
      }),
      deploying: { pid: process.pid, ...optionalTicks(processStartTicks(process.pid)) },
      kubernetes: {
        context: api.target.context,
        server: api.target.server,
        namespace: api.namespace,
        image: this.image,
        pods: Object.fromEntries(plan.nodes.map((n) => [n.name, { name: n.pod, manifest: n.manifest }])),
      },
    };
  }

  /** Tells a node's tunnel ports their peers (the other ends' Pod IPs), retrying while its
   * agent is not listening yet. */
  private async tellPeers(state: KubernetesLabState, node: string, deadline: number, signal?: AbortSignal): Promise<void> {
    const n = nodeOf(state, node);
    const ips = new Map(Object.entries(state.kubernetes.pods).flatMap(([name, p]) => (p.ip ? [[name, p.ip] as const] : [])));
    const links = { links: state.links.map((l) => ({ index: l.index, endpoints: l.endpoints.map((e) => ({ node: e.node, iface: e.iface, linkIndex: l.index, port: e.tunnelPort ?? 0 })) })) };
    const wanted = tunnelPeers(links, node, ips);
    for (;;) {
      const connected = await connectMgmt({ host: n.host, port: n.mgmtPort, token: state.token, timeoutMs: 5000 });
      if (connected.ok) {
        try {
          for (const { iface, peers } of wanted) {
            const reply = await connected.client.call("link.peers", { iface, peers });
            if (!reply.ok) throw new RuntimeError("node-failed", `${node} ${iface}: ${reply.error.message}`);
          }
          return;
        } finally {
          connected.client.close();
        }
      }
      if (connected.reason === "unauthorized") throw new RuntimeError("node-failed", `${node} refused the lab token: ${connected.message}`);
      if (signal?.aborted) throw new RuntimeError("interrupted", `${node}: interrupted`);
      if (Date.now() > deadline) throw new RuntimeError("timeout", `${node} does not answer on its mgmt API through the port-forward: ${connected.message}`);
      await new Promise((r) => setTimeout(r, MGMT_RETRY_MS));
    }
  }

  /** Starts the forwarder again when it is gone (a reboot, a kill): the ports stay the same. */
  private async ensureForwarder(state: KubernetesLabState): Promise<void> {
    const f = state.kubernetes.forwarder;
    if (f && sameProcessAlive(f.pid, f.startTicks) && pidRuns(f.pid, [FORWARDER_MARK])) return;
    const forwarder = await startForwarderProcess(state.dir, Date.now() + FORWARDER_START_MS).catch(() => undefined);
    if (forwarder) await writeState({ ...state, kubernetes: { ...state.kubernetes, forwarder } });
  }

  private async freshState(state: KubernetesLabState): Promise<KubernetesLabState> {
    const fresh = await readState(state.dir);
    return fresh.ok && fresh.state.runtime === "kubernetes" && fresh.state.lab === state.lab ? fresh.state : state;
  }
}

function nodeOf(state: KubernetesLabState, node: string): KubernetesLabState["nodes"][number] {
  const n = state.nodes.find((x) => x.name === node);
  if (!n) throw new RuntimeError("no-such-node", `no node "${node}" in lab ${state.lab} (nodes: ${state.nodes.map((x) => x.name).join(", ")})`);
  return n;
}

function withIps(state: KubernetesLabState, ips: ReadonlyMap<string, string>): KubernetesLabState {
  const pods = Object.fromEntries(Object.entries(state.kubernetes.pods).map(([node, p]) => [node, ips.has(node) ? { ...p, ip: ips.get(node) } : p]));
  return { ...state, kubernetes: { ...state.kubernetes, pods } };
}

function statusOf(n: KubernetesLabState["nodes"][number], pod: PodObject | undefined, intended: NodeStatus["state"]): NodeStatus {
  const base = { name: n.name, host: n.host, consolePort: n.consolePort, mgmtPort: n.mgmtPort };
  if (intended === "starting") return { ...base, state: "starting" };
  if (intended === "stopped") return { ...base, state: "stopped" };
  if (!pod) return { ...base, state: "crashed", stderrTail: [`the Pod of ${n.name} is gone (deleted outside FlexLab?)`] };
  const facts = podFacts(pod);
  if (facts.kind === "running") return { ...base, state: "running" };
  if (facts.kind === "pending") return { ...base, state: "starting" };
  return { ...base, state: "crashed", exitCode: facts.exitCode, stderrTail: [facts.detail, "(kubectl logs for the rest)"] };
}

function interrupted(lab: Lab): RuntimeError {
  return new RuntimeError("interrupted", `deploying ${lab.name} was interrupted: what it had made is removed again`);
}

function optionalTicks(startTicks: number | undefined): { startTicks?: number } {
  return startTicks === undefined ? {} : { startTicks };
}

/** Each node's startup-config text (an empty config when the file is not there yet). */
async function readConfigs(lab: Lab): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const n of lab.nodes) {
    out.set(n.name, await readFile(resolve(lab.dir, n.config), "utf8").catch(() => ""));
  }
  return out;
}

/** The lab PKI's files (`<lab>/pki`: ca.crt and NODE/*), by path under pki/; none when absent.
 * The CA's key stays on this machine. */
async function readPki(lab: Lab): Promise<Map<string, string>> {
  const root = join(lab.dir, "pki");
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join("/");
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && (rel === "ca.crt" || (rel.includes("/") && lab.nodes.some((n) => rel.startsWith(`${n.name}/`))))) out.set(rel, await readFile(path, "utf8"));
    }
  };
  if ((await stat(root).catch(() => undefined))?.isDirectory()) await walk(root);
  return out;
}

/** Starts the forwarder process for the lab in `dir` and waits for its ready line. */
async function startForwarderProcess(dir: string, deadline: number): Promise<{ pid: number; startTicks?: number }> {
  const command = kubernetesForwarderCommand();
  const log = openSync(join(stateDir(dir), "kubernetes-forward.log"), "a", 0o600);
  const child = spawn(command.command, [...command.args, dir], { detached: true, stdio: ["ignore", "pipe", log] });
  closeSync(log);
  try {
    await new Promise<void>((resolveReady, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new RuntimeError("timeout", "the port-forwarder did not start")), Math.max(1000, deadline - Date.now()));
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes(FORWARDER_READY_LINE)) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new RuntimeError("internal", `the port-forwarder exited (code ${code}) before it listened: see ${join(stateDir(dir), "kubernetes-forward.log")}`));
      });
    });
  } finally {
    child.stdout?.destroy();
    child.removeAllListeners("exit");
    child.unref();
  }
  if (child.pid === undefined) throw new RuntimeError("internal", "the port-forwarder has no pid");
  return { pid: child.pid, ...optionalTicks(processStartTicks(child.pid)) };
}

async function stopForwarder(forwarder: { pid: number; startTicks?: number } | undefined): Promise<void> {
  if (!forwarder || !sameProcessAlive(forwarder.pid, forwarder.startTicks) || !pidRuns(forwarder.pid, [FORWARDER_MARK])) return;
  process.kill(forwarder.pid, "SIGTERM");
  if (!(await waitForExit([forwarder.pid], 3000))) process.kill(forwarder.pid, "SIGKILL");
}
