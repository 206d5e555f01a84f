// TCP for the router's own protocols (BGP first): the socket layer on a NetStack, per VRF.
//
//   const tcp = stack.tcp;
//   tcp.listen({ vrf, port: 179, address?, md5Key?: (remote) => key, minTtl?, ttl? }, (conn) => { … })
//       → TcpListener (close() stops accepting) | "% error text"
//   tcp.connect({ vrf, remote, port, local?, localPort?, ttl?, tos?, minTtl?, md5Key? })
//       → TcpConnection | "% error text" (no route, port in use)
//
// A TcpConnection (connection.ts) has `state` (RFC 9293 names), `write(bytes)` → false once
// TCP_SEND_HIGH_WATER_BYTES wait (then `onDrain`), `bufferedBytes`, `onConnect`, `onData`,
// `onEnd` (peer's FIN), `onClose(reason)`, `close()` (FIN after queued data), `abort()` (RST),
// and `pauseReading()` / `resumeReading()` for flow control. Everything runs on the router's
// Clock, so it works the same in the simulation harness and in an agent.
//
// Connect binds to the given source address (IOS `update-source`), else to the address of the
// interface toward the peer. `ttl` sets what we send (eBGP multihop, 255 for GTSM) and `minTtl`
// drops what arrives lower (RFC 5082). `md5Key` signs and checks every segment (RFC 2385).
// ISNs follow RFC 6528: a 4 µs clock plus a keyed hash of the 4-tuple. A segment for no
// connection and no listener is answered with RST (RFC 9293 §3.10.7.1).
import { randomBytes, createHash } from "node:crypto";
import type { Clock } from "../../clock/clock";
import { maskOf, type Ipv4 } from "../../wire/addr";
import { isWireError } from "../../wire/errors";
import { IPV4_MIN_HEADER_LENGTH, IpProtocol, ipv4Dst, ipv4HeaderLengthAt, ipv4Src, ipv4Ttl, writeIpv4Header } from "../../wire/ipv4";
import { TCP_MD5_DIGEST_LENGTH, TCP_MIN_HEADER_LENGTH, TcpFlag, emitTcp, parseTcp, tcpHeaderLength, type TcpOption, type TcpRepr } from "../../wire/tcp";
import { registerDropReasons } from "../counters";
import { DEFAULT_TTL } from "../defaults";
import { HEADROOM_BYTES, allocatePacket } from "../headroom";
import type { Ipv4Output } from "../icmp";
import type { Interface } from "../interface";
import type { Vrf } from "../vrf";
import type { ByteQueue } from "./byte-queue";
import { TcpConnection } from "./connection";
import { DEFAULT_TCP_TIMERS, TCP_DEFAULT_MSS, type TcpEndpoint, type TcpTimers } from "./tcb";
import { checkTcpMd5, md5Key, tcpMd5Digest } from "./md5";
import { seqAdd } from "./seq";

export const TCP_DROP_REASONS = registerDropReasons(["tcp-malformed", "tcp-md5-missing", "tcp-md5-mismatch", "tcp-md5-unexpected", "tcp-ttl-below-minimum", "tcp-syn-backlog-full", "tcp-bad-source"] as const);
declare module "../counters" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the names into DropReason
  interface DropReasonNames extends Record<(typeof TCP_DROP_REASONS)[number], true> {}
}

const FIRST_EPHEMERAL_PORT = 49152;
const IP_TCP_HEADERS = IPV4_MIN_HEADER_LENGTH + TCP_MIN_HEADER_LENGTH;
/** Connections a listener holds in SYN-RECEIVED at once (Linux's tcp_max_syn_backlog floor);
 * a SYN beyond them is dropped, so a SYN flood costs a bounded table and timer set. */
export const TCP_MAX_HALF_OPEN = 128;

export interface TcpListenOptions {
  readonly vrf: Vrf;
  readonly port: number;
  /** Accept only connections to this address; undefined for any of ours in the VRF. */
  readonly address?: Ipv4;
  /** The RFC 2385 key for a peer (BGP `neighbor X password`); undefined: unsigned. */
  readonly md5Key?: (remote: Ipv4) => Uint8Array | string | undefined;
  readonly ttl?: number;
  readonly minTtl?: number;
  readonly tos?: number;
}

export interface TcpConnectOptions {
  readonly vrf: Vrf;
  readonly remote: Ipv4;
  readonly port: number;
  /** Source address (must be ours in the VRF); undefined: the interface's toward `remote`. */
  readonly local?: Ipv4;
  /** 0 or undefined picks a free ephemeral port. */
  readonly localPort?: number;
  readonly ttl?: number;
  readonly minTtl?: number;
  readonly tos?: number;
  readonly md5Key?: Uint8Array | string;
}

export class TcpListener {
  private open = true;
  /** Its connections still in SYN-RECEIVED, against TCP_MAX_HALF_OPEN. */
  halfOpen = 0;
  constructor(
    private readonly owner: TcpSockets,
    readonly options: TcpListenOptions,
    readonly accept: (connection: TcpConnection) => void,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Stops accepting; connections already accepted go on. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.owner.unlisten(this);
  }
}

export interface TcpSocketsOptions {
  readonly timers?: Partial<TcpTimers>;
  /** RFC 6528's secret; random by default. */
  readonly isnSecret?: Uint8Array;
}

function connectionKey(vrfId: number, local: Ipv4, localPort: number, remote: Ipv4, remotePort: number): string {
  return `${vrfId}:${local}:${localPort}:${remote}:${remotePort}`;
}

export class TcpSockets {
  private readonly connections = new Map<string, TcpConnection>();
  /** Connections in SYN-RECEIVED → the listener whose backlog they count against. */
  private readonly halfOpen = new Map<TcpConnection, TcpListener>();
  /** (VRF id, port) → listeners, address-specific ones first. */
  private readonly listeners = new Map<number, TcpListener[]>();
  private nextEphemeral = FIRST_EPHEMERAL_PORT;
  /** Each connection's TCB number (`show tcp brief`'s TCB column), in creation order. */
  private readonly tcbIds = new WeakMap<TcpConnection, number>();
  private nextTcbId = 1;
  private readonly timers: TcpTimers;
  private readonly isnSecret: Uint8Array;

  constructor(
    readonly clock: Clock,
    private readonly output: Ipv4Output,
    private readonly interfaceOwning: (vrf: Vrf, address: Ipv4) => Interface | undefined,
    options: TcpSocketsOptions = {},
  ) {
    this.timers = { ...DEFAULT_TCP_TIMERS, ...options.timers };
    this.isnSecret = options.isnSecret ?? randomBytes(16);
  }

  listen(options: TcpListenOptions, accept: (connection: TcpConnection) => void): TcpListener | string {
    const { port } = options;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `% Invalid TCP port ${port}`;
    const key = options.vrf.id * 65536 + port;
    const list = this.listeners.get(key) ?? [];
    if (list.some((l) => l.options.address === options.address || l.options.address === undefined || options.address === undefined)) {
      return `% TCP port ${port} is already in use`;
    }
    const listener = new TcpListener(this, options, accept);
    list.push(listener);
    list.sort((a, b) => (a.options.address === undefined ? 1 : 0) - (b.options.address === undefined ? 1 : 0));
    this.listeners.set(key, list);
    return listener;
  }

  unlisten(listener: TcpListener): void {
    const key = listener.options.vrf.id * 65536 + listener.options.port;
    const rest = (this.listeners.get(key) ?? []).filter((l) => l !== listener);
    if (rest.length) this.listeners.set(key, rest);
    else this.listeners.delete(key);
  }

  connect(options: TcpConnectOptions): TcpConnection | string {
    const { vrf, remote, port } = options;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `% Invalid TCP port ${port}`;
    const local = options.local ?? this.output.sourceToward(vrf, remote);
    if (local === undefined) return "% No route to host";
    if (this.interfaceOwning(vrf, local) === undefined) return "% The source address is not one of ours in this VRF";
    const localPort = options.localPort || this.freePort(vrf, local, remote, port);
    if (localPort === 0 || this.connections.has(connectionKey(vrf.id, local, localPort, remote, port))) return `% TCP port ${localPort} is already in use`;
    const endpoint: TcpEndpoint = {
      vrf,
      localAddress: local,
      localPort,
      remoteAddress: remote,
      remotePort: port,
      ttl: options.ttl ?? DEFAULT_TTL,
      tos: options.tos ?? 0,
      minTtl: options.minTtl ?? 0,
      md5Key: options.md5Key === undefined ? undefined : md5Key(options.md5Key),
    };
    const connection = new TcpConnection(this, endpoint, false, this.isn(endpoint), this.mssToward(vrf, remote), this.timers, undefined);
    this.connections.set(this.keyOf(endpoint), connection);
    this.tcbIds.set(connection, this.nextTcbId++);
    connection.start();
    return connection;
  }

  /** Connections in the table (TIME-WAIT included), for show commands and tests. */
  all(): TcpConnection[] {
    return [...this.connections.values()];
  }

  /** The connection's TCB number: 1, 2… in the order the table made them. */
  tcbId(connection: TcpConnection): number {
    return this.tcbIds.get(connection) ?? 0;
  }

  /** Open listeners, by VRF and port, for `show tcp brief all`. */
  allListeners(): TcpListener[] {
    return [...this.listeners.values()].flat();
  }

  release(connection: TcpConnection): void {
    const key = this.keyOf(connection.endpoint);
    if (this.connections.get(key) === connection) this.connections.delete(key);
    this.leaveBacklog(connection);
  }

  private leaveBacklog(connection: TcpConnection): void {
    const listener = this.halfOpen.get(connection);
    if (listener === undefined) return;
    this.halfOpen.delete(connection);
    listener.halfOpen--;
  }

  /** The handler for IP protocol 6. */
  receive(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number): void {
    const tcpStart = ipOffset + ipv4HeaderLengthAt(buf, ipOffset);
    const src = ipv4Src(buf, ipOffset);
    const dst = ipv4Dst(buf, ipOffset);
    if (dst >= 0xe0000000) {
      inIf.drop("tcp-malformed"); // TCP is unicast only: not to a broadcast or group address
      return;
    }
    if (!isUnicastSource(src, inIf)) {
      inIf.drop("tcp-bad-source"); // RFC 9293 §3.10.7.2: a SYN from a broadcast or group address is ignored, and no reset goes back to one
      return;
    }
    const segment = buf.subarray(tcpStart, end);
    const parsed = parseTcp(segment, src, dst);
    if (isWireError(parsed)) {
      inIf.drop("tcp-malformed");
      return;
    }
    const { repr, payload } = parsed;
    const ttl = ipv4Ttl(buf, ipOffset);
    const headerLength = segment.length - payload.length;
    const vrf = inIf.vrf;
    const connection = this.connections.get(connectionKey(vrf.id, dst, repr.dstPort, src, repr.srcPort));
    if (connection !== undefined) {
      const { endpoint } = connection;
      if (ttl < endpoint.minTtl) return inIf.drop("tcp-ttl-below-minimum");
      const verdict = checkTcpMd5(repr.options, src, dst, segment, headerLength, endpoint.md5Key);
      if (verdict !== "ok") return inIf.drop(verdict);
      connection.segmentArrived(repr, payload);
      return;
    }
    const listener = this.listenerFor(vrf, dst, repr.dstPort);
    if (listener !== undefined) {
      const options = listener.options;
      if (ttl < (options.minTtl ?? 0)) return inIf.drop("tcp-ttl-below-minimum");
      const key = options.md5Key?.(src);
      const keyBytes = key === undefined ? undefined : md5Key(key);
      const verdict = checkTcpMd5(repr.options, src, dst, segment, headerLength, keyBytes);
      if (verdict !== "ok") return inIf.drop(verdict);
      const endpoint: TcpEndpoint = {
        vrf,
        localAddress: dst,
        localPort: repr.dstPort,
        remoteAddress: src,
        remotePort: repr.srcPort,
        ttl: options.ttl ?? DEFAULT_TTL,
        tos: options.tos ?? 0,
        minTtl: options.minTtl ?? 0,
        md5Key: keyBytes,
      };
      this.listenArrived(inIf, listener, endpoint, repr);
      return;
    }
    inIf.drop("no-tcp-listener");
    const endpoint: TcpEndpoint = { vrf, localAddress: dst, localPort: repr.dstPort, remoteAddress: src, remotePort: repr.srcPort, ttl: DEFAULT_TTL, tos: 0, minTtl: 0, md5Key: undefined };
    this.resetFor(endpoint, repr, payload.length);
  }

  // RFC 9293 §3.10.7.2: LISTEN.
  // Data on a SYN is not kept: the peer sends it again once we are synchronized.
  private listenArrived(inIf: Interface, listener: TcpListener, endpoint: TcpEndpoint, seg: TcpRepr): void {
    if (seg.flags & TcpFlag.Rst) return;
    if (seg.flags & TcpFlag.Ack) {
      this.sendReset(endpoint, seg.ack, 0, false);
      return;
    }
    if ((seg.flags & TcpFlag.Syn) === 0) return;
    if (listener.halfOpen >= TCP_MAX_HALF_OPEN) return inIf.drop("tcp-syn-backlog-full");
    const connection = new TcpConnection(this, endpoint, true, this.isn(endpoint), this.mssToward(endpoint.vrf, endpoint.remoteAddress), this.timers, (c) => {
      this.leaveBacklog(c);
      if (listener.isOpen) listener.accept(c);
      else c.abort();
    });
    this.connections.set(this.keyOf(endpoint), connection);
    this.tcbIds.set(connection, this.nextTcbId++);
    this.halfOpen.set(connection, listener);
    listener.halfOpen++;
    connection.acceptSyn(seg);
  }

  // RFC 9293 §3.10.7.1: CLOSED.
  private resetFor(endpoint: TcpEndpoint, seg: TcpRepr, dataLength: number): void {
    if (seg.flags & TcpFlag.Rst) return;
    if (seg.flags & TcpFlag.Ack) this.sendReset(endpoint, seg.ack, 0, false);
    else {
      const segLen = dataLength + (seg.flags & TcpFlag.Syn ? 1 : 0) + (seg.flags & TcpFlag.Fin ? 1 : 0);
      this.sendReset(endpoint, 0, seqAdd(seg.seq, segLen), true);
    }
  }

  /** Sends RST (with ACK `ack` when `withAck`), signed if the endpoint has a key. */
  sendReset(endpoint: TcpEndpoint, seq: number, ack: number, withAck: boolean): void {
    this.transmit(endpoint, seq, ack, TcpFlag.Rst | (withAck ? TcpFlag.Ack : 0), 0, 0, undefined, 0, 0);
  }

  /**
   * Builds one segment, data copied straight from the send queue into the packet, and routes
   * it. `mss` > 0 adds the MSS option (SYNs).
   */
  transmit(endpoint: TcpEndpoint, seq: number, ack: number, flags: number, window: number, mss: number, data: ByteQueue | undefined, dataOffset: number, dataLength: number): void {
    const options: TcpOption[] = [];
    const key = endpoint.md5Key;
    if (key !== undefined) options.push({ type: "md5", digest: new Uint8Array(TCP_MD5_DIGEST_LENGTH) });
    if (mss > 0) options.push({ type: "mss", mss });
    const repr: TcpRepr = { srcPort: endpoint.localPort, dstPort: endpoint.remotePort, seq, ack, flags, window, urgentPointer: 0, options };
    const headerLength = tcpHeaderLength(repr);
    const totalLength = IPV4_MIN_HEADER_LENGTH + headerLength + dataLength;
    const buf = allocatePacket(totalLength);
    const start = HEADROOM_BYTES;
    const tcpStart = start + IPV4_MIN_HEADER_LENGTH;
    const end = start + totalLength;
    if (data !== undefined && dataLength > 0) data.copyTo(dataOffset, dataLength, buf, tcpStart + headerLength);
    const src = endpoint.localAddress;
    const dst = endpoint.remoteAddress;
    emitTcp(repr, buf, tcpStart, src, dst, end);
    if (key !== undefined) {
      const digest = tcpMd5Digest(src, dst, buf.subarray(tcpStart, end), headerLength, key);
      options[0] = { type: "md5", digest };
      emitTcp(repr, buf, tcpStart, src, dst, end);
    }
    writeIpv4Header(buf, start, totalLength, endpoint.tos, this.output.nextIdentification(), false, endpoint.ttl, IpProtocol.Tcp, src, dst);
    this.output.sendRouted(endpoint.vrf, buf, start, end);
  }

  private keyOf(e: TcpEndpoint): string {
    return connectionKey(e.vrf.id, e.localAddress, e.localPort, e.remoteAddress, e.remotePort);
  }

  private listenerFor(vrf: Vrf, dst: Ipv4, port: number): TcpListener | undefined {
    const list = this.listeners.get(vrf.id * 65536 + port);
    if (list === undefined) return undefined;
    for (const listener of list) if (listener.options.address === undefined || listener.options.address === dst) return listener;
    return undefined;
  }

  /** RFC 9293 §3.7.1: our MSS is the outgoing interface's IP MTU less the IP and TCP headers. */
  private mssToward(vrf: Vrf, remote: Ipv4): number {
    const entry = vrf.fib.lookup(remote);
    const out = entry?.paths[0]?.interface;
    if (out === undefined) return entry?.kind === "receive" ? 65535 - IP_TCP_HEADERS : TCP_DEFAULT_MSS;
    return Math.max(TCP_DEFAULT_MSS, out.ipMtuBytes - IP_TCP_HEADERS);
  }

  /** RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs timer, F a keyed MD5. */
  private isn(e: TcpEndpoint): number {
    const tuple = new Uint8Array(12);
    const view = new DataView(tuple.buffer);
    view.setUint32(0, e.localAddress);
    view.setUint16(4, e.localPort);
    view.setUint32(6, e.remoteAddress);
    view.setUint16(10, e.remotePort);
    const hash = createHash("md5").update(tuple).update(this.isnSecret).digest();
    const f = hash.readUInt32BE(0);
    return (f + Math.floor(this.clock.now() * 250)) >>> 0;
  }

  private freePort(vrf: Vrf, local: Ipv4, remote: Ipv4, remotePort: number): number {
    for (let tries = 0; tries < 16384; tries++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port >= 65535 ? FIRST_EPHEMERAL_PORT : port + 1;
      if (!this.connections.has(connectionKey(vrf.id, local, port, remote, remotePort)) && !this.listeners.has(vrf.id * 65536 + port)) return port;
    }
    return 0;
  }
}

/** A source a TCP peer can be: not 0/8, not a group, class E or limited broadcast, and not the
 * broadcast address of a subnet on the interface the segment came in on. */
function isUnicastSource(src: Ipv4, inIf: Interface): boolean {
  if (src >>> 24 === 0 || src >= 0xe0000000) return false;
  for (const a of inIf.addresses) {
    if (a.prefixLength >= 31) continue; // RFC 3021: a /31 has no broadcast address
    const host = ~maskOf(a.prefixLength) >>> 0;
    if ((src | 0) === ((a.address & maskOf(a.prefixLength)) | host)) return false;
  }
  return true;
}
