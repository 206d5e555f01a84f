// The sending side of a TCP connection: the send queue leaves through the sliding window
// (the peer's window, and the RFC 5681 congestion window with slow start and congestion
// avoidance), new ACKs free the queue and grow the window, three duplicate ACKs start
// NewReno fast retransmit and recovery (RFC 6582), and the RFC 6298 retransmission timer
// (exponential backoff, Karn's rule, go-back-N after it fires) doubles as the persist timer
// that probes a closed window (RFC 9293 §3.8.6.1). Also the SYN we send and the MSS we learn.
// Which state may send, and what an ACK means for the state, is decided in connection.ts.
import { TcpFlag, type TcpRepr } from "../../wire/tcp";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "./seq";
import { TCP_DEFAULT_MSS, TCP_SEND_HIGH_WATER_BYTES, TcpControlBlock, payloadMss, type TcpState } from "./tcb";

const SYNCHRONIZED_SENDING: ReadonlySet<TcpState> = new Set(["ESTABLISHED", "CLOSE-WAIT", "FIN-WAIT-1", "CLOSING", "LAST-ACK"]);

export abstract class TcpSendSide extends TcpControlBlock {
  // --- Sending ----------------------------------------------------------------------

  protected queueFin(): void {
    if (this.finQueued) return;
    this.finQueued = true;
    this.finSeq = seqAdd(this.synAcked ? this.sndUna : seqAdd(this.iss, 1), this.sendQueue.length);
  }

  /** Sends what the windows allow: new data, a go-back-N retransmission after an RTO, and the FIN. */
  protected output(probe = false): void {
    if (!SYNCHRONIZED_SENDING.has(this.stateValue)) return;
    for (;;) {
      // Until our SYN is acknowledged it sits between sndUna and the first data byte: a
      // listener's accept callback writes before the handshake's ACK is processed.
      const offset = seqDiff(this.sndNxt, this.sndUna) - (this.synAcked ? 0 : 1);
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

  protected sendSyn(): void {
    const flags = this.stateValue === "SYN-RECEIVED" ? TcpFlag.Syn | TcpFlag.Ack : TcpFlag.Syn;
    this.sendSegment(this.iss, flags, 0, 0);
    this.sndNxt = seqAdd(this.iss, 1);
    this.sndMax = this.sndNxt;
    this.armRtx(this.rtoMs);
  }

  protected learnMss(syn: TcpRepr): void {
    let peerMss = TCP_DEFAULT_MSS;
    for (const option of syn.options) if (option.type === "mss") peerMss = option.mss;
    this.sendMss = payloadMss(Math.min(peerMss, this.announcedMss), this.endpoint);
    this.cwnd = 10 * this.sendMss;
  }

  protected updateWindow(seg: TcpRepr): void {
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, seg.ack))) {
      this.sndWnd = seg.window;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
    }
  }

  protected newAck(ack: number): void {
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
  protected duplicateAck(): void {
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

  protected flight(): number {
    return seqDiff(this.sndMax, this.sndUna);
  }

  /** Sends the first unacknowledged segment again (fast retransmit, partial ACK). */
  protected retransmitFirst(): void {
    const length = Math.min(this.sendMss, this.sendQueue.length);
    const fin = this.finQueued && seqAdd(this.sndUna, length) === this.finSeq;
    if (length === 0 && !fin) return;
    this.sendSegment(this.sndUna, TcpFlag.Ack | (fin ? TcpFlag.Fin : 0) | (length > 0 ? TcpFlag.Psh : 0), 0, length);
  }

  // --- Timers -----------------------------------------------------------------------

  /** RFC 6298 (2.2, 2.3). */
  protected rttSample(rttMs: number): void {
    if (this.srttMs === 0) {
      this.srttMs = Math.max(rttMs, 1);
      this.rttvarMs = rttMs / 2;
    } else {
      this.rttvarMs = 0.75 * this.rttvarMs + 0.25 * Math.abs(this.srttMs - rttMs);
      this.srttMs = 0.875 * this.srttMs + 0.125 * rttMs;
    }
    this.rtoMs = this.computedRto();
  }

  protected computedRto(): number {
    if (this.srttMs === 0) return this.timers.initialRtoMs;
    const rto = this.srttMs + Math.max(1, 4 * this.rttvarMs);
    return Math.min(this.timers.maxRtoMs, Math.max(this.timers.minRtoMs, rto));
  }

  /** (Re)starts the retransmission timer; one clock timer is kept and moved lazily. */
  protected armRtx(delayMs: number, restart = false): void {
    if (this.rtxDeadline !== 0 && !restart) return;
    const now = this.owner.clock.now();
    this.rtxDeadline = now + delayMs;
    if (this.rtxTimer !== undefined && this.rtxTimerDue <= this.rtxDeadline) return;
    this.rtxTimer?.cancel();
    this.rtxTimerDue = this.rtxDeadline;
    this.rtxTimer = this.owner.clock.after(delayMs, this.rtxFired);
  }

  protected stopRtx(): void {
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
  protected retransmissionTimeout(): void {
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
}
