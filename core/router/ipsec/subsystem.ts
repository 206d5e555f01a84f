// IPsec on a router: the SAD (inbound SAs by SPI), tunnel protection and the ESP data path.
//
//  - `tunnel protection ipsec profile NAME` makes a tunnel protected; until IKEv2 installs a
//    child SA, what is routed into it is dropped (ipsec-no-sa) and GRE arriving in clear is
//    refused by the tunnel, as on IOS.
//  - Outbound, the tunnel hands its packet to `protect`: in GRE modes the outer IPv4 packet,
//    which becomes ESP in transport mode (the ESP header between the IPv4 header and GRE,
//    next header 47); in `tunnel mode ipsec ipv4` the inner packet, wrapped in tunnel mode
//    (next header 4) under a new outer header. NAT-T puts UDP 4500 in front (RFC 3948).
//  - Inbound, IP protocol 50 (and ESP-in-UDP from IKEv2's port-4500 socket) is matched by SPI,
//    checked against the replay window, verified and decrypted in place; GRE goes back
//    through the tunnel table marked as protected, a VTI's inner packet enters its tunnel.
//  - Lifetimes: a soft event at 90% of the seconds or kilobytes (IKEv2 rekeys), a hard one at
//    100%, after which the SA is removed. A rekey is make-before-break: the newest pair sends,
//    older inbound SAs keep decrypting until IKEv2 removes them.
import { TABLE_ROWS, formatEspSa, type EspKeyRow, type IpsecSaRow } from "../../api/tables";
import type { InterfaceConfig } from "../config/model/interface";
import { registerDropReasons } from "../net/counters";
import { HEADROOM_BYTES, moveToHeadroom } from "../net/headroom";
import { logMessage, type Interface } from "../net/interface";
import { TunnelInterface } from "../net/tunnel";
import { BOTH, subsystemExec, type Subsystem, type SubsystemHost, type SubsystemInstance, type TableEntry } from "../node/subsystem";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { ESP_HEADER_LENGTH, ESP_NO_NEXT_HEADER, espSequence, espSpi } from "../wire/esp";
import { GreProtocol } from "../wire/gre";
import { IPV4_MIN_HEADER_LENGTH, IpProtocol, ipv4Dst, ipv4HeaderLengthAt, ipv4Identification, ipv4Protocol, ipv4Src, ipv4Tos, ipv4Ttl, writeIpv4Header } from "../wire/ipv4";
import { UDP_HEADER_LENGTH, emitUdp } from "../wire/udp";
import { EspInboundSa, EspOpenFault, EspOutboundSa, SEQUENCE_SOFT_LIMIT } from "./esp";
import type { ChildSaPair, IpsecSaEvents, IpsecSaHandle } from "./sa";
import { InstalledSa, TunnelIpsec, type EspSender } from "./sad";
import { formatIpsecSa, formatSpi, ipsecSaRows, transformName } from "./show";
import { espKeyRow } from "./wireshark";

/** Why IPsec drops a packet. */
export const IPSEC_DROP_REASONS = registerDropReasons([
  "esp-malformed",
  "esp-unknown-spi",
  "esp-replay",
  "esp-auth-failed",
  "esp-policy-mismatch",
  "esp-sequence-exhausted",
  "ipsec-no-sa",
] as const);

declare module "../net/counters" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the names into DropReason
  interface DropReasonNames extends Record<(typeof IPSEC_DROP_REASONS)[number], true> {}
}

/** `debug crypto ipsec`. */
const DEBUG_IPSEC = "crypto ipsec";

/** Soft expiry at this share of a lifetime (IOS rekeys ahead of the hard lifetime). */
const SOFT_SHARE = 0.9;
/** IOS numbers its crypto engine connections from here. */
const FIRST_CONN_ID = 2001;
/** IOS rate-limits the %CRYPTO-4 packet errors; at most one of each kind per this long. */
const CRYPTO_LOG_INTERVAL_MS = 60_000;
/** How long the esp-keys table keeps a removed SA's keys. */
const REMOVED_KEYS_KEPT_MS = 5 * 60_000;

export class IpsecInstance implements SubsystemInstance, EspSender {
  /** The SAD: inbound SAs by SPI. */
  private readonly sad = new Map<number, InstalledSa>();
  private readonly flows = new Map<TunnelInterface, TunnelIpsec>();
  /** Keys of SAs removed lately, oldest first (see espKeyRows). */
  private readonly removedKeys: { readonly at: number; readonly rows: readonly EspKeyRow[] }[] = [];
  private nextConnId = FIRST_CONN_ID;
  private readonly unregister: () => void;
  /** When each %CRYPTO-4 mnemonic was last logged. */
  private readonly lastLogged = new Map<string, number>();

  constructor(private readonly router: SubsystemHost) {
    const stack = router.stack;
    this.unregister = stack.registerProtocol(IpProtocol.Esp, (inIf, buf, ip, end) => {
      const esp = ip + ipv4HeaderLengthAt(buf, ip);
      this.receive(inIf, buf, esp, end, ipv4Src(buf, ip), ipv4Dst(buf, ip), ipv4Tos(buf, ip), ipv4Identification(buf, ip), ipv4Ttl(buf, ip), -1);
    });
    stack.onInterfaceChange(({ interface: iface, change }) => {
      if (change === "removed" && iface instanceof TunnelInterface) this.unprotect(iface);
    });
  }

  // --- The contract with IKEv2 -------------------------------------------------------

  /**
   * Installs a child SA pair on `tunnel` and makes the tunnel protected if it was not. The
   * new pair sends from now on; SAs installed before keep receiving until removed (rekey,
   * make-before-break). An inbound SPI already in the SAD is a bug in the caller and throws.
   */
  install(tunnel: TunnelInterface, pair: ChildSaPair, events: IpsecSaEvents): IpsecSaHandle {
    if (this.sad.has(pair.inbound.spi)) throw new Error(`ipsec: inbound SPI 0x${pair.inbound.spi.toString(16)} is already installed`);
    const flow = this.protect(tunnel, tunnel.protection?.profileName ?? "default");
    const now = this.router.clock.now();
    const sa = new InstalledSa(flow, pair, new EspInboundSa(pair.inbound), new EspOutboundSa(pair.outbound), events, this.nextConnId++, this.nextConnId++, now);
    this.sad.set(pair.inbound.spi, sa);
    flow.sas.push(sa);
    this.debugSa("create_sa): sa created", sa);
    const lifetimeMs = Math.min(pair.inbound.lifetimeSeconds, pair.outbound.lifetimeSeconds) * 1000;
    sa.timers.push(
      this.router.clock.after(lifetimeMs * SOFT_SHARE, () => this.soft(sa)),
      this.router.clock.after(lifetimeMs, () => this.expire(sa)),
    );
    return sa;
  }

  /** Removes a pair (IKEv2 deleted it, or it was rekeyed); harmless twice. */
  remove(handle: IpsecSaHandle): void {
    const sa = handle as InstalledSa;
    if (sa.removed) return;
    sa.removed = true;
    for (const t of sa.timers) t.cancel();
    if (this.sad.get(sa.inboundSpi) === sa) this.sad.delete(sa.inboundSpi);
    const i = sa.flow.sas.indexOf(sa);
    if (i >= 0) sa.flow.sas.splice(i, 1);
    this.removedKeys.push({ at: this.router.clock.now(), rows: [espKeyRow(sa.pair.inbound, true), espKeyRow(sa.pair.outbound, false)] });
    this.debugSa("delete_sa): deleting SA", sa);
  }

  /** IOS's `debug crypto ipsec` line for each direction of a pair. */
  private debugSa(event: string, sa: InstalledSa): void {
    const debug = this.router.debug;
    if (!debug.isOn(DEBUG_IPSEC)) return;
    for (const [p, connId] of [[sa.pair.inbound, sa.inboundConnId], [sa.pair.outbound, sa.outboundConnId]] as const) {
      const dest = p === sa.pair.inbound ? p.local : p.remote;
      debug.emit(`IPSEC(${event}, (sa) sa_dest= ${formatIpv4(dest)}, sa_proto= 50, sa_spi= ${formatSpi(p.spi)}, sa_trans= ${transformName(p.cipher, p.integ)} , sa_conn_id= ${connId}, sa_lifetime(k/sec)= (${p.lifetimeKilobytes}/${p.lifetimeSeconds})`);
    }
  }

  /** ESP-in-UDP (RFC 3948) arriving on port 4500, after IKEv2's demultiplexer saw a non-zero
   * first word: the ESP packet is `buf[espStart, end)`. Pass the received buffer itself
   * (`new Uint8Array(payload.buffer)`, `payload.byteOffset`), not a copy: decryption happens
   * in place and the headers in front become the inner packet's headroom. */
  receiveUdpEncapsulated(inIf: Interface, buf: Uint8Array, espStart: number, end: number, outerSrc: Ipv4, srcPort: number, outerDst: Ipv4, _dstPort: number): void {
    this.receive(inIf, buf, espStart, end, outerSrc, outerDst, 0, 0, 255, srcPort);
  }

  /** A random inbound SPI not in use (RFC 4303 §2.1: 1..255 are reserved by IANA). */
  allocateSpi(random: () => number): number {
    for (;;) {
      const spi = random() >>> 0;
      if (spi >= 256 && !this.sad.has(spi)) return spi;
    }
  }

  /** Table "esp-keys": both directions of every installed SA, with keys, in interface order;
   * then those of SAs removed in the last few minutes (rekeyed, deleted, a short-lived
   * session), so a capture that spans them still decrypts with the keys read at its end. */
  espKeyRows(): EspKeyRow[] {
    const flows = [...this.flows.values()].sort((a, b) => a.tunnel.index - b.tunnel.index);
    const now = this.router.clock.now();
    while (this.removedKeys.length > 0 && now - this.removedKeys[0].at > REMOVED_KEYS_KEPT_MS) this.removedKeys.shift();
    return [...flows.flatMap((f) => f.sas.flatMap((sa) => [espKeyRow(sa.pair.inbound, true), espKeyRow(sa.pair.outbound, false)])), ...this.removedKeys.flatMap((r) => r.rows)];
  }

  /** Wireshark's `esp_sa` file for every installed SA, so captured ESP decrypts there. */
  wiresharkEspSa(): string {
    return formatEspSa(this.espKeyRows());
  }

  // --- Configuration -----------------------------------------------------------------

  /** `tunnel protection ipsec profile NAME`. */
  reconcileInterface(iface: Interface, before: InterfaceConfig | undefined, after: InterfaceConfig): void {
    if (!(iface instanceof TunnelInterface)) return;
    const profile = after.tunnel?.protectionProfile;
    if (before !== undefined && before.tunnel?.protectionProfile === profile) return;
    if (profile === undefined) this.unprotect(iface);
    else this.protect(iface, profile);
  }

  private protect(tunnel: TunnelInterface, profileName: string): TunnelIpsec {
    let flow = this.flows.get(tunnel);
    if (flow === undefined) {
      flow = new TunnelIpsec(this, tunnel, profileName);
      this.flows.set(tunnel, flow);
    }
    flow.profileName = profileName;
    tunnel.protection = flow;
    return flow;
  }

  /** `no tunnel protection`, or the tunnel went: its SAs go with it. */
  private unprotect(tunnel: TunnelInterface): void {
    const flow = this.flows.get(tunnel);
    if (flow === undefined) return;
    for (const sa of [...flow.sas]) this.remove(sa);
    this.flows.delete(tunnel);
    if (tunnel.protection === flow) tunnel.protection = undefined;
  }

  // --- Lifetimes ---------------------------------------------------------------------

  private soft(sa: InstalledSa): void {
    if (sa.softSent || sa.removed) return;
    sa.softSent = true;
    if (this.router.debug.isOn(DEBUG_IPSEC)) this.router.debug.emit(`IPSEC(sa_soft_expire): SA with spi ${formatSpi(sa.inboundSpi)} is approaching its lifetime, rekey requested`);
    sa.events.expiring("soft");
  }

  private expire(sa: InstalledSa): void {
    if (sa.removed) return;
    this.remove(sa);
    sa.events.expiring("hard");
  }

  /** The kilobyte lifetime and the sequence space, checked as traffic flows. */
  private checkVolume(sa: InstalledSa, bytes: number, limitKb: number): void {
    const limit = limitKb * 1024;
    if (bytes >= limit) this.expire(sa);
    else if (bytes >= limit * SOFT_SHARE || sa.outbound.lastSequence >= SEQUENCE_SOFT_LIMIT) this.soft(sa);
  }

  // --- Data path ---------------------------------------------------------------------

  /** TunnelProtection.protect: `buf[start, end)` is the GRE packet with its outer IPv4 header
   * (transport mode) or a VTI's inner IPv4 packet (tunnel mode). */
  send(flow: TunnelIpsec, tunnel: TunnelInterface, buf: Uint8Array, start: number, end: number): boolean {
    // A multipoint tunnel's GRE packet goes to one of several peers, each with its own SA.
    const sa = tunnel.mode === "gre-multipoint" ? flow.forPeer(ipv4Dst(buf, start)) : flow.current;
    if (sa === undefined) {
      tunnel.drop("ipsec-no-sa");
      return false;
    }
    const p = sa.pair.outbound;
    let payload = start;
    let nextHeader: number = IpProtocol.Ipip;
    let ttl = tunnel.ttl;
    let identification = 0;
    if (p.mode === "transport") {
      payload = start + ipv4HeaderLengthAt(buf, start);
      nextHeader = ipv4Protocol(buf, start);
      ttl = ipv4Ttl(buf, start);
      identification = ipv4Identification(buf, start);
    } else {
      identification = this.router.stack.nextIdentification();
    }
    const tos = ipv4Tos(buf, start);
    const natT = p.natT;
    const outerBytes = IPV4_MIN_HEADER_LENGTH + (natT === undefined ? 0 : UDP_HEADER_LENGTH);
    const out = sa.outbound.seal(buf, payload, end, nextHeader, outerBytes);
    if (out === undefined) {
      sa.counters.sendErrors++;
      tunnel.drop("esp-sequence-exhausted");
      this.expire(sa);
      return false;
    }
    const ip = HEADROOM_BYTES;
    if (natT === undefined) {
      writeIpv4Header(out, ip, out.length - ip, tos, identification, false, ttl, IpProtocol.Esp, p.local, sa.peer);
    } else {
      const udp = ip + IPV4_MIN_HEADER_LENGTH;
      // RFC 3948 §2.1: the UDP checksum is sent as zero over IPv4.
      emitUdp({ srcPort: natT.localPort, dstPort: sa.peerPort, payloadLength: out.length - udp - UDP_HEADER_LENGTH, noChecksum: true }, out, udp, p.local, sa.peer);
      writeIpv4Header(out, ip, out.length - ip, tos, identification, false, ttl, IpProtocol.Udp, p.local, sa.peer);
    }
    sa.counters.encaps++;
    this.checkVolume(sa, sa.outbound.bytes, p.lifetimeKilobytes);
    return this.router.stack.sendIpv4(tunnel.transportVrf, out, ip, out.length);
  }

  /** ESP at `buf[esp, end)` from `outerSrc` to `outerDst`, arrived on `inIf`; `srcPort` is
   * the UDP source port of ESP-in-UDP, -1 for plain ESP. */
  private receive(inIf: Interface, buf: Uint8Array, esp: number, end: number, outerSrc: Ipv4, outerDst: Ipv4, tos: number, identification: number, ttl: number, srcPort: number): void {
    if (end - esp < ESP_HEADER_LENGTH) {
      inIf.drop("esp-malformed");
      return;
    }
    const spi = espSpi(buf, esp);
    const sa = this.sad.get(spi);
    if (sa === undefined || sa.flow.tunnel.transportVrf !== inIf.vrf) {
      inIf.drop("esp-unknown-spi");
      this.log("RECVD_PKT_INV_SPI", () => `decaps: rec'd IPSEC packet has invalid spi for destaddr=${formatIpv4(outerDst)}, prot=50, spi=${formatSpi(spi)}, srcaddr=${formatIpv4(outerSrc)}, input interface=${inIf.name}`);
      return;
    }
    const flow = sa.flow;
    const payloadEnd = sa.inbound.open(buf, esp, end);
    if (payloadEnd < 0) {
      sa.counters.recvErrors++;
      if (payloadEnd === EspOpenFault.Replay) {
        sa.counters.replayFailures++;
        inIf.drop("esp-replay");
        this.log("PKT_REPLAY_ERR", () => `decrypt: replay check failed connection id=${sa.inboundConnId}, sequence number=${espSequence(buf, esp)}`);
      } else if (payloadEnd === EspOpenFault.AuthFailed) {
        sa.counters.verifyFailures++;
        inIf.drop("esp-auth-failed");
        this.log("RECVD_PKT_MAC_ERR", () => `decrypt: mac verify failed for connection id=${sa.inboundConnId} sequence number=${espSequence(buf, esp)}`);
      } else inIf.drop("esp-malformed");
      return;
    }
    sa.counters.decaps++;
    // NAT-T: the newest authenticated packet says where the peer's NAT now maps it.
    if (srcPort >= 0 && (srcPort !== sa.peerPort || outerSrc !== sa.peer) && sa.inbound.replay.highest === espSequence(buf, esp)) {
      sa.peer = outerSrc;
      sa.peerPort = srcPort;
    }
    this.checkVolume(sa, sa.inbound.bytes, sa.pair.inbound.lifetimeKilobytes);
    const payload = sa.inbound.payloadStart(esp);
    const nextHeader = sa.inbound.nextHeader;
    if (nextHeader === ESP_NO_NEXT_HEADER) return; // a dummy packet (RFC 4303 §2.6)
    if (sa.pair.inbound.mode === "transport") {
      if (nextHeader !== IpProtocol.Gre) {
        inIf.drop("esp-policy-mismatch");
        return;
      }
      // The GRE packet gets its IPv4 header back, in the room the ESP header and IV leave
      // (or, when the caller passed a buffer starting at the ESP header, in a copy with room).
      let start = payload;
      let stop = payloadEnd;
      if (start < IPV4_MIN_HEADER_LENGTH) {
        buf = moveToHeadroom(buf, start, stop);
        stop = HEADROOM_BYTES + (stop - start);
        start = HEADROOM_BYTES;
      }
      const ip = start - IPV4_MIN_HEADER_LENGTH;
      writeIpv4Header(buf, ip, stop - ip, tos, identification, false, ttl, IpProtocol.Gre, outerSrc, outerDst);
      this.router.stack.tunnels.receive(inIf, buf, ip, stop, true);
      return;
    }
    if (nextHeader !== IpProtocol.Ipip) {
      inIf.drop("esp-policy-mismatch");
      return;
    }
    flow.tunnel.receivePayload(buf, payload, payloadEnd, GreProtocol.Ipv4, true);
  }

  /** A %CRYPTO-4 packet error, unless one like it was logged in the last minute. */
  private log(mnemonic: string, text: () => string): void {
    const now = this.router.clock.now();
    const last = this.lastLogged.get(mnemonic);
    if (last !== undefined && now - last < CRYPTO_LOG_INTERVAL_MS) return;
    this.lastLogged.set(mnemonic, now);
    this.router.logMessage(logMessage("CRYPTO", 4, mnemonic, text()));
  }

  // --- Show --------------------------------------------------------------------------

  /** Table "ipsec-sa": one row per protected tunnel, in interface order. */
  rows(interfaceName?: string, peer?: Ipv4): IpsecSaRow[] {
    const stack = this.router.stack;
    return ipsecSaRows([...this.flows.values()], this.router.clock.now(), (vrf, dst) => stack.route(vrf, dst), interfaceName, peer);
  }

  close(): void {
    for (const sa of this.sad.values()) for (const t of sa.timers) t.cancel();
    this.unregister();
  }
}

const ipsecOf = (router: SubsystemHost): IpsecInstance => router.subsystem(ipsecSubsystem);

const IPSEC_SA: TableEntry<"ipsec-sa", SubsystemHost> = {
  name: "ipsec-sa",
  schema: TABLE_ROWS["ipsec-sa"],
  rows: (router, args) => ipsecOf(router).rows(args?.name),
  format: (rows, args) => formatIpsecSa(rows, args?.detail ?? false),
};

const ESP_KEYS: TableEntry<"esp-keys", SubsystemHost> = {
  name: "esp-keys",
  schema: TABLE_ROWS["esp-keys"],
  rows: (router) => ipsecOf(router).espKeyRows(),
  format: (rows) => formatEspSa(rows),
};

export const ipsecSubsystem: Subsystem<IpsecInstance> = {
  name: "ipsec",
  attach: (router) => new IpsecInstance(router),
  tables: [IPSEC_SA, ESP_KEYS],
  dropReasons: IPSEC_DROP_REASONS,
  debugFlags: [{ flag: DEBUG_IPSEC, help: ["Cryptographic subsystem", "IPSEC processing"], heading: "Crypto Subsystem", description: "Crypto IPSEC debugging is on" }],
  execCommands: [
    subsystemExec({
      id: "show.crypto.ipsec.sa",
      mode: BOTH,
      syntax: "show crypto ipsec sa [interface INTERFACE$interface|peer A.B.C.D$peer] [detail$detail]",
      help: [
        "Show running system information",
        "Encryption module",
        "Show IPSEC info",
        "IPSEC SAD table",
        "Show info for specific crypto map interface",
        "Interface name",
        "Show info for specific peer",
        "IP address of the peer",
        "detailed SA information",
      ],
      pipe: true,
      run: ({ router, args, print }) => {
        const name = args.optStr("interface");
        const iface = name === undefined ? undefined : router.stack.interface(name);
        if (name !== undefined && iface === undefined) {
          print("% Invalid interface");
          return;
        }
        const peer = args.optIp("peer");
        const rows = ipsecOf(router).rows(iface?.name, peer);
        if (rows.length > 0) print(formatIpsecSa(rows, args.has("detail")) + "\n");
      },
    }),
  ],
};
