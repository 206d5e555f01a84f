// The Transmission Control Block of one TCP connection (RFC 9293 §3.3.1): every variable the
// connection keeps — the send and receive sequence spaces, the send queue and the receive
// queues, congestion and retransmission state, the user's callbacks — with the types and
// tunables that describe a connection, and the one path every segment leaves by (`sendSegment`,
// which stamps the current ACK and advertised window). The behaviour is layered on top of it,
// one idea per file: the sender (send.ts), the receiver (receive.ts) and the RFC 9293 state
// machine that drives both (connection.ts). The layers are one class chain, not separate
// objects, so the per-segment path stays plain method calls on one object with no allocation.
//
// TcpSockets (sockets.ts) owns the connection table and builds the segments; a connection
// gets parsed segments from it and hands it segments to send.
import type { Timer } from "../../clock/clock";
import type { Ipv4 } from "../../wire/addr";
import { TcpFlag } from "../../wire/tcp";
import type { Vrf } from "../vrf";
import { ByteQueue } from "./byte-queue";
import type { TcpMd5Key } from "./md5";
import type { TcpSockets } from "./sockets";

export type TcpState = "SYN-SENT" | "SYN-RECEIVED" | "ESTABLISHED" | "FIN-WAIT-1" | "FIN-WAIT-2" | "CLOSE-WAIT" | "CLOSING" | "LAST-ACK" | "TIME-WAIT" | "CLOSED";

/**
 * Why a connection ended for its user: "closed" (both sides finished: FIN exchanged),
 * "reset" (the peer sent RST), "refused" (RST in answer to our SYN), "timeout"
 * (retransmissions ran out), "aborted" (we called abort()).
 */
export type TcpCloseReason = "closed" | "reset" | "refused" | "timeout" | "aborted";

/** Tunables; the defaults follow the RFCs. */
export interface TcpTimers {
  /** RFC 6298 (2.1): the RTO before any RTT sample. */
  readonly initialRtoMs: number;
  /** RFC 6298 (2.4): RTO floor (1 s). */
  readonly minRtoMs: number;
  /** RFC 6298 (2.5): RTO ceiling. */
  readonly maxRtoMs: number;
  /** SYN (or SYN-ACK) retransmissions before giving up. */
  readonly synRetries: number;
  /** Data retransmissions of one segment before the connection times out. */
  readonly dataRetries: number;
  /** TIME-WAIT lasts 2 × MSL. */
  readonly mslMs: number;
}

export const DEFAULT_TCP_TIMERS: TcpTimers = { initialRtoMs: 1000, minRtoMs: 1000, maxRtoMs: 60_000, synRetries: 6, dataRetries: 15, mslMs: 30_000 };

/** RFC 9293 §3.7.1: the MSS a peer that sends no MSS option is assumed to take. */
export const TCP_DEFAULT_MSS = 536;
/** Receive buffer, and so the largest window we advertise (no window scaling). */
export const TCP_RECEIVE_BUFFER_BYTES = 65535;
/** Out-of-order segments held at most; more are dropped (the sender retransmits them), so a
 * peer sending many tiny scattered segments cannot make insertion quadratic. */
export const MAX_OUT_OF_ORDER_SEGMENTS = 256;
/** `write` returns false once this many bytes wait to be sent or acknowledged. */
export const TCP_SEND_HIGH_WATER_BYTES = 256 * 1024;

/** The addresses and ports of a connection, and the per-connection IP settings. */
export interface TcpEndpoint {
  readonly vrf: Vrf;
  readonly localAddress: Ipv4;
  readonly localPort: number;
  readonly remoteAddress: Ipv4;
  readonly remotePort: number;
  /** IP TTL of what we send (eBGP multihop, GTSM's 255). */
  readonly ttl: number;
  readonly tos: number;
  /** RFC 5082 (GTSM): segments arriving with a lower TTL are dropped; 0 accepts all. */
  readonly minTtl: number;
  readonly md5Key: TcpMd5Key | undefined;
}

export interface OutOfOrder {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly fin: boolean;
}

export abstract class TcpControlBlock {
  protected stateValue: TcpState;
  // Send sequence space (RFC 9293 §3.3.1); sndMax is the highest sequence sent so far.
  protected readonly iss: number;
  protected sndUna: number;
  protected sndNxt: number;
  protected sndMax: number;
  protected sndWnd = 0;
  protected sndWl1 = 0;
  protected sndWl2 = 0;
  // Receive sequence space.
  protected irs = 0;
  protected rcvNxt = 0;
  protected lastAdvertisedWindow = 0;

  protected readonly sendQueue = new ByteQueue();
  protected finQueued = false;
  /** Sequence number of our FIN (valid once finQueued). */
  protected finSeq = 0;
  protected finAcked = false;
  protected synAcked = false;
  protected established = false;
  protected readonly outOfOrder: OutOfOrder[] = [];
  protected readQueue: Uint8Array[] = [];
  protected readQueueHead = 0;
  protected readQueueBytes = 0;
  protected readPaused = false;

  /** Sender MSS (data bytes per segment, after our own options) and the MSS we announce. */
  protected sendMss: number;
  readonly announcedMss: number;

  // Congestion control (RFC 5681, RFC 6582).
  protected cwnd: number;
  protected ssthresh = 0x7fffffff;
  protected dupAcks = 0;
  protected inRecovery = false;
  protected recover = 0;

  // RFC 6298.
  protected srttMs = 0;
  protected rttvarMs = 0;
  protected rtoMs: number;
  protected timing = false;
  protected rttSeq = 0;
  protected rttStartMs = 0;
  protected retries = 0;
  protected rtxDeadline = 0;
  protected rtxTimer: Timer | undefined;
  protected rtxTimerDue = 0;
  protected timeWaitTimer: Timer | undefined;

  protected unackedSegments = 0;
  protected ackDeferred = false;
  protected aboveHighWater = false;
  protected closeReported = false;

  protected dataHandler: ((bytes: Uint8Array) => void) | undefined;
  protected endHandler: (() => void) | undefined;
  protected closeHandler: ((reason: TcpCloseReason) => void) | undefined;
  protected connectHandler: (() => void) | undefined;
  protected drainHandler: (() => void) | undefined;

  constructor(
    protected readonly owner: TcpSockets,
    readonly endpoint: TcpEndpoint,
    /** Whether we were created by a listener (an RST or SYN in SYN-RECEIVED then just ends us). */
    readonly passive: boolean,
    iss: number,
    localMss: number,
    protected readonly timers: TcpTimers,
  ) {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
    this.sndMax = iss;
    this.announcedMss = localMss;
    this.sendMss = payloadMss(TCP_DEFAULT_MSS, endpoint);
    this.cwnd = 10 * this.sendMss; // RFC 6928
    this.rtoMs = timers.initialRtoMs;
    this.stateValue = passive ? "SYN-RECEIVED" : "SYN-SENT";
  }

  get state(): TcpState {
    return this.stateValue;
  }

  /** Bytes written and not yet acknowledged by the peer (the backpressure measure). */
  get bufferedBytes(): number {
    return this.sendQueue.length;
  }

  /** The current retransmission timeout (RFC 6298), for `show tcp`-style output and tests. */
  get retransmissionTimeoutMs(): number {
    return this.rtoMs;
  }

  /** Ends the connection for good (RFC 9293 CLOSED); the state machine owns it (connection.ts). */
  protected abstract finish(reason: TcpCloseReason): void;

  /** The peer's FIN arrived in sequence (§3.10.7.4 eighth step); connection.ts. */
  protected abstract peerFin(): void;

  protected receiveWindow(): number {
    return Math.max(0, TCP_RECEIVE_BUFFER_BYTES - this.readQueueBytes);
  }

  protected sendAckNow(): void {
    if (this.stateValue === "SYN-RECEIVED") this.sendSegment(this.iss, TcpFlag.Syn | TcpFlag.Ack, 0, 0);
    else this.sendSegment(this.sndNxt, TcpFlag.Ack, 0, 0);
  }

  /** Every segment we send goes through here, so it carries the current ACK and window. */
  protected sendSegment(seq: number, flags: number, dataOffset: number, dataLength: number): void {
    const window = this.receiveWindow();
    this.lastAdvertisedWindow = window;
    const ack = (flags & TcpFlag.Ack) !== 0 ? this.rcvNxt : 0;
    if (flags & TcpFlag.Ack) this.unackedSegments = 0;
    this.owner.transmit(this.endpoint, seq, ack, flags, window, (flags & TcpFlag.Syn) !== 0 ? this.announcedMss : 0, this.sendQueue, dataOffset, dataLength);
  }
}

/** RFC 9293 §3.7.1: the MSS counts options beyond the fixed header, so ours come off it. */
export function payloadMss(mss: number, endpoint: TcpEndpoint): number {
  return Math.max(1, mss - (endpoint.md5Key ? 20 : 0));
}
