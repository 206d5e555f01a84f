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
import type { Clock, Timer } from "../clock/clock";
import type { TcpConnection } from "../net/tcp/connection";
import type { TcpSockets } from "../net/tcp/sockets";
import type { TcpCloseReason } from "../net/tcp/tcb";
import type { Vrf } from "../net/vrf";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { readU16 } from "../wire/bytes";
import {
  AS_TRANS,
  BGP_HEADER_LENGTH,
  BGP_MAX_MESSAGE_LENGTH,
  BGP_PORT,
  BGP_VERSION,
  BgpMessageType,
  buildBgpMessage,
  openCapabilities,
  parseBgpMessage,
  type BgpCapability,
  type BgpOpen,
} from "../wire/bgp";
import { BgpCeaseSubcode, BgpErrorCode, BgpHeaderSubcode, BgpOpenSubcode, type BgpError } from "../wire/bgp-errors";
import { Afi, Safi } from "../wire/bgp-mp";
import { isWireError } from "../wire/errors";

export type BgpState = "Idle" | "Connect" | "Active" | "OpenSent" | "OpenConfirm" | "Established";

/** The address families a session negotiates: AFI 1/SAFI 1, AFI 1/SAFI 4 (labelled IPv4,
 * `neighbor X send-label`; its routes share the IPv4 table) and AFI 1/SAFI 128. */
export type SessionFamily = "ipv4" | "ipv4-label" | "vpnv4";

const FAMILY_CODES: Record<SessionFamily, { afi: number; safi: number }> = {
  ipv4: { afi: Afi.Ipv4, safi: Safi.Unicast },
  "ipv4-label": { afi: Afi.Ipv4, safi: Safi.MplsLabel },
  vpnv4: { afi: Afi.Ipv4, safi: Safi.MplsVpn },
};

export function familyOf(afi: number, safi: number): SessionFamily | undefined {
  if (afi !== Afi.Ipv4) return undefined;
  return safi === Safi.Unicast ? "ipv4" : safi === Safi.MplsLabel ? "ipv4-label" : safi === Safi.MplsVpn ? "vpnv4" : undefined;
}

/** The RIB table a session family's routes live in: labelled IPv4 shares IPv4 unicast's. */
export function tableFamily(f: SessionFamily): "ipv4" | "vpnv4" {
  return f === "vpnv4" ? "vpnv4" : "ipv4";
}

export function familyCodes(f: SessionFamily): { afi: number; safi: number } {
  return FAMILY_CODES[f];
}

/** IOS defaults (`timers bgp 60 180`). */
export const DEFAULT_KEEPALIVE_SEC = 60;
export const DEFAULT_HOLD_TIME_SEC = 180;
/** RFC 4271 §8: the hold timer while waiting for the peer's OPEN ("a large value", 4 minutes). */
export const OPEN_HOLD_TIME_SEC = 240;
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

/** What the two OPENs agreed. */
export interface NegotiatedSession {
  readonly remoteRouterId: Ipv4;
  readonly localAddress: Ipv4;
  readonly localPort: number;
  readonly remotePort: number;
  readonly holdTimeSec: number;
  readonly keepaliveSec: number;
  /** Families both sides advertised (and we activated). */
  readonly families: ReadonlySet<SessionFamily>;
  readonly fourOctetAs: boolean;
  readonly routeRefresh: boolean;
  readonly sent: readonly BgpCapability[];
  readonly received: readonly BgpCapability[];
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

type ConnState = "Connect" | "OpenSent" | "OpenConfirm" | "Established";

/** One TCP connection of the session and where it is in the opening. */
interface Connection {
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
  private connections: Connection[] = [];
  private current: Connection | undefined;
  private connectRetry: Timer | undefined;
  private keepalive: Timer | undefined;
  private running = false;
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
    private readonly clock: Clock,
    private readonly events: BgpSessionEvents,
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

  // --- Incoming connections --------------------------------------------------------------

  /** A connection to port 179 from our neighbor. §6.8: while Established a second one is
   * refused; otherwise it runs beside ours until the OPENs say which survives. */
  accept(tcp: TcpConnection): void {
    if (!this.running || this.stateValue === "Established" || this.connections.some((c) => !c.outgoing)) {
      tcp.abort();
      return;
    }
    const c = this.track(tcp, false);
    // The passive side sends its OPEN at once too (§8.2.2, Active state, TcpConnectionConfirmed).
    this.sendOpen(c);
  }

  // --- Sending ---------------------------------------------------------------------------

  /** Writes whole messages (UPDATEs, End-of-RIB) on the Established connection; false when
   * TCP's buffer is full (then `events.writable` says when to go on). */
  send(messages: readonly Uint8Array[]): boolean {
    const c = this.current;
    if (c === undefined || this.stateValue !== "Established") return false;
    let ok = true;
    for (const m of messages) {
      if (m[18] === BgpMessageType.Update) this.sentCounts.updates++;
      ok = c.tcp.write(m) && ok;
    }
    return ok;
  }

  /** ROUTE-REFRESH for a family (RFC 2918), for `clear ip bgp * soft in`. */
  requestRefresh(family: SessionFamily): boolean {
    const n = this.negotiatedValue;
    if (this.stateValue !== "Established" || !n?.routeRefresh || !n.families.has(family)) return false;
    const { afi, safi } = FAMILY_CODES[family];
    this.write(this.current!, buildBgpMessage({ type: "route-refresh", afi, safi, subtype: 0 }, { fourOctetAs: n.fourOctetAs }));
    this.sentCounts.routeRefreshes++;
    return true;
  }

  // --- The FSM -----------------------------------------------------------------------

  private setState(next: BgpState): void {
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

  private track(tcp: TcpConnection, outgoing: boolean): Connection {
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

  private sendOpen(c: Connection): void {
    const s = this.settingsValue;
    const capabilities: BgpCapability[] = [];
    for (const f of s.families) capabilities.push({ type: "multiprotocol", ...FAMILY_CODES[f] });
    capabilities.push({ type: "route-refresh-cisco" }, { type: "route-refresh" }, { type: "four-octet-as", asn: s.localAs });
    const open: BgpOpen = {
      type: "open",
      version: BGP_VERSION,
      myAs: s.localAs > 0xffff ? AS_TRANS : s.localAs,
      holdTimeSec: s.holdTimeSec,
      bgpId: s.routerId,
      parameters: capabilities.map((cap) => ({ type: "capabilities", capabilities: [cap] })),
    };
    this.write(c, buildBgpMessage(open, { fourOctetAs: false }));
    this.sentCounts.opens++;
    c.state = "OpenSent";
    this.startHold(c, OPEN_HOLD_TIME_SEC);
    this.updateOpeningState();
  }

  /** The session's state while it opens: the furthest any of its connections got. */
  private updateOpeningState(): void {
    if (this.stateValue === "Established") return;
    const rank: Record<ConnState, number> = { Connect: 0, OpenSent: 1, OpenConfirm: 2, Established: 3 };
    let best: ConnState | undefined;
    for (const c of this.connections) if (best === undefined || rank[c.state] > rank[best]) best = c.state;
    if (best !== undefined) this.setState(best === "Connect" ? (this.connections.some((c) => c.outgoing) ? "Connect" : "Active") : best);
    else this.setState(this.running ? "Active" : "Idle");
  }

  private startHold(c: Connection, seconds: number): void {
    c.hold?.cancel();
    c.hold = undefined;
    if (seconds === 0) return;
    c.hold = this.clock.after(seconds * 1000, () => {
      c.hold = undefined;
      // §8.2.2 HoldTimer_Expires: NOTIFICATION Hold Timer Expired.
      this.fail(c, BgpErrorCode.HoldTimerExpired, 0, new Uint8Array(0), "Hold timer expired");
    });
  }

  // --- Receiving -------------------------------------------------------------------------

  private received(c: Connection, bytes: Uint8Array): void {
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
  private append(c: Connection, bytes: Uint8Array): void {
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

  private handleMessage(c: Connection, msg: Uint8Array): void {
    const type = msg[18];
    const four = this.negotiatedValue?.fourOctetAs ?? false;
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
        if (family !== undefined && this.negotiatedValue?.families.has(family)) this.events.routeRefresh(this, family);
        return;
      }
      case "update":
        return; // handled above without a full parse
    }
  }

  private restartHold(c: Connection): void {
    const hold = this.negotiatedValue?.holdTimeSec ?? 0;
    if (c.state === "Established" && hold > 0) this.startHold(c, hold);
  }

  /** §6.2 checks the parser cannot make (they need our configuration), then §6.8. */
  private openReceived(c: Connection, open: BgpOpen): void {
    if (c.state !== "OpenSent") return this.fail(c, BgpErrorCode.FiniteStateMachine, 0, new Uint8Array(0), "BGP Notification sent");
    const s = this.settingsValue;
    const caps = openCapabilities(open);
    const four = caps.find((x) => x.type === "four-octet-as");
    const peerAs = four?.type === "four-octet-as" ? four.asn : open.myAs;
    if (peerAs !== s.remoteAs || (four !== undefined && open.myAs !== (peerAs > 0xffff ? AS_TRANS : peerAs))) {
      const data = new Uint8Array(2);
      data[0] = open.myAs >> 8;
      data[1] = open.myAs & 0xff;
      return this.fail(c, BgpErrorCode.OpenMessage, BgpOpenSubcode.BadPeerAs, data, "BGP Notification sent");
    }
    if (open.bgpId === s.routerId) return this.fail(c, BgpErrorCode.OpenMessage, BgpOpenSubcode.BadBgpIdentifier, new Uint8Array(0), "BGP Notification sent");
    c.peerOpen = open;
    // §6.8: the other connection has the peer's OPEN too: keep the one the higher BGP
    // Identifier opened (ours when ours is higher, the peer's otherwise).
    const other = this.connections.find((x) => x !== c && x.peerOpen !== undefined);
    if (other !== undefined) {
      const keepOutgoing = s.routerId > open.bgpId;
      const loser = c.outgoing === keepOutgoing ? other : c;
      this.collide(loser);
      if (loser === c) return;
    }
    this.write(c, buildBgpMessage({ type: "keepalive" }, { fourOctetAs: false }));
    this.sentCounts.keepalives++;
    c.state = "OpenConfirm";
    const hold = Math.min(s.holdTimeSec, open.holdTimeSec);
    this.startHold(c, hold);
    this.updateOpeningState();
  }

  private collide(loser: Connection): void {
    this.notify(loser, BgpErrorCode.Cease, BgpCeaseSubcode.ConnectionCollisionResolution, new Uint8Array(0));
    this.dropConnection(loser, false);
  }

  private establish(c: Connection): void {
    const s = this.settingsValue;
    const open = c.peerOpen!;
    const received = openCapabilities(open);
    const families = new Set<SessionFamily>();
    const peerMp = received.filter((x) => x.type === "multiprotocol");
    for (const f of s.families) {
      const { afi, safi } = FAMILY_CODES[f];
      // RFC 4760 §8: a peer that advertises no multiprotocol capability speaks IPv4 unicast.
      if (peerMp.some((x) => x.type === "multiprotocol" && x.afi === afi && x.safi === safi) || (peerMp.length === 0 && f === "ipv4")) families.add(f);
    }
    const hold = Math.min(s.holdTimeSec, open.holdTimeSec);
    const keepaliveSec = hold === 0 ? 0 : Math.min(s.keepaliveSec, Math.floor(hold / 3));
    const sent: BgpCapability[] = [...s.families.map((f): BgpCapability => ({ type: "multiprotocol", ...FAMILY_CODES[f] })), { type: "route-refresh-cisco" }, { type: "route-refresh" }, { type: "four-octet-as", asn: s.localAs }];
    this.negotiatedValue = {
      remoteRouterId: open.bgpId,
      localAddress: c.tcp.endpoint.localAddress,
      localPort: c.tcp.endpoint.localPort,
      remotePort: c.tcp.endpoint.remotePort,
      holdTimeSec: hold,
      keepaliveSec,
      families,
      fourOctetAs: received.some((x) => x.type === "four-octet-as"),
      routeRefresh: received.some((x) => x.type === "route-refresh" || x.type === "route-refresh-cisco"),
      sent,
      received,
    };
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

  // --- Errors and closing ------------------------------------------------------------------

  /** §6: an error on a connection: NOTIFICATION, close it, and the session goes down if it was its. */
  private fail(c: Connection, code: number, subcode: number, data: Uint8Array, reason: DownReason): void {
    if (!this.connections.includes(c)) return;
    this.notify(c, code, subcode, data);
    this.dropConnection(c, false);
    if (c === this.current || this.connections.length === 0) this.wentDown(reason);
    else this.updateOpeningState();
  }

  private notify(c: Connection, code: number, subcode: number, data: Uint8Array): void {
    if (c.state === "Connect") return; // no BGP yet on this connection
    this.write(c, buildBgpMessage({ type: "notification", code, subcode, data }, { fourOctetAs: false }));
    this.sentCounts.notifications++;
    this.lastNotification = { direction: "sent", code, subcode, at: this.clock.now() };
    this.events.notification(this, "sent to", code, subcode, data);
  }

  /** Closes one connection: gracefully after a NOTIFICATION, or at once when the peer's gone. */
  private dropConnection(c: Connection, abort: boolean): void {
    const i = this.connections.indexOf(c);
    if (i < 0) return;
    this.connections.splice(i, 1);
    c.hold?.cancel();
    c.hold = undefined;
    if (abort) c.tcp.abort();
    else c.tcp.close();
  }

  /** Cease on every connection (stop, reset). */
  private closeAll(code: number, subcode: number, reason: DownReason): void {
    const had = this.connections.length > 0;
    for (const c of [...this.connections]) {
      this.notify(c, code, subcode, new Uint8Array(0));
      this.dropConnection(c, false);
    }
    if (had || this.current) this.wentDown(reason);
    else this.setState("Idle");
  }

  private closedByPeer(c: Connection): void {
    if (!this.connections.includes(c)) return;
    this.dropConnection(c, false);
    if (c === this.current || this.connections.length === 0) this.wentDown("Peer closed the session");
    else this.updateOpeningState();
  }

  private tcpClosed(c: Connection, _reason: TcpCloseReason): void {
    if (!this.connections.includes(c)) return;
    this.dropConnection(c, true);
    if (c === this.current || this.connections.length === 0) {
      if (c === this.current || c.state !== "Connect") this.wentDown("Peer closed the session");
      else this.updateOpeningState();
    } else this.updateOpeningState();
  }

  /** The session is Idle again; it tries to open once more unless stopped. */
  private wentDown(reason: DownReason): void {
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

  private write(c: Connection, bytes: Uint8Array): void {
    c.tcp.write(bytes);
  }

  private cancelTimer(which: "connectRetry" | "keepalive"): void {
    this[which]?.cancel();
    this[which] = undefined;
  }

  /** The neighbor as IOS names it in logs: "10.1.1.2" (the owner adds "*" for dynamic ones). */
  toString(): string {
    return formatIpv4(this.settingsValue.remoteAddress);
  }
}
