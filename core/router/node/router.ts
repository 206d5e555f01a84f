// One router: its running configuration (the model IOS would render), the data plane built
// from it, its subsystems (subsystems.ts), its log, and its startup-config storage.
// Everything that runs a router — the simulation harness, the node agent — builds one of
// these from config text and ports.
import type { Clock } from "../clock/clock";
import type { BugReporter } from "../clock/guarded";
import { ConfigSession } from "../config/session";
import { parseConfig, type ParseResult } from "../config/parse";
import { emptyConfig, type RouterConfig } from "../config/model/router";
import { newInterface } from "../config/model/interface";
import { isPhysicalPort } from "../config/grammar/interface-name";
import { platformOf, platformPorts, type Platform } from "../config/platform";
import { renderRunningConfig } from "../config/render";
import type { GrammarEntry } from "../config/grammar/engine";
import type { Grammar } from "../config/grammar/engine";
import type { ConfigCommand } from "../config/command";
import { MemoryHub } from "../io/memory";
import type { AccessList } from "../net/acl";
import type { EthernetInterface } from "../net/ethernet-port";
import type { Interface, LogMessage } from "../net/interface";
import type { AddressMethod } from "../net/show";
import { NetStack } from "../net/stack";
import { IpRouting } from "../routing/ip-routing";
import type { Ipv4 } from "../wire/addr";
import { applyConfig, type DataPlane } from "./apply";
import { Debugging } from "./debug";
import type { ConfigStorage, RouterOptions } from "./options";
import type { Subsystem, SubsystemHost, SubsystemInstance } from "./subsystem";
import { SUBSYSTEMS } from "./subsystems";
import { logTimestamp, timeZoneOf, type TimeZone } from "./time";

export type { ConfigStorage, RouterOptions } from "./options";

/** A log line as the console shows it: timestamp and the IOS message. */
export interface LogLine {
  readonly timeMs: number;
  readonly severity: number;
  readonly text: string;
}

const LOG_KEEP = 500;

export class Router implements DataPlane, SubsystemHost {
  readonly clock: Clock;
  readonly stack: NetStack;
  readonly routing: IpRouting;
  readonly bootTimeMs: number;
  readonly serial: string;
  readonly debug: Debugging;
  readonly platform: Platform;
  /** The access lists forwarding applies, with their match counters (`show access-lists`). */
  readonly accessLists = new Map<string, AccessList>();
  /** The ports the node was built with (the platform's and the linked ones): a config naming
   * any other physical port adds it, with a warning. */
  private readonly hardwarePorts: ReadonlySet<string>;
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
  private readonly attached = new Map<Subsystem<object>, SubsystemInstance>();

  constructor(options: RouterOptions) {
    this.clock = options.clock;
    this.bootTimeMs = this.lastChangeMs = options.clock.now();
    this.storage = options.storage;
    this.serial = options.serial ?? "FLX0000000";
    this.stack = new NetStack({ clock: options.clock, macBase: options.macBase, reportBug: options.reportBug });
    this.stack.onLog((m) => this.logMessage(m));
    for (const [name, nic] of Object.entries(options.ports ?? {})) this.stack.addEthernet(name, nic, { adminUp: true });
    this.platform = platformOf(options.platform);
    for (const name of platformPorts(this.platform, options.builtinPorts)) this.ensurePort(name);
    this.hardwarePorts = new Set(this.stack.interfaces().map((i) => i.name));
    this.routing = new IpRouting(this.stack);
    this.debug = new Debugging(this.stack, (text) => this.logMessage({ facility: "DEBUG", severity: 7, mnemonic: "DEBUG", text }));
    for (const s of options.subsystems ?? SUBSYSTEMS) this.attached.set(s, s.attach(this, options) as SubsystemInstance);
  }

  /** A subsystem's instance on this router. */
  subsystem<I extends object>(of: Subsystem<I>): I {
    const instance = this.attached.get(of);
    if (!instance) throw new Error(`subsystem ${of.name} is not attached to this router`);
    return instance as I;
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
    return this.addressMethodOf(iface.name);
  }

  /** The same, by interface name (a Virtual-Template has a config but no data-plane interface). */
  addressMethodOf(name: string): AddressMethod {
    const c = this.running.interfaces[name];
    if (!c) return "unset";
    if (c.ipv4.kind === "negotiated") return "manual";
    if (c.ipv4.kind === "dhcp") return "DHCP";
    return this.bootIpv4.get(name) === JSON.stringify(c.ipv4) ? "NVRAM" : "manual";
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
    const subsystems = [...this.attached.values()];
    applyConfig(this, this.applied, snapshot, subsystems);
    for (const s of subsystems) s.reconcile?.(this.applied, snapshot);
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
    if (!isPhysicalPort(name)) return undefined;
    // A pasted config from other hardware never fails on a port name: the port is added.
    if (this.hardwarePorts !== undefined && !this.hardwarePorts.has(name)) this.warn(`% ${this.platform.name} has no port ${name}; added it, unlinked`);
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
    for (const s of this.attached.values()) s.close?.();
    this.stack.close();
    this.unlinked.clear();
  }
}
