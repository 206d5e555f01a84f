// One router's IPv4 data plane: its VRFs (the global table plus named ones, each with a FIB),
// its interfaces, and the services that move packets between them — forwarding, local
// delivery, ICMP, UDP and TCP sockets, GRE tunnels. The routing layer writes the FIBs; the lead's
// config code drives everything else through the methods here and on the interfaces.
//
// Events: `onLog` gets IOS log lines (%LINK-3-UPDOWN…), `onInterfaceChange` gets typed
// changes (state, addresses, VRF…) that the routing layer turns into connected routes.
import type { Clock, Timer } from "../clock/clock";
import type { BugReporter } from "../clock/guarded";
import type { Nic } from "../io/nic";
import type { ArpRow } from "../../api/tables";
import { formatIpv4, formatMacIos, maskOf, type Ipv4, type Mac } from "../wire/addr";
import { EtherType } from "../wire/ethernet";
import type { ArpTimers } from "./arp";
import { ArpaInterface, Dot1qSubinterface, EthernetInterface } from "./ethernet-port";
import type { FibEntry } from "./fib";
import { Ipv4Forwarding } from "./forward";
import { IcmpService, IOS_ICMP_RATE_LIMITS, type IcmpRateLimits } from "./icmp";
import { IOL_MAC_PORT_STEP, IOL_MAX_NODE_INDEX, iolMacBase } from "./iol-mac";
import { logMessage, type Interface, type InterfaceAddress, type InterfaceChange, type InterfaceHost, type LogMessage } from "./interface";
import { LocalDelivery, type ProtocolHandler } from "./local";
import { LoopbackInterface } from "./loopback";
import { NullInterface } from "./null0";
import { UdpSockets } from "./sockets";
import { TcpSockets } from "./tcp/sockets";
import { TunnelInterface, TunnelTable, type TunnelOptions, type TunnelTransport } from "./tunnel";
import { GLOBAL_VRF_NAME, Vrf, vrfKey } from "./vrf";
import { IpProtocol } from "../wire/ipv4";
import { snapKey } from "../wire/llc";

/** Receives a non-IPv4, non-ARP payload at `buf[offset, limit)` (MPLS, NHRP…). */
export type EtherTypeHandler = (inIf: Interface, buf: Uint8Array, offset: number, limit: number) => void;
/** Receives the payload of an 802.3 LLC/SNAP frame, after the SNAP header, at `buf[offset, limit)`;
 * `buf[0, 14)` is the frame's Ethernet header. */
export type SnapHandler = (inIf: Interface, buf: Uint8Array, offset: number, limit: number) => void;

export interface InterfaceEvent {
  readonly interface: Interface;
  readonly change: InterfaceChange;
}

export interface NetStackOptions {
  readonly clock: Clock;
  /** First MAC handed to Ethernet interfaces without one; each next one adds 0x10 (IOL style). */
  readonly macBase?: Mac;
  readonly arpTimers?: ArpTimers;
  readonly icmpRateLimits?: IcmpRateLimits;
  /** Where bugs caught on the receive path go; by default, a %SYS-3-INTERNAL log line. */
  readonly reportBug?: BugReporter;
}

const ARP_SWEEP_MS = 60_000;

/** IOS's line for a software error: `%SYS-3-INTERNAL: <where>: <what>`. */
export function internalError(context: string, err: unknown): LogMessage {
  return logMessage("SYS", 3, "INTERNAL", `${context}: ${err instanceof Error ? err.message : String(err)}`);
}
let stacksCreated = 0;

export class NetStack implements InterfaceHost, TunnelTransport {
  readonly clock: Clock;
  readonly forwarding: Ipv4Forwarding;
  readonly icmp: IcmpService;
  readonly local: LocalDelivery;
  readonly udp: UdpSockets;
  readonly tcp: TcpSockets;
  readonly tunnels = new TunnelTable();
  readonly null0: NullInterface;
  private readonly vrfsByName = new Map<string, Vrf>();
  private readonly byName = new Map<string, Interface>();
  /** `ip unnumbered`: who borrows from whom, both ways. */
  private readonly borrowers = new Map<Interface, Set<Interface>>();
  private readonly borrowing = new Map<Interface, Interface>();
  private readonly etherTypeHandlers = new Map<number, EtherTypeHandler>();
  /** By snapKey(OUI, protocol ID). */
  private readonly snapHandlers = new Map<number, SnapHandler>();
  private readonly logListeners: ((message: LogMessage) => void)[] = [];
  private readonly changeListeners: ((event: InterfaceEvent) => void)[] = [];
  private readonly arpTimers: ArpTimers | undefined;
  private nextMac: number;
  private nextIndex = 0;
  private nextVrfId = 1;
  private arpSweep: Timer | undefined;
  private tunnelCheckQueued = false;
  readonly reportBug: BugReporter;

  constructor(options: NetStackOptions) {
    this.clock = options.clock;
    this.reportBug = options.reportBug ?? ((context, err) => this.log(internalError(context, err)));
    this.arpTimers = options.arpTimers;
    this.nextMac = options.macBase ?? iolMacBase((stacksCreated++ % IOL_MAX_NODE_INDEX) + 1);
    this.addVrfObject(new Vrf(GLOBAL_VRF_NAME, 0));
    this.null0 = new NullInterface("Null0", this, this.globalVrf, true);
    this.register(this.null0);
    this.forwarding = new Ipv4Forwarding(this.clock, this.null0);
    this.icmp = new IcmpService(this.clock, this.forwarding, options.icmpRateLimits ?? IOS_ICMP_RATE_LIMITS);
    this.local = new LocalDelivery(this.clock, this.icmp);
    this.forwarding.connect(this.icmp, this.local);
    this.udp = new UdpSockets(this.forwarding, this.icmp);
    this.local.register(IpProtocol.Icmp, (i, b, o, e) => this.icmp.receive(i, b, o, e));
    this.local.register(IpProtocol.Udp, (i, b, o, e, a) => this.udp.receive(i, b, o, e, a));
    this.tcp = new TcpSockets(this.clock, this.forwarding, (vrf, address) => this.interfaceOwning(vrf, address));
    this.local.register(IpProtocol.Tcp, (i, b, o, e) => this.tcp.receive(i, b, o, e));
    this.local.register(IpProtocol.Gre, (i, b, o, e) => this.tunnels.receive(i, b, o, e));
  }

  // --- VRFs --------------------------------------------------------------------------

  get globalVrf(): Vrf {
    return this.vrfsByName.get(GLOBAL_VRF_NAME) as Vrf;
  }

  /** The VRF by name; undefined or "" is the global table. */
  vrf(name?: string): Vrf | undefined {
    return this.vrfsByName.get(vrfKey(name));
  }

  vrfs(): Vrf[] {
    return [...this.vrfsByName.values()];
  }

  /** `vrf definition NAME`; returns the existing VRF if there is one. */
  addVrf(name: string): Vrf {
    return this.vrfsByName.get(name) ?? this.addVrfObject(new Vrf(name, this.nextVrfId++));
  }

  /** `no vrf definition NAME`: its interfaces go back to the global table without addresses. */
  removeVrf(name: string): string | undefined {
    const vrf = this.vrfsByName.get(name);
    if (vrf === undefined || vrf.isGlobal) return `% VRF ${name} not configured.`;
    for (const iface of this.interfaces()) if (iface.vrf === vrf) this.moveToVrf(iface, this.globalVrf);
    this.vrfsByName.delete(name);
    return undefined;
  }

  /**
   * `vrf forwarding NAME` (undefined: `no vrf forwarding`): IOS removes the interface's
   * addresses. Returns an error if the VRF does not exist. The notice IOS prints about the
   * removed addresses is the config layer's to print, once, as the command is typed.
   */
  setInterfaceVrf(iface: Interface, name: string | undefined): string | undefined {
    const vrf = this.vrf(name);
    if (vrf === undefined) return `% VRF ${name} not configured.`;
    if (vrf !== iface.vrf) this.moveToVrf(iface, vrf);
    return undefined;
  }

  private addVrfObject(vrf: Vrf): Vrf {
    this.vrfsByName.set(vrf.name, vrf);
    vrf.fib.onChange(() => this.scheduleTunnelCheck());
    return vrf;
  }

  private moveToVrf(iface: Interface, vrf: Vrf): void {
    iface.removeAddresses();
    iface.assignVrf(vrf);
    this.interfaceChanged(iface, "vrf");
  }

  // --- Interfaces --------------------------------------------------------------------

  interface(name: string): Interface | undefined {
    return this.byName.get(name);
  }

  /** Every interface, in the order they were added (Null0 first). */
  interfaces(): Interface[] {
    return [...this.byName.values()].sort((a, b) => a.index - b.index);
  }

  /** `interface EthernetX/Y` bound to a Nic. IOS creates it shut down unless `adminUp`. */
  addEthernet(name: string, nic: Nic, options: { mac?: Mac; adminUp?: boolean } = {}): EthernetInterface {
    this.checkFree(name);
    const mac = options.mac ?? nic.bia ?? this.allocateMac();
    const iface = new EthernetInterface(name, this, this.globalVrf, nic, { mac, adminUp: options.adminUp, arpTimers: this.arpTimers });
    this.startArpSweep();
    return this.register(iface);
  }

  /** `interface EthernetX/Y.N`; then `setVlan` for `encapsulation dot1Q N` (which may refuse a taken VID). */
  addSubinterface(name: string, parent: EthernetInterface): Dot1qSubinterface {
    this.checkFree(name);
    return this.register(new Dot1qSubinterface(name, this, this.globalVrf, parent, this.arpTimers));
  }

  addLoopback(name: string): LoopbackInterface {
    this.checkFree(name);
    return this.register(new LoopbackInterface(name, this, this.globalVrf, true));
  }

  /** `interface TunnelN` (or a Virtual-Access clone, through `options`). */
  addTunnel(name: string, options: TunnelOptions = {}): TunnelInterface {
    this.checkFree(name);
    const tunnel = new TunnelInterface(name, this, this.globalVrf, this.globalVrf, this, options);
    this.tunnels.add(tunnel);
    return this.register(tunnel);
  }

  /** `no interface X` (subinterfaces, loopbacks, tunnels; physical ports are unplugged by the lab). */
  removeInterface(name: string): boolean {
    const iface = this.byName.get(name);
    if (iface === undefined || iface === this.null0) return false;
    if (iface instanceof EthernetInterface) {
      for (const other of this.interfaces()) if (other instanceof Dot1qSubinterface && other.parent === iface) this.removeInterface(other.name);
      iface.detach();
    }
    if (iface instanceof Dot1qSubinterface) iface.parent.release(iface);
    if (iface instanceof TunnelInterface) this.tunnels.remove(iface);
    if (iface instanceof ArpaInterface) iface.arp.flush();
    iface.removeAddresses();
    this.byName.delete(name);
    for (const other of [...(this.borrowers.get(iface) ?? [])]) other.setUnnumbered(undefined);
    this.interfaceChanged(iface, "removed");
    this.scheduleTunnelCheck();
    return true;
  }

  /** Keeps `borrowers` (source → interfaces `ip unnumbered` to it) in step, so an address
   * change reaches its borrowers without a scan of every interface. */
  private trackBorrowing(iface: Interface, source: Interface | undefined): void {
    const was = this.borrowing.get(iface);
    if (was === source) return;
    if (was) this.borrowers.get(was)?.delete(iface);
    if (source) {
      this.borrowing.set(iface, source);
      const set = this.borrowers.get(source) ?? new Set<Interface>();
      set.add(iface);
      this.borrowers.set(source, set);
    } else this.borrowing.delete(iface);
  }

  private checkFree(name: string): void {
    if (this.byName.has(name)) throw new Error(`interface ${name} already exists`);
  }

  private register<T extends Interface>(iface: T): T {
    iface.index = this.nextIndex++;
    this.byName.set(iface.name, iface);
    iface.refreshState(true);
    this.interfaceChanged(iface, "added");
    return iface;
  }

  private allocateMac(): Mac {
    const mac = this.nextMac;
    this.nextMac += IOL_MAC_PORT_STEP;
    return mac as Mac;
  }

  // --- Events ------------------------------------------------------------------------

  onLog(listener: (message: LogMessage) => void): void {
    this.logListeners.push(listener);
  }

  onInterfaceChange(listener: (event: InterfaceEvent) => void): void {
    this.changeListeners.push(listener);
  }

  log(message: LogMessage): void {
    for (const listener of this.logListeners) listener(message);
  }

  interfaceChanged(iface: Interface, change: InterfaceChange): void {
    if (change === "addresses" || change === "removed") {
      this.trackBorrowing(iface, change === "removed" ? undefined : iface.unnumbered);
      for (const other of this.borrowers.get(iface) ?? []) if (other !== iface) other.borrowedAddressChanged();
    }
    if (change === "tunnel") this.tunnels.invalidate();
    for (const listener of this.changeListeners) listener({ interface: iface, change });
    if (change !== "tunnel") this.scheduleTunnelCheck();
  }

  // --- Protocol registries -----------------------------------------------------------

  /** Registers the handler for an IP protocol delivered to us (TCP 6, ESP 50…). */
  registerProtocol(protocol: number, handler: ProtocolHandler): () => void {
    return this.local.register(protocol, handler);
  }

  /** Registers the handler for an EtherType / GRE protocol type (MPLS 0x8847, NHRP 0x2001). */
  registerEtherType(etherType: number, handler: EtherTypeHandler): () => void {
    if (this.etherTypeHandlers.has(etherType)) throw new Error(`EtherType 0x${etherType.toString(16)} already has a handler`);
    this.etherTypeHandlers.set(etherType, handler);
    return () => {
      if (this.etherTypeHandlers.get(etherType) === handler) this.etherTypeHandlers.delete(etherType);
    };
  }

  /** Registers the handler for an LLC/SNAP protocol of 802.3 frames (CDP: 00-00-0C, 0x2000). */
  registerSnap(oui: number, pid: number, handler: SnapHandler): () => void {
    const key = snapKey(oui, pid);
    if (this.snapHandlers.has(key)) throw new Error(`SNAP ${oui.toString(16)}/${pid.toString(16)} already has a handler`);
    this.snapHandlers.set(key, handler);
    return () => {
      if (this.snapHandlers.get(key) === handler) this.snapHandlers.delete(key);
    };
  }

  // --- InterfaceHost -----------------------------------------------------------------

  receiveIpv4(inIf: Interface, buf: Uint8Array, offset: number, limit: number): void {
    this.forwarding.receive(inIf, buf, offset, limit);
  }

  receiveEtherType(inIf: Interface, etherType: number, buf: Uint8Array, offset: number, limit: number): void {
    const handler = this.etherTypeHandlers.get(etherType);
    if (handler !== undefined) handler(inIf, buf, offset, limit);
    else if (etherType === EtherType.MplsUnicast) inIf.drop("mpls-unsupported");
    else inIf.drop(inIf.kind === "tunnel" ? "gre-unsupported-protocol" : "unknown-ethertype");
  }

  receiveSnap(inIf: Interface, oui: number, pid: number, buf: Uint8Array, offset: number, limit: number): void {
    const handler = this.snapHandlers.get(snapKey(oui, pid));
    if (handler !== undefined) handler(inIf, buf, offset, limit);
    else inIf.drop("llc-unsupported");
  }

  addressConflict(iface: Interface, candidate: InterfaceAddress): string | undefined {
    for (const other of this.byName.values()) {
      if (other === iface || other.vrf !== iface.vrf) continue;
      for (const a of other.addresses) {
        const shorter = Math.min(a.prefixLength, candidate.prefixLength);
        if (((a.address ^ candidate.address) & maskOf(shorter)) === 0) {
          const network = (candidate.address & maskOf(candidate.prefixLength)) >>> 0;
          return `% ${formatIpv4(network)} overlaps with ${other.name}`;
        }
      }
    }
    return undefined;
  }

  reachesElsewhere(iface: Interface, target: Ipv4): boolean {
    const entry = iface.vrf.fib.lookup(target);
    if (entry === undefined || entry.kind !== "forward" || entry.prefix.len === 0) return false;
    return entry.paths.length > 0 && entry.paths.every((p) => p.interface !== iface);
  }

  // --- TunnelTransport ---------------------------------------------------------------

  sendIpv4(vrf: Vrf, buf: Uint8Array, start: number, end: number): boolean {
    return this.forwarding.sendRouted(vrf, buf, start, end) === "sent";
  }

  route(vrf: Vrf, dst: Ipv4): FibEntry | undefined {
    return vrf.fib.lookup(dst);
  }

  interfaceOwning(vrf: Vrf, address: Ipv4): Interface | undefined {
    for (const iface of this.byName.values()) if (iface.vrf === vrf && iface.ownsAddress(address)) return iface;
    return undefined;
  }

  nextIdentification(): number {
    return this.forwarding.nextIdentification();
  }

  tunnelEndpointsChanged(): void {
    this.tunnels.invalidate();
  }

  /** Re-evaluates every tunnel's line protocol after the current task (routes or interfaces changed). */
  scheduleTunnelCheck(): void {
    if (this.tunnelCheckQueued) return;
    this.tunnelCheckQueued = true;
    this.clock.defer(() => {
      this.tunnelCheckQueued = false;
      for (const tunnel of this.tunnels.all()) tunnel.refreshState();
    });
  }

  // --- ARP ---------------------------------------------------------------------------

  /** `show ip arp [vrf X]` rows: our own addresses (age "-") and the cache, by address. */
  arpRows(vrfName?: string): ArpRow[] {
    const vrf = this.vrf(vrfName);
    if (vrf === undefined) return [];
    const now = this.clock.now();
    const found: { readonly address: Ipv4; readonly row: ArpRow }[] = [];
    for (const iface of this.interfaces()) {
      if (!(iface instanceof ArpaInterface) || iface.vrf !== vrf) continue;
      if (iface.isUp) {
        const mac = formatMacIos(iface.mac);
        for (const a of iface.addresses) {
          found.push({ address: a.address, row: { vrf: vrf.name, protocol: "Internet", address: formatIpv4(a.address), ageMinutes: undefined, mac, type: "ARPA", interface: iface.name } });
        }
      }
      for (const e of iface.arp.entries.values()) found.push({ address: e.address, row: iface.arp.row(e, vrf.name, now) });
    }
    return found.sort((a, b) => a.address - b.address).map((f) => f.row);
  }

  /**
   * `arp [vrf X] A.B.C.D H.H.H ARPA`: a static entry on the interface whose subnet holds the
   * address. Returns IOS's complaint when no interface of the VRF is on that subnet.
   */
  addStaticArp(vrfName: string | undefined, address: Ipv4, mac: Mac): string | undefined {
    const vrf = this.vrf(vrfName);
    if (vrf === undefined) return `% VRF ${vrfName} not configured.`;
    for (const iface of this.interfaces()) {
      if (iface instanceof ArpaInterface && iface.vrf === vrf && iface.onLink(address)) {
        iface.arp.addStatic(address, mac);
        return undefined;
      }
    }
    return `% No matching interface for ${formatIpv4(address)}`;
  }

  /** `no arp A.B.C.D`. */
  removeStaticArp(vrfName: string | undefined, address: Ipv4): void {
    const vrf = this.vrf(vrfName);
    for (const iface of this.interfaces()) if (iface instanceof ArpaInterface && iface.vrf === vrf) iface.arp.removeStatic(address);
  }

  /** `clear arp-cache`. */
  clearArp(): void {
    for (const iface of this.byName.values()) if (iface instanceof ArpaInterface) iface.arp.flush();
  }

  private startArpSweep(): void {
    if (this.arpSweep !== undefined) return;
    this.arpSweep = this.clock.every(ARP_SWEEP_MS, () => {
      const now = this.clock.now();
      for (const iface of this.byName.values()) if (iface instanceof ArpaInterface) iface.arp.sweep(now);
    });
  }

  /** Stops the stack's timers (the router is going away). */
  close(): void {
    this.arpSweep?.cancel();
    this.arpSweep = undefined;
  }
}
