// Cisco Discovery Protocol as IOS runs it: every up Ethernet port with CDP enabled sends an
// advertisement when it comes up and then every `cdp timer` seconds (60), asking receivers to
// hold it `cdp holdtime` seconds (180); what neighbours send is kept per (local interface,
// device ID) until their holdtime runs out (neighbors.ts). The advertisement says what the
// router's `show version` says: its hostname (with `ip domain name` appended), the
// platform's name and software line, the port's name and address, and its capabilities.
//
// CDP runs by default on classic IOS (IOL, IOSv, 7200); the IOS XE virtual routers
// (CSR1000v, Catalyst 8000V) start with it off, as Cisco's ISR 4000/IOS XE labs show
// (`show cdp` answers "% CDP is not enabled" until `cdp run`).
import type { Timer } from "../clock/clock";
import { platformOf, portHardware, type Platform, type PlatformName } from "../config/platform";
import type { InterfaceConfig } from "../config/model/interface";
import type { RouterConfig } from "../config/model/router";
import { registerDropReasons } from "../net/counters";
import { EthernetInterface } from "../net/ethernet-port";
import type { Interface } from "../net/interface";
import { type Subsystem, type SubsystemHost, type SubsystemInstance } from "../node/subsystem";
import { CDP_CAPABILITIES, CdpCapability, buildCdpFrame, parseCdp, type CdpRepr } from "../wire/cdp";
import { isWireError } from "../wire/errors";
import { ethernetSrc } from "../wire/ethernet";
import { CiscoSnapPid, SnapOui } from "../wire/llc";
import { CdpNeighborTable } from "./neighbors";
import { cdpExecCommands, cdpTable } from "./show";

export const CDP_DROP_REASONS = registerDropReasons(["cdp-malformed"] as const);
declare module "../net/counters" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the names into DropReason
  interface DropReasonNames extends Record<(typeof CDP_DROP_REASONS)[number], true> {}
}

export const CDP_DEFAULT_TIMER_SEC = 60;
export const CDP_DEFAULT_HOLDTIME_SEC = 180;

/** `show cdp traffic`'s counters. */
export interface CdpTraffic {
  output: number;
  input: number;
  hdrSyntax: number;
  chksumError: number;
  encapsFailed: number;
  noMemory: number;
  invalid: number;
  v1Output: number;
  v1Input: number;
  v2Output: number;
  v2Input: number;
}

function newTraffic(): CdpTraffic {
  return { output: 0, input: 0, hdrSyntax: 0, chksumError: 0, encapsFailed: 0, noMemory: 0, invalid: 0, v1Output: 0, v1Input: 0, v2Output: 0, v2Input: 0 };
}

/** What the platform tells its neighbours: the name `show cdp neighbors` shows, its
 * capabilities, and whether CDP runs before the config says. */
interface CdpIdentity {
  readonly platform: string;
  readonly capabilities: number;
  readonly runsByDefault: boolean;
}

const IDENTITY: Readonly<Record<PlatformName, CdpIdentity>> = {
  // IOL and IOSv routers advertise "R B" (Router, Source-Route-Bridge) in their captures.
  iol: { platform: "Linux Unix", capabilities: CdpCapability.Router | CdpCapability.SourceRouteBridge, runsByDefault: true },
  iosv: { platform: "Cisco IOSv", capabilities: CdpCapability.Router | CdpCapability.SourceRouteBridge, runsByDefault: true },
  // IOS XE routers advertise "R I" (Router, IGMP) as "cisco CSR1000V".
  csr1000v: { platform: "cisco CSR1000V", capabilities: CdpCapability.Router | CdpCapability.Igmp, runsByDefault: false },
  c8000v: { platform: "cisco C8000V", capabilities: CdpCapability.Router | CdpCapability.Igmp, runsByDefault: false },
  c7200: { platform: "Cisco 7206VXR", capabilities: CdpCapability.Router | CdpCapability.SourceRouteBridge, runsByDefault: true },
};

export class CdpInstance implements SubsystemInstance {
  readonly neighbors: CdpNeighborTable;
  readonly traffic: CdpTraffic = newTraffic();
  readonly platform: Platform;
  private readonly identity: CdpIdentity;
  private timer: Timer | undefined;
  private timerSec = 0;
  private readonly unregister: () => void;

  constructor(
    readonly router: SubsystemHost,
    platformName: PlatformName | undefined,
  ) {
    this.platform = platformOf(platformName);
    this.identity = IDENTITY[this.platform.name];
    this.neighbors = new CdpNeighborTable(router.clock);
    this.unregister = router.stack.registerSnap(SnapOui.Cisco, CiscoSnapPid.Cdp, (inIf, buf, offset, limit) => this.receive(inIf, buf, offset, limit));
    router.stack.onInterfaceChange(({ interface: iface, change }) => {
      if (change !== "state" || !(iface instanceof EthernetInterface)) return;
      if (!iface.isUp) {
        // IOS drops what it heard on a port that goes down.
        this.neighbors.forgetInterface(iface.name);
        return;
      }
      // A port that comes up advertises at once, after the change that raised it settles.
      router.clock.defer(() => {
        if (iface.isUp && this.enabledOn(iface)) this.advertise(iface);
      });
    });
  }

  // --- Configuration -------------------------------------------------------------------

  /** `cdp run` in effect (the platform's default when the config says neither). */
  get running(): boolean {
    return this.router.running.cdp?.run ?? this.identity.runsByDefault;
  }

  get timerSecConfigured(): number {
    return this.router.running.cdp?.timerSec ?? CDP_DEFAULT_TIMER_SEC;
  }

  get holdtimeSec(): number {
    return this.router.running.cdp?.holdtimeSec ?? CDP_DEFAULT_HOLDTIME_SEC;
  }

  get advertiseV2(): boolean {
    return this.router.running.cdp?.advertiseV2 !== false;
  }

  /** Whether CDP runs on this port: a physical Ethernet port without `no cdp enable`. */
  enabledOn(iface: Interface): boolean {
    return iface instanceof EthernetInterface && this.router.running.interfaces[iface.name]?.cdpEnable !== false;
  }

  /** The Ethernet ports CDP runs on, whether up or not (`show cdp interface`). */
  interfaces(): EthernetInterface[] {
    return this.router.stack.interfaces().filter((i): i is EthernetInterface => i instanceof EthernetInterface && this.enabledOn(i));
  }

  reconcile(before: RouterConfig | undefined, after: RouterConfig): void {
    const wasRunning = before === undefined ? undefined : (before.cdp?.run ?? this.identity.runsByDefault);
    const running = this.running;
    if (!running) {
      this.stopTimer();
      // `no cdp run`: IOS forgets its neighbours.
      if (wasRunning !== false) this.neighbors.clear();
      return;
    }
    const timerSec = this.timerSecConfigured;
    if (this.timer === undefined || timerSec !== this.timerSec) this.startTimer(timerSec);
    // Turned on now (or at boot): advertise on every port that is up.
    if (wasRunning !== true) this.router.clock.defer(() => this.advertiseAll());
    void after;
  }

  reconcileInterface(iface: Interface, before: InterfaceConfig | undefined, after: InterfaceConfig): void {
    if (!(iface instanceof EthernetInterface)) return;
    const was = before === undefined ? undefined : before.cdpEnable !== false;
    const now = after.cdpEnable !== false;
    if (was === now) return;
    if (!now) this.neighbors.forgetInterface(iface.name);
    else if (was === false) this.router.clock.defer(() => {
      if (this.running && iface.isUp && this.enabledOn(iface)) this.advertise(iface);
    });
  }

  close(): void {
    this.stopTimer();
    this.neighbors.clear();
    this.unregister();
  }

  private startTimer(timerSec: number): void {
    this.stopTimer();
    this.timerSec = timerSec;
    this.timer = this.router.clock.every(timerSec * 1000, () => this.advertiseAll());
  }

  private stopTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  // --- Sending ---------------------------------------------------------------------------

  private advertiseAll(): void {
    if (!this.running) return;
    for (const iface of this.interfaces()) if (iface.isUp) this.advertise(iface);
  }

  /** IOS's Device ID: the hostname, with the domain name when `ip domain name` is set. */
  deviceId(): string {
    const c = this.router.running;
    return c.domainName === undefined ? c.hostname : `${c.hostname}.${c.domainName}`;
  }

  /** The software line: `show version`'s IOS line (IOS XE's IOSd line, not its package
   * banner), then the line saying what this really is. */
  softwareVersion(): string {
    return this.platform.versionBanner.filter((l) => !l.startsWith("Cisco IOS XE Software")).join("\n");
  }

  /** The advertisement this port sends. */
  advertisement(iface: EthernetInterface): CdpRepr {
    const primary = iface.addresses[0];
    const addresses = primary === undefined ? [] : [{ kind: "ipv4" as const, address: primary.address }];
    const v2 = this.advertiseV2;
    const fullDuplex = portHardware(this.platform, iface.name).mediaLines.some((l) => /full.duplex/i.test(l));
    return {
      version: v2 ? 2 : 1,
      ttlSec: this.holdtimeSec,
      deviceId: this.deviceId(),
      addresses,
      portId: iface.name,
      capabilities: this.identity.capabilities,
      softwareVersion: this.softwareVersion(),
      platform: this.identity.platform,
      ...(v2 && fullDuplex ? { duplex: "full" as const } : {}),
      ...(v2 ? { managementAddresses: addresses } : {}),
      unknown: [],
    };
  }

  private advertise(iface: EthernetInterface): void {
    const repr = this.advertisement(iface);
    if (iface.sendFrame(buildCdpFrame(iface.mac, repr))) {
      this.traffic.output++;
      if (repr.version === 1) this.traffic.v1Output++;
      else this.traffic.v2Output++;
    } else {
      this.traffic.encapsFailed++;
    }
  }

  // --- Receiving -------------------------------------------------------------------------

  private receive(inIf: Interface, buf: Uint8Array, offset: number, limit: number): void {
    // A router with CDP off, or a port with `no cdp enable`, neither hears nor counts it.
    if (!this.running || !this.enabledOn(inIf)) return;
    this.traffic.input++;
    const repr = parseCdp(buf.subarray(offset, limit));
    if (isWireError(repr)) {
      if (repr.field === "checksum") this.traffic.chksumError++;
      else if (repr.field === "version" || repr.field === "header") this.traffic.hdrSyntax++;
      else this.traffic.invalid++;
      inIf.drop("cdp-malformed");
      return;
    }
    if (repr.version === 1) this.traffic.v1Input++;
    else this.traffic.v2Input++;
    if (!this.neighbors.heard(inIf.name, repr, ethernetSrc(buf, 0))) this.traffic.noMemory++;
  }
}

/** The capability letters of `show cdp neighbors` ("R B") and words of its detail. */
export function capabilityLetters(bits: number): string[] {
  return CDP_CAPABILITIES.filter((c) => (bits & c.bit) !== 0).map((c) => c.letter);
}

export const cdpSubsystem: Subsystem<CdpInstance> = {
  name: "cdp",
  attach: (router, options) => new CdpInstance(router, options.platform),
  dropReasons: CDP_DROP_REASONS,
  execCommands: cdpExecCommands((router) => router.subsystem(cdpSubsystem)),
  tables: [cdpTable((router) => router.subsystem(cdpSubsystem))],
};
