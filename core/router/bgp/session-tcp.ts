// A BGP session's TCP connections (RFC 4271 §8, §6.8): each connection it holds while it
// opens (the one it made, and the one the peer made to our port 179) with its own opening
// state, hold timer and receive buffer; TCP's callbacks wired to the session; closing one
// gracefully after a NOTIFICATION or at once when the peer has gone, and what the session
// makes of the peer closing. Functions of BgpSession (`this` is the session), bound in
// session.ts.
import type { Timer } from "../clock/clock";
import type { TcpConnection } from "../net/tcp/connection";
import type { TcpCloseReason } from "../net/tcp/tcb";
import { BGP_MAX_MESSAGE_LENGTH, type BgpOpen } from "../wire/bgp";
import type { BgpSession } from "./session";

export type ConnState = "Connect" | "OpenSent" | "OpenConfirm" | "Established";

/** One TCP connection of the session and where it is in the opening. */
export interface Connection {
  readonly tcp: TcpConnection;
  /** We opened it (an active open); the peer's otherwise. */
  readonly outgoing: boolean;
  state: ConnState;
  peerOpen: BgpOpen | undefined;
  hold: Timer | undefined;
  rx: Uint8Array;
  rxHead: number;
  rxTail: number;
}

/** A connection to port 179 from our neighbor. §6.8: while Established a second one is
 * refused; otherwise it runs beside ours until the OPENs say which survives. */
export function accept(this: BgpSession, tcp: TcpConnection): void {
  if (!this.running || this.state === "Established" || this.connections.some((c) => !c.outgoing)) {
    tcp.abort();
    return;
  }
  const c = this.track(tcp, false);
  // The passive side sends its OPEN at once too (§8.2.2, Active state, TcpConnectionConfirmed).
  this.sendOpen(c);
}

export function track(this: BgpSession, tcp: TcpConnection, outgoing: boolean): Connection {
  const c: Connection = { tcp, outgoing, state: "Connect", peerOpen: undefined, hold: undefined, rx: new Uint8Array(BGP_MAX_MESSAGE_LENGTH * 2), rxHead: 0, rxTail: 0 };
  this.connections.push(c);
  tcp.onData((bytes) => this.received(c, bytes));
  tcp.onEnd(() => this.closedByPeer(c));
  tcp.onClose((reason) => this.tcpClosed(c, reason));
  tcp.onDrain(() => {
    if (c === this.current) this.events.writable(this);
  });
  return c;
}

export function write(this: BgpSession, c: Connection, bytes: Uint8Array): void {
  c.tcp.write(bytes);
}

/** Closes one connection: gracefully after a NOTIFICATION, or at once when the peer's gone. */
export function dropConnection(this: BgpSession, c: Connection, abort: boolean): void {
  const i = this.connections.indexOf(c);
  if (i < 0) return;
  this.connections.splice(i, 1);
  c.hold?.cancel();
  c.hold = undefined;
  if (abort) c.tcp.abort();
  else c.tcp.close();
}

export function closedByPeer(this: BgpSession, c: Connection): void {
  if (!this.connections.includes(c)) return;
  this.dropConnection(c, false);
  if (c === this.current || this.connections.length === 0) this.wentDown("Peer closed the session");
  else this.updateOpeningState();
}

export function tcpClosed(this: BgpSession, c: Connection, _reason: TcpCloseReason): void {
  if (!this.connections.includes(c)) return;
  this.dropConnection(c, true);
  if (c === this.current || this.connections.length === 0) {
    if (c === this.current || c.state !== "Connect") this.wentDown("Peer closed the session");
    else this.updateOpeningState();
  } else this.updateOpeningState();
}
