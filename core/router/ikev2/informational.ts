// INFORMATIONAL (RFC 7296 §1.4): deletes of IKE and child SAs in both directions, and DPD
// liveness checks (§2.4, IOS `dpd INTERVAL RETRY`). Functions of IkeEngine (`this` is the
// engine), bound in engine.ts.

import type { IkePayload } from "../wire/ikev2-payloads";
import { IkeExchangeType, IkeProtocolId, NotifyType } from "../wire/ikev2-registry";
import { payloadList, readSpi, spi4 } from "./messages";
import type { IkeSa, ChildSa, PendingRequest } from "./sa";
import { RETRANSMIT_LIMIT } from "./retransmit";
import type { IkeEngine } from "./engine";

export function informationalRequest(this: IkeEngine, sa: IkeSa, messageId: number, payloads: IkePayload[]): void {
  const reply: IkePayload[] = [];
  for (const p of payloads) {
    if (p.kind === "delete" && p.protocolId === IkeProtocolId.IKE) {
      this.respond(sa, messageId, sa.seal(IkeExchangeType.INFORMATIONAL, true, messageId, []), "");
      this.remove(sa, "Deleted by the peer", false);
      return;
    }
    if (p.kind === "delete" && p.protocolId === IkeProtocolId.ESP) {
      const ours: Uint8Array[] = [];
      for (const s of p.spis) {
        const child = sa.children.find((c) => c.outbound.spi === readSpi(s));
        if (!child) continue;
        ours.push(spi4(child.inbound.spi));
        this.dropChild(sa, child);
      }
      if (ours.length) reply.push({ kind: "delete", protocolId: IkeProtocolId.ESP, spiSize: 4, spis: ours });
    }
    if (p.kind === "notify" && p.notifyType === NotifyType.AUTHENTICATION_FAILED) {
      this.respond(sa, messageId, sa.seal(IkeExchangeType.INFORMATIONAL, true, messageId, []), "");
      this.fail(sa, "The peer failed to authenticate us", 3);
      return;
    }
  }
  this.respond(sa, messageId, sa.seal(IkeExchangeType.INFORMATIONAL, true, messageId, reply), payloadList(reply));
}

export function deleteChild(this: IkeEngine, sa: IkeSa, child: ChildSa): void {
  const payloads: IkePayload[] = [{ kind: "delete", protocolId: IkeProtocolId.ESP, spiSize: 4, spis: [spi4(child.inbound.spi)] }];
  this.request(
    sa,
    IkeExchangeType.INFORMATIONAL,
    (messageId) => ({ datagrams: sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), what: payloadList(payloads) }),
    () => this.dropChild(sa, child),
    () => this.fail(sa, "INFORMATIONAL not answered", 4),
  );
}

export function dropChild(this: IkeEngine, sa: IkeSa, child: ChildSa): void {
  const at = sa.children.indexOf(child);
  if (at < 0) return;
  sa.children.splice(at, 1);
  child.rekeyTimer?.cancel();
  this.childSpis.delete(child.inbound.spi);
  this.host.childDown(sa, child);
}

/** Deletes an IKE SA and its children, telling the peer (`clear crypto ikev2 sa`). */
export function deleteSa(this: IkeEngine, sa: IkeSa, reason = "Deleted locally"): void {
  if (sa.state === "dead") return;
  if (sa.state !== "established") {
    this.remove(sa, reason, false);
    return;
  }
  sa.state = "deleting";
  const payloads: IkePayload[] = [{ kind: "delete", protocolId: IkeProtocolId.IKE, spiSize: 0, spis: [] }];
  sa.queue.length = 0;
  sa.pending?.timer?.cancel();
  sa.pending = undefined;
  this.request(
    sa,
    IkeExchangeType.INFORMATIONAL,
    (messageId) => ({ datagrams: sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), what: payloadList(payloads) }),
    () => this.remove(sa, reason, false),
    () => this.remove(sa, reason, false),
  );
}

/** DPD (RFC 7296 §2.4, IOS `dpd INTERVAL RETRY`): after INTERVAL seconds without hearing
 * from the peer, an empty INFORMATIONAL; retried every RETRY seconds, five times. */
export function startDpd(this: IkeEngine, sa: IkeSa): void {
  const dpd = sa.dpd;
  if (!dpd) return;
  const check = (): void => {
    if (sa.state !== "established" || sa.pending) return;
    if (this.clock.now() - sa.lastInboundMs < dpd.intervalSec * 1000) return;
    this.liveness(sa, dpd.retrySec);
  };
  sa.timers.push(this.clock.every(dpd.intervalSec * 1000, check));
}

export function liveness(this: IkeEngine, sa: IkeSa, retrySec: number): void {
  const messageId = sa.nextRequestId++;
  const datagrams = sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, []);
  let tries = 0;
  const pending: PendingRequest = {
    messageId,
    exchangeType: IkeExchangeType.INFORMATIONAL,
    datagrams,
    tries: 0,
    timer: undefined,
    onResponse: () => undefined,
    onTimeout: () => undefined,
  };
  const arm = (): void => {
    pending.timer = this.clock.after(retrySec * 1000, () => {
      if (sa.pending !== pending) return;
      if (tries >= RETRANSMIT_LIMIT) {
        sa.pending = undefined;
        this.host.log("IKEV2", 5, "SA_DOWN", `SA DOWN`);
        this.remove(sa, "Dead peer detected", true);
        return;
      }
      tries++;
      this.stats.retransmits++;
      for (const d of datagrams) this.host.send(sa.fvrf, sa.local, sa.remote, d);
      arm();
    });
  };
  sa.pending = pending;
  if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Sending DPD/liveness query`);
  this.transmit(sa, datagrams, "");
  arm();
}
