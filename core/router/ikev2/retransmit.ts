// Requests and responses of one IKE SA (RFC 7296 §2.1, §2.3): a request is retransmitted with
// backoff until its response comes, one is outstanding at a time (window size 1) and the rest
// queue; our last response is kept to answer a retransmitted request again.
// Functions of IkeEngine (`this` is the engine), bound in engine.ts.

import type { IkeSa, PendingRequest } from "./sa";
import type { IkeEngine } from "./engine";

/** RFC 7296 §2.1 style: retransmit after 2 s, doubling, five times (IOS's default count). */
export const RETRANSMIT_FIRST_MS = 2_000;
export const RETRANSMIT_LIMIT = 5;

/** Sends a request, retransmitting with backoff until its response comes; queues it when
 * one is outstanding (window size 1). */
export function request(this: IkeEngine, sa: IkeSa, exchangeType: number, build: (messageId: number) => { datagrams: Uint8Array[]; what: string }, onResponse: PendingRequest["onResponse"], onTimeout: () => void): void {
  const start = (): void => {
    if (sa.state === "dead") return;
    const messageId = sa.nextRequestId++;
    const { datagrams, what } = build(messageId);
    const pending: PendingRequest = { messageId, exchangeType, datagrams, onResponse, onTimeout, tries: 0, timer: undefined };
    sa.pending = pending;
    this.transmit(sa, datagrams, what);
    this.armRetransmit(sa, pending);
  };
  if (sa.pending) sa.queue.push(start);
  else start();
}

export function armRetransmit(this: IkeEngine, sa: IkeSa, pending: PendingRequest): void {
  const delay = RETRANSMIT_FIRST_MS * 2 ** pending.tries;
  pending.timer = this.clock.after(delay, () => {
    if (sa.pending !== pending) return;
    if (pending.tries >= RETRANSMIT_LIMIT) {
      sa.pending = undefined;
      pending.onTimeout();
      return;
    }
    pending.tries++;
    this.stats.retransmits++;
    if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Retransmitting packet`);
    // Every fragment again (RFC 7383 §2.6.1): the peer keeps none of an incomplete message.
    for (const d of pending.datagrams) this.host.send(sa.fvrf, sa.local, sa.remote, d);
    this.armRetransmit(sa, pending);
  });
}

export function finishRequest(this: IkeEngine, sa: IkeSa): void {
  sa.pending?.timer?.cancel();
  sa.pending = undefined;
  const next = sa.queue.shift();
  if (next) next();
}

export function respond(this: IkeEngine, sa: IkeSa, messageId: number, datagrams: Uint8Array[], what: string): void {
  sa.lastResponse = { messageId, datagrams };
  this.transmit(sa, datagrams, what);
}

export function finishRequestBefore(this: IkeEngine, sa: IkeSa, handle: () => void): void {
  sa.pending?.timer?.cancel();
  sa.pending = undefined;
  handle();
  if (!sa.pending && sa.state !== "dead") {
    const next = sa.queue.shift();
    if (next) next();
  }
}
