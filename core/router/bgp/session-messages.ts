// A BGP session's messages on its byte stream (RFC 4271 §4, §6): TCP's bytes framed into
// messages in each connection's receive buffer, each received message checked and handed to
// the FSM (an UPDATE's body to the session's owner without a full parse), and the error path:
// a malformed or unexpected message is answered with a NOTIFICATION and its connection
// closed (§6), never thrown. The UPDATEs and ROUTE-REFRESHes the session sends are here too.
// Functions of BgpSession (`this` is the session), bound in session.ts.
import { readU16 } from "../wire/bytes";
import { BGP_HEADER_LENGTH, BGP_MAX_MESSAGE_LENGTH, BgpMessageType, buildBgpMessage, parseBgpMessage } from "../wire/bgp";
import { BgpErrorCode, BgpHeaderSubcode } from "../wire/bgp-errors";
import { isWireError } from "../wire/errors";
import type { BgpSession, DownReason } from "./session";
import { familyCodes, familyOf, type SessionFamily } from "./session-open";
import type { Connection } from "./session-tcp";

// --- Sending ---------------------------------------------------------------------------

/** Writes whole messages (UPDATEs, End-of-RIB) on the Established connection; false when
 * TCP's buffer is full (then `events.writable` says when to go on). */
export function send(this: BgpSession, messages: readonly Uint8Array[]): boolean {
  const c = this.current;
  if (c === undefined || this.state !== "Established") return false;
  let ok = true;
  for (const m of messages) {
    if (m[18] === BgpMessageType.Update) this.sentCounts.updates++;
    ok = c.tcp.write(m) && ok;
  }
  return ok;
}

/** ROUTE-REFRESH for a family (RFC 2918), for `clear ip bgp * soft in`. */
export function requestRefresh(this: BgpSession, family: SessionFamily): boolean {
  const n = this.negotiated;
  if (this.state !== "Established" || !n?.routeRefresh || !n.families.has(family)) return false;
  const { afi, safi } = familyCodes(family);
  this.write(this.current!, buildBgpMessage({ type: "route-refresh", afi, safi, subtype: 0 }, { fourOctetAs: n.fourOctetAs }));
  this.sentCounts.routeRefreshes++;
  return true;
}

// --- Receiving -------------------------------------------------------------------------

export function received(this: BgpSession, c: Connection, bytes: Uint8Array): void {
  if (!this.connections.includes(c)) return;
  this.append(c, bytes);
  while (this.connections.includes(c)) {
    const available = c.rxTail - c.rxHead;
    if (available < BGP_HEADER_LENGTH) break;
    const length = readU16(c.rx, c.rxHead + 16);
    if (length < BGP_HEADER_LENGTH || length > BGP_MAX_MESSAGE_LENGTH) {
      // The parser names the error (bad length, or an unsynchronised marker first).
      this.handleMessage(c, c.rx.subarray(c.rxHead, c.rxTail));
      return;
    }
    if (available < length) break;
    const start = c.rxHead;
    c.rxHead += length;
    this.handleMessage(c, c.rx.subarray(start, start + length));
  }
  if (c.rxHead === c.rxTail) c.rxHead = c.rxTail = 0;
}

/** Appends to the connection's receive buffer, compacting or growing it; at most one
 * message plus one TCP delivery is ever kept. */
export function append(this: BgpSession, c: Connection, bytes: Uint8Array): void {
  const kept = c.rxTail - c.rxHead;
  if (c.rxTail + bytes.length > c.rx.length) {
    const need = kept + bytes.length;
    if (need > c.rx.length) {
      const next = new Uint8Array(Math.max(need, c.rx.length * 2));
      next.set(c.rx.subarray(c.rxHead, c.rxTail), 0);
      c.rx = next;
    } else {
      c.rx.copyWithin(0, c.rxHead, c.rxTail);
    }
    c.rxHead = 0;
    c.rxTail = kept;
  }
  c.rx.set(bytes, c.rxTail);
  c.rxTail += bytes.length;
}

export function handleMessage(this: BgpSession, c: Connection, msg: Uint8Array): void {
  const type = msg[18];
  const four = this.negotiated?.fourOctetAs ?? false;
  if (type === BgpMessageType.Update) {
    for (let i = 0; i < 16; i++) if (msg[i] !== 0xff) return this.fail(c, BgpErrorCode.MessageHeader, BgpHeaderSubcode.ConnectionNotSynchronized, new Uint8Array(0), "BGP Notification sent");
    if (c.state !== "Established") return this.fail(c, BgpErrorCode.FiniteStateMachine, 0, new Uint8Array(0), "BGP Notification sent");
    if (msg.length < 23) return this.fail(c, BgpErrorCode.MessageHeader, BgpHeaderSubcode.BadMessageLength, msg.slice(16, 18), "BGP Notification sent");
    this.receivedCounts.updates++;
    this.restartHold(c);
    const error = this.events.update(this, msg, BGP_HEADER_LENGTH, msg.length);
    if (error !== undefined && error.action === "session-reset") this.fail(c, error.code, error.subcode, error.data, "BGP Notification sent");
    return;
  }
  const parsed = parseBgpMessage(msg, { fourOctetAs: four });
  if (isWireError(parsed)) return this.fail(c, parsed.code, parsed.subcode, parsed.data, "BGP Notification sent");
  const m = parsed.message;
  switch (m.type) {
    case "open":
      this.receivedCounts.opens++;
      return this.openReceived(c, m);
    case "keepalive":
      this.receivedCounts.keepalives++;
      // §8.2.2 OpenConfirm, KeepAliveMsg: Established.
      if (c.state === "OpenConfirm") return this.establish(c);
      if (c.state === "Established") return this.restartHold(c);
      return this.fail(c, BgpErrorCode.FiniteStateMachine, 0, new Uint8Array(0), "BGP Notification sent");
    case "notification":
      this.receivedCounts.notifications++;
      this.lastNotification = { direction: "received", code: m.code, subcode: m.subcode, at: this.clock.now() };
      this.events.notification(this, "received from", m.code, m.subcode, m.data);
      this.dropConnection(c, true);
      if (c === this.current || this.connections.length === 0) this.wentDown("BGP Notification received");
      else this.updateOpeningState();
      return;
    case "route-refresh": {
      this.receivedCounts.routeRefreshes++;
      if (c.state !== "Established") return this.fail(c, BgpErrorCode.FiniteStateMachine, 0, new Uint8Array(0), "BGP Notification sent");
      this.restartHold(c);
      const family = familyOf(m.afi, m.safi);
      // RFC 2918 §4: a refresh for a family not negotiated is ignored.
      if (family !== undefined && this.negotiated?.families.has(family)) this.events.routeRefresh(this, family);
      return;
    }
    case "update":
      return; // handled above without a full parse
  }
}

// --- Errors ----------------------------------------------------------------------------

/** §6: an error on a connection: NOTIFICATION, close it, and the session goes down if it was its. */
export function fail(this: BgpSession, c: Connection, code: number, subcode: number, data: Uint8Array, reason: DownReason): void {
  if (!this.connections.includes(c)) return;
  this.notify(c, code, subcode, data);
  this.dropConnection(c, false);
  if (c === this.current || this.connections.length === 0) this.wentDown(reason);
  else this.updateOpeningState();
}

export function notify(this: BgpSession, c: Connection, code: number, subcode: number, data: Uint8Array): void {
  if (c.state === "Connect") return; // no BGP yet on this connection
  this.write(c, buildBgpMessage({ type: "notification", code, subcode, data }, { fourOctetAs: false }));
  this.sentCounts.notifications++;
  this.lastNotification = { direction: "sent", code, subcode, at: this.clock.now() };
  this.events.notification(this, "sent to", code, subcode, data);
}
