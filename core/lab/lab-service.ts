// The lab as the app sees it, for the LabApi server: one lab folder, deployed or not, with
// the same runtimes, state file and mgmt API the CLI uses, so `flexlab status`, `exec` and
// `down` keep working on a lab the app started and the app follows a lab the CLI changed
// (it polls the runtime's status while someone is watching).
import type { CheckReport } from "../api/checks";
import type { LabelPath, LabLogEntry, LabView, LinkView, NodeView, NodeViewState } from "../api/lab-api";
import type { MgmtClient } from "../api/mgmt-client";
import type { TableName } from "../api/tables";
import { openConsoleStream, type ConsoleHandlers, type ConsoleStream } from "./console-stream";
import { gradeRunningLab, NoChecksError, type GradeOptions } from "./checks/grade";
import { connectMgmt } from "./mgmt-client";
import { chooseRuntime, runtimeFor, type UpRuntimeName } from "./runtime/index";
import { readState } from "./runtime/state";
import { RuntimeError, type DeployStep, type LabState, type LinkChange, type NodeStatus, type Runtime } from "./runtime/types";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { captureToFile } from "./capture";
import { decodePacket, summarizePacket } from "../router/wire/decode";
import { join } from "node:path";
import { writeFileAtomic } from "../router/agent/storage";
import { editLabText, type LabEdit } from "./lab-file-edit";
import { LabLog } from "./lab-log";
import { traceLabelPath, type NodeTables } from "./label-path";
import { LabFileError, loadLab, type Lab } from "./topology";
import type { Result } from "../api/result";

/** Where captures made from the app go, inside the lab folder. */
export const CAPTURES_DIR = "captures";

export interface LabServiceOptions {
  /** The runtime `deploy` uses; default lab.yaml's (auto: docker when an engine answers). */
  readonly runtime?: UpRuntimeName;
  /** How often the nodes' states are read while someone listens. Default 500 ms. */
  readonly pollMs?: number;
}

/** A failure meant for the user, with the LabApi error code it maps to. */
export class LabServiceError extends Error {
  constructor(
    readonly code: "not-found" | "not-running" | "failed",
    message: string,
  ) {
    super(message);
  }
}

interface Deployed {
  readonly state: LabState;
  readonly runtime: Runtime;
}

function viewState(state: NodeStatus["state"]): NodeViewState {
  return state === "starting" ? "booting" : state;
}

function stepState(step: DeployStep): NodeViewState {
  return step === "ready" ? "running" : step === "failed" ? "crashed" : "booting";
}

export class LabService {
  private deployed: Deployed | undefined;
  private statuses = new Map<string, NodeStatus>();
  /** Per node while a deploy runs: the step it reached. */
  private readonly steps = new Map<string, NodeViewState>();
  private busy = false;
  /** The deploy under way: node operations wait for it (its nodes show running before the
   * runtime has handed over the lab). */
  private deploying: Promise<unknown> | undefined;
  private error: string | undefined;
  private readonly viewListeners = new Set<(view: LabView) => void>();
  private readonly progressListeners = new Set<(node: string, step: DeployStep, detail?: string) => void>();
  private readonly mgmt = new Map<string, { client: Promise<Result<{ client: MgmtClient }>>; pid: string }>();
  private poller: ReturnType<typeof setInterval> | undefined;
  private lastView = "";
  /** What the lab did and what its routers logged, for the app's event panel. */
  private readonly log = new LabLog();
  /** Each node's state as last shown, to log the changes. */
  private readonly shownStates = new Map<string, NodeViewState>();
  /** Per running node while someone follows the lab: its mgmt `events.watch`. */
  private readonly syslog = new Map<string, { key: string; stop(): void }>();
  /** Edits of lab.yaml, one after another: each reads what the last one wrote. */
  private editing: Promise<unknown> = Promise.resolve();

  private constructor(
    private lab: Lab,
    private readonly options: LabServiceOptions,
  ) {}

  /** Reads the lab folder (lab.yaml) and finds whether it is running already. */
  static async open(dir: string, options: LabServiceOptions = {}): Promise<LabService> {
    const service = new LabService(await loadLab(dir), options);
    await service.refresh();
    return service;
  }

  get dir(): string {
    return this.lab.dir;
  }

  view(): LabView {
    const nodes: NodeView[] = this.lab.nodes.map((n) => {
      const status = this.statuses.get(n.name);
      const step = this.steps.get(n.name);
      const state: NodeViewState = step ?? (this.deployed && status ? viewState(status.state) : "stopped");
      const detail = status?.state === "crashed" && status.stderrTail?.length ? status.stderrTail.slice(-5).join("\n") : undefined;
      return { name: n.name, state, config: n.config, ...(detail ? { detail } : {}), ...(n.position ? { position: n.position } : {}) };
    });
    return {
      name: this.lab.name,
      dir: this.lab.dir,
      runtime: this.deployed?.state.runtime ?? this.options.runtime ?? this.lab.runtime,
      deployed: this.deployed !== undefined,
      busy: this.busy,
      nodes,
      links: this.lab.links.map((l) => ({ index: l.index, endpoints: l.endpoints.map((e) => ({ node: e.node, iface: e.iface })), ...(l.position ? { position: l.position } : {}), ...this.linkNow(l.index) })),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Calls `listener` with the view whenever it changes; polls the runtime meanwhile. */
  onView(listener: (view: LabView) => void): () => void {
    this.viewListeners.add(listener);
    this.poller ??= setInterval(() => void this.refresh(), this.options.pollMs ?? 500);
    return () => {
      this.viewListeners.delete(listener);
      if (this.viewListeners.size === 0 && this.poller) {
        clearInterval(this.poller);
        this.poller = undefined;
      }
    };
  }

  onProgress(listener: (node: string, step: DeployStep, detail?: string) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Reads the state file and asks the runtime for every node's state; tells listeners of a change. */
  async refresh(): Promise<void> {
    if (!this.busy) {
      const read = await readState(this.lab.dir);
      if (read.ok) {
        try {
          const runtime = this.deployed?.state.runtime === read.state.runtime ? this.deployed.runtime : await runtimeFor(read.state.runtime);
          const statuses = await runtime.status(read.state);
          this.deployed = { state: read.state, runtime };
          this.statuses = new Map(statuses.map((s) => [s.name, s]));
        } catch {
          this.forget(); // a state file whose runtime does not answer: not running
        }
      } else {
        this.forget();
      }
    }
    this.changed();
  }

  /** Deploys the lab as `flexlab up` does; resolves once every node runs. */
  deploy(): Promise<LabView> {
    if (this.busy) return Promise.reject(new LabServiceError("failed", `lab ${this.lab.name} is busy (deploying or going down)`));
    const deploying = this.deployNow();
    this.deploying = deploying.finally(() => (this.deploying = undefined)).catch(() => {});
    return deploying;
  }

  private async deployNow(): Promise<LabView> {
    await this.refresh();
    if (this.deployed) return this.view();
    this.busy = true;
    this.error = undefined;
    try {
      this.lab = await loadLab(this.lab.dir); // lab.yaml may have changed since
      for (const n of this.lab.nodes) this.steps.set(n.name, "booting");
      this.logLab(6, `deploying ${this.lab.nodes.length} routers`);
      this.changed();
      const entry = await chooseRuntime(this.options.runtime ?? (this.lab.runtime === "sim" ? "auto" : this.lab.runtime));
      const prepared = await entry.prepare(() => {});
      if (!prepared.ok) throw new LabServiceError("failed", prepared.message);
      const runtime = await entry.create();
      const { enrolLab } = await import("./pki");
      await enrolLab(this.lab);
      const state = await runtime.deploy(this.lab, {
        onProgress: (node, step, detail) => {
          this.steps.set(node, stepState(step));
          this.log.add({ timeMs: Date.now(), source: node, kind: "lab", severity: step === "failed" ? 3 : 6, text: `deploy: ${step}${detail ? ` (${detail})` : ""}` });
          for (const listener of this.progressListeners) listener(node, step, detail);
          this.changed();
        },
      });
      this.deployed = { state, runtime };
      this.statuses = new Map(state.nodes.map((n) => [n.name, n]));
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.logLab(3, `deploy failed: ${this.error}`);
      throw err instanceof LabServiceError ? err : new LabServiceError("failed", this.error);
    } finally {
      this.busy = false;
      this.steps.clear();
      this.changed();
    }
    return this.view();
  }

  /** Changes lab.yaml (lab-file-edit.ts), keeping its comments, and writes it atomically: a
   * reader (the CLI, a crash) sees the old file or the new one. Layout edits go any time; a
   * router or a link added or removed waits until the lab is stopped, since a running lab's
   * wiring was fixed when it was deployed. */
  edit(edit: LabEdit): Promise<LabView> {
    const next = this.editing.then(() => this.editNow(edit));
    this.editing = next.catch(() => {});
    return next;
  }

  private async editNow(edit: LabEdit): Promise<LabView> {
    if (edit.kind !== "layout") {
      await this.refresh();
      if (this.deployed || this.busy) throw new LabServiceError("failed", `stop lab ${this.lab.name} first: a running lab keeps the routers and links it was deployed with`);
    }
    const file = join(this.lab.dir, "lab.yaml");
    let text: string;
    let edited: { text: string; lab: Lab };
    try {
      text = await readFile(file, "utf8");
      edited = editLabText(text, edit, file, this.lab.dir);
    } catch (err) {
      throw new LabServiceError(err instanceof LabFileError ? "failed" : "not-found", err instanceof Error ? err.message : String(err));
    }
    if (edit.kind === "add-node") {
      // A new router starts from a config of its own; a file of that name already there is
      // someone's work, and stays as it is.
      try {
        await writeFile(join(this.lab.dir, edit.config), `hostname ${edit.name}\n!\nend\n`, { flag: "wx" });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new LabServiceError("failed", `cannot create ${edit.config}: ${(err as Error).message}`);
      }
    }
    await writeFileAtomic(file, edited.text);
    try {
      this.lab = await loadLab(this.lab.dir);
    } catch (err) {
      throw new LabServiceError("failed", err instanceof Error ? err.message : String(err));
    }
    this.changed();
    return this.view();
  }

  /** The label path of `prefix` in `vrf` from `from` (label-path.ts), from every running router's tables now. */
  async labelPath(from: string, vrf: string, prefix: string): Promise<LabelPath> {
    await this.deploying;
    this.requireDeployed();
    this.requireNode(from);
    const tables = new Map<string, NodeTables>();
    await Promise.all(
      this.lab.nodes.map(async (n) => {
        if (this.statuses.get(n.name)?.state !== "running") return;
        try {
          const client = await this.client(n.name);
          const [routes, mpls, interfaces] = await Promise.all([client.table("routes"), client.table("mpls-forwarding"), client.table("interfaces")]);
          if (routes.ok && mpls.ok && interfaces.ok) tables.set(n.name, { routes: routes.result, mpls: mpls.result, interfaces: interfaces.result });
        } catch {
          // Not answering: the trace says so if the path needs it.
        }
      }),
    );
    return traceLabelPath(tables, from, vrf, prefix);
  }

  /** Captures `node`'s `iface` into `captures/NODE-IFACE-TIME.pcapng` in the lab folder until
   * `stop()` (or the node goes); `onPacket` gets each frame's decoded summary. */
  async startCapture(node: string, iface: string, onPacket: (p: { number: number; timeMs: number; length: number; summary: string }) => void): Promise<{ file: string; stop(): void; done: Promise<{ frames: number; reason: string }> }> {
    const client = await this.client(node);
    const dir = join(this.lab.dir, CAPTURES_DIR);
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
    const file = `${node}-${iface.replace(/[^A-Za-z0-9]+/g, "_")}-${stamp}.pcapng`;
    const abort = new AbortController();
    let number = 0;
    let started: () => void = () => {};
    const accepted = new Promise<"started">((resolve) => (started = () => resolve("started")));
    const running = captureToFile(client, iface, join(dir, file), {
      signal: abort.signal,
      label: `${node} ${iface}`,
      onStarted: () => started(),
      onPacket: (frame, linkType, timestampNs) => {
        number++;
        onPacket({ number, timeMs: Number(timestampNs / 1_000_000n), length: frame.length, summary: summarizePacket(decodePacket(frame, linkType)) });
      },
    });
    // A refused capture (no such interface) ends at once, with the reason.
    const first = await Promise.race([running, accepted]);
    if (first !== "started" && !first.ok) throw new LabServiceError("failed", first.message);
    return {
      file,
      stop: () => abort.abort(),
      done: running.then((r) => (r.ok ? { frames: r.frames, reason: r.ended } : { frames: number, reason: r.message })),
    };
  }

  /** `write memory` on every running router: the lab folder then holds the lab as it runs. */
  async saveAll(): Promise<{ saved: string[]; failed: { node: string; message: string }[] }> {
    await this.refresh();
    const saved: string[] = [];
    const failed: { node: string; message: string }[] = [];
    if (!this.deployed) return { saved, failed };
    await Promise.all(
      this.lab.nodes.map(async (n) => {
        if (this.statuses.get(n.name)?.state !== "running") return;
        try {
          const reply = await (await this.client(n.name)).exec("write memory");
          if (!reply.ok) failed.push({ node: n.name, message: reply.error.message });
          else if (/^%/m.test(reply.result.output)) failed.push({ node: n.name, message: reply.result.output.trim() });
          else saved.push(n.name);
        } catch (err) {
          failed.push({ node: n.name, message: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
    const order = this.lab.nodes.map((n) => n.name);
    saved.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    return { saved, failed };
  }

  /** Stops every node and removes what the lab made, as `flexlab down` does. */
  async destroy(): Promise<LabView> {
    if (this.busy) throw new LabServiceError("failed", `lab ${this.lab.name} is busy (deploying or going down)`);
    await this.refresh();
    const deployed = this.deployed;
    if (!deployed) return this.view();
    this.busy = true;
    this.error = undefined;
    this.changed();
    try {
      this.closeMgmt();
      await deployed.runtime.destroy(deployed.state);
      this.forget();
      this.logLab(5, "lab stopped: every router and link it made is gone");
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      throw new LabServiceError("failed", this.error);
    } finally {
      this.busy = false;
      this.changed();
    }
    return this.view();
  }

  async nodeOp(op: "startNode" | "stopNode" | "restartNode", node: string): Promise<NodeView> {
    await this.deploying;
    const deployed = this.requireDeployed();
    this.requireNode(node);
    if (op !== "stopNode") this.steps.set(node, "booting");
    this.changed();
    try {
      const status = await deployed.runtime[op](deployed.state, node);
      this.statuses.set(node, status);
    } catch (err) {
      if (err instanceof RuntimeError) throw new LabServiceError(err.code === "no-such-node" ? "not-found" : "failed", err.message);
      throw err;
    } finally {
      this.steps.delete(node);
      this.changed();
    }
    return this.view().nodes.find((n) => n.name === node) as NodeView;
  }

  /** Impairs, clears, pulls or plugs a link of the running lab, as `flexlab link` does. */
  async changeLink(index: number, change: LinkChange): Promise<LinkView> {
    await this.deploying;
    const deployed = this.requireDeployed();
    if (!deployed.state.links.some((l) => l.index === index)) throw new LabServiceError("not-found", `no link ${index} in lab ${this.lab.name}`);
    if (!deployed.runtime.changeLink) throw new LabServiceError("failed", `the ${deployed.state.runtime} runtime cannot change links while the lab runs`);
    try {
      await deployed.runtime.changeLink(deployed.state, index, change);
    } catch (err) {
      throw new LabServiceError("failed", err instanceof Error ? err.message : String(err));
    }
    await this.refresh();
    const link = this.view().links.find((l) => l.index === index);
    if (!link) throw new LabServiceError("not-found", `no link ${index} in lab ${this.lab.name}`);
    return link;
  }

  /** A running link's impairment and pulled cable, as the state file has them. */
  private linkNow(index: number): Pick<LinkView, "impair" | "carrier"> {
    const link = this.deployed?.state.links.find((l) => l.index === index);
    return { ...(link?.impair ? { impair: link.impair } : {}), ...(link?.carrier ? { carrier: link.carrier } : {}) };
  }

  /** Grades the running lab against its checks, as `flexlab check` does (checks/grade.ts). */
  async check(options: GradeOptions = {}): Promise<CheckReport> {
    await this.deploying;
    const deployed = this.requireDeployed();
    try {
      return await gradeRunningLab(deployed.state, options);
    } catch (err) {
      if (err instanceof NoChecksError) throw new LabServiceError("not-found", err.message);
      if (err instanceof LabFileError) throw new LabServiceError("failed", err.message);
      throw err;
    }
  }

  /** The node's mgmt client, connected once and kept while the node's process lives. */
  async client(node: string): Promise<MgmtClient> {
    await this.deploying;
    const deployed = this.requireDeployed();
    this.requireNode(node);
    const status = this.statuses.get(node);
    if (!status || status.state !== "running") throw new LabServiceError("not-running", `node ${node} is ${status ? viewState(status.state) : "stopped"}`);
    const key = this.nodeKey(status);
    let entry = this.mgmt.get(node);
    if (!entry || entry.pid !== key) {
      if (entry) void entry.client.then((c) => c.ok && c.client.close());
      entry = { client: connectMgmt({ host: status.host, port: status.mgmtPort, token: deployed.state.token }), pid: key };
      this.mgmt.set(node, entry);
    }
    const connected = await entry.client;
    if (!connected.ok || connected.client.closeInfo) {
      this.mgmt.delete(node);
      throw new LabServiceError("not-running", `node ${node} does not answer on its mgmt port: ${connected.ok ? "connection closed" : connected.message}`);
    }
    return connected.client;
  }

  async openConsole(node: string, size: { columns: number; rows: number }, handlers: ConsoleHandlers): Promise<ConsoleStream> {
    await this.deploying;
    this.requireDeployed();
    this.requireNode(node);
    const status = this.statuses.get(node);
    if (!status || status.state !== "running") throw new LabServiceError("not-running", `node ${node} is ${status ? viewState(status.state) : "stopped"}`);
    const opened = await openConsoleStream(status.host, status.consolePort, size, handlers);
    if (!opened.ok) throw new LabServiceError("not-running", opened.message);
    return opened.stream;
  }

  /** Watches one table of a node; `onEnd` when the node's mgmt connection goes. */
  async watchTable(node: string, table: TableName, onRows: (rows: unknown[]) => void, onEnd: (reason: string) => void): Promise<{ stop(): void }> {
    const client = await this.client(node);
    const watch = await client.watchTable(table, (rows) => onRows(rows), 250);
    if (!watch.ok) throw new LabServiceError("failed", watch.error.message);
    const off = client.onClose(() => onEnd(`node ${node} went away`));
    return {
      stop: () => {
        off();
        void watch.result.stop();
      },
    };
  }

  /** Calls `listener` with each new line of the lab's event log (its routers' syslog
   * watched meanwhile); answers with the lines so far. */
  watchLog(listener: (entry: LabLogEntry) => void): { entries: LabLogEntry[]; stop(): void } {
    const entries = this.log.recent();
    const off = this.log.onEntry(listener);
    this.syncSyslog();
    return {
      entries,
      stop: () => {
        off();
        this.syncSyslog();
      },
    };
  }

  /** Stops polling and closes the mgmt connections; the lab itself keeps running. */
  close(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    this.viewListeners.clear();
    this.log.clearListeners();
    this.closeMgmt();
  }

  private requireDeployed(): Deployed {
    if (!this.deployed) throw new LabServiceError("not-running", `lab ${this.lab.name} is not running: start it first`);
    return this.deployed;
  }

  private requireNode(node: string): void {
    if (!this.lab.nodes.some((n) => n.name === node)) throw new LabServiceError("not-found", `no node "${node}" in lab ${this.lab.name} (nodes: ${this.lab.nodes.map((n) => n.name).join(", ")})`);
  }

  private forget(): void {
    this.deployed = undefined;
    this.statuses.clear();
    this.closeMgmt();
  }

  private logLab(severity: number, text: string): void {
    this.log.add({ timeMs: Date.now(), source: "lab", kind: "lab", severity, text });
  }

  /** Watches the syslog of every running router while someone follows the lab (an app is
   * connected: a router's log has no backlog, so the lines must be caught as they come, for
   * an event panel opened later); lets go of the rest. */
  private syncSyslog(): void {
    const wanted = this.log.listening || this.viewListeners.size > 0;
    for (const [node, watch] of this.syslog) {
      const status = this.statuses.get(node);
      if (!wanted || !this.deployed || status?.state !== "running" || this.nodeKey(status) !== watch.key) {
        watch.stop();
        this.syslog.delete(node);
      }
    }
    if (!wanted || !this.deployed || this.busy) return;
    for (const n of this.lab.nodes) {
      const status = this.statuses.get(n.name);
      if (status?.state !== "running" || this.syslog.has(n.name)) continue;
      let stopped = false;
      let stopWatch = (): void => {};
      const entry = { key: this.nodeKey(status), stop: () => ((stopped = true), stopWatch()) };
      this.syslog.set(n.name, entry);
      const forget = (): void => {
        if (this.syslog.get(n.name) === entry) this.syslog.delete(n.name);
      };
      void this.client(n.name)
        .then(async (client) => {
          const watch = await client.watchEvents((ev) => this.log.add({ timeMs: ev.timeMs, source: n.name, kind: "syslog", severity: ev.severity, text: ev.text }));
          if (!watch.ok) return forget();
          stopWatch = () => void watch.result.stop();
          if (stopped) stopWatch();
          client.onClose(forget);
        })
        .catch(forget);
    }
  }

  private nodeKey(status: NodeStatus): string {
    return `${status.pid ?? status.containerId ?? ""}:${status.mgmtPort}`;
  }

  private closeMgmt(): void {
    for (const entry of this.mgmt.values()) void entry.client.then((c) => c.ok && c.client.close());
    this.mgmt.clear();
  }

  private changed(): void {
    const view = this.view();
    for (const n of view.nodes) {
      const before = this.shownStates.get(n.name);
      if (before !== undefined && before !== n.state) this.log.add({ timeMs: Date.now(), source: n.name, kind: "lab", severity: n.state === "crashed" ? 3 : 5, text: `${before} → ${n.state}${n.detail ? `: ${n.detail.split("\n").at(-1)}` : ""}` });
      this.shownStates.set(n.name, n.state);
    }
    this.syncSyslog();
    const text = JSON.stringify(view);
    if (text === this.lastView) return;
    this.lastView = text;
    for (const listener of this.viewListeners) listener(view);
  }
}
