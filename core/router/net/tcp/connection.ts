// One TCP connection: the RFC 9293 state machine from SYN-SENT / SYN-RECEIVED to CLOSED,
// with the sender's sliding window (peer's window, RFC 5681 congestion window with NewReno
// fast retransmit and recovery, RFC 6582), the RFC 6298 retransmission timer with
// exponential backoff and Karn's rule, zero-window probing, the receiver's reassembly of
// out-of-order segments and its advertised window (flow control: `pauseReading`), delayed
// ACKs (at least every second full segment, RFC 5681 §4.2), RFC 5961 challenge ACKs, FIN
// in both directions and TIME-WAIT. Window scaling, SACK and timestamps are not offered:
// BGP needs none of them, and a peer that offers them simply gets a plain 64 KB window.
//
// TcpSockets (sockets.ts) owns the connection table and builds the segments; a connection
// gets parsed segments from it and hands it segments to send.
import type { Timer } from "../../clock/clock";
import type { Ipv4 } from "../../wire/addr";
import { TcpFlag, type TcpRepr } from "../../wire/tcp";
import type { Vrf } from "../vrf";
import { ByteQueue } from "./byte-queue";
import type { TcpMd5Key } from "./md5";
import { seqAdd, seqDiff, seqGe, seqGt, seqInRange, seqLe, seqLt } from "./seq";
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
const MAX_OUT_OF_ORDER_SEGMENTS = 256;
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

interface OutOfOrder {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly fin: boolean;
}

const SYNCHRONIZED_SENDING: ReadonlySet<TcpState> = new Set(["ESTABLISHED", "CLOSE-WAIT", "FIN-WAIT-1", "CLOSING", "LAST-ACK"]);
const RECEIVING: ReadonlySet<TcpState> = new Set(["ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2"]);

export class TcpConnection {
  private stateValue: TcpState;
  // Send sequence space (RFC 9293 §3.3.1); sndMax is the highest sequence sent so far.
  private readonly iss: number;
  private sndUna: number;
  private sndNxt: number;
  private sndMax: number;
  private sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  // Receive sequence space.
  private irs = 0;
  private rcvNxt = 0;
  private lastAdvertisedWindow = 0;

  private readonly sendQueue = new ByteQueue();
  private finQueued = false;
  /** Sequence number of our FIN (valid once finQueued). */
  private finSeq = 0;
  private finAcked = false;
  private synAcked = false;
  private established = false;
  private readonly outOfOrder: OutOfOrder[] = [];
  private readQueue: Uint8Array[] = [];
  private readQueueHead = 0;
  private readQueueBytes = 0;
  private readPaused = false;

  /** Sender MSS (data bytes per segment, after our own options) and the MSS we announce. */
  private sendMss: number;
  readonly announcedMss: number;

  // Congestion control (RFC 5681, RFC 6582).
  private cwnd: number;
  private ssthresh = 0x7fffffff;
  private dupAcks = 0;
  private inRecovery = false;
  private recover = 0;

  // RFC 6298.
  private srttMs = 0;
  private rttvarMs = 0;
  private rtoMs: number;
  private timing = false;
  private rttSeq = 0;
  private rttStartMs = 0;
  private retries = 0;
  private rtxDeadline = 0;
  private rtxTimer: Timer | undefined;
  private rtxTimerDue = 0;
  private timeWaitTimer: Timer | undefined;

  private unackedSegments = 0;
  private ackDeferred = false;
  private aboveHighWater = false;
  private closeReported = false;

  private dataHandler: ((bytes: Uint8Array) => void) | undefined;
  private endHandler: (() => void) | undefined;
  private closeHandler: ((reason: TcpCloseReason) => void) | undefined;
  private connectHandler: (() => void) | undefined;
  private drainHandler: (() => void) | undefined;

  constructor(
    private readonly owner: TcpSockets,
    readonly endpoint: TcpEndpoint,
    /** Whether we were created by a listener (an RST or SYN in SYN-RECEIVED then just ends us). */
    readonly passive: boolean,
    iss: number,
    localMss: number,
    private readonly timers: TcpTimers,
    private readonly onEstablished: ((connection: TcpConnection) => void) | undefined,
  ) {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
    this.sndMax = iss;
    this.announcedMss = localMss;
    this.sendMss = this.payloadMss(TCP_DEFAULT_MSS);
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

  // --- The user's side ----------------------------------------------------------------

  /** In-order data; bytes that arrived before a handler was set are delivered to it at once. */
  onData(handler: (bytes: Uint8Array) => void): void {
    this.dataHandler = handler;
    this.flushReadQueue();
  }

  /** The peer sent FIN: no more data will come (we may still write until we close). */
  onEnd(handler: () => void): void {
    this.endHandler = handler;
  }

  /** Runs once, when the connection is over for its user (CLOSED, or TIME-WAIT). */
  onClose(handler: (reason: TcpCloseReason) => void): void {
    this.closeHandler = handler;
  }

  /** An active open reached ESTABLISHED. */
  onConnect(handler: () => void): void {
    this.connectHandler = handler;
  }

  /** `write` returned false, and the buffered bytes have since fallen to half the high-water mark. */
  onDrain(handler: () => void): void {
    this.drainHandler = handler;
  }

  /**
   * Queues bytes to send (copied). Returns false once more than TCP_SEND_HIGH_WATER_BYTES wait,
   * as a hint to stop writing until `onDrain`; the bytes are kept either way. Writing after
   * close() or on a closed connection returns false and sends nothing.
   */
  write(bytes: Uint8Array): boolean {
    if (this.finQueued || !(this.stateValue === "SYN-SENT" || this.stateValue === "SYN-RECEIVED" || this.stateValue === "ESTABLISHED" || this.stateValue === "CLOSE-WAIT")) return false;
    this.sendQueue.push(bytes.slice());
    this.output();
    if (this.sendQueue.length > TCP_SEND_HIGH_WATER_BYTES) this.aboveHighWater = true;
    return !this.aboveHighWater;
  }

  /** Flow control: while paused, arriving data waits here and the advertised window shrinks. */
  pauseReading(): void {
    this.readPaused = true;
  }

  resumeReading(): void {
    this.readPaused = false;
    this.flushReadQueue();
  }

  /** Graceful close (RFC 9293 §3.10.4): our FIN goes after the queued data. */
  close(): void {
    switch (this.stateValue) {
      case "SYN-SENT":
        this.finish("closed");
        return;
      case "SYN-RECEIVED":
        this.queueFin(); // sent once the handshake completes
        return;
      case "ESTABLISHED":
        this.queueFin();
        this.stateValue = "FIN-WAIT-1";
        this.output();
        return;
      case "CLOSE-WAIT":
        this.queueFin();
        this.stateValue = "LAST-ACK";
        this.output();
        return;
      default:
        return;
    }
  }

  /** RFC 9293 §3.10.5: drops everything and sends RST if the peer knows of us. */
  abort(): void {
    if (this.stateValue === "CLOSED") return;
    if (this.stateValue !== "SYN-SENT" && this.stateValue !== "TIME-WAIT") this.sendSegment(this.sndNxt, TcpFlag.Rst | TcpFlag.Ack, 0, 0);
    this.finish("aborted");
  }

  // --- Opening ------------------------------------------------------------------------

  /** Active open: sends the SYN (RFC 9293 §3.10.1). */
  start(): void {
    this.sendSyn();
  }

  /** Passive open: the listener saw `syn`; answers with SYN-ACK (RFC 9293 §3.10.7.2). */
  acceptSyn(syn: TcpRepr): void {
    this.irs = syn.seq;
    this.rcvNxt = seqAdd(syn.seq, 1);
    this.sndWnd = syn.window;
    this.sndWl1 = syn.seq;
    this.learnMss(syn);
    this.sendSyn();
  }

  private sendSyn(): void {
    const flags = this.stateValue === "SYN-RECEIVED" ? TcpFlag.Syn | TcpFlag.Ack : TcpFlag.Syn;
    this.sendSegment(this.iss, flags, 0, 0);
    this.sndNxt = seqAdd(this.iss, 1);
    this.sndMax = this.sndNxt;
    this.armRtx(this.rtoMs);
  }

  private learnMss(syn: TcpRepr): void {
    let peerMss = TCP_DEFAULT_MSS;
    for (const option of syn.options) if (option.type === "mss") peerMss = option.mss;
    this.sendMss = this.payloadMss(Math.min(peerMss, this.announcedMss));
    this.cwnd = 10 * this.sendMss;
  }

  /** RFC 9293 §3.7.1: the MSS counts options beyond the fixed header, so ours come off it. */
  private payloadMss(mss: number): number {
    return Math.max(1, mss - (this.endpoint.md5Key ? 20 : 0));
  }

  // --- Arriving segments (RFC 9293 §3.10.7) ------------------------------------------------

  segmentArrived(seg: TcpRepr, data: Uint8Array): void {
    switch (this.stateValue) {
      case "CLOSED":
        return;
      case "SYN-SENT":
        this.synSentArrived(seg);
        return;
      default:
        this.synchronizedArrived(seg, data);
    }
  }

  // §3.10.7.3 SYN-SENT
  private synSentArrived(seg: TcpRepr): void {
    const f = seg.flags;
    const hasAck = (f & TcpFlag.Ack) !== 0;
    if (hasAck && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      if ((f & TcpFlag.Rst) === 0) this.owner.sendReset(this.endpoint, seg.ack, 0, false);
      return;
    }
    if (f & TcpFlag.Rst) {
      if (hasAck) this.finish("refused");
      return;
    }
    if ((f & TcpFlag.Syn) === 0) return;
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.learnMss(seg);
    if (hasAck) {
      this.sndUna = seg.ack;
      this.synAcked = true;
      this.sndWnd = seg.window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.retries = 0;
      this.stopRtx();
      this.becomeEstablished();
      this.sendAckNow();
      return;
    }
    // Simultaneous open: SYN-RECEIVED, our SYN again with an ACK.
    this.stateValue = "SYN-RECEIVED";
    this.sndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.sendSegment(this.iss, TcpFlag.Syn | TcpFlag.Ack, 0, 0);
  }

  private synchronizedArrived(seg: TcpRepr, data: Uint8Array): void {
    const f = seg.flags;
    const fin = (f & TcpFlag.Fin) !== 0;
    const segLen = data.length + ((f & TcpFlag.Syn) !== 0 ? 1 : 0) + (fin ? 1 : 0);
    const wnd = this.receiveWindow();
    const windowEnd = seqAdd(this.rcvNxt, wnd);
    // First: is the segment within the receive window?
    let acceptable: boolean;
    if (segLen === 0) acceptable = wnd === 0 ? seg.seq === this.rcvNxt : seqInRange(seg.seq, this.rcvNxt, windowEnd);
    else acceptable = wnd > 0 && (seqInRange(seg.seq, this.rcvNxt, windowEnd) || seqInRange(seqAdd(seg.seq, segLen - 1), this.rcvNxt, windowEnd));
    if (!acceptable) {
      if (f & TcpFlag.Rst) return;
      if (this.stateValue === "TIME-WAIT" && fin) this.enterTimeWait(); // a retransmitted FIN restarts 2 MSL
      this.sendAckNow();
      // A zero window still takes the ACK of a probe-sized segment at RCV.NXT.
      if (!(wnd === 0 && seg.seq === this.rcvNxt && (f & TcpFlag.Ack) !== 0)) return;
      data = data.subarray(0, 0);
    }
    // Second: RST (RFC 5961 §3.2: only an exact match resets; others get a challenge ACK).
    if (f & TcpFlag.Rst) {
      if (seg.seq !== this.rcvNxt) {
        this.sendAckNow();
        return;
      }
      this.finish(this.stateValue === "SYN-RECEIVED" && !this.passive ? "refused" : "reset");
      return;
    }
    // Fourth: SYN in a synchronized state (RFC 5961 §4: challenge ACK).
    if (f & TcpFlag.Syn) {
      this.sendAckNow();
      return;
    }
    // Fifth: the ACK field.
    if ((f & TcpFlag.Ack) === 0) return;
    if (this.stateValue === "SYN-RECEIVED") {
      if (!(seqGt(seg.ack, this.sndUna) && seqLe(seg.ack, this.sndMax))) {
        this.owner.sendReset(this.endpoint, seg.ack, 0, false);
        return;
      }
      this.sndWnd = seg.window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.becomeEstablished();
      if ((this.stateValue as TcpState) === "CLOSED") return; // the accept callback aborted us
    }
    if (!this.processAck(seg, data.length)) return;
    if (this.stateValue === "CLOSED" || this.stateValue === "TIME-WAIT") return;
    // Seventh and eighth: data and FIN.
    if (data.length > 0 || fin) this.receiveText(seg.seq, data, fin);
    this.output();
  }

  private becomeEstablished(): void {
    this.stateValue = "ESTABLISHED";
    this.established = true;
    if (this.passive) this.onEstablished?.(this);
    else this.connectHandler?.();
    if (this.finQueued && this.stateValue === "ESTABLISHED") this.stateValue = "FIN-WAIT-1";
    this.output();
  }

  /** §3.10.7.4 fifth step for synchronized states; returns false when the segment is done with. */
  private processAck(seg: TcpRepr, dataLength: number): boolean {
    const ack = seg.ack;
    if (seqGt(ack, this.sndMax)) {
      this.sendAckNow(); // acknowledges something not yet sent
      return false;
    }
    if (seqGt(ack, this.sndUna)) {
      this.newAck(ack);
      this.updateWindow(seg);
    } else if (ack === this.sndUna) {
      const windowChanged = seg.window !== this.sndWnd;
      this.updateWindow(seg);
      // RFC 5681 §2: a duplicate ACK carries no data, no SYN/FIN, the same window, and data is
      // outstanding; answers to our probes of a closed window are not signs of loss.
      if (dataLength === 0 && (seg.flags & (TcpFlag.Syn | TcpFlag.Fin)) === 0 && !windowChanged && this.sndMax !== this.sndUna && this.sndWnd > 0) this.duplicateAck();
    }
    switch (this.stateValue) {
      case "FIN-WAIT-1":
        if (this.finAcked) this.stateValue = "FIN-WAIT-2";
        break;
      case "CLOSING":
        if (this.finAcked) {
          this.enterTimeWait();
          return false;
        }
        break;
      case "LAST-ACK":
        if (this.finAcked) {
          this.finish("closed");
          return false;
        }
        break;
      default:
        break;
    }
    return true;
  }

  private updateWindow(seg: TcpRepr): void {
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, seg.ack))) {
      this.sndWnd = seg.window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
    }
  }

  private newAck(ack: number): void {
    let acked = seqDiff(ack, this.sndUna);
    if (!this.synAcked) {
      this.synAcked = true;
      acked -= 1; // our SYN
    }
    if (this.finQueued && seqGt(ack, this.finSeq)) {
      this.finAcked = true;
      acked -= 1;
    }
    const dataAcked = Math.min(acked, this.sendQueue.length);
    this.sendQueue.drop(dataAcked);
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    // RFC 6298 (2.2, 2.3) with Karn's rule: only segments sent once are timed.
    if (this.timing && seqGt(ack, this.rttSeq)) {
      this.timing = false;
      this.rttSample(this.owner.clock.now() - this.rttStartMs);
    } else if (this.retries > 0) this.rtoMs = this.computedRto(); // RFC 6298 (5.7) backoff ends with new data acked
    this.retries = 0;
    // RFC 5681 / RFC 6582.
    if (this.inRecovery) {
      if (seqGe(ack, this.recover)) {
        this.inRecovery = false;
        this.cwnd = Math.min(this.ssthresh, Math.max(this.flight(), this.sendMss) + this.sendMss);
      } else {
        // Partial ACK: the next hole is lost too.
        this.retransmitFirst();
        this.cwnd = Math.max(this.sendMss, this.cwnd - dataAcked + this.sendMss);
      }
    } else if (this.cwnd < this.ssthresh) this.cwnd += Math.min(dataAcked, this.sendMss);
    else this.cwnd += Math.max(1, Math.floor((this.sendMss * this.sendMss) / this.cwnd));
    this.dupAcks = 0;
    if (this.sndUna === this.sndMax) this.stopRtx();
    else this.armRtx(this.rtoMs, true);
    if (this.aboveHighWater && this.sendQueue.length <= TCP_SEND_HIGH_WATER_BYTES / 2) {
      this.aboveHighWater = false;
      this.drainHandler?.();
    }
  }

  // RFC 5681 §3.2 with RFC 6582's recovery point.
  private duplicateAck(): void {
    this.dupAcks++;
    if (this.dupAcks === 3 && !this.inRecovery) {
      this.ssthresh = Math.max(Math.floor(this.flight() / 2), 2 * this.sendMss);
      this.recover = this.sndMax;
      this.inRecovery = true;
      this.timing = false;
      this.retransmitFirst();
      this.cwnd = this.ssthresh + 3 * this.sendMss;
    } else if (this.dupAcks > 3 && this.inRecovery) {
      this.cwnd += this.sendMss;
    }
  }

  private flight(): number {
    return seqDiff(this.sndMax, this.sndUna);
  }

  /** Sends the first unacknowledged segment again (fast retransmit, partial ACK). */
  private retransmitFirst(): void {
    const length = Math.min(this.sendMss, this.sendQueue.length);
    const fin = this.finQueued && seqAdd(this.sndUna, length) === this.finSeq;
    if (length === 0 && !fin) return;
    this.sendSegment(this.sndUna, TcpFlag.Ack | (fin ? TcpFlag.Fin : 0) | (length > 0 ? TcpFlag.Psh : 0), 0, length);
  }

  private receiveText(seq: number, data: Uint8Array, fin: boolean): void {
    if (!RECEIVING.has(this.stateValue)) return; // data after the peer's FIN, or after ours was acked and theirs came
    // Trim what we already have, and what lies beyond the window.
    if (seqLt(seq, this.rcvNxt)) {
      const old = seqDiff(this.rcvNxt, seq);
      if (old > data.length) return; // only a FIN we already took
      data = data.subarray(old);
      seq = this.rcvNxt;
    }
    const room = seqDiff(seqAdd(this.rcvNxt, this.receiveWindow()), seq);
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      fin = false;
    }
    if (seq !== this.rcvNxt) {
      this.queueOutOfOrder(seq, data, fin);
      this.sendAckNow(); // RFC 5681 §4.2: an out-of-order segment is acknowledged at once
      return;
    }
    const filledHole = this.outOfOrder.length > 0;
    this.deliver(data);
    if (fin) {
      this.peerFin();
      return;
    }
    if (this.pullOutOfOrder()) return;
    if (filledHole) this.sendAckNow();
    else if (data.length > 0) this.delayedAck();
  }

  private queueOutOfOrder(seq: number, data: Uint8Array, fin: boolean): void {
    const q = this.outOfOrder;
    let i = q.length;
    while (i > 0 && seqGt(q[i - 1].seq, seq)) i--;
    if (i > 0 && q[i - 1].seq === seq && q[i - 1].data.length >= data.length) return; // a duplicate
    if (q.length >= MAX_OUT_OF_ORDER_SEGMENTS) return;
    q.splice(i, 0, { seq, data, fin });
  }

  /** Delivers queued segments that now follow RCV.NXT; returns true if a FIN among them ended input. */
  private pullOutOfOrder(): boolean {
    const q = this.outOfOrder;
    while (q.length > 0 && seqLe(q[0].seq, this.rcvNxt)) {
      const entry = q.shift() as OutOfOrder;
      const skip = seqDiff(this.rcvNxt, entry.seq);
      if (skip > entry.data.length) continue;
      this.deliver(entry.data.subarray(skip));
      if (entry.fin && seqAdd(entry.seq, entry.data.length) === this.rcvNxt) {
        q.length = 0;
        this.peerFin();
        return true;
      }
    }
    return false;
  }

  private deliver(data: Uint8Array): void {
    if (data.length === 0) return;
    this.rcvNxt = seqAdd(this.rcvNxt, data.length);
    if (this.readPaused || this.dataHandler === undefined || this.readQueueHead < this.readQueue.length) {
      this.readQueue.push(data.slice()); // a copy: a view would pin the whole received frame
      this.readQueueBytes += data.length;
    } else this.dataHandler(data);
  }

  private flushReadQueue(): void {
    const before = this.receiveWindow();
    while (!this.readPaused && this.dataHandler !== undefined && this.readQueueHead < this.readQueue.length) {
      const chunk = this.readQueue[this.readQueueHead++];
      this.readQueueBytes -= chunk.length;
      this.dataHandler(chunk);
    }
    if (this.readQueueHead === this.readQueue.length) {
      this.readQueue = [];
      this.readQueueHead = 0;
    }
    // Receiver-side silly window avoidance (RFC 9293 §3.8.6.2.2): announce a window that opened by an MSS or half the buffer.
    const opened = this.receiveWindow() - this.lastAdvertisedWindow;
    if (this.receiveWindow() > before && opened >= Math.min(this.announcedMss, TCP_RECEIVE_BUFFER_BYTES / 2) && RECEIVING.has(this.stateValue)) this.sendAckNow();
  }

  // §3.10.7.4 eighth step.
  private peerFin(): void {
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.sendAckNow();
    switch (this.stateValue) {
      case "ESTABLISHED":
        this.stateValue = "CLOSE-WAIT";
        break;
      case "FIN-WAIT-1":
        if (this.finAcked) this.enterTimeWait();
        else this.stateValue = "CLOSING";
        break;
      case "FIN-WAIT-2":
        this.enterTimeWait();
        break;
      default:
        break;
    }
    this.endHandler?.();
  }

  private receiveWindow(): number {
    return Math.max(0, TCP_RECEIVE_BUFFER_BYTES - this.readQueueBytes);
  }

  // --- Sending ----------------------------------------------------------------------

  private queueFin(): void {
    if (this.finQueued) return;
    this.finQueued = true;
    this.finSeq = seqAdd(this.synAcked ? this.sndUna : seqAdd(this.iss, 1), this.sendQueue.length);
  }

  /** Sends what the windows allow: new data, a go-back-N retransmission after an RTO, and the FIN. */
  private output(probe = false): void {
    if (!SYNCHRONIZED_SENDING.has(this.stateValue)) return;
    for (;;) {
      const offset = seqDiff(this.sndNxt, this.sndUna);
      const queued = this.sendQueue.length;
      const unsent = Math.max(0, queued - offset);
      const room = Math.min(this.sndWnd, this.cwnd) - offset;
      let length = Math.min(unsent, this.sendMss, Math.max(0, room));
      if (probe && length === 0 && unsent > 0) length = 1; // RFC 9293 §3.8.6.1: one byte into a zero window
      probe = false;
      const fin = this.finQueued && seqAdd(this.sndNxt, length) === this.finSeq;
      if (length === 0 && !fin) {
        // A closed window with nothing in flight: the retransmission timer becomes the persist timer.
        if (unsent > 0 && this.sndUna === this.sndMax && this.rtxDeadline === 0) this.armRtx(this.rtoMs);
        return;
      }
      // Sender silly window avoidance: a short segment only if it is all we have or nothing is in flight.
      if (length < this.sendMss && length < unsent && offset > 0) return;
      const seq = this.sndNxt;
      const end = seqAdd(seq, length + (fin ? 1 : 0));
      this.sendSegment(seq, TcpFlag.Ack | (fin ? TcpFlag.Fin : 0) | (length > 0 && length === unsent ? TcpFlag.Psh : 0), offset, length);
      if (seqGt(end, this.sndMax)) {
        if (!this.timing && seqGe(seq, this.sndMax)) {
          this.timing = true;
          this.rttSeq = seq;
          this.rttStartMs = this.owner.clock.now();
        }
        this.sndMax = end;
      }
      this.sndNxt = end;
      if (this.rtxDeadline === 0) this.armRtx(this.rtoMs);
    }
  }

  private delayedAck(): void {
    this.unackedSegments++;
    if (this.unackedSegments >= 2) {
      this.sendAckNow();
      return;
    }
    if (this.ackDeferred) return;
    this.ackDeferred = true;
    // After the current batch of frames: a reply or the next segment usually carries it first.
    this.owner.clock.defer(() => {
      this.ackDeferred = false;
      if (this.unackedSegments > 0 && this.stateValue !== "CLOSED") this.sendAckNow();
    });
  }

  private sendAckNow(): void {
    if (this.stateValue === "SYN-RECEIVED") this.sendSegment(this.iss, TcpFlag.Syn | TcpFlag.Ack, 0, 0);
    else this.sendSegment(this.sndNxt, TcpFlag.Ack, 0, 0);
  }

  /** Every segment we send goes through here, so it carries the current ACK and window. */
  private sendSegment(seq: number, flags: number, dataOffset: number, dataLength: number): void {
    const window = this.receiveWindow();
    this.lastAdvertisedWindow = window;
    const ack = (flags & TcpFlag.Ack) !== 0 ? this.rcvNxt : 0;
    if (flags & TcpFlag.Ack) this.unackedSegments = 0;
    this.owner.transmit(this.endpoint, seq, ack, flags, window, (flags & TcpFlag.Syn) !== 0 ? this.announcedMss : 0, this.sendQueue, dataOffset, dataLength);
  }

  // --- Timers -----------------------------------------------------------------------

  /** RFC 6298 (2.2, 2.3). */
  private rttSample(rttMs: number): void {
    if (this.srttMs === 0) {
      this.srttMs = Math.max(rttMs, 1);
      this.rttvarMs = rttMs / 2;
    } else {
      this.rttvarMs = 0.75 * this.rttvarMs + 0.25 * Math.abs(this.srttMs - rttMs);
      this.srttMs = 0.875 * this.srttMs + 0.125 * rttMs;
    }
    this.rtoMs = this.computedRto();
  }

  private computedRto(): number {
    if (this.srttMs === 0) return this.timers.initialRtoMs;
    const rto = this.srttMs + Math.max(1, 4 * this.rttvarMs);
    return Math.min(this.timers.maxRtoMs, Math.max(this.timers.minRtoMs, rto));
  }

  /** (Re)starts the retransmission timer; one clock timer is kept and moved lazily. */
  private armRtx(delayMs: number, restart = false): void {
    if (this.rtxDeadline !== 0 && !restart) return;
    const now = this.owner.clock.now();
    this.rtxDeadline = now + delayMs;
    if (this.rtxTimer !== undefined && this.rtxTimerDue <= this.rtxDeadline) return;
    this.rtxTimer?.cancel();
    this.rtxTimerDue = this.rtxDeadline;
    this.rtxTimer = this.owner.clock.after(delayMs, this.rtxFired);
  }

  private stopRtx(): void {
    this.rtxDeadline = 0;
    this.rtxTimer?.cancel();
    this.rtxTimer = undefined;
  }

  private readonly rtxFired = (): void => {
    this.rtxTimer = undefined;
    if (this.rtxDeadline === 0) return;
    const now = this.owner.clock.now();
    if (now < this.rtxDeadline) {
      this.rtxTimerDue = this.rtxDeadline;
      this.rtxTimer = this.owner.clock.after(this.rtxDeadline - now, this.rtxFired);
      return;
    }
    this.rtxDeadline = 0;
    this.retransmissionTimeout();
  };

  // RFC 6298 §5 (5.4–5.6), RFC 5681 §3.1 (loss window).
  private retransmissionTimeout(): void {
    const zeroWindowProbe = this.sndWnd === 0 && this.stateValue !== "SYN-SENT" && this.stateValue !== "SYN-RECEIVED";
    // A peer that keeps answering probes of its closed window is alive: those do not count.
    if (!zeroWindowProbe) this.retries++;
    const limit = this.stateValue === "SYN-SENT" || this.stateValue === "SYN-RECEIVED" ? this.timers.synRetries : this.timers.dataRetries;
    if (this.retries > limit) {
      if (this.stateValue !== "SYN-SENT") this.sendSegment(this.sndNxt, TcpFlag.Rst | TcpFlag.Ack, 0, 0);
      this.finish("timeout");
      return;
    }
    this.rtoMs = Math.min(this.timers.maxRtoMs, this.rtoMs * 2);
    this.timing = false;
    if (this.stateValue === "SYN-SENT" || this.stateValue === "SYN-RECEIVED") {
      this.sendSyn();
      return;
    }
    if (!zeroWindowProbe) {
      this.ssthresh = Math.max(Math.floor(this.flight() / 2), 2 * this.sendMss);
      this.cwnd = this.sendMss;
      this.inRecovery = false;
      this.dupAcks = 0;
    }
    this.sndNxt = this.sndUna;
    this.output(true);
    if (this.rtxDeadline === 0 && this.sndUna !== this.sndMax) this.armRtx(this.rtoMs);
  }

  private enterTimeWait(): void {
    this.stateValue = "TIME-WAIT";
    this.stopRtx();
    this.timeWaitTimer?.cancel();
    this.timeWaitTimer = this.owner.clock.after(2 * this.timers.mslMs, () => this.finish("closed"));
    this.reportClose("closed");
  }

  private finish(reason: TcpCloseReason): void {
    if (this.stateValue === "CLOSED") return;
    this.stateValue = "CLOSED";
    this.stopRtx();
    this.timeWaitTimer?.cancel();
    this.owner.release(this);
    this.reportClose(reason);
  }

  private reportClose(reason: TcpCloseReason): void {
    if (this.closeReported) return;
    this.closeReported = true;
    // A connection still in SYN-RECEIVED was never handed to anyone: it just goes.
    if (this.passive && !this.established) return;
    this.closeHandler?.(reason);
  }
}
