// What every IOS interface has, whatever carries its packets: admin state (`shutdown`), the
// link and line protocol states IOS shows and logs, primary and secondary IPv4 addresses or
// `ip unnumbered`, VRF membership, IP MTU, `ip unreachables`, `ip proxy-arp` and counters.
// Subclasses say how the link comes up and how a packet leaves (`transmit`).
import type { PacketFilter } from "./acl";
import type { Clock } from "../clock/clock";
import { formatIpv4, maskOf, type Ipv4 } from "../wire/addr";
import { newInterfaceCounters, type DropReason, type InterfaceCounters } from "./counters";
import type { Vrf } from "./vrf";

export type InterfaceKind = "ethernet" | "dot1q" | "loopback" | "null" | "tunnel";

/** IOS's "Interface is …" word: the first column of `show ip interface brief` Status. */
export type LinkState = "up" | "down" | "administratively down";

export interface InterfaceAddress {
  readonly address: Ipv4;
  readonly prefixLength: number;
}

export type InterfaceChange = "added" | "removed" | "state" | "addresses" | "vrf" | "mtu" | "mac" | "tunnel";

/** A router log message, e.g. `%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to up`. */
export interface LogMessage {
  readonly facility: string;
  readonly severity: number;
  readonly mnemonic: string;
  /** The whole line as IOS prints it, without the timestamp. */
  readonly text: string;
}

export function logMessage(facility: string, severity: number, mnemonic: string, message: string): LogMessage {
  return { facility, severity, mnemonic, text: `%${facility}-${severity}-${mnemonic}: ${message}` };
}

/** What an interface needs from the stack it belongs to (the stack implements it). */
export interface InterfaceHost {
  readonly clock: Clock;
  /** Hands a received IPv4 packet, `buf[offset, limit)`, to forwarding. */
  receiveIpv4(inIf: Interface, buf: Uint8Array, offset: number, limit: number): void;
  /** Hands any other payload (MPLS 0x8847, NHRP 0x2001…) to the handler registered for it. */
  receiveEtherType(inIf: Interface, etherType: number, buf: Uint8Array, offset: number, limit: number): void;
  /** Hands the payload of an 802.3 LLC/SNAP frame (CDP: OUI 00-00-0C, protocol 0x2000) to its handler. */
  receiveSnap(inIf: Interface, oui: number, pid: number, buf: Uint8Array, offset: number, limit: number): void;
  /** IOS's overlap check against the other interfaces of the VRF; the error text, or undefined. */
  addressConflict(iface: Interface, candidate: InterfaceAddress): string | undefined;
  /** Proxy ARP's question: does the VRF route `target` out of some other interface? */
  reachesElsewhere(iface: Interface, target: Ipv4): boolean;
  interfaceChanged(iface: Interface, change: InterfaceChange): void;
  log(message: LogMessage): void;
  /** A bug: handling something that came in threw. Reported with its context; the router carries on. */
  reportBug(context: string, err: unknown): void;
}

/** See `Interface.forwardWatch`. `buf[offset, end)` is the IPv4 packet being forwarded (read
 * it, do not keep it); `labelsAt` is where the label stack it came under starts (-1: none,
 * else the stack ends at `offset`). */
export interface ForwardWatch {
  forwarded(inIf: Interface, out: Interface, vrf: Vrf, buf: Uint8Array, offset: number, end: number, labelsAt: number): void;
}

export abstract class Interface {
  abstract readonly kind: InterfaceKind;
  /** `show interfaces`: "Hardware is …". */
  abstract readonly hardware: string;
  /** Hardware MTU in bytes (the L3 payload the medium carries). */
  abstract readonly mtuBytes: number;
  readonly counters: InterfaceCounters = newInterfaceCounters();
  description = "";
  /** IOS `ip unreachables` (on by default): send ICMP unreachables for packets that came in here. */
  ipUnreachables = true;
  /** `ip access-group X in`: what may arrive here (for us or to forward). */
  inputAcl: PacketFilter | undefined = undefined;
  /** `ip access-group X out`: what may be forwarded out here (never what the router sends). */
  outputAcl: PacketFilter | undefined = undefined;
  /** IOS `ip redirects` (on by default): send ICMP redirects for packets that go back out here. */
  ipRedirects = true;
  /** IOS `ip proxy-arp` (on by default). */
  proxyArp = true;
  /** Told of every packet forwarded from this interface (NHRP's `ip nhrp redirect` watches
   * for traffic that leaves a hub the way it came, through the same NHRP network). */
  forwardWatch: ForwardWatch | undefined = undefined;
  /** Position in `show ip interface brief`; the stack numbers interfaces as they are added. */
  index = 0;

  private adminUp: boolean;
  private link: LinkState | undefined;
  private lineProtocol = false;
  private primary: InterfaceAddress | undefined;
  private secondaryList: InterfaceAddress[] = [];
  private all: InterfaceAddress[] = [];
  private unnumberedSource: Interface | undefined;
  private ipMtu: number | undefined;

  constructor(
    readonly name: string,
    protected readonly host: InterfaceHost,
    private vrfRef: Vrf,
    adminUp: boolean,
  ) {
    this.adminUp = adminUp;
  }

  // --- State -------------------------------------------------------------------------

  /** Line protocol up: the interface can carry IP. The forwarding path reads only this. */
  get isUp(): boolean {
    return this.lineProtocol;
  }

  get linkState(): LinkState {
    return this.link ?? "down";
  }

  get lineProtocolUp(): boolean {
    return this.lineProtocol;
  }

  get isShutdown(): boolean {
    return !this.adminUp;
  }

  /** IOS `shutdown` / `no shutdown`. */
  setShutdown(shutdown: boolean): void {
    if (this.adminUp === !shutdown) return;
    this.adminUp = !shutdown;
    this.adminChanged(this.adminUp);
    this.refreshState();
  }

  /** Whether the medium is there, admin state aside (Ethernet carrier, tunnel always). */
  protected abstract carrier(): boolean;

  /** Extra conditions for line protocol beyond the link being up (a tunnel's source and route). */
  protected lineProtocolCondition(): boolean {
    return true;
  }

  /** Hook: admin state changed (Ethernet tells its Nic, so the far end loses carrier). */
  protected adminChanged(_up: boolean): void {}

  /** Hook: line protocol changed (ARP flushes its cache or announces our addresses). */
  protected lineProtocolChanged(_up: boolean): void {}

  /** Whether this kind of interface logs LINK/LINEPROTO messages (subinterfaces do not). */
  protected get logsStateChanges(): boolean {
    return true;
  }

  /** Whether creating it logs the first line-protocol state (IOS does for Loopback and Tunnel). */
  protected get announcesLineProtocolOnCreate(): boolean {
    return false;
  }

  /**
   * Re-evaluates link and line protocol and logs what changed, as IOS does. `creating` is set
   * by the stack for the first evaluation, which logs nothing but a Loopback's or Tunnel's
   * line protocol.
   */
  refreshState(creating = false): void {
    const link: LinkState = !this.adminUp ? "administratively down" : this.carrier() ? "up" : "down";
    const proto = link === "up" && this.lineProtocolCondition();
    const linkChanged = link !== this.link;
    const protoChanged = proto !== this.lineProtocol;
    this.link = link;
    this.lineProtocol = proto;
    if (this.logsStateChanges) {
      if (linkChanged && !creating) {
        if (link === "administratively down") {
          this.host.log(logMessage("LINK", 5, "CHANGED", `Interface ${this.name}, changed state to administratively down`));
        } else {
          this.host.log(logMessage("LINK", 3, "UPDOWN", `Interface ${this.name}, changed state to ${link}`));
        }
      }
      if ((protoChanged && !creating) || (creating && this.announcesLineProtocolOnCreate)) {
        const word = proto ? "up" : "down";
        this.host.log(logMessage("LINEPROTO", 5, "UPDOWN", `Line protocol on Interface ${this.name}, changed state to ${word}`));
      }
    }
    if (protoChanged) this.lineProtocolChanged(proto);
    if ((linkChanged || protoChanged) && !creating) this.host.interfaceChanged(this, "state");
  }

  // --- VRF ---------------------------------------------------------------------------

  get vrf(): Vrf {
    return this.vrfRef;
  }

  /** Moves the interface to another VRF; the stack calls this (it also clears the addresses). */
  assignVrf(vrf: Vrf): void {
    this.vrfRef = vrf;
  }

  // --- Addresses ---------------------------------------------------------------------

  /** The primary address (`ip address A M`). */
  get address(): InterfaceAddress | undefined {
    return this.primary;
  }

  get secondaries(): readonly InterfaceAddress[] {
    return this.secondaryList;
  }

  /** Primary first, then secondaries: the addresses that make connected routes. */
  get addresses(): readonly InterfaceAddress[] {
    return this.all;
  }

  /** The interface whose address this one borrows (`ip unnumbered X`). */
  get unnumbered(): Interface | undefined {
    return this.unnumberedSource;
  }

  /** The address packets from this interface carry: its primary, or the borrowed one. */
  get sourceAddress(): Ipv4 | undefined {
    return this.primary?.address ?? this.unnumberedSource?.primary?.address;
  }

  /** Whether `addr` is one of this interface's own addresses (primary or secondary). */
  ownsAddress(addr: number): boolean {
    for (const a of this.all) if (a.address === addr) return true;
    return false;
  }

  /** The address to speak from toward `target`: the one whose subnet holds it, else the source address. */
  addressToward(target: number): Ipv4 | undefined {
    for (const a of this.all) if (((target ^ a.address) & maskOf(a.prefixLength)) === 0) return a.address;
    return this.sourceAddress;
  }

  /** Whether `target` is on one of this interface's subnets. */
  onLink(target: number): boolean {
    for (const a of this.all) if (((target ^ a.address) & maskOf(a.prefixLength)) === 0) return true;
    return false;
  }

  /** `ip address A M`: sets the primary address. Returns IOS's error text when refused. */
  setAddress(address: Ipv4, prefixLength: number): string | undefined {
    const candidate = { address, prefixLength };
    const error = validateHostAddress(candidate) ?? this.host.addressConflict(this, candidate);
    if (error !== undefined) return error;
    if (this.primary?.address === address && this.primary.prefixLength === prefixLength) return undefined;
    this.primary = candidate;
    this.secondaryList = this.secondaryList.filter((s) => s.address !== address);
    this.unnumberedSource = undefined;
    this.addressesChanged();
    return undefined;
  }

  /** `ip address A M secondary`. */
  addSecondaryAddress(address: Ipv4, prefixLength: number): string | undefined {
    if (this.primary === undefined) return "% Must configure a primary address first";
    const candidate = { address, prefixLength };
    const error = validateHostAddress(candidate) ?? this.host.addressConflict(this, candidate);
    if (error !== undefined) return error;
    if (this.ownsAddress(address)) return undefined;
    this.secondaryList = [...this.secondaryList, candidate];
    this.addressesChanged();
    return undefined;
  }

  /** `no ip address A M secondary`; returns whether it was there. */
  removeSecondaryAddress(address: Ipv4): boolean {
    const before = this.secondaryList.length;
    this.secondaryList = this.secondaryList.filter((s) => s.address !== address);
    if (this.secondaryList.length === before) return false;
    this.addressesChanged();
    return true;
  }

  /** `no ip address`: removes every address, and `ip unnumbered` too. */
  removeAddresses(): void {
    if (this.primary === undefined && this.secondaryList.length === 0 && this.unnumberedSource === undefined) return;
    this.primary = undefined;
    this.secondaryList = [];
    this.unnumberedSource = undefined;
    this.addressesChanged();
  }

  /** `ip unnumbered X` (undefined: `no ip unnumbered`). Replaces any address of its own. */
  setUnnumbered(source: Interface | undefined): void {
    if (source === this) return;
    if (source === this.unnumberedSource && (source === undefined || this.primary === undefined)) return;
    this.primary = undefined;
    this.secondaryList = [];
    this.unnumberedSource = source;
    this.addressesChanged();
  }

  /** Called by the stack when an interface we borrow from changes its address. */
  borrowedAddressChanged(): void {
    this.addressesChanged();
  }

  private addressesChanged(): void {
    this.all = this.primary ? [this.primary, ...this.secondaryList] : [...this.secondaryList];
    this.onAddressesChanged();
    this.host.interfaceChanged(this, "addresses");
  }

  /** Hook: addresses changed (ARP sends gratuitous requests for the new ones). */
  protected onAddressesChanged(): void {}

  // --- MTU ---------------------------------------------------------------------------

  /** IOS `ip mtu`: the largest IPv4 packet sent out of here unfragmented. */
  get ipMtuBytes(): number {
    return this.ipMtu ?? this.defaultIpMtuBytes;
  }

  /** The IP MTU without `ip mtu`: the hardware MTU (a tunnel subtracts its overhead). */
  protected get defaultIpMtuBytes(): number {
    return this.mtuBytes;
  }

  /** Whether `ip mtu` is configured (running-config shows it only then). */
  get ipMtuConfigured(): boolean {
    return this.ipMtu !== undefined;
  }

  /** `ip mtu N` (undefined: `no ip mtu`). IOS accepts 68 up to the hardware MTU. */
  setIpMtu(bytes: number | undefined): string | undefined {
    if (bytes !== undefined && (!Number.isInteger(bytes) || bytes < 68 || bytes > this.mtuBytes)) {
      return `% Invalid input: ip mtu must be between 68 and ${this.mtuBytes}`;
    }
    if (this.ipMtu === bytes) return undefined;
    this.ipMtu = bytes;
    this.host.interfaceChanged(this, "mtu");
    return undefined;
  }

  // --- Data path ---------------------------------------------------------------------

  /**
   * Sends the L3 packet at `buf[start, end)` (IPv4, or MPLS when `etherType` is 0x8847) to
   * `nextHop`. Takes ownership of `buf`: the bytes before `start` are headroom it may write
   * headers into. Returns false when the packet was dropped (and counted).
   */
  abstract transmit(buf: Uint8Array, start: number, end: number, nextHop: Ipv4, etherType: number): boolean;

  /** Counts `count` packets dropped on this interface for `reason`. */
  drop(reason: DropReason, count = 1): void {
    // A reason registered after this interface was made starts from nothing.
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + count;
    this.counters.dropsTotal += count;
  }
}

/** IOS refuses a host address that is the network or broadcast address of its own subnet. */
function validateHostAddress(a: InterfaceAddress): string | undefined {
  if (!Number.isInteger(a.prefixLength) || a.prefixLength < 1 || a.prefixLength > 32) {
    return `% Bad mask /${a.prefixLength} for address ${formatIpv4(a.address)}`;
  }
  if (a.prefixLength <= 30) {
    const hostBits = ~maskOf(a.prefixLength) >>> 0;
    const host = (a.address & hostBits) >>> 0;
    if (host === 0 || host === hostBits) return `% Bad mask /${a.prefixLength} for address ${formatIpv4(a.address)}`;
  }
  return undefined;
}
