// The receiving side of a TCP connection: segments are trimmed to the receive window, an
// in-order segment is delivered (or queued while the user has paused reading: flow control),
// out-of-order segments wait in a bounded, sorted reassembly queue until the hole fills, and
// ACKs follow RFC 5681 §4.2 (at once for out-of-order data or a filled hole, otherwise at
// least every second full segment, deferred to the end of the current batch of frames). The
// advertised window is what the read queue leaves of the receive buffer, re-announced with
// receiver-side silly window avoidance (RFC 9293 §3.8.6.2.2) when reading frees room.
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from "./seq";
import { TcpSendSide } from "./send";
import { MAX_OUT_OF_ORDER_SEGMENTS, TCP_RECEIVE_BUFFER_BYTES, type OutOfOrder, type TcpState } from "./tcb";

const RECEIVING: ReadonlySet<TcpState> = new Set(["ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2"]);

export abstract class TcpReceiveSide extends TcpSendSide {
  protected receiveText(seq: number, data: Uint8Array, fin: boolean): void {
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

  protected queueOutOfOrder(seq: number, data: Uint8Array, fin: boolean): void {
    const q = this.outOfOrder;
    let i = q.length;
    while (i > 0 && seqGt(q[i - 1].seq, seq)) i--;
    if (i > 0 && q[i - 1].seq === seq && q[i - 1].data.length >= data.length) return; // a duplicate
    if (q.length >= MAX_OUT_OF_ORDER_SEGMENTS) return;
    q.splice(i, 0, { seq, data, fin });
  }

  /** Delivers queued segments that now follow RCV.NXT; returns true if a FIN among them ended input. */
  protected pullOutOfOrder(): boolean {
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

  protected deliver(data: Uint8Array): void {
    if (data.length === 0) return;
    this.rcvNxt = seqAdd(this.rcvNxt, data.length);
    if (this.readPaused || this.dataHandler === undefined || this.readQueueHead < this.readQueue.length) {
      this.readQueue.push(data.slice()); // a copy: a view would pin the whole received frame
      this.readQueueBytes += data.length;
    } else this.dataHandler(data);
  }

  protected flushReadQueue(): void {
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

  protected delayedAck(): void {
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
}
