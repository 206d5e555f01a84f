// IOS `interface TunnelN`, GRE over IPv4 (RFC 2784, with RFC 2890's key): a payload routed
// into the tunnel gets a GRE header and an outer IPv4 header from `tunnel source` to
// `tunnel destination` and is routed again in the transport VRF (`tunnel vrf`, global by
// default). GRE arriving for a tunnel's (source, destination, key) comes out of the tunnel.
//
// Hooks for later issues, kept narrow on purpose:
//  - `protection`: IPsec (`tunnel protection ipsec profile`) takes the outer packet and sends
//    ESP instead; decrypted GRE comes back through TunnelTable.receive(…, protectedByIpsec).
//  - the GRE protocol type is the `etherType` of `transmit`, so MPLS (0x8847) and NHRP
//    (0x2001) ride the same path; received non-IPv4 payloads go to the stack's EtherType
//    handlers.
//  - `nbma`: a multipoint tunnel (`tunnel mode gre multipoint`) asks NHRP for each next hop's
//    outer address.
//  - `clonedFrom`: a Virtual-Access interface is a tunnel cloned from a Virtual-Template.
//  - `addTap`: a capture on the tunnel sees each payload in clear with its GRE protocol type,
//    before GRE and ESP on the way out and after them on the way in.
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { GRE_BASE_LENGTH, GreProtocol, greHeaderLength, greHeaderLengthAt, greKey, greProtocolType, greValidAt, writeGreHeader } from "../wire/gre";
import { IPV4_MIN_HEADER_LENGTH, ipv4Dst, ipv4HeaderLengthAt, ipv4Src, ipv4Tos, writeIpv4Header, IpProtocol } from "../wire/ipv4";
import type { FibEntry } from "./fib";
import { HEADROOM_BYTES, moveToHeadroom } from "./headroom";
import { registerDropReasons } from "./counters";
import { Interface, logMessage, type InterfaceHost } from "./interface";
import type { Vrf } from "./vrf";

/** Why a tunnel, or the GRE demultiplexer, drops a packet. */
export const TUNNEL_DROP_REASONS = registerDropReasons([
  "gre-malformed",
  "gre-no-tunnel",
  "gre-unsupported-protocol",
  "tunnel-no-destination",
  "tunnel-not-protected",
  "tunnel-protection-failed",
] as const);

declare module "./counters" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the names into DropReason
  interface DropReasonNames extends Record<(typeof TUNNEL_DROP_REASONS)[number], true> {}
}

/** IOS holds a tunnel down this long after finding it routes its own destination through itself. */
const RECURSION_HOLD_MS = 10_000;

/** `tunnel mode gre ip` (the default), `gre multipoint` (DMVPN), `ipsec ipv4` (a VTI: no GRE,
 * the inner packet goes straight to tunnel protection, which must be there). */
export type TunnelMode = "gre-ip" | "gre-multipoint" | "ipsec-ipv4";

/** IPsec tunnel protection (a later issue); see the file comment. */
export interface TunnelProtection {
  /** Shown as `Tunnel protection via IPSec (profile "NAME")`. */
  readonly profileName: string;
  /** Wraps `buf[start, end)` in ESP and sends it; false when dropped. In GRE modes that is the
   * outer IPv4 packet (transport mode); in `ipsec ipv4` mode the inner packet (tunnel mode). */
  protect(tunnel: TunnelInterface, buf: Uint8Array, start: number, end: number): boolean;
}

/** NHRP's side of a multipoint tunnel: the outer (NBMA) address for a tunnel next hop. */
export interface NbmaResolver {
  resolve(tunnel: TunnelInterface, nextHop: Ipv4): Ipv4 | undefined;
}

/** What a tunnel needs from the stack to send its outer packets. */
export interface TunnelTransport {
  /** Routes a complete outer IPv4 packet `buf[start, end)` in `vrf`; takes ownership. */
  sendIpv4(vrf: Vrf, buf: Uint8Array, start: number, end: number): boolean;
  route(vrf: Vrf, dst: Ipv4): FibEntry | undefined;
  /** The interface of `vrf` that owns `address`, if any. */
  interfaceOwning(vrf: Vrf, address: Ipv4): Interface | undefined;
  nextIdentification(): number;
  /** Tells the GRE demultiplexer that a tunnel's endpoints or key changed. */
  tunnelEndpointsChanged(): void;
}

/** Sees a payload cross the tunnel: the inner packet (`protocol` is its GRE protocol type, an
 * EtherType), valid only during the call. */
export type TunnelTap = (payload: Uint8Array, protocol: number, direction: "rx" | "tx") => void;

export type TunnelSource = { readonly interface: Interface } | { readonly address: Ipv4 };

export interface TunnelOptions {
  /** "Tunnel", or "Virtual Access interface" for a clone. */
  readonly hardware?: string;
  readonly clonedFrom?: string;
}

export class TunnelInterface extends Interface {
  readonly kind = "tunnel" as const;
  readonly hardware: string;
  /** IOS 15's tunnel MTU. */
  readonly mtuBytes = 17916;
  readonly clonedFrom: string | undefined;
  protection: TunnelProtection | undefined;
  nbma: NbmaResolver | undefined;
  /** `tunnel ttl` (default 255). */
  ttl = 255;
  private tunnelMode: TunnelMode = "gre-ip";
  private source: TunnelSource | undefined;
  private dest: Ipv4 | undefined;
  private greKeyValue: number | undefined;
  private greBytes = GRE_BASE_LENGTH;
  private transport: Vrf;
  private sourceAddr: Ipv4 | undefined;
  private heldDownUntil = 0;
  private readonly taps = new Set<TunnelTap>();

  constructor(name: string, host: InterfaceHost, vrf: Vrf, transportVrf: Vrf, private readonly services: TunnelTransport, options: TunnelOptions = {}) {
    super(name, host, vrf, true);
    this.transport = transportVrf;
    this.hardware = options.hardware ?? "Tunnel";
    this.clonedFrom = options.clonedFrom;
  }

  // --- Configuration -----------------------------------------------------------------

  get mode(): TunnelMode {
    return this.tunnelMode;
  }

  get tunnelSource(): TunnelSource | undefined {
    return this.source;
  }

  get destination(): Ipv4 | undefined {
    return this.dest;
  }

  get key(): number | undefined {
    return this.greKeyValue;
  }

  get transportVrf(): Vrf {
    return this.transport;
  }

  /** The outer source address in use (resolved when line protocol was last evaluated). */
  get outerSource(): Ipv4 | undefined {
    return this.sourceAddr;
  }

  /** `tunnel source INTERFACE | A.B.C.D` (undefined: removed). */
  setSource(source: TunnelSource | undefined): void {
    this.source = source;
    this.endpointsChanged();
  }

  /** `tunnel destination A.B.C.D`. */
  setDestination(destination: Ipv4 | undefined): void {
    this.dest = destination;
    this.endpointsChanged();
  }

  /** `tunnel key N`. */
  setKey(key: number | undefined): void {
    this.greKeyValue = key === undefined ? undefined : key >>> 0;
    this.greBytes = greHeaderLength({ protocol: GreProtocol.Ipv4, checksum: false, key: this.greKeyValue });
    this.endpointsChanged();
  }

  /** `tunnel mode gre ip | gre multipoint | ipsec ipv4`. */
  setMode(mode: TunnelMode): void {
    this.tunnelMode = mode;
    this.endpointsChanged();
  }

  /** `tunnel vrf X`: the VRF the outer packets are routed in. */
  setTransportVrf(vrf: Vrf): void {
    this.transport = vrf;
    this.endpointsChanged();
  }

  private endpointsChanged(): void {
    this.services.tunnelEndpointsChanged();
    this.host.interfaceChanged(this, "tunnel");
    this.refreshState();
  }

  /** The outer address packets come from: the source interface's address, or the configured one. */
  resolveSourceAddress(): Ipv4 | undefined {
    const s = this.source;
    if (s === undefined) return undefined;
    return "interface" in s ? s.interface.sourceAddress : s.address;
  }

  /** GRE header bytes (the header writeGreHeader writes: with the key, if any); none in `ipsec ipv4` mode. */
  get greHeaderBytes(): number {
    return this.tunnelMode === "ipsec-ipv4" ? 0 : this.greBytes;
  }

  protected override get defaultIpMtuBytes(): number {
    return 1500 - IPV4_MIN_HEADER_LENGTH - this.greHeaderBytes;
  }

  // --- Line protocol -----------------------------------------------------------------

  protected carrier(): boolean {
    return true;
  }

  protected override get announcesLineProtocolOnCreate(): boolean {
    return true;
  }

  /** IOS: up when the source is up with an address and the destination is routable, not through us. */
  protected override lineProtocolCondition(): boolean {
    this.sourceAddr = undefined;
    const s = this.source;
    if (s === undefined) return false;
    const sourceIf = "interface" in s ? s.interface : this.services.interfaceOwning(this.transport, s.address);
    const address = this.resolveSourceAddress();
    if (sourceIf === undefined || !sourceIf.isUp || address === undefined) return false;
    if (this.tunnelMode === "gre-multipoint") {
      this.sourceAddr = address;
      return true;
    }
    if (this.dest === undefined) return false;
    const route = this.services.route(this.transport, this.dest);
    if (route === undefined || route.kind !== "forward") return false;
    if (this.host.clock.now() < this.heldDownUntil) return false;
    for (const path of route.paths) {
      if (path.interface === this) {
        this.heldDownUntil = this.host.clock.now() + RECURSION_HOLD_MS;
        this.host.log(logMessage("TUN", 5, "RECURDOWN", `${this.name} temporarily disabled due to recursive routing`));
        this.host.clock.after(RECURSION_HOLD_MS, () => this.refreshState());
        return false;
      }
    }
    this.sourceAddr = address;
    return true;
  }

  // --- Data path ---------------------------------------------------------------------

  /** Attaches a capture tap; the returned function detaches it. */
  addTap(tap: TunnelTap): () => void {
    this.taps.add(tap);
    return () => this.taps.delete(tap);
  }

  private notify(buf: Uint8Array, start: number, end: number, protocol: number, direction: "rx" | "tx"): void {
    const payload = buf.subarray(start, end);
    for (const tap of this.taps) tap(payload, protocol, direction);
  }

  transmit(buf: Uint8Array, start: number, end: number, nextHop: Ipv4, etherType: number): boolean {
    const src = this.sourceAddr;
    if (!this.isUp || src === undefined) {
      this.drop("output-interface-down");
      return false;
    }
    if (this.tunnelMode === "ipsec-ipv4") return this.transmitVti(buf, start, end, etherType);
    const dst = this.dest ?? this.nbma?.resolve(this, nextHop);
    if (dst === undefined) {
      this.drop("tunnel-no-destination");
      return false;
    }
    const greBytes = this.greHeaderBytes;
    let outer = start - greBytes - IPV4_MIN_HEADER_LENGTH;
    if (outer < 0) {
      const length = end - start;
      buf = moveToHeadroom(buf, start, end);
      start = HEADROOM_BYTES;
      end = start + length;
      outer = start - greBytes - IPV4_MIN_HEADER_LENGTH;
    }
    if (this.taps.size !== 0) this.notify(buf, start, end, etherType, "tx");
    writeGreHeader(buf, start - greBytes, etherType, this.greKeyValue);
    // IOS copies the inner ToS to the outer header; DF stays clear unless path MTU discovery is on.
    const tos = etherType === GreProtocol.Ipv4 ? ipv4Tos(buf, start) : 0;
    writeIpv4Header(buf, outer, end - outer, tos, this.services.nextIdentification(), false, this.ttl, IpProtocol.Gre, src, dst);
    this.counters.outPackets++;
    this.counters.outBytes += end - start;
    const protection = this.protection;
    if (protection !== undefined) return protection.protect(this, buf, outer, end);
    return this.services.sendIpv4(this.transport, buf, outer, end);
  }

  /** `tunnel mode ipsec ipv4`: IPsec's tunnel mode builds the outer header, so it gets the inner packet. */
  private transmitVti(buf: Uint8Array, start: number, end: number, etherType: number): boolean {
    const protection = this.protection;
    if (protection === undefined || etherType !== GreProtocol.Ipv4) {
      this.drop(protection === undefined ? "tunnel-not-protected" : "encapsulation-failed");
      return false;
    }
    if (this.taps.size !== 0) this.notify(buf, start, end, etherType, "tx");
    this.counters.outPackets++;
    this.counters.outBytes += end - start;
    return protection.protect(this, buf, start, end);
  }

  /** A payload that arrived through this tunnel (GRE, or ESP for `ipsec ipv4`, already removed). */
  receivePayload(buf: Uint8Array, start: number, end: number, protocol: number, protectedByIpsec: boolean): void {
    if (!this.isUp) {
      this.drop("input-interface-down");
      return;
    }
    // With tunnel protection, IOS drops GRE that arrives in clear.
    if (this.protection !== undefined && !protectedByIpsec) {
      this.drop("tunnel-not-protected");
      return;
    }
    // Taps first: forwarding may rewrite the packet in place.
    if (this.taps.size !== 0) this.notify(buf, start, end, protocol, "rx");
    if (protocol === GreProtocol.Ipv4) {
      this.host.receiveIpv4(this, buf, start, end); // forwarding counts it in
      return;
    }
    this.counters.inPackets++;
    this.counters.inBytes += end - start;
    this.host.receiveEtherType(this, protocol, buf, start, end);
  }

  /** `show interfaces tunnel`: "Tunnel source 172.16.1.103 (Ethernet0/0), destination 172.16.0.1". */
  describeEndpoints(): string {
    const s = this.source;
    const src = s === undefined ? "UNKNOWN" : "interface" in s ? `${formatIpv4(s.interface.sourceAddress ?? 0)} (${s.interface.name})` : formatIpv4(s.address);
    const dst = this.dest === undefined ? (this.tunnelMode === "gre-multipoint" ? "" : ", destination UNKNOWN") : `, destination ${formatIpv4(this.dest)}`;
    return `Tunnel source ${src}${dst}`;
  }
}

/**
 * Finds the tunnel a GRE packet belongs to, by transport VRF, outer addresses and key, and
 * hands it the payload. Registered by the stack as the handler for IP protocol 47.
 */
export class TunnelTable {
  private readonly tunnels = new Set<TunnelInterface>();
  /** Outer source of the GRE packet (our tunnel's destination) → candidate tunnels. */
  private byRemote = new Map<number, TunnelInterface[]>();
  private multipoint: TunnelInterface[] = [];
  private stale = true;

  add(tunnel: TunnelInterface): void {
    this.tunnels.add(tunnel);
    this.stale = true;
  }

  remove(tunnel: TunnelInterface): void {
    this.tunnels.delete(tunnel);
    this.stale = true;
  }

  invalidate(): void {
    this.stale = true;
  }

  all(): IterableIterator<TunnelInterface> {
    return this.tunnels.values();
  }

  /**
   * The GRE packet whose outer IPv4 header is at `buf[ipOffset]`, ending at `end`, arrived on
   * `inIf`. `protectedByIpsec` is set when ESP decryption produced it.
   */
  receive(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, protectedByIpsec = false): void {
    const g = ipOffset + ipv4HeaderLengthAt(buf, ipOffset);
    // RFC 2784 §2.3: version 0 only, the RFC 1701 bits clear, the checksum right when present.
    if (!greValidAt(buf, g, end)) {
      inIf.drop("gre-malformed");
      return;
    }
    const headerBytes = greHeaderLengthAt(buf, g);
    const tunnel = this.find(inIf.vrf, buf, ipOffset, greKey(buf, g));
    if (tunnel === undefined) {
      inIf.drop("gre-no-tunnel");
      return;
    }
    tunnel.receivePayload(buf, g + headerBytes, end, greProtocolType(buf, g), protectedByIpsec);
  }

  private find(vrf: Vrf, buf: Uint8Array, ipOffset: number, key: number): TunnelInterface | undefined {
    if (this.stale) this.reindex();
    const remote = ipv4Src(buf, ipOffset);
    const local = ipv4Dst(buf, ipOffset);
    const candidates = this.byRemote.get(remote);
    if (candidates !== undefined) {
      for (const t of candidates) if (matches(t, vrf, local, key)) return t;
    }
    for (const t of this.multipoint) if (matches(t, vrf, local, key)) return t;
    return undefined;
  }

  private reindex(): void {
    this.byRemote = new Map();
    this.multipoint = [];
    for (const t of this.tunnels) {
      if (t.mode === "ipsec-ipv4") continue; // no GRE: IPsec hands its packets over directly
      if (t.mode === "gre-multipoint") {
        this.multipoint.push(t);
      } else if (t.destination !== undefined) {
        const list = this.byRemote.get(t.destination);
        if (list) list.push(t);
        else this.byRemote.set(t.destination, [t]);
      }
    }
    this.stale = false;
  }
}

function matches(t: TunnelInterface, vrf: Vrf, local: number, key: number): boolean {
  return t.transportVrf === vrf && t.resolveSourceAddress() === local && (t.key ?? -1) === key;
}
