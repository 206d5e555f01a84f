// One TCP connection as its user and TcpSockets see it: the RFC 9293 state machine from
// SYN-SENT / SYN-RECEIVED to CLOSED (opening, arriving-segment processing per §3.10.7 with
// RFC 5961 challenge ACKs, what an ACK or a FIN means for the state, TIME-WAIT) and the
// user's side (write, close, abort, flow control, callbacks). The sender's window, congestion
// control and retransmission timer live in send.ts, reassembly, delivery, delayed ACKs and
// the advertised window in receive.ts, the connection's variables in tcb.ts: the layers
// beneath this class. Window scaling, SACK and timestamps are not offered: BGP needs none of
// them, and a peer that offers them simply gets a plain 64 KB window.
//
// TcpSockets (sockets.ts) owns the connection table and builds the segments; a connection
// gets parsed segments from it and hands it segments to send.
import { TcpFlag, type TcpRepr } from "../../wire/tcp";
import { seqAdd, seqGt, seqInRange, seqLe } from "./seq";
import { TcpReceiveSide } from "./receive";
import type { TcpSockets } from "./sockets";
import { TCP_SEND_HIGH_WATER_BYTES, type TcpCloseReason, type TcpEndpoint, type TcpState, type TcpTimers } from "./tcb";

export class TcpConnection extends TcpReceiveSide {
  constructor(
    owner: TcpSockets,
    endpoint: TcpEndpoint,
    /** Whether we were created by a listener (an RST or SYN in SYN-RECEIVED then just ends us). */
    passive: boolean,
    iss: number,
    localMss: number,
    timers: TcpTimers,
    private readonly onEstablished: ((connection: TcpConnection) => void) | undefined,
  ) {
    super(owner, endpoint, passive, iss, localMss, timers);
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

  // §3.10.7.4 eighth step.
  protected peerFin(): void {
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

  private enterTimeWait(): void {
    this.stateValue = "TIME-WAIT";
    this.stopRtx();
    this.timeWaitTimer?.cancel();
    this.timeWaitTimer = this.owner.clock.after(2 * this.timers.mslMs, () => this.finish("closed"));
    this.reportClose("closed");
  }

  protected finish(reason: TcpCloseReason): void {
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
