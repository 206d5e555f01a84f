// One BGP neighbor's session (RFC 4271 §8): the finite state machine from Idle to Established
// over the router's TCP, on the router's Clock. It speaks OPEN (capabilities: multiprotocol
// per activated family, route refresh 2 and Cisco's 128, 4-octet AS with AS_TRANS),
// KEEPALIVE and NOTIFICATION itself, frames the byte stream into messages, resolves
// connection collisions (§6.8) and runs the ConnectRetry, hold and keepalive timers. What is
// inside an UPDATE is the RIB's business: the session hands each UPDATE's body to its owner
// (`events.update`) and sends the NOTIFICATION the owner returns.
//
//   const s = new BgpSession(settings, tcp, clock, events);
//   s.start();                      Idle → Connect (or Active when passive) → … → Established
//   s.accept(connection);           an incoming connection the owner's listener matched to us
//   s.send(messages);               whole messages (UPDATEs from the RIB), once Established
//   s.stop("admin-shutdown");       NOTIFICATION Cease and back to Idle, no restart
//   s.reset("admin-reset");         NOTIFICATION Cease, then start again (`clear ip bgp`)
//
// A session may hold two connections while it opens: the one it made and the one the peer
// made. Each runs its own OpenSent/OpenConfirm; when both have seen the peer's OPEN, the one
// opened by the speaker with the higher BGP Identifier survives (§6.8).
//
// This file is the session's state, its settings and events, and the FSM with its timers
// (starting, stopping, the active open and ConnectRetry, hold and keepalive, going down). The
// rest is in its own files, as functions with `this: BgpSession` bound as fields at the end of
// the class, so they share its state: session-open.ts (the OPEN sent and checked, collisions,
// what the OPENs negotiate; the session's address families), session-messages.ts (framing,
// each received message handled, NOTIFICATIONs and the error path, UPDATEs and ROUTE-REFRESHes
// sent) and session-tcp.ts (the connections on our TCP, accepted, tracked and closed).
import type { Clock, Timer } from "../clock/clock";
import type { TcpConnection } from "../net/tcp/connection";
import type { TcpSockets } from "../net/tcp/sockets";
import type { Vrf } from "../net/vrf";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { BGP_PORT, buildBgpMessage } from "../wire/bgp";
import { BgpCeaseSubcode, BgpErrorCode, type BgpError } from "../wire/bgp-errors";
import { collide, negotiate, openReceived, sendOpen, type NegotiatedSession, type SessionFamily } from "./session-open";
import { append, fail, handleMessage, notify, received, requestRefresh, send } from "./session-messages";
import { accept, closedByPeer, dropConnection, tcpClosed, track, write, type Connection, type ConnState } from "./session-tcp";

export type BgpState = "Idle" | "Connect" | "Active" | "OpenSent" | "OpenConfirm" | "Established";

/** IOS defaults (`timers bgp 60 180`). */
export const DEFAULT_KEEPALIVE_SEC = 60;
export const DEFAULT_HOLD_TIME_SEC = 180;
/** Between connection attempts. IOS retries well inside RFC 4271's suggested 120 s. */
export const DEFAULT_CONNECT_RETRY_SEC = 30;
/** After a session ends, IOS waits a little before trying again (its "BGP Idle" pause). */
const IDLE_HOLD_MS = 2_000;

export interface BgpSessionSettings {
  /** The AS we speak in OPEN (`neighbor X local-as` replaces the process AS). */
  readonly localAs: number;
  readonly routerId: Ipv4;
  readonly remoteAs: number;
  readonly remoteAddress: Ipv4;
  readonly vrf: Vrf;
  /** The source address to connect from (`update-source`); undefined: the interface's toward the peer;
   * null: update-source names an interface with no address, so no connection can be made. */
  readonly localAddress: () => Ipv4 | undefined | null;
  /** `transport connection-mode passive`, or a dynamic neighbor: never connect, only accept. */
  readonly passive: boolean;
  readonly holdTimeSec: number;
  readonly keepaliveSec: number;
  /** Activated families, advertised as multiprotocol capabilities. */
  readonly families: readonly SessionFamily[];
  readonly password: string | undefined;
  /** TTL of what we send: 1 for eBGP unless ebgp-multihop, 255 otherwise. */
  readonly ttl: number;
  readonly connectRetrySec: number;
}

/** Why a session went down: IOS's words in `%BGP-5-ADJCHANGE … Down <reason>` and "Last reset". */
export type DownReason =
  | "BGP Notification sent"
  | "BGP Notification received"
  | "Peer closed the session"
  | "User reset"
  | "Admin. shutdown"
  | "Neighbor deleted"
  | "Hold timer expired"
  | "Maximum prefixes";

export interface BgpSessionEvents {
  established(session: BgpSession): void;
  /** An UPDATE's body (`buf[start, end)`, after the header), valid only during the call. A
   * returned error resets the session with its NOTIFICATION. */
  update(session: BgpSession, buf: Uint8Array, start: number, end: number): BgpError | undefined;
  routeRefresh(session: BgpSession, family: SessionFamily): void;
  /** The session left Established (or gave up opening); it is Idle now. */
  down(session: BgpSession, reason: DownReason, wasEstablished: boolean): void;
  /** TCP has room again after `send` returned false. */
  writable(session: BgpSession): void;
  /** `%BGP-3-NOTIFICATION` lines. */
  notification(session: BgpSession, direction: "sent to" | "received from", code: number, subcode: number, data: Uint8Array): void;
}

/** Per-session message counters, for `show ip bgp neighbors` and the summary's MsgRcvd/MsgSent. */
export interface MessageCounters {
  opens: number;
  notifications: number;
  updates: number;
  keepalives: number;
  routeRefreshes: number;
}

const emptyCounters = (): MessageCounters => ({ opens: 0, notifications: 0, updates: 0, keepalives: 0, routeRefreshes: 0 });

/** A small deterministic generator for timer jitter: the same under the virtual clock every run. */
function jitterSeed(a: number, b: number): () => number {
  let x = (a ^ Math.imul(b, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export class BgpSession {
  private stateValue: BgpState = "Idle";
  // Not private where the functions bound below (session-open.ts, session-messages.ts,
  // session-tcp.ts) share them.
  readonly connections: Connection[] = [];
  current: Connection | undefined;
  private connectRetry: Timer | undefined;
  private keepalive: Timer | undefined;
  running = false;
  /** The last active open could not be tried: no source address yet, or no route to the peer. */
  private pathMissing = false;
  private negotiatedValue: NegotiatedSession | undefined;
  private readonly random: () => number;
  readonly sentCounts: MessageCounters = emptyCounters();
  readonly receivedCounts: MessageCounters = emptyCounters();
  /** Times the session reached Established, and left it. */
  establishedCount = 0;
  droppedCount = 0;
  /** When the state last changed to or from Established (show's Up/Down column). */
  stateSince: number;
  lastReset: { readonly at: number; readonly reason: DownReason } | undefined;
  /** The last NOTIFICATION sent or received, for `show ip bgp neighbors`. */
  lastNotification: { readonly direction: "sent" | "received"; readonly code: number; readonly subcode: number; readonly at: number } | undefined;

  constructor(
    private settingsValue: BgpSessionSettings,
    private readonly tcp: TcpSockets,
    readonly clock: Clock,
    readonly events: BgpSessionEvents,
  ) {
    this.stateSince = clock.now();
    this.random = jitterSeed(settingsValue.remoteAddress, settingsValue.routerId);
  }

  get state(): BgpState {
    return this.stateValue;
  }

  get settings(): BgpSessionSettings {
    return this.settingsValue;
  }

  get remoteAddress(): Ipv4 {
    return this.settingsValue.remoteAddress;
  }

  /** Set once Established; kept until the session next opens. */
  get negotiated(): NegotiatedSession | undefined {
    return this.negotiatedValue;
  }

  /** The connection of an Established session (for show: addresses, ports). */
  get connection(): TcpConnection | undefined {
    return this.current?.tcp;
  }

  /** New settings; those that the running session depends on reset it (IOS resets a
   * neighbor whose AS, source or families change). */
  configure(next: BgpSessionSettings): void {
    const prev = this.settingsValue;
    this.settingsValue = next;
    const resets =
      prev.localAs !== next.localAs ||
      prev.routerId !== next.routerId ||
      prev.remoteAs !== next.remoteAs ||
      prev.vrf !== next.vrf ||
      prev.password !== next.password ||
      prev.ttl !== next.ttl ||
      prev.holdTimeSec !== next.holdTimeSec ||
      prev.keepaliveSec !== next.keepaliveSec ||
      prev.families.join() !== next.families.join();
    if (resets && this.running && this.stateValue !== "Idle" && (this.connections.length > 0 || this.current)) {
      this.reset("config-change");
    } else if (prev.passive !== next.passive && this.running && this.stateValue !== "Established") {
      this.restartConnecting(0);
    }
  }

  // --- Starting and stopping -------------------------------------------------------------

  /** ManualStart (§8.1.2): Idle → Connect, or Active when passive. The first active open
   * goes at once, as IOS opens to a neighbor as soon as it can reach it; when it cannot yet
   * (no source address, no route) pathChanged() opens the moment it can. Only retries wait a
   * jittered ConnectRetry period. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.restartConnecting(0);
  }

  /** ManualStop: a Cease NOTIFICATION on whatever is open, and Idle with no restart. */
  stop(why: "admin-shutdown" | "deconfigured" | "max-prefixes"): void {
    this.running = false;
    const subcode = why === "admin-shutdown" ? BgpCeaseSubcode.AdministrativeShutdown : why === "deconfigured" ? BgpCeaseSubcode.PeerDeconfigured : BgpCeaseSubcode.MaximumPrefixesReached;
    const reason: DownReason = why === "admin-shutdown" ? "Admin. shutdown" : why === "deconfigured" ? "Neighbor deleted" : "Maximum prefixes";
    this.closeAll(BgpErrorCode.Cease, subcode, reason);
    this.cancelTimer("connectRetry");
  }

  /** `clear ip bgp` (Cease/Administrative Reset), or a change that needs a new session
   * (Cease/Other Configuration Change); it starts again after the idle pause. */
  reset(why: "admin-reset" | "config-change" = "admin-reset"): void {
    const subcode = why === "admin-reset" ? BgpCeaseSubcode.AdministrativeReset : BgpCeaseSubcode.OtherConfigurationChange;
    this.closeAll(BgpErrorCode.Cease, subcode, "User reset");
    if (this.running) this.restartConnecting(IDLE_HOLD_MS);
  }

  // --- The FSM -----------------------------------------------------------------------

  setState(next: BgpState): void {
    if (next === this.stateValue) return;
    if (next === "Established" || this.stateValue === "Established") this.stateSince = this.clock.now();
    this.stateValue = next;
  }

  /** Idle → Connect/Active after `delayMs`, with the ConnectRetry timer running. */
  private restartConnecting(delayMs: number): void {
    this.cancelTimer("connectRetry");
    if (!this.running) return;
    if (this.settingsValue.passive) {
      // §8.2.2 Idle, ManualStart_with_PassiveTcpEstablishment: Active, waiting.
      if (this.connections.length === 0) this.setState("Active");
      return;
    }
    if (this.connections.length === 0) this.setState(delayMs > 0 ? "Active" : "Connect");
    this.connectRetry = this.clock.after(delayMs, () => {
      this.connectRetry = undefined;
      this.tryConnect();
    });
  }

  /** True while an active open waits for a source address or a route (see pathChanged). */
  get waitingForPath(): boolean {
    return this.pathMissing && this.running && this.stateValue !== "Established" && this.connections.length === 0;
  }

  /** The routing table changed: an active open that could not even be tried (no address on
   * the update-source interface, as on a FlexVPN client before IKEv2 hands it one, or no
   * route to the peer) is tried now instead of a ConnectRetry period later. */
  pathChanged(): void {
    if (!this.waitingForPath) return;
    this.cancelTimer("connectRetry");
    this.tryConnect();
  }

  /** §8.2.2 Connect: an active open; ConnectRetry timer expiry tries again. */
  private tryConnect(): void {
    this.pathMissing = false;
    if (!this.running || this.stateValue === "Established" || this.settingsValue.passive) return;
    const retry = (): void => {
      const s = this.settingsValue.connectRetrySec * 1000;
      // IOS jitters its connect timer by up to 25% below the configured value.
      this.connectRetry = this.clock.after(Math.round(s * (0.75 + 0.25 * this.random())), () => {
        this.connectRetry = undefined;
        this.tryConnect();
      });
    };
    if (this.connections.some((c) => c.outgoing)) {
      retry();
      return;
    }
    const s = this.settingsValue;
    const local = s.localAddress();
    if (local === null) {
      if (this.connections.length === 0) this.setState("Active");
      this.pathMissing = true;
      retry();
      return;
    }
    const tcp = this.tcp.connect({ vrf: s.vrf, remote: s.remoteAddress, port: BGP_PORT, local, ttl: s.ttl, md5Key: s.password });
    if (typeof tcp === "string") {
      if (this.connections.length === 0) this.setState("Active");
      this.pathMissing = true;
      retry();
      return;
    }
    const c = this.track(tcp, true);
    tcp.onConnect(() => {
      if (this.connections.includes(c)) this.sendOpen(c);
    });
    if (this.connections.length === 1) this.setState("Connect");
    retry();
  }

  /** The session's state while it opens: the furthest any of its connections got. */
  updateOpeningState(): void {
    if (this.stateValue === "Established") return;
    const rank: Record<ConnState, number> = { Connect: 0, OpenSent: 1, OpenConfirm: 2, Established: 3 };
    let best: ConnState | undefined;
    for (const c of this.connections) if (best === undefined || rank[c.state] > rank[best]) best = c.state;
    if (best !== undefined) this.setState(best === "Connect" ? (this.connections.some((c) => c.outgoing) ? "Connect" : "Active") : best);
    else this.setState(this.running ? "Active" : "Idle");
  }

  startHold(c: Connection, seconds: number): void {
    c.hold?.cancel();
    c.hold = undefined;
    if (seconds === 0) return;
    c.hold = this.clock.after(seconds * 1000, () => {
      c.hold = undefined;
      // §8.2.2 HoldTimer_Expires: NOTIFICATION Hold Timer Expired.
      this.fail(c, BgpErrorCode.HoldTimerExpired, 0, new Uint8Array(0), "Hold timer expired");
    });
  }

  restartHold(c: Connection): void {
    const hold = this.negotiatedValue?.holdTimeSec ?? 0;
    if (c.state === "Established" && hold > 0) this.startHold(c, hold);
  }

  /** §8.2.2 OpenConfirm, KeepAliveMsg: Established, with the negotiated hold and keepalive timers. */
  establish(c: Connection): void {
    const negotiated = negotiate(this.settingsValue, c.peerOpen!, c.tcp);
    const keepaliveSec = negotiated.keepaliveSec;
    this.negotiatedValue = negotiated;
    // The other connection, still opening, gives way to the established one (§6.8).
    for (const other of this.connections) if (other !== c) this.collide(other);
    c.state = "Established";
    this.current = c;
    this.cancelTimer("connectRetry");
    this.establishedCount++;
    this.setState("Established");
    this.restartHold(c);
    if (keepaliveSec > 0) {
      this.keepalive = this.clock.every(keepaliveSec * 1000, () => {
        if (this.current !== c) return;
        this.write(c, buildBgpMessage({ type: "keepalive" }, { fourOctetAs: false }));
        this.sentCounts.keepalives++;
      });
    }
    this.events.established(this);
  }

  // --- Going down ------------------------------------------------------------------------

  /** Cease on every connection (stop, reset). */
  closeAll(code: number, subcode: number, reason: DownReason): void {
    const had = this.connections.length > 0;
    for (const c of [...this.connections]) {
      this.notify(c, code, subcode, new Uint8Array(0));
      this.dropConnection(c, false);
    }
    if (had || this.current) this.wentDown(reason);
    else this.setState("Idle");
  }

  /** The session is Idle again; it tries to open once more unless stopped. */
  wentDown(reason: DownReason): void {
    const was = this.stateValue === "Established";
    this.cancelTimer("keepalive");
    this.current = undefined;
    for (const c of [...this.connections]) this.dropConnection(c, true);
    if (was) {
      this.droppedCount++;
      this.lastReset = { at: this.clock.now(), reason };
    }
    this.setState("Idle");
    this.events.down(this, reason, was);
    if (this.running) this.restartConnecting(IDLE_HOLD_MS);
  }

  private cancelTimer(which: "connectRetry" | "keepalive"): void {
    this[which]?.cancel();
    this[which] = undefined;
  }

  /** The neighbor as IOS names it in logs: "10.1.1.2" (the owner adds "*" for dynamic ones). */
  toString(): string {
    return formatIpv4(this.settingsValue.remoteAddress);
  }

  // --- The rest of the session, one file each (`this` is the session in them) --------------

  // session-open.ts
  readonly sendOpen = sendOpen;
  readonly openReceived = openReceived;
  readonly collide = collide;

  // session-messages.ts
  readonly send = send;
  readonly requestRefresh = requestRefresh;
  readonly received = received;
  readonly append = append;
  readonly handleMessage = handleMessage;
  readonly fail = fail;
  readonly notify = notify;

  // session-tcp.ts
  readonly accept = accept;
  readonly track = track;
  readonly write = write;
  readonly dropConnection = dropConnection;
  readonly closedByPeer = closedByPeer;
  readonly tcpClosed = tcpClosed;
}