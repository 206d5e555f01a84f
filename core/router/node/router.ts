// One router: its running configuration (the model IOS would render), the data plane built
// from it, its log, and its startup-config storage. Everything that runs a router — the
// simulation harness, the node agent — builds one of these from config text and ports.
import type { Clock } from "../clock/clock";
import type { BugReporter } from "../clock/guarded";
import { ConfigSession } from "../config/session";
import { parseConfig, type ParseResult } from "../config/parse";
import { emptyConfig, type RouterConfig } from "../config/model/router";
import { newInterface } from "../config/model/interface";
import { renderRunningConfig } from "../config/render";
import type { GrammarEntry } from "../config/grammar/engine";
import type { Grammar } from "../config/grammar/engine";
import type { ConfigCommand } from "../config/command";
import type { Nic } from "../io/nic";
import { MemoryHub } from "../io/memory";
import type { EthernetInterface } from "../net/ethernet-port";
import type { Interface, LogMessage } from "../net/interface";
import type { AddressMethod } from "../net/show";
import { NetStack } from "../net/stack";
import { IpRouting } from "../routing/ip-routing";
import { PkiStore, type TrustpointMaterial } from "../pki/store";
import type { Ipv4, Mac } from "../wire/addr";
import { applyConfig, type DataPlane } from "./apply";
import { Debugging } from "./debug";
import { logTimestamp, timeZoneOf, type TimeZone } from "./time";

/** Where `write memory` puts the startup-config (a file in the lab folder, for the agent). */
export interface ConfigStorage {
  readStartup(): string | undefined;
  writeStartup(text: string): Promise<void>;
}

/** A log line as the console shows it: timestamp and the IOS message. */
export interface LogLine {
  readonly timeMs: number;
  readonly severity: number;
  readonly text: string;
}

export interface RouterOptions {
  readonly clock: Clock;
  /** Ethernet ports the lab linked, by IOS name. */
  readonly ports?: Readonly<Record<string, Nic>>;
  /** IOL routers have Ethernet0/0–0/3; unlinked ones are up with nothing on the wire. */
  readonly builtinPorts?: number;
  /** Base of the burned-in MACs (IOL style: aabb.cc00.0N00). */
  readonly macBase?: Mac;
  readonly storage?: ConfigStorage;
  /** Serial number shown by `show version` and used as a stable identity. */
  readonly serial?: string;
  /** Certificates and keys per trustpoint, from the lab PKI. */
  readonly pki?: readonly TrustpointMaterial[];
  /** Where bugs caught inside the router go (the agent's reporter); by default its log gets %SYS-3-INTERNAL. */
  readonly reportBug?: BugReporter;
}

const LOG_KEEP = 500;

export class Router implements DataPlane {
  readonly clock: Clock;
  readonly stack: NetStack;
  readonly routing: IpRouting;
  readonly bootTimeMs: number;
  readonly serial: string;
  readonly debug: Debugging;
  readonly pki = new PkiStore();
  /** The running configuration. Config sessions change it; `commit()` applies it. */
  running: RouterConfig = emptyConfig();
  /** When the running config last changed (for show running-config). */
  lastChangeMs: number;
  private applied: RouterConfig | undefined;
  private appliedJson: string | undefined;
  private readonly storage: ConfigStorage | undefined;
  private readonly logListeners = new Set<(line: LogLine) => void>();
  private readonly recentLog: LogLine[] = [];
  private readonly negotiated = new Map<string, { address: Ipv4; prefixLength: number }>();
  private readonly unlinked = new Map<string, MemoryHub>();
  private readonly warnings: string[] = [];
  private bootIpv4 = new Map<string, string>();

  constructor(options: RouterOptions) {
    this.clock = options.clock;
    this.bootTimeMs = this.lastChangeMs = options.clock.now();
    this.storage = options.storage;
    this.serial = options.serial ?? "FLX0000000";
    this.stack = new NetStack({ clock: options.clock, macBase: options.macBase, reportBug: options.reportBug });
    this.stack.onLog((m) => this.logMessage(m));
    for (const [name, nic] of Object.entries(options.ports ?? {})) this.stack.addEthernet(name, nic, { adminUp: true });
    for (let i = 0; i < (options.builtinPorts ?? 4); i++) this.ensurePort(`Ethernet0/${i}`);
    this.routing = new IpRouting(this.stack);
    for (const m of options.pki ?? []) {
      const problem = this.pki.install(m);
      if (problem) this.logMessage({ facility: "PKI", severity: 3, mnemonic: "CERTIFICATE_INVALID", text: problem });
    }
    this.debug = new Debugging(this.stack, this.routing, (text) => this.logMessage({ facility: "DEBUG", severity: 7, mnemonic: "DEBUG", text }));
  }

  /** Reports a bug caught inside the router (a timer or frame handler threw) and carries on. */
  get reportBug(): BugReporter {
    return this.stack.reportBug;
  }

  get hostname(): string {
    return this.running.hostname;
  }

  get timeZone(): TimeZone {
    return timeZoneOf(this.running);
  }

  /** Loads a startup-config: parses it, makes it the running config and applies it. */
  boot(text: string | undefined = this.storage?.readStartup()): ParseResult {
    const result = parseConfig(text ?? "");
    this.bootIpv4 = new Map(Object.values(result.model.interfaces).map((c) => [c.name, JSON.stringify(c.ipv4)]));
    this.replaceRunning(result.model);
    return result;
  }

  /** How an interface got its address, for the Method column of `show ip interface brief`:
   * NVRAM when the startup-config set it and it is unchanged, manual when typed since,
   * unset without one. */
  addressMethod(iface: Interface): AddressMethod {
    const c = this.running.interfaces[iface.name];
    if (!c) return "unset";
    if (c.ipv4.kind === "negotiated") return "manual";
    return this.bootIpv4.get(iface.name) === JSON.stringify(c.ipv4) ? "NVRAM" : "manual";
  }

  /** Names of the interfaces forwarding in a VRF, in the order IOS lists them. */
  interfacesInVrf(vrf: string): string[] {
    return this.stack
      .interfaces()
      .filter((i) => i.vrf.name === vrf)
      .map((i) => i.name);
  }

  /** Makes `model` the running config (boot, `configure replace`) and applies it. IOS's
   * running-config lists every interface the hardware has, configured or not. */
  replaceRunning(model: RouterConfig): void {
    for (const iface of this.stack.interfaces()) {
      if (iface.kind === "ethernet" && !(iface.name in model.interfaces)) model.interfaces[iface.name] = newInterface(iface.name);
    }
    this.running = model;
    this.commit();
  }

  /** A configuration session on the running config (`configure terminal`). */
  configSession<E extends GrammarEntry>(grammar?: Grammar<ConfigCommand | E>): ConfigSession<E> {
    return new ConfigSession<E>(this.running, grammar);
  }

  /** Applies whatever changed in the running config since the last commit. */
  commit(): void {
    // The model is plain JSON: one serialisation both detects "nothing changed" and, parsed
    // back, gives the deep copy kept as what is applied.
    const json = JSON.stringify(this.running);
    if (json === this.appliedJson) return;
    const snapshot = JSON.parse(json) as RouterConfig;
    applyConfig(this, this.applied, snapshot);
    this.applied = snapshot;
    this.appliedJson = json;
    this.lastChangeMs = this.clock.now();
  }

  /** Problems found applying config since the last call (IOS prints them as it goes). */
  takeWarnings(): string[] {
    return this.warnings.splice(0);
  }

  runningConfigText(): string {
    return renderRunningConfig(this.running);
  }

  startupConfigText(): string | undefined {
    return this.storage?.readStartup();
  }

  /** `write memory`: false when this router has nowhere to keep it. */
  async writeStartup(): Promise<boolean> {
    if (!this.storage) return false;
    await this.storage.writeStartup(this.runningConfigText());
    return true;
  }

  // --- DataPlane -------------------------------------------------------------------

  ensurePort(name: string): EthernetInterface | undefined {
    const existing = this.stack.interface(name);
    if (existing) return existing.kind === "ethernet" ? (existing as EthernetInterface) : undefined;
    if (!/^Ethernet\d+\/\d+$/.test(name)) return undefined;
    // An unlinked port: carrier up, frames go nowhere (an IOL port with no peer).
    const hub = new MemoryHub({ clock: this.clock });
    this.unlinked.set(name, hub);
    return this.stack.addEthernet(name, hub.port(name), { adminUp: true });
  }

  negotiatedAddress(name: string): { address: Ipv4; prefixLength: number } | undefined {
    return this.negotiated.get(name);
  }

  /** IKEv2 mode config assigned (or withdrew) an `ip address negotiated` interface's address. */
  setNegotiatedAddress(name: string, value: { address: Ipv4; prefixLength: number } | undefined): void {
    if (value) this.negotiated.set(name, value);
    else this.negotiated.delete(name);
    const c = this.running.interfaces[name];
    const iface = this.stack.interface(name);
    if (c?.ipv4.kind === "negotiated" && iface) {
      iface.removeAddresses();
      if (value) this.warn(iface.setAddress(value.address, value.prefixLength));
    }
  }

  warn(text: string | undefined): void {
    if (text) this.warnings.push(text);
  }

  // --- Log --------------------------------------------------------------------------

  onLog(listener: (line: LogLine) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** The most recent log lines, oldest first (`show logging`). */
  logHistory(): readonly LogLine[] {
    return this.recentLog;
  }

  formatLogLine(line: LogLine): string {
    return `${logTimestamp(line.timeMs, this.timeZone)}: ${line.text}`;
  }

  logMessage(message: LogMessage): void {
    const line: LogLine = { timeMs: this.clock.now(), severity: message.severity, text: message.text };
    this.recentLog.push(line);
    if (this.recentLog.length > LOG_KEEP) this.recentLog.shift();
    for (const listener of this.logListeners) listener(line);
  }

  close(): void {
    this.stack.close();
    this.unlinked.clear();
  }
}
