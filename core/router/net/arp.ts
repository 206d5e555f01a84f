// ARP (RFC 826) for one Ethernet interface or dot1Q subinterface: the cache IOS shows in
// `show ip arp`, the adjacency each entry carries (a pre-built Ethernet header, so forwarding
// copies 14 or 18 bytes and computes nothing), resolution with retries while a few packets
// wait, answers for our own addresses, proxy ARP and gratuitous ARP.
//
// IOS timers: entries live 4 hours (`arp timeout 14400`). An unresolved address is asked
// for once a second, a few times, and then given up on; the next packet starts over.
import type { ArpRow } from "../../api/tables";
import type { Clock, Timer } from "../clock/clock";
import { IPV4_ANY, formatIpv4, formatMacIos, type Ipv4, type Mac } from "../wire/addr";
import { ArpOperation, emitArp, parseArp } from "../wire/arp";
import { emitDot1qFrame } from "../wire/dot1q";
import { EtherType } from "../wire/ethernet";
import { isWireError } from "../wire/errors";
import type { DropReason } from "./counters";
import { logMessage, type LogMessage } from "./interface";

export interface ArpTimers {
  /** How long a resolved entry lives (IOS `arp timeout`, default 4 hours). */
  readonly entryTimeoutMs: number;
  /** Gap between requests for an unresolved address. */
  readonly retryIntervalMs: number;
  /** Requests sent before an unresolved address is given up on. */
  readonly maxRequests: number;
  /** Packets held per unresolved address; more are dropped. 0 drops the first packet as IOS's CEF does. */
  readonly queueLimit: number;
}

export const IOS_ARP_TIMERS: ArpTimers = {
  entryTimeoutMs: 4 * 3600_000,
  retryIntervalMs: 1000,
  maxRequests: 5,
  queueLimit: 3,
};

/** What ARP needs from the interface it serves. */
export interface ArpPort {
  readonly name: string;
  readonly mac: Mac;
  /** The 802.1Q VLAN of a subinterface; undefined for an untagged interface. */
  readonly vlanId: number | undefined;
  readonly isUp: boolean;
  readonly proxyArp: boolean;
  /** Sends a whole Ethernet frame out of the port's Nic. */
  sendFrame(frame: Uint8Array): boolean;
  /** Sends a packet that waited for this entry, now that it is resolved. */
  transmitResolved(entry: ArpEntry, buf: Uint8Array, start: number, end: number, etherType: number): boolean;
  /** Whether we answer requests for `target` (own and borrowed addresses). */
  answersFor(target: Ipv4): boolean;
  /** Our address on the subnet of `target`, to ask from. */
  addressToward(target: Ipv4): Ipv4 | undefined;
  /** Proxy ARP (RFC 1027): whether we route to `target` through another interface. */
  reachesElsewhere(target: Ipv4): boolean;
  drop(reason: DropReason): void;
  log(message: LogMessage): void;
}

interface QueuedPacket {
  readonly buf: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly etherType: number;
}

export interface ArpEntry {
  readonly address: Ipv4;
  mac: Mac;
  complete: boolean;
  /** `arp A M ARPA`: never ages. */
  isStatic: boolean;
  /** When it was last confirmed (clock ms). */
  updatedAt: number;
  /** The adjacency: Ethernet (and 802.1Q) header with EtherType IPv4, ready to copy. */
  header: Uint8Array;
  queue: QueuedPacket[];
  requests: number;
  timer: Timer | undefined;
}

const EMPTY = new Uint8Array(0);
const MIN_FRAME_BYTES = 60;

export class ArpCache {
  /** Address → entry. Forwarding reads it directly: `entries.get(nextHop)`. */
  readonly entries = new Map<number, ArpEntry>();

  constructor(
    private readonly port: ArpPort,
    private readonly clock: Clock,
    private readonly timers: ArpTimers = IOS_ARP_TIMERS,
  ) {}

  /** Queues a packet for `address`, resolving it if it is not already being resolved. */
  resolve(address: Ipv4, buf: Uint8Array, start: number, end: number, etherType: number): boolean {
    let entry = this.entries.get(address);
    if (entry === undefined) {
      entry = { address, mac: 0 as Mac, complete: false, isStatic: false, updatedAt: this.clock.now(), header: EMPTY, queue: [], requests: 0, timer: undefined };
      this.entries.set(address, entry);
      this.ask(entry);
      if (this.entries.get(address) !== entry) {
        this.port.drop("encapsulation-failed"); // the port went down, or has no address to ask from
        return false;
      }
    }
    if (entry.complete) return this.port.transmitResolved(entry, buf, start, end, etherType);
    if (entry.queue.length >= this.timers.queueLimit) {
      this.port.drop("arp-queue-full");
      return false;
    }
    entry.queue.push({ buf, start, end, etherType });
    return true;
  }

  /** `arp A M ARPA`. */
  addStatic(address: Ipv4, mac: Mac): void {
    const entry = this.learn(address, mac, true);
    entry.isStatic = true;
  }

  removeStatic(address: Ipv4): void {
    const entry = this.entries.get(address);
    if (entry?.isStatic) this.remove(entry);
  }

  /** Handles an ARP packet at `buf[offset, limit)`. */
  receive(buf: Uint8Array, offset: number, limit: number): void {
    const parsed = parseArp(buf.subarray(offset, limit));
    if (isWireError(parsed)) {
      this.port.drop("arp-malformed");
      return;
    }
    const { operation, senderMac, senderIp, targetIp } = parsed.repr;
    if (senderMac === this.port.mac) return; // our own broadcast, looped back by a hub
    if (senderIp !== IPV4_ANY && this.port.answersFor(senderIp)) {
      this.port.log(
        logMessage("IP", 4, "DUPADDR", `Duplicate address ${formatIpv4(senderIp)} on ${this.port.name}, sourced by ${formatMacIos(senderMac)}`),
      );
      return;
    }
    const forUs = this.port.answersFor(targetIp);
    // RFC 826 merge: refresh what we already know; add the sender only when it asked us.
    if (senderIp !== IPV4_ANY && (forUs || this.entries.has(senderIp))) this.learn(senderIp, senderMac, false);
    if (operation !== ArpOperation.Request || targetIp === senderIp) return; // a reply, or gratuitous
    if (forUs || (this.port.proxyArp && this.port.reachesElsewhere(targetIp))) {
      this.sendArp(ArpOperation.Reply, senderMac, targetIp, senderMac, senderIp);
    }
  }

  /** Gratuitous ARP for one of our addresses (on address change and interface up). */
  announce(address: Ipv4): void {
    this.sendArp(ArpOperation.Request, 0xffffffffffff as Mac, address, 0 as Mac, address);
  }

  /** Drops every dynamic entry and what waits on it (interface down, `clear arp-cache`). */
  flush(): void {
    for (const entry of [...this.entries.values()]) if (!entry.isStatic) this.remove(entry);
  }

  /** Ages out entries older than the timeout; the stack calls it once a minute. */
  sweep(now: number): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.complete && !entry.isStatic && now - entry.updatedAt >= this.timers.entryTimeoutMs) this.remove(entry);
    }
  }

  /** Rebuilds every adjacency header (the interface's MAC or VLAN changed). */
  rebuildHeaders(): void {
    for (const entry of this.entries.values()) if (entry.complete) entry.header = this.buildHeader(entry.mac);
  }

  /** One entry as a `show ip arp` row of `vrf`. */
  row(e: ArpEntry, vrf: string, now: number): ArpRow {
    return {
      vrf,
      protocol: "Internet",
      address: formatIpv4(e.address),
      ageMinutes: e.isStatic ? undefined : Math.floor((now - e.updatedAt) / 60_000),
      mac: e.complete ? formatMacIos(e.mac) : undefined,
      type: "ARPA",
      interface: this.port.name,
    };
  }

  private learn(address: Ipv4, mac: Mac, isStatic: boolean): ArpEntry {
    let entry = this.entries.get(address);
    if (entry?.isStatic && !isStatic) return entry; // configured entries win over the wire
    if (entry === undefined) {
      entry = { address, mac, complete: false, isStatic, updatedAt: 0, header: EMPTY, queue: [], requests: 0, timer: undefined };
      this.entries.set(address, entry);
    }
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.mac = mac;
    entry.complete = true;
    entry.updatedAt = this.clock.now();
    entry.header = this.buildHeader(mac);
    const waiting = entry.queue;
    if (waiting.length) {
      entry.queue = [];
      for (const p of waiting) this.port.transmitResolved(entry, p.buf, p.start, p.end, p.etherType);
    }
    return entry;
  }

  private remove(entry: ArpEntry): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    for (let i = 0; i < entry.queue.length; i++) this.port.drop("encapsulation-failed");
    entry.queue = [];
    this.entries.delete(entry.address);
  }

  /** Sends a request and arms the retry; gives up after `maxRequests`. */
  private ask(entry: ArpEntry): void {
    if (entry.requests >= this.timers.maxRequests || !this.port.isUp) {
      this.remove(entry);
      return;
    }
    entry.requests++;
    const source = this.port.addressToward(entry.address);
    if (source !== undefined) this.sendArp(ArpOperation.Request, 0xffffffffffff as Mac, source, 0 as Mac, entry.address);
    entry.timer = this.clock.after(this.timers.retryIntervalMs, () => {
      entry.timer = undefined;
      if (this.entries.get(entry.address) === entry && !entry.complete) this.ask(entry);
    });
  }

  private sendArp(operation: number, dstMac: Mac, senderIp: Ipv4, targetMac: Mac, targetIp: Ipv4): void {
    if (!this.port.isUp) return;
    const vlan = this.port.vlanId === undefined ? undefined : { pcp: 0, dei: false, vid: this.port.vlanId };
    const frame = new Uint8Array(MIN_FRAME_BYTES); // zero padding to Ethernet's minimum frame
    const hl = emitDot1qFrame({ dst: dstMac, src: this.port.mac, vlan, etherType: EtherType.Arp }, frame, 0);
    emitArp({ operation, senderMac: this.port.mac, senderIp, targetMac, targetIp }, frame, hl);
    this.port.sendFrame(frame);
  }

  private buildHeader(mac: Mac): Uint8Array {
    const vlan = this.port.vlanId === undefined ? undefined : { pcp: 0, dei: false, vid: this.port.vlanId };
    const header = new Uint8Array(vlan === undefined ? 14 : 18);
    emitDot1qFrame({ dst: mac, src: this.port.mac, vlan, etherType: EtherType.Ipv4 }, header, 0);
    return header;
  }
}
