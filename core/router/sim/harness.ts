// The simulation harness: many routers in one process, their ports joined by in-memory links,
// all running on one virtual clock that jumps to the next timer. Protocol tests, scale
// benchmarks and `flexlab sim` use it: a three-router convergence takes milliseconds.
import { guardedClock } from "../clock/guarded";
import { VirtualClock } from "../clock/virtual";
import { memoryCable, MemoryHub, type MemoryLinkControl } from "../io/memory";
import { seededRandom, type Impairment } from "../io/impair";
import type { Nic } from "../io/nic";
import { Shell } from "../cli/shell";
import { Router, type ConfigStorage, type LogLine } from "../node/router";
import type { NvramFiles } from "../node/options";
import { StoppableClock } from "../clock/stoppable";
import type { Diagnostic } from "../config/parse";
import type { PlatformName } from "../config/platform";
import { iolMacBase } from "../net/iol-mac";
import type { TrustpointMaterial } from "../pki/store";
import { TABLES } from "../node/tables";
import type { TableName, TableRow } from "../../api/tables";

export interface SimEndpoint {
  readonly node: string;
  readonly iface: string;
}

export interface SimTopology {
  /** Node name → startup-config text. */
  readonly nodes: Readonly<Record<string, string>>;
  /** Each link joins two or more ports; three or more make one shared segment (a switch). */
  readonly links: readonly (readonly SimEndpoint[])[];
  /** Where `write memory` goes, per node (default: kept in memory). */
  readonly storage?: (node: string) => ConfigStorage;
  /**
   * Lets the host's event loop run once (real file I/O behind `write memory`). The harness
   * itself never touches real time; a host that gives it real storage passes e.g.
   * `() => new Promise((r) => setImmediate(r))`.
   */
  readonly yieldToHost?: () => Promise<void>;
  /** Where virtual time starts (default: VirtualClock's fixed date). The lab's sim runtime
   * starts at the real time, for which the lab PKI issued its certificates. */
  readonly startMs?: number;
  /** Certificates per node, from the lab PKI. */
  readonly pki?: (node: string) => readonly TrustpointMaterial[];
  /** The hardware a node pretends to be (IOL with four ports by default). */
  readonly hardware?: (node: string) => { readonly platform?: PlatformName; readonly ports?: number };
  /** Wraps a node's port before the router gets it, e.g. in a TapNic to capture its frames. */
  readonly port?: (node: string, iface: string, nic: Nic) => Nic;
  /** Each link's impairment from the start (io/impair.ts), by position in `links`. */
  readonly impairments?: readonly (Impairment | undefined)[];
  /** Seeds every link's randomness (loss, jitter…): the same seed, the same run. Default 1. */
  readonly seed?: number;
}

export interface SimNode {
  readonly name: string;
  readonly router: Router;
  /** Problems the startup-config had, as IOS errors with line and column. */
  readonly diagnostics: readonly Diagnostic[];
  /** What applying the startup-config warned about (a port the platform lacks, added). */
  readonly warnings: readonly string[];
  /** The privileged-exec session commands run in. */
  readonly shell: Shell;
  /** Every log line the router produced, with its time. */
  readonly log: LogLine[];
}

/** What a node's router is built from, the same on every boot but for its clock. */
interface NodeBuild {
  readonly ports: Record<string, Nic>;
  readonly storage: ConfigStorage;
  readonly macBase: ReturnType<typeof iolMacBase>;
  readonly serial: string;
  readonly platform: PlatformName | undefined;
  readonly builtinPorts: number | undefined;
  readonly pki: readonly TrustpointMaterial[] | undefined;
  /** Stopped when the router goes, so none of its timers fires into the next one. */
  readonly clock: StoppableClock;
}

/** NVRAM files in memory: they outlive a `restart` of the node, not the simulation. */
export class MemoryNvram implements NvramFiles {
  private readonly files = new Map<string, Uint8Array>();
  read(name: string): Uint8Array | undefined {
    const data = this.files.get(name);
    return data && data.slice();
  }
  async write(name: string, data: Uint8Array): Promise<void> {
    this.files.set(name, data.slice());
  }
}

/** Keeps `write memory` output (and the other NVRAM files) in memory. */
export class MemoryStorage implements ConfigStorage {
  readonly nvram = new MemoryNvram();
  constructor(private text: string | undefined) {}
  readStartup(): string | undefined {
    return this.text;
  }
  async writeStartup(text: string): Promise<void> {
    this.text = text;
  }
}

/** Turns of the microtask queue to let a promise chain settle between clock steps. */
const MICROTASK_TURNS = 64;
/** No exec command runs longer than this in virtual time (a 1000-probe ping with 2 s timeouts fits). */
const COMMAND_LIMIT_MS = 3_600_000;
/** Host turns between virtual-time steps, and in all, while a command waits (~seconds of real I/O). */
const HOST_TURNS_PER_STEP = 4;
const MAX_HOST_TURNS = 100_000;

export class Simulation {
  readonly clock: VirtualClock;
  private readonly nodes = new Map<string, SimNode>();
  /** What each node's router is built from, kept for `restart`. */
  private readonly builds = new Map<string, NodeBuild>();
  private readonly links: MemoryLinkControl[] = [];
  private readonly yieldToHost: (() => Promise<void>) | undefined;

  constructor(topology: SimTopology, clock = new VirtualClock(topology.startMs)) {
    this.clock = clock;
    this.yieldToHost = topology.yieldToHost;
    const ports = new Map<string, Record<string, Nic>>();
    for (const name of Object.keys(topology.nodes)) ports.set(name, {});
    const seed = topology.seed ?? 1;
    topology.links.forEach((link, index) => {
      for (const end of link) if (!ports.has(end.node)) throw new Error(`link names unknown node ${end.node}`);
      // Each link draws from its own seeded sequence, so impairing one leaves the others' draws alone.
      const options = { clock, impairment: topology.impairments?.[index], random: seededRandom(Math.imul(seed, 0x9e3779b1) ^ (index + 1)) };
      if (link.length === 2) {
        const cable = memoryCable(options, [`${link[0].node}:${link[0].iface}`, `${link[1].node}:${link[1].iface}`]);
        ports.get(link[0].node)![link[0].iface] = cable.ends[0];
        ports.get(link[1].node)![link[1].iface] = cable.ends[1];
        this.links.push(cable);
      } else {
        const hub = new MemoryHub({ ...options, learning: true });
        for (const end of link) ports.get(end.node)![end.iface] = hub.port(`${end.node}:${end.iface}`);
        this.links.push(hub);
      }
    });
    if (topology.port) {
      for (const [node, nics] of ports) for (const [iface, nic] of Object.entries(nics)) nics[iface] = topology.port(node, iface, nic);
    }
    let index = 0;
    for (const [name, config] of Object.entries(topology.nodes)) {
      index++;
      const hardware = topology.hardware?.(name);
      const build: NodeBuild = {
        ports: ports.get(name) ?? {},
        storage: topology.storage?.(name) ?? new MemoryStorage(config),
        macBase: iolMacBase(index),
        serial: `FLX${String(index).padStart(7, "0")}`,
        platform: hardware?.platform,
        builtinPorts: hardware?.ports,
        pki: topology.pki?.(name),
        clock: new StoppableClock(clock),
      };
      this.startNode(name, build, config, []);
    }
  }

  /** Builds and boots `name`'s router from `config`, its log lines going on in `log`. */
  private startNode(name: string, build: NodeBuild, config: string | undefined, log: LogLine[]): void {
    // As in the agent, a timer that throws is a bug reported in the router's log
    // (%SYS-3-INTERNAL), never an exception out of the virtual clock into the test or
    // `flexlab sim`; frames and carrier changes are caught by the router's own ports.
    const owner: { router?: Router } = {};
    const routerClock = guardedClock(build.clock, (context, err) => owner.router?.reportBug(context, err));
    const router = new Router({
      clock: routerClock,
      ports: build.ports,
      platform: build.platform,
      builtinPorts: build.builtinPorts,
      macBase: build.macBase,
      storage: build.storage,
      serial: build.serial,
      pki: build.pki,
    });
    owner.router = router;
    router.onLog((line) => log.push(line));
    const result = router.boot(config);
    const shell = new Shell(router, { privileged: true, console: true });
    this.builds.set(name, build);
    this.nodes.set(name, { name, router, diagnostics: result.diagnostics, warnings: router.takeWarnings(), shell, log });
  }

  /**
   * Reloads `name` as `flexlab restart` does: its router goes, every timer of it with it, and
   * a new one boots on the same ports from what its storage kept (the startup-config and the
   * other NVRAM files); what was only in the running config or in memory is gone. The node's
   * log goes on. As a reload does, it lets writes under way finish first (promise chains, and
   * the host's I/O when it runs real storage). Returns the new node.
   */
  async restart(name: string): Promise<SimNode> {
    const old = this.node(name);
    for (let i = 0; i < MICROTASK_TURNS; i++) await Promise.resolve();
    if (this.yieldToHost) for (let i = 0; i < HOST_TURNS_PER_STEP; i++) await this.yieldToHost();
    const build = this.builds.get(name)!;
    old.router.close();
    build.clock.stop();
    const fresh = { ...build, clock: new StoppableClock(this.clock) };
    this.startNode(name, fresh, build.storage.readStartup(), old.log);
    return this.node(name);
  }

  node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name} in this simulation`);
    return n;
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }

  /** Runs until nothing but periodic timers is pending, at most `limitMs` of virtual time;
   * returns the virtual milliseconds that passed. */
  settle(limitMs = 60_000): number {
    return this.clock.settle(limitMs);
  }

  /** Moves virtual time forward by `ms`, running everything that falls due. */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /**
   * Runs one command in privileged exec on `node`, advancing virtual time while it runs
   * (a ping's probes, a traceroute's timeouts), and returns what the console printed.
   */
  async exec(node: string, line: string): Promise<string> {
    const { shell } = this.node(node);
    let out = "";
    let done = false;
    const running = shell
      .execute(
        line,
        (text) => (out += text + "\n"),
        (text) => (out += text),
      )
      .finally(() => (done = true));
    const deadline = this.clock.now() + COMMAND_LIMIT_MS;
    let hostTurns = 0;
    for (;;) {
      for (let i = 0; i < MICROTASK_TURNS && !done; i++) await Promise.resolve();
      if (done) break;
      if (this.clock.hasDeferred()) {
        // A long command paused to let the routers run (work-slice.ts): run what is due now.
        this.clock.runDeferred();
        continue;
      }
      const due = this.clock.nextDue();
      if (this.yieldToHost && (due === undefined || due > deadline || hostTurns % HOST_TURNS_PER_STEP !== 0)) {
        // Real I/O may be what the command waits for (write memory): let the host run,
        // and only move virtual time on every few turns so a slow disk still wins.
        if (hostTurns++ < MAX_HOST_TURNS) {
          await this.yieldToHost();
          continue;
        }
      }
      if (due === undefined || due > deadline) break; // nothing left that could finish it
      hostTurns++;
      this.clock.runUntil(due);
    }
    if (!done) return out + "% Command did not finish in an hour of virtual time\n";
    await running;
    return out;
  }

  /** Impairs link `index` (its position in the topology's links) from now on; undefined clears it. */
  setLinkImpairment(index: number, impairment: Impairment | undefined): void {
    this.link(index).setImpairment(impairment);
  }

  /** Pulls link `index`'s cable (false) or plugs it back (true): the routers see carrier go and come. */
  setLinkCarrier(index: number, up: boolean): void {
    this.link(index).setCarrier(up);
  }

  private link(index: number): MemoryLinkControl {
    const link = this.links[index];
    if (!link) throw new Error(`no link ${index} in this simulation (${this.links.length} links)`);
    return link;
  }

  /** One table's rows on `node`, as the mgmt API serves them (`flexlab tables`). */
  table<T extends TableName>(node: string, table: T): TableRow<T>[] {
    return TABLES[table].rows(this.node(node).router);
  }

  /** `exec` on several lines in order; returns the console transcript with prompts. */
  async transcript(node: string, lines: readonly string[]): Promise<string> {
    const { shell } = this.node(node);
    let text = "";
    for (const line of lines) {
      text += `${shell.prompt()}${line}\n`;
      text += await this.exec(node, line);
    }
    return text;
  }

  close(): void {
    for (const n of this.nodes.values()) n.router.close();
  }
}
