// The lab daemon of the process runtime: one learning bridge per link, one agent process per
// node wired to its bridges over UDP on 127.0.0.1, supervision, and the state file. It runs
// in its own detached process (daemon-main.ts) so the lab outlives the `flexlab up` call.
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ProgramCommand } from "./agent-entry";
import { UdpBridge } from "./bridge";
import { NodeProcess, type NodeStartFailure, type SupervisedNode } from "./node-process";
import { HostedNode, RouterHostProcess } from "./router-host";
import { PortAllocator } from "./ports";
import { removeState, stateDir, writeState } from "./runtime/state";
import { isNoImpairment } from "../router/io/impair";
import { changedLink } from "./runtime/link-cables";
import { LOOPBACK_HOST, RuntimeError, type DeployStep, type LinkChange, type LinkState, type NodeStatus, type ProcessLabState } from "./runtime/types";
import type { Lab } from "./topology";

export interface DaemonOptions {
  readonly lab: Pick<Lab, "dir" | "name" | "nodes" | "links" | "hosted">;
  readonly token: string;
  readonly agent: ProgramCommand;
  /** Per node, from spawn to its ready line. */
  readonly nodeTimeoutMs: number;
  /** The control channel's port, recorded in the state file. */
  readonly controlPort: number;
  readonly onProgress?: (node: string, step: DeployStep, detail?: string) => void;
}

/** A lab at least this large gathers its state file's changes while it deploys, for this long. */
const DEPLOY_WRITE_GATHER_NODES = 50;
const DEPLOY_WRITE_GATHER_MS = 1000;

/** Attempts at starting a node whose console or mgmt port was taken meanwhile. */
const PORT_RETRIES = 2;

export class LabDaemon {
  private readonly nodes = new Map<string, SupervisedNode>();
  /** `hosted: N`: the router hosts, N routers to each (in lab.yaml order). */
  private readonly hosts: RouterHostProcess[] = [];
  private readonly bridges: UdpBridge[] = [];
  private readonly links: LinkState[] = [];
  private readonly ports = new PortAllocator();
  private readonly createdAt = new Date().toISOString();
  /** Per-node queue, so start/stop/restart of one node never interleave. */
  private readonly nodeQueues = new Map<string, Promise<unknown>>();
  private writing: Promise<void> = Promise.resolve();
  private writeQueued = false;
  private down = false;
  /** Every node was started once: from then on "stopped" means stopped on purpose. */
  private deployed = false;

  constructor(private readonly options: DaemonOptions) {}

  /** Builds the bridges, starts every node and resolves once all are ready; on failure
   * tears down what it made and rejects with a RuntimeError. */
  async deploy(): Promise<void> {
    try {
      await this.build();
    } catch (err) {
      await this.shutdown();
      throw err;
    }
  }

  state(): ProcessLabState {
    const { lab, token, controlPort } = this.options;
    return {
      version: 1,
      lab: lab.name,
      dir: lab.dir,
      runtime: "process",
      token,
      createdAt: this.createdAt,
      nodes: lab.nodes.map((n) => {
        const node = this.nodes.get(n.name);
        let status: NodeStatus = node ? node.status() : { name: n.name, state: "starting", host: LOOPBACK_HOST, consolePort: 1, mgmtPort: 1 };
        // Not started yet while the lab deploys: it is on its way, not stopped.
        if (!this.deployed && status.state === "stopped") status = { ...status, state: "starting" };
        return { ...status, config: n.config, dir: this.nodeDir(n.name) };
      }),
      links: this.links,
      daemon: { pid: process.pid, controlPort },
      ...(this.hosts.length ? { hosts: this.hosts.map((h) => ({ index: h.index, ...(h.pid !== undefined ? { pid: h.pid } : {}), nodes: h.nodeNames })) } : {}),
    };
  }

  /** Resolves once the state file shows every change made so far. */
  async flushed(): Promise<void> {
    await this.writing;
  }

  statuses(): NodeStatus[] {
    return [...this.nodes.values()].map((n) => n.status());
  }

  startNode(name: string): Promise<NodeStatus> {
    return this.onNode(name, async (node) => {
      await this.startOrThrow(node);
      return node.status();
    });
  }

  stopNode(name: string): Promise<NodeStatus> {
    return this.onNode(name, async (node) => {
      await node.stop();
      return node.status();
    });
  }

  restartNode(name: string): Promise<NodeStatus> {
    return this.onNode(name, async (node) => {
      await node.stop();
      await this.startOrThrow(node);
      return node.status();
    });
  }

  /** Stops a hosted node in its router host and starts it in a process of its own, on the
   * same ports, for as long as the lab runs (lab.yaml's `hosted: false` makes it last). A node
   * that has a process of its own already is just restarted. */
  restartInOwnProcess(name: string): Promise<NodeStatus> {
    return this.onNode(name, async (node) => {
      await node.stop();
      let own = node;
      if (node instanceof HostedNode) {
        node.host.release(name);
        own = new NodeProcess(node.spec, this.options.agent, this.options.token, node.consolePort, node.mgmtPort, () => this.persist());
        this.nodes.set(name, own);
        this.persist();
      }
      await this.startOrThrow(own);
      return own.status();
    });
  }

  /** Impairs, clears, pulls or plugs one link's bridge; the state file follows. */
  changeLink(index: number, change: LinkChange): void {
    const at = this.links.findIndex((l) => l.index === index);
    if (at < 0) throw new RuntimeError("no-such-node", `no link ${index} in lab ${this.options.lab.name} (links: ${this.links.map((l) => l.index).join(", ") || "none"})`);
    const bridge = this.bridges[at];
    if (change.impair !== undefined) bridge.setImpairment(change.impair && !isNoImpairment(change.impair) ? change.impair : undefined);
    if (change.carrier !== undefined) bridge.setCarrier(change.carrier === "up");
    const link = changedLink(this.links[at], change);
    this.links[at] = link;
    this.persist();
  }

  /** Stops every agent (SIGTERM, then SIGKILL after 3 s), closes the bridges, removes the state file. */
  async shutdown(): Promise<void> {
    this.down = true;
    // A router host stops its routers itself: all at once, not one message per router.
    await Promise.all([...[...this.nodes.values()].filter((n) => !(n instanceof HostedNode)).map((n) => n.stop()), ...this.hosts.map((h) => h.stop())]);
    for (const bridge of this.bridges) bridge.close();
    await this.writing;
    await removeState(this.options.lab.dir);
  }

  /** For the daemon's exit handler: nothing may outlive it. */
  killAll(): void {
    for (const node of this.nodes.values()) node.killNow();
    for (const host of this.hosts) host.killNow();
    for (const bridge of this.bridges) bridge.close();
  }

  private nodeDir(name: string): string {
    return join(stateDir(this.options.lab.dir), "nodes", name);
  }

  private async build(): Promise<void> {
    const { lab, agent, token, onProgress } = this.options;
    // The state file names this daemon before anything else exists, so `down` finds the lab.
    this.persist();
    await this.writing;
    for (const n of lab.nodes) onProgress?.(n.name, "network");
    for (const link of lab.links) {
      const endpoints = [];
      for (const e of link.endpoints) endpoints.push({ node: e.node, iface: e.iface, nodePort: await this.ports.udp() });
      const bridge = await UdpBridge.open(`link${link.index}`, endpoints);
      this.bridges.push(bridge);
      bridge.setImpairment(link.impair);
      const bridgePorts = bridge.ports;
      this.links.push({ index: link.index, endpoints: endpoints.map((e, i) => ({ ...e, bridgePort: bridgePorts[i] })), bridge: { kind: "udp" }, ...(link.impair ? { impair: { ...link.impair } } : {}) });
    }
    let hosted = 0;
    for (const [i, n] of lab.nodes.entries()) {
      const spec = { name: n.name, configDir: lab.dir, config: n.config, dir: this.nodeDir(n.name), index: i + 1, platform: n.platform, ports: n.ports };
      const consolePort = await this.ports.tcp();
      const mgmtPort = await this.ports.tcp();
      if (lab.hosted !== undefined && n.hosted !== false) {
        const k = Math.floor(hosted++ / lab.hosted);
        const host = (this.hosts[k] ??= new RouterHostProcess(k, agent, token, join(stateDir(lab.dir), "hosts", `host-${k}.log`), () => this.persist()));
        this.nodes.set(n.name, new HostedNode(spec, host, consolePort, mgmtPort, () => this.persist()));
      } else {
        this.nodes.set(n.name, new NodeProcess(spec, agent, token, consolePort, mgmtPort, () => this.persist()));
      }
    }
    // Spawning tsx-loaded agents is CPU-bound: a few at a time finish sooner than all at once
    // and keep each node's ready timeout meaningful.
    // Router hosts start together, and their routers boot side by side (one of each host in
    // turn), so no host waits for the one before it.
    await Promise.all(this.hosts.map((h) => h.ensure(this.options.nodeTimeoutMs)));
    const queue = interleaveByHost([...this.nodes.values()]);
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      for (let node = queue.shift(); node; node = queue.shift()) {
        if (failures.length || this.down) return;
        onProgress?.(node.spec.name, "starting");
        try {
          await this.startOrThrow(node);
          onProgress?.(node.spec.name, "ready", `console ${node.consolePort}, mgmt ${node.mgmtPort}`);
        } catch (err) {
          onProgress?.(node.spec.name, "failed", (err as Error).message);
          failures.push((err as Error).message);
          if (err instanceof RuntimeError && err.code === "port-in-use") throw err;
        }
      }
    };
    // A router host boots a router in a few milliseconds: what a start waits for is mostly the
    // messages to and from it, so every host gets a couple of routers on their way at once.
    const workers = Math.max(2, availableParallelism() * 2, this.hosts.length * 2);
    const results = await Promise.allSettled(Array.from({ length: Math.min(workers, queue.length) }, worker));
    const thrown = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (thrown) throw thrown.reason;
    if (this.down) throw new RuntimeError("interrupted", `deploying ${lab.name} was interrupted: the lab was taken down before it was up`);
    if (failures.length) throw new RuntimeError("node-failed", failures.join("\n"));
    this.deployed = true;
    this.persist();
    await this.writing;
  }

  /** The node's link endpoints: which bridge, which of its ports. */
  private endpointsOf(name: string): { bridge: UdpBridge; index: number; endpoint: LinkState["endpoints"][number] }[] {
    return this.links.flatMap((l, li) => l.endpoints.flatMap((endpoint, index) => (endpoint.node === name ? [{ bridge: this.bridges[li], index, endpoint }] : [])));
  }

  /** Starts a node, retrying with fresh ports when one it was given has been taken meanwhile. */
  private async startOrThrow(node: SupervisedNode): Promise<void> {
    let failure: NodeStartFailure | undefined;
    for (let attempt = 0; attempt <= PORT_RETRIES; attempt++) {
      const endpoints = this.endpointsOf(node.spec.name);
      if (attempt > 0) {
        node.consolePort = await this.ports.tcp();
        node.mgmtPort = await this.ports.tcp();
        for (const e of endpoints) {
          e.endpoint.nodePort = await this.ports.udp();
          e.bridge.setNodePort(e.index, e.endpoint.nodePort);
        }
      }
      // A restarted node may come back with other MACs: let the bridges learn afresh.
      for (const e of endpoints) e.bridge.flushEndpoint(e.index);
      failure = await node.start(
        this.options.nodeTimeoutMs,
        endpoints.map((e) => `${e.endpoint.iface}=udp:${e.endpoint.nodePort}:${e.endpoint.bridgePort}`),
      );
      if (!failure || !failure.portInUse) break;
    }
    if (!failure) return;
    const what = `node ${node.spec.name}: ${failure.message}`;
    if (failure.portInUse) throw new RuntimeError("port-in-use", `${what}\n(a port it was given is in use by another program; try again)`);
    throw new RuntimeError(failure.reason === "timeout" ? "timeout" : "node-failed", what);
  }

  private onNode(name: string, op: (node: SupervisedNode) => Promise<NodeStatus>): Promise<NodeStatus> {
    const node = this.nodes.get(name);
    if (!node) {
      const names = [...this.nodes.keys()].join(", ");
      return Promise.reject(new RuntimeError("no-such-node", `no node "${name}" in lab ${this.options.lab.name} (nodes: ${names})`));
    }
    if (this.down) return Promise.reject(new RuntimeError("engine-unavailable", `lab ${this.options.lab.name} is going down`));
    const previous = this.nodeQueues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => op(node));
    this.nodeQueues.set(name, next);
    return next;
  }

  /** Rewrites the state file after a change; writes never overlap and the last one wins. */
  private persist(): void {
    if (this.down || this.writeQueued) return;
    this.writeQueued = true;
    // While deploying, every node's start is a change: a large lab's state file (hundreds of
    // nodes) would be validated and rewritten back to back, taking the CPU the routers boot
    // on. Nobody reads it then but to find the daemon (named in the first write), and the
    // deploy ends with a write, so changes then are gathered for a while first.
    const gather = this.deployed || this.nodes.size < DEPLOY_WRITE_GATHER_NODES ? undefined : new Promise((r) => setTimeout(r, DEPLOY_WRITE_GATHER_MS));
    this.writing = this.writing.then(async () => {
      await gather;
      this.writeQueued = false;
      if (this.down) return;
      try {
        await writeState(this.state());
      } catch (err) {
        console.error(`lab daemon: cannot write the state file: ${(err as Error).message}`);
      }
    });
  }
}

/** The nodes in lab order, except that hosted ones take turns by router host: the first of
 * each host, then the second of each… (nodes of their own process keep their place). */
function interleaveByHost(nodes: readonly SupervisedNode[]): SupervisedNode[] {
  const byHost = new Map<RouterHostProcess, HostedNode[]>();
  const own: SupervisedNode[] = [];
  for (const n of nodes) {
    if (!(n instanceof HostedNode)) own.push(n);
    else if (byHost.has(n.host)) byHost.get(n.host)!.push(n);
    else byHost.set(n.host, [n]);
  }
  const turns: SupervisedNode[] = [];
  const lists = [...byHost.values()];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) turns.push(l[i]);
  return [...own, ...turns];
}
