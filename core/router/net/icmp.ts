// The router's ICMP: answers echo requests, reports errors it receives (to ping and traceroute)
// and sends the errors forwarding asks for — time exceeded, destination unreachable, redirect — under
// RFC 1812's rules: never about an ICMP error, a broadcast or multicast, a non-initial
// fragment or a packet whose source is not a single host (§4.3.2.7); quote as much of the
// packet as fits in 576 bytes (§4.3.2.3); speak from the interface the packet came in on.
// Unreachables are rate-limited as IOS does (`ip icmp rate-limit unreachable`, one per 500 ms
// per router, DF unreachables on their own budget) and honour `no ip unreachables`; redirects
// honour `no ip redirects`. Received redirects are not acted on (IOS ignores them while routing).
import type { Clock } from "../clock/clock";
import type { Ipv4 } from "../wire/addr";
import { internetChecksum } from "../wire/checksum";
import {
  IPV4_MIN_HEADER_LENGTH,
  ipv4Dst,
  ipv4FragmentOffsetUnits,
  ipv4HeaderLengthAt,
  ipv4Protocol,
  ipv4Src,
  ipv4Tos,
  ipv4Ttl,
  ipv4Version,
  writeIpv4Header, IpProtocol } from "../wire/ipv4";
import { isWireError } from "../wire/errors";
import {
  ICMP_HEADER_LENGTH,
  IcmpRedirectCode,
  IcmpType,
  IcmpUnreachableCode,
  buildIcmp,
  icmpCode,
  icmpEchoIdentifier,
  icmpEchoRequestToReply,
  icmpEchoSequenceNumber,
  icmpType,
  parseIcmp,
  type IcmpExtensionObject,
} from "../wire/icmp";
import type { MplsEntry } from "../wire/mpls";
import type { Interface } from "./interface";
import { DEFAULT_TTL } from "./defaults";
import { HEADROOM_BYTES, allocatePacket } from "./headroom";
import type { Vrf } from "./vrf";

const MAX_ERROR_BYTES = 576;

export type SendResult = "sent" | "no-route" | "fragmentation-needed" | "dropped";

/** What ICMP needs from forwarding to send its messages. */
export interface Ipv4Output {
  /** Routes a complete IPv4 packet built by the router; takes ownership of `buf`. */
  sendRouted(vrf: Vrf, buf: Uint8Array, start: number, end: number): SendResult;
  /** Builds and routes a packet around `payload` (a copy is made). */
  originate(vrf: Vrf, src: Ipv4 | undefined, dst: Ipv4, protocol: number, payload: Uint8Array, ttl?: number, tos?: number, dontFragment?: boolean): SendResult;
  /** The address the router would send from toward `dst` in `vrf`. */
  sourceToward(vrf: Vrf, dst: Ipv4): Ipv4 | undefined;
  nextIdentification(): number;
}

/** An echo reply that arrived for one of our pings. */
export interface EchoReply {
  readonly vrf: Vrf;
  readonly from: Ipv4;
  readonly identifier: number;
  readonly sequence: number;
  readonly ttl: number;
  /** ICMP message bytes (header + data). */
  readonly bytes: number;
}

/** An ICMP error that arrived about a packet we sent, with what it quoted. */
export interface IcmpErrorReport {
  readonly vrf: Vrf;
  readonly from: Ipv4;
  readonly type: number;
  readonly code: number;
  /** RFC 1191 next-hop MTU for "fragmentation needed"; 0 otherwise. */
  readonly nextHopMtu: number;
  readonly quotedProtocol: number;
  readonly quotedSrc: Ipv4;
  readonly quotedDst: Ipv4;
  /** The first 8 bytes of the quoted datagram's transport header (RFC 792 quotes at least
   * those): read them with wire/'s accessors, udpSrcPort or icmpEchoIdentifier at offset 0. */
  readonly quotedTransport: Uint8Array;
  /** RFC 4950 label stack the reporting LSR received, when the error carried one. */
  readonly mplsLabels: readonly MplsEntry[] | undefined;
}

/** What an ICMP error quotes of the offending datagram's transport header (RFC 792: 64 bits). */
const QUOTED_TRANSPORT_BYTES = 8;

export interface IcmpRateLimits {
  /** Minimum gap between unreachables (IOS default 500 ms); 0 disables limiting. */
  readonly unreachableIntervalMs: number;
  /** Minimum gap between "fragmentation needed" unreachables. */
  readonly dfUnreachableIntervalMs: number;
}

export const IOS_ICMP_RATE_LIMITS: IcmpRateLimits = { unreachableIntervalMs: 500, dfUnreachableIntervalMs: 500 };

export class IcmpService {
  private readonly echoListeners = new Map<number, (reply: EchoReply) => void>();
  private readonly errorListeners = new Set<(report: IcmpErrorReport) => void>();
  private lastUnreachableAt = -Infinity;
  private lastDfUnreachableAt = -Infinity;
  private lastRedirectAt = -Infinity;
  /** Errors not sent because of the rate limit (`show ip icmp rate-limit`'s "suppressed"). */
  suppressed = 0;

  constructor(
    private readonly clock: Clock,
    private readonly output: Ipv4Output,
    readonly limits: IcmpRateLimits = IOS_ICMP_RATE_LIMITS,
  ) {}

  /** Ping registers for replies carrying its identifier. */
  onEchoReply(identifier: number, listener: (reply: EchoReply) => void): () => void {
    this.echoListeners.set(identifier, listener);
    return () => {
      if (this.echoListeners.get(identifier) === listener) this.echoListeners.delete(identifier);
    };
  }

  /** Ping and traceroute register for the errors that come back. */
  onError(listener: (report: IcmpErrorReport) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Handles an ICMP message addressed to us: the IPv4 packet at `buf[ipOffset, end)`. */
  receive(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number): void {
    const icmp = ipOffset + ipv4HeaderLengthAt(buf, ipOffset);
    if (end - icmp < ICMP_HEADER_LENGTH || internetChecksum(buf, icmp, end) !== 0) {
      inIf.drop("icmp-malformed");
      return;
    }
    const type = icmpType(buf, icmp);
    if (type === IcmpType.EchoRequest) this.answerEcho(inIf, buf, ipOffset, icmp, end);
    else if (type === IcmpType.EchoReply) this.deliverEchoReply(inIf.vrf, buf, ipOffset, icmp, end);
    else if (type === IcmpType.DestinationUnreachable || type === IcmpType.TimeExceeded) this.deliverError(inIf, buf, ipOffset, icmp, end);
  }

  /** Time exceeded (RFC 792 type 11) for a packet whose TTL ran out here; `labels` adds RFC
   * 4950's object. `routeIn`: the VRF the packet was in (a VPN label's), where the error goes back. */
  timeExceeded(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, code = 0, labels?: readonly MplsEntry[], routeIn: Vrf = inIf.vrf): void {
    const extensions: IcmpExtensionObject[] | undefined = labels === undefined ? undefined : [{ kind: "mpls-label-stack", entries: labels }];
    this.sendError(inIf, buf, ipOffset, end, { kind: "time-exceeded", code, payloadLength: 0, extensions }, routeIn);
  }

  /**
   * Destination unreachable (type 3). `governedBy` is the interface whose `ip unreachables`
   * decides (the incoming one, or Null0 for a route to it); `nextHopMtu` goes with code 4;
   * `routeIn` as for timeExceeded.
   */
  unreachable(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, code: number, nextHopMtu = 0, governedBy: Interface = inIf, routeIn: Vrf = inIf.vrf): void {
    if (!governedBy.ipUnreachables) return;
    const now = this.clock.now();
    if (code === IcmpUnreachableCode.FragmentationNeeded) {
      if (now - this.lastDfUnreachableAt < this.limits.dfUnreachableIntervalMs) {
        this.suppressed++;
        return;
      }
      this.lastDfUnreachableAt = now;
    } else {
      if (now - this.lastUnreachableAt < this.limits.unreachableIntervalMs) {
        this.suppressed++;
        return;
      }
      this.lastUnreachableAt = now;
    }
    this.sendError(inIf, buf, ipOffset, end, { kind: "dst-unreachable", code, nextHopMtu, payloadLength: 0 }, routeIn);
  }

  /**
   * Host redirect (RFC 792 type 5 code 1) to the sender of a packet this router forwards back
   * out of the interface it came in on, naming `gateway` (the next hop it used) as the better
   * first hop. `inIf`'s `ip redirects` decides. Rate-limited on the unreachables' interval
   * (RFC 1812 §4.3.2.8 asks for a limit; IOS documents none of its own).
   */
  redirect(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, gateway: Ipv4): void {
    if (!inIf.ipRedirects) return;
    const now = this.clock.now();
    if (now - this.lastRedirectAt < this.limits.unreachableIntervalMs) {
      this.suppressed++;
      return;
    }
    this.lastRedirectAt = now;
    this.sendError(inIf, buf, ipOffset, end, { kind: "redirect", code: IcmpRedirectCode.Host, gateway, payloadLength: 0 });
  }

  /** Turns the request around in place: the reply reuses its buffer (RFC 792 echo reply). */
  private answerEcho(inIf: Interface, buf: Uint8Array, ipOffset: number, icmp: number, end: number): void {
    const requester = ipv4Src(buf, ipOffset);
    const dst = ipv4Dst(buf, ipOffset);
    // A reply to a broadcast or multicast ping comes from the interface's own address.
    const from = dst >= 0xe0000000 ? inIf.sourceAddress : dst;
    if (from === undefined || requester === 0) return;
    const tos = ipv4Tos(buf, ipOffset);
    const replyStart = icmp - IPV4_MIN_HEADER_LENGTH; // options are not echoed back
    icmpEchoRequestToReply(buf, icmp);
    writeIpv4Header(buf, replyStart, end - replyStart, tos, this.output.nextIdentification(), false, DEFAULT_TTL, IpProtocol.Icmp, from, requester);
    this.output.sendRouted(inIf.vrf, buf, replyStart, end);
  }

  private deliverEchoReply(vrf: Vrf, buf: Uint8Array, ipOffset: number, icmp: number, end: number): void {
    const identifier = icmpEchoIdentifier(buf, icmp);
    const listener = this.echoListeners.get(identifier);
    if (listener === undefined) return;
    listener({
      vrf,
      from: ipv4Src(buf, ipOffset),
      identifier,
      sequence: icmpEchoSequenceNumber(buf, icmp),
      ttl: ipv4Ttl(buf, ipOffset),
      bytes: end - icmp,
    });
  }

  private deliverError(inIf: Interface, buf: Uint8Array, ipOffset: number, icmp: number, end: number): void {
    if (this.errorListeners.size === 0) return;
    const parsed = parseIcmp(buf.subarray(icmp, end));
    if (isWireError(parsed) || (parsed.repr.kind !== "dst-unreachable" && parsed.repr.kind !== "time-exceeded")) {
      inIf.drop("icmp-malformed");
      return;
    }
    const quoted = parsed.payload;
    // RFC 792: the quoted header and the first 8 bytes of its datagram.
    if (quoted.length < IPV4_MIN_HEADER_LENGTH + QUOTED_TRANSPORT_BYTES || ipv4Version(quoted, 0) !== 4) return;
    const q = ipv4HeaderLengthAt(quoted, 0);
    if (quoted.length < q + QUOTED_TRANSPORT_BYTES) return;
    let mplsLabels: readonly MplsEntry[] | undefined;
    for (const object of parsed.repr.extensions ?? []) if (object.kind === "mpls-label-stack") mplsLabels = object.entries;
    const report: IcmpErrorReport = {
      vrf: inIf.vrf,
      from: ipv4Src(buf, ipOffset),
      type: icmpType(buf, icmp),
      code: icmpCode(buf, icmp),
      nextHopMtu: parsed.repr.kind === "dst-unreachable" ? parsed.repr.nextHopMtu : 0,
      quotedProtocol: ipv4Protocol(quoted, 0),
      quotedSrc: ipv4Src(quoted, 0),
      quotedDst: ipv4Dst(quoted, 0),
      quotedTransport: quoted.slice(q, q + QUOTED_TRANSPORT_BYTES),
      mplsLabels,
    };
    for (const listener of [...this.errorListeners]) listener(report);
  }

  /** The IPv4 datagram of a time exceeded (with RFC 4950's label stack) about a labelled
   * packet whose label TTL ran out at this LSR, for the caller to send on along the packet's
   * own LSP (RFC 3032 §2.3.2): the egress, which knows the way back in the packet's VPN, routes
   * it to the sender. At `HEADROOM_BYTES` in the buffer; undefined when RFC 1812 says none. */
  timeExceededAlongLsp(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, labels: readonly MplsEntry[], vrf: Vrf): Uint8Array | undefined {
    const error = this.errorMessage(inIf, buf, ipOffset, end, { kind: "time-exceeded", code: 0, payloadLength: 0, extensions: [{ kind: "mpls-label-stack", entries: labels }] }, vrf);
    if (error === undefined) return undefined;
    const length = IPV4_MIN_HEADER_LENGTH + error.message.length;
    const out = allocatePacket(length);
    out.set(error.message, HEADROOM_BYTES + IPV4_MIN_HEADER_LENGTH);
    writeIpv4Header(out, HEADROOM_BYTES, length, ICMP_TOS, this.output.nextIdentification(), false, DEFAULT_TTL, IpProtocol.Icmp, error.from, error.to);
    return out;
  }

  private sendError(
    inIf: Interface,
    buf: Uint8Array,
    ipOffset: number,
    end: number,
    repr: Parameters<typeof buildIcmp>[0],
    vrf: Vrf = inIf.vrf,
  ): void {
    const error = this.errorMessage(inIf, buf, ipOffset, end, repr, vrf);
    if (error !== undefined) this.output.originate(vrf, error.from, error.to, IpProtocol.Icmp, error.message, DEFAULT_TTL, ICMP_TOS);
  }

  /** The ICMP message about the packet at `buf[ipOffset, end)`, who sends it and to whom;
   * undefined where RFC 1812 says no error may be sent. */
  private errorMessage(
    inIf: Interface,
    buf: Uint8Array,
    ipOffset: number,
    end: number,
    repr: Parameters<typeof buildIcmp>[0],
    vrf: Vrf,
  ): { readonly from: Ipv4; readonly to: Ipv4; readonly message: Uint8Array } | undefined {
    const src = ipv4Src(buf, ipOffset);
    const dst = ipv4Dst(buf, ipOffset);
    // RFC 1812 §4.3.2.7: not about a non-unicast source or destination…
    if (src === 0 || src >>> 24 === 127 || src >= 0xe0000000 || dst >= 0xe0000000) return undefined;
    // …nor about a fragment other than the first…
    if (ipv4FragmentOffsetUnits(buf, ipOffset) !== 0) return undefined;
    // …nor about an ICMP error (only about echo, timestamp and the other queries).
    const headerBytes = ipv4HeaderLengthAt(buf, ipOffset);
    if (ipv4Protocol(buf, ipOffset) === IpProtocol.Icmp) {
      const quotedType = ipOffset + headerBytes < end ? icmpType(buf, ipOffset + headerBytes) : 3;
      if (!isQueryType(quotedType)) return undefined;
    }
    // From the interface the packet came in on (IOS's choice, also for a VPN packet that came
    // in labelled on a global interface), routed back in the packet's own VRF.
    const from = inIf.sourceAddress ?? this.output.sourceToward(vrf, src);
    if (from === undefined) return undefined;
    const quotedBytes = Math.min(end - ipOffset, MAX_ERROR_BYTES - IPV4_MIN_HEADER_LENGTH - ICMP_HEADER_LENGTH);
    return { from, to: src, message: buildIcmp(repr, buf.subarray(ipOffset, ipOffset + quotedBytes)) };
  }
}

/** Errors go out with precedence internet control, as IOS sends them. */
const ICMP_TOS = 0xc0;

/** ICMP query types (RFC 792, 950): errors may be sent about these, never about errors. */
function isQueryType(type: number): boolean {
  return type === 0 || type === 8 || type === 13 || type === 14 || type === 15 || type === 16 || type === 17 || type === 18;
}
