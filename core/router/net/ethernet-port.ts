// Ethernet interfaces (IOS "Encapsulation ARPA"): a main interface bound to a Nic, and the
// dot1Q subinterfaces that share its Nic and MAC and are told apart by VLAN id. Frames come in
// through the main interface, which demultiplexes by tag (untagged frames are its own) and
// hands IPv4 to forwarding, ARP to the receiving interface's cache, 802.3 frames with LLC/SNAP
// (CDP) to the stack's SNAP handlers, and anything else to the stack's EtherType handlers.
// Going out, a packet gets the pre-built header of its ARP entry.
import { frameOf } from "../io/frame";
import type { Nic } from "../io/nic";
import { writeMac, type Ipv4, type Mac } from "../wire/addr";
import { DOT1Q_TAG_LENGTH, dot1qFrameEtherType, dot1qFramePayloadOffset, dot1qFrameVid } from "../wire/dot1q";
import { ETHERNET_HEADER_LENGTH, EtherType, ethernetDstEquals, ethernetDstIsGroup, ethernetType, setEtherTypeBefore } from "../wire/ethernet";
import { LLC_SNAP_HEADER_LENGTH, isIeee8023Length, isLlcSnapAt, llcSnapOui, llcSnapPid } from "../wire/llc";
import { ArpCache, type ArpEntry, type ArpPort, type ArpTimers } from "./arp";
import { HEADROOM_BYTES, moveToHeadroom } from "./headroom";
import { Interface, type InterfaceHost, type LogMessage } from "./interface";
import type { Vrf } from "./vrf";


/** An interface that resolves next hops with ARP and sends Ethernet frames. */
export abstract class ArpaInterface extends Interface implements ArpPort {
  readonly arp: ArpCache;
  abstract readonly mac: Mac;
  abstract readonly vlanId: number | undefined;
  protected abstract readonly nic: Nic;

  constructor(name: string, host: InterfaceHost, vrf: Vrf, adminUp: boolean, arpTimers: ArpTimers | undefined) {
    super(name, host, vrf, adminUp);
    this.arp = new ArpCache(this, host.clock, arpTimers);
  }

  transmit(buf: Uint8Array, start: number, end: number, nextHop: Ipv4, etherType: number): boolean {
    const entry = this.arp.entries.get(nextHop);
    if (entry !== undefined && entry.complete) return this.transmitResolved(entry, buf, start, end, etherType);
    return this.arp.resolve(nextHop, buf, start, end, etherType);
  }

  /** Writes the adjacency's header into the headroom and hands the frame to the Nic. */
  transmitResolved(entry: ArpEntry, buf: Uint8Array, start: number, end: number, etherType: number): boolean {
    const header = entry.header;
    let frameStart = start - header.length;
    if (frameStart < 0) {
      const length = end - start;
      buf = moveToHeadroom(buf, start, end);
      start = HEADROOM_BYTES;
      end = start + length;
      frameStart = start - header.length;
    }
    buf.set(header, frameStart);
    // The prebuilt header says IPv4.
    if (etherType !== EtherType.Ipv4) setEtherTypeBefore(buf, start, etherType);
    const frame = frameOf(buf, frameStart, end);
    if (!this.nic.send(frame)) {
      this.drop("transmit-failed");
      return false;
    }
    this.counters.outPackets++;
    this.counters.outBytes += end - frameStart;
    return true;
  }

  sendFrame(frame: Uint8Array): boolean {
    if (!this.nic.send(frame)) return false;
    this.counters.outPackets++;
    this.counters.outBytes += frame.length;
    return true;
  }

  answersFor(target: Ipv4): boolean {
    return this.ownsAddress(target) || (this.unnumbered !== undefined && this.sourceAddress === target);
  }

  reachesElsewhere(target: Ipv4): boolean {
    return this.host.reachesElsewhere(this, target);
  }

  log(message: LogMessage): void {
    this.host.log(message);
  }

  protected override lineProtocolChanged(up: boolean): void {
    if (up) {
      this.announced.clear();
      this.announceAddresses();
    } else {
      this.arp.flush();
    }
  }

  /** Addresses already announced, so a change announces only the new ones. */
  private announced = new Set<number>();

  protected override onAddressesChanged(): void {
    if (this.isUp) this.announceAddresses();
  }

  private announceAddresses(): void {
    const now = new Set<number>();
    for (const a of this.addresses) {
      now.add(a.address);
      if (!this.announced.has(a.address)) this.arp.announce(a.address);
    }
    this.announced = now;
  }
}

export interface EthernetOptions {
  /** The MAC to use; defaults to the Nic's burned-in address, else the stack's choice. */
  readonly mac: Mac;
  /** IOS starts physical interfaces shut down; the config says `no shutdown`. */
  readonly adminUp?: boolean;
  readonly arpTimers?: ArpTimers;
}

/** A physical Ethernet port (IOS `interface Ethernet0/0`). */
export class EthernetInterface extends ArpaInterface {
  readonly kind = "ethernet" as const;
  readonly hardware = "AmdP2";
  readonly vlanId = undefined;
  /** The burned-in address (`show interfaces`: "bia …"). */
  readonly bia: Mac;
  private currentMac: Mac;
  private readonly macBytes = new Uint8Array(6);
  private mtu = 1500;
  private readonly subinterfaces = new Map<number, Dot1qSubinterface>();
  private readonly children = new Set<Dot1qSubinterface>();

  constructor(
    name: string,
    host: InterfaceHost,
    vrf: Vrf,
    protected readonly nic: Nic,
    options: EthernetOptions,
  ) {
    super(name, host, vrf, options.adminUp ?? false, options.arpTimers);
    this.bia = options.mac;
    this.currentMac = options.mac;
    writeMac(this.macBytes, 0, options.mac);
    nic.setUp(options.adminUp ?? false);
    nic.onReceive(this.onFrame);
    nic.onLinkChange(this.onLinkChange);
  }

  get mac(): Mac {
    return this.currentMac;
  }

  get mtuBytes(): number {
    return this.mtu;
  }

  /** IOS `mac-address H.H.H` (undefined: back to the burned-in address). */
  setMac(mac: Mac | undefined): void {
    const next = mac ?? this.bia;
    if (next === this.currentMac) return;
    this.currentMac = next;
    writeMac(this.macBytes, 0, next);
    this.arp.rebuildHeaders();
    for (const sub of this.children) sub.arp.rebuildHeaders();
    this.host.interfaceChanged(this, "mac");
  }

  /** IOS `mtu N`: the hardware MTU (the Nic's largest frame bounds it). */
  setMtu(bytes: number): string | undefined {
    const max = this.nic.maxFrameBytes - ETHERNET_HEADER_LENGTH - DOT1Q_TAG_LENGTH;
    if (!Number.isInteger(bytes) || bytes < 64 || bytes > max) return `% Invalid input: mtu must be between 64 and ${max}`;
    this.mtu = bytes;
    this.host.interfaceChanged(this, "mtu");
    return undefined;
  }

  protected carrier(): boolean {
    return this.nic.isUp;
  }

  protected override adminChanged(up: boolean): void {
    this.nic.setUp(up);
  }

  protected override lineProtocolChanged(up: boolean): void {
    super.lineProtocolChanged(up);
    for (const sub of this.children) sub.refreshState();
  }

  /** Called by a subinterface when `encapsulation dot1Q` changes or it is removed. */
  bindVlan(sub: Dot1qSubinterface, oldVlan: number | undefined, newVlan: number | undefined): string | undefined {
    if (newVlan !== undefined) {
      const holder = this.subinterfaces.get(newVlan);
      if (holder !== undefined && holder !== sub) {
        return `% Configuration of multiple subinterfaces of the same main interface with the same VID (${newVlan}) is not permitted.\nThis VID is already configured on ${holder.name}.`;
      }
    }
    if (oldVlan !== undefined && this.subinterfaces.get(oldVlan) === sub) this.subinterfaces.delete(oldVlan);
    if (newVlan !== undefined) this.subinterfaces.set(newVlan, sub);
    return undefined;
  }

  adopt(sub: Dot1qSubinterface): void {
    this.children.add(sub);
  }

  release(sub: Dot1qSubinterface): void {
    this.children.delete(sub);
    if (sub.vlanId !== undefined) this.bindVlan(sub, sub.vlanId, undefined);
  }

  /** Unbinds from the Nic (the interface is being removed). */
  detach(): void {
    this.nic.onReceive(() => {});
    this.nic.onLinkChange(() => {});
  }

  /** The Nic, for the subinterfaces that share it. */
  get port(): Nic {
    return this.nic;
  }

  /**
   * Where every frame from the Nic enters the router, and the one place a bug on the receive
   * path stops: it is counted as an internal-error drop, reported with its context, and the
   * next frame is handled as usual (STYLE.md: a thrown exception is a bug, logged, and the
   * router keeps running).
   */
  private readonly onFrame = (frame: Uint8Array): void => {
    try {
      this.demultiplex(frame);
    } catch (err) {
      this.drop("internal-error");
      this.host.reportBug(`frame received on ${this.name}`, err);
    }
  };

  /** Carrier changes enter here; a bug in what they set off is reported the same way. */
  private readonly onLinkChange = (): void => {
    try {
      this.refreshState();
    } catch (err) {
      this.host.reportBug(`carrier change on ${this.name}`, err);
    }
  };

  /** Receive path: demultiplex by tag, then by EtherType. The frame is ours to keep. */
  private demultiplex(frame: Uint8Array): void {
    const length = frame.length;
    if (length < ETHERNET_HEADER_LENGTH) {
      this.drop("ethernet-truncated");
      return;
    }
    // A hub floods unicast for other stations to us too: not a drop, just not ours.
    if (!ethernetDstIsGroup(frame, 0) && !ethernetDstEquals(frame, 0, this.macBytes)) return;
    let etherType = ethernetType(frame, 0);
    let sub: Dot1qSubinterface | undefined;
    let offset = ETHERNET_HEADER_LENGTH;
    if (etherType === EtherType.Dot1Q) {
      if (length < ETHERNET_HEADER_LENGTH + DOT1Q_TAG_LENGTH) {
        this.drop("ethernet-truncated");
        return;
      }
      sub = this.subinterfaces.get(dot1qFrameVid(frame, 0));
      if (sub === undefined || !sub.isUp) {
        this.drop("unknown-vlan");
        return;
      }
      etherType = dot1qFrameEtherType(frame, 0);
      offset = dot1qFramePayloadOffset(frame, 0);
    } else if (!this.isUp) {
      return;
    }
    const iface: ArpaInterface = sub ?? this;
    if (etherType === EtherType.Ipv4) this.host.receiveIpv4(iface, frame, offset, length);
    else if (etherType === EtherType.Arp) iface.arp.receive(frame, offset, length);
    else if (isIeee8023Length(etherType)) this.receiveLlc(iface, frame, offset, etherType);
    else this.host.receiveEtherType(iface, etherType, frame, offset, length);
  }

  /** An 802.3 frame: the type field is the LLC PDU's length (what follows is padding). Only
   * SNAP is spoken; other SAPs (spanning tree's 0x42…) are counted as unsupported. */
  private receiveLlc(iface: ArpaInterface, frame: Uint8Array, offset: number, llcLength: number): void {
    const end = offset + llcLength;
    if (end > frame.length) {
      iface.drop("llc-malformed");
      return;
    }
    if (llcLength < LLC_SNAP_HEADER_LENGTH || !isLlcSnapAt(frame, offset)) {
      iface.drop("llc-unsupported");
      return;
    }
    this.host.receiveSnap(iface, llcSnapOui(frame, offset), llcSnapPid(frame, offset), frame, offset + LLC_SNAP_HEADER_LENGTH, end);
  }
}

/** IOS `interface Ethernet0/0.10` with `encapsulation dot1Q 10`. */
export class Dot1qSubinterface extends ArpaInterface {
  readonly kind = "dot1q" as const;
  readonly hardware = "AmdP2";
  private vlan: number | undefined;

  constructor(
    name: string,
    host: InterfaceHost,
    vrf: Vrf,
    readonly parent: EthernetInterface,
    arpTimers: ArpTimers | undefined,
  ) {
    super(name, host, vrf, true, arpTimers);
    parent.adopt(this);
  }

  get vlanId(): number | undefined {
    return this.vlan;
  }

  get mac(): Mac {
    return this.parent.mac;
  }

  get mtuBytes(): number {
    return this.parent.mtuBytes;
  }

  protected get nic(): Nic {
    return this.parent.port;
  }

  /** `encapsulation dot1Q N` (undefined: removed). Returns IOS's error when the VID is taken. */
  setVlan(vlanId: number | undefined): string | undefined {
    if (vlanId !== undefined && (!Number.isInteger(vlanId) || vlanId < 1 || vlanId > 4094)) {
      return "% Invalid input: VLAN ID must be between 1 and 4094";
    }
    const error = this.parent.bindVlan(this, this.vlan, vlanId);
    if (error !== undefined) return error;
    this.vlan = vlanId;
    this.arp.flush();
    this.arp.rebuildHeaders();
    this.refreshState();
    return undefined;
  }

  override transmit(buf: Uint8Array, start: number, end: number, nextHop: Ipv4, etherType: number): boolean {
    if (this.vlan === undefined) {
      this.drop("encapsulation-failed");
      return false;
    }
    return super.transmit(buf, start, end, nextHop, etherType);
  }

  protected carrier(): boolean {
    return this.parent.isUp && this.vlan !== undefined;
  }

  protected override get logsStateChanges(): boolean {
    return false;
  }
}
