// The neighbors the BGP speaker runs, as sessions (session.ts): made, changed and removed as
// the neighbor plans (neighbors.ts) change; one listener on port 179 per VRF with neighbors,
// which hands an incoming connection to its neighbor or admits a dynamic neighbor through a
// `bgp listen range`; the session's events: an Established session becomes a RIB peer, a
// lost one takes its routes with it, each UPDATE goes to the RIB; the %BGP-5-ADJCHANGE and
// %BGP-3-NOTIFICATION lines, `neighbor X maximum-prefix` (%BGP-4-MAXPFX, Cease) and
// `clear ip bgp`. Functions of BgpInstance (`this` is the instance), bound in subsystem.ts.

import type { Timer } from "../clock/clock";
import type { TcpConnection } from "../net/tcp/connection";
import { logMessage } from "../net/interface";
import type { Ipv4, Prefix } from "../wire/addr";
import { BGP_PORT } from "../wire/bgp";
import { AdjRibIn, reapplyInbound } from "./adj-rib-in";
import { DEBUG_BGP, DEBUG_BGP_UPDATES } from "./commands";
import { dynamicNeighbor, listenLimit, neighborKey, type NeighborPlan } from "./neighbors";
import { notificationText } from "./notification-text";
import { maximumPrefix, softReconfigInbound } from "./policy";
import type { BgpPeer, BgpPeerPolicy } from "./rib";
import { BgpSession, DEFAULT_CONNECT_RETRY_SEC, DEFAULT_HOLD_TIME_SEC, DEFAULT_KEEPALIVE_SEC, type BgpSessionEvents, type BgpSessionSettings, type DownReason } from "./session";
import { tableFamily } from "./session-open";
import type { BgpInstance } from "./subsystem";

/** A neighbor the speaker runs: its plan and its session. */
export interface RunningNeighbor {
  plan: NeighborPlan;
  readonly session: BgpSession;
  /** Listen range a dynamic neighbor came in by. */
  readonly range: Prefix | undefined;
  /** The RIB's peer while the session is Established. */
  peer: SpeakerPeer | undefined;
  /** Stopped by `maximum-prefix` (IOS "Idle (PfxCt)") until `clear ip bgp` or, with
   * `restart M`, until `restartAt`; or, with warning-only, warned once per family. */
  prefixLimit: { stopped: boolean; warned: Set<string>; restart?: Timer; restartAt?: number };
}

/** The RIB's view of an Established neighbor; its policy follows config changes. */
export interface SpeakerPeer extends BgpPeer {
  policy: BgpPeerPolicy;
  adjRibIn?: AdjRibIn;
}

export function sessionEvents(this: BgpInstance): BgpSessionEvents {
  return {
    established: (s) => this.established(s),
    update: (s, buf, start, end) => {
      const n = this.neighborOf(s);
      const rib = this.rib;
      const peer = n?.peer;
      if (n === undefined || peer === undefined || rib === undefined) return undefined;
      if (this.router.debug.isOn(DEBUG_BGP_UPDATES)) this.router.debug.emit(`BGP(0): ${this.shownId(n)} rcvd UPDATE, length ${end - start + 19}`);
      // The UPDATE's routes go into the IP RIB together: it resolves them once, at the end.
      let error: ReturnType<typeof rib.receiveUpdate>;
      this.router.routing.rib.batch(() => {
        error = rib.receiveUpdate(peer, buf, start, end);
      });
      if (error === undefined) this.checkPrefixLimit(n);
      return error;
    },
    routeRefresh: (s) => {
      const n = this.neighborOf(s);
      if (n?.peer !== undefined) this.rib?.refresh(n.peer);
    },
    down: (s, reason, was) => this.down(s, reason, was),
    writable: (s) => {
      const n = this.neighborOf(s);
      if (n?.peer !== undefined) this.updatesReady(n.peer);
    },
    notification: (s, direction, code, subcode, data) => {
      const n = this.neighborOf(s);
      const hex = Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
      this.router.logMessage(logMessage("BGP", 3, "NOTIFICATION", `${direction} neighbor ${n ? this.shownId(n) : s.toString()} ${code}/${subcode} (${notificationText(code, subcode)}) ${data.length} bytes ${hex}`.trimEnd()));
    },
  };
}

export function settingsFor(this: BgpInstance, p: NeighborPlan): BgpSessionSettings | undefined {
  const bgp = this.bgpConfig!;
  const vrf = this.router.stack.vrf(p.vrf || undefined);
  if (vrf === undefined) return undefined;
  const ebgp = p.remoteAs !== bgp.asn;
  const source = p.updateSource;
  return {
    localAs: p.localAs ?? bgp.asn,
    routerId: this.routerId,
    remoteAs: p.remoteAs,
    remoteAddress: p.address,
    vrf,
    localAddress: () => {
      if (source === undefined) return undefined;
      const i = this.router.stack.interface(source);
      return i?.sourceAddress ?? null;
    },
    passive: p.passive,
    holdTimeSec: DEFAULT_HOLD_TIME_SEC,
    keepaliveSec: DEFAULT_KEEPALIVE_SEC,
    families: p.families,
    password: p.password,
    ttl: ebgp ? (p.ebgpMultihop ?? 1) : 255,
    connectRetrySec: DEFAULT_CONNECT_RETRY_SEC,
  };
}

export function add(this: BgpInstance, p: NeighborPlan, range: Prefix | undefined): RunningNeighbor | undefined {
  const settings = this.settingsFor(p);
  if (settings === undefined) return undefined;
  const session = new BgpSession(settings, this.router.stack.tcp, this.router.clock, this.events);
  const n: RunningNeighbor = { plan: p, session, range, peer: undefined, prefixLimit: { stopped: false, warned: new Set() } };
  this.neighbors.set(neighborKey(p.vrf, p.address), n);
  if (!p.shutdown && this.routerId !== 0) session.start();
  return n;
}

export function update(this: BgpInstance, n: RunningNeighbor, p: NeighborPlan): void {
  const settings = this.settingsFor(p);
  if (settings === undefined) {
    this.remove(n, "deconfigured");
    return;
  }
  n.plan = p;
  n.session.configure(settings);
  if (p.shutdown) n.session.stop("admin-shutdown");
  else if (this.routerId !== 0 && !n.prefixLimit.stopped) n.session.start();
}

export function remove(this: BgpInstance, n: RunningNeighbor, why: "deconfigured"): void {
  n.prefixLimit.restart?.cancel();
  this.neighbors.delete(neighborKey(n.plan.vrf, n.plan.address));
  n.session.stop(why);
}

/** One listener on port 179 per VRF with neighbors (the global one also for listen ranges). */
export function reconcileListeners(this: BgpInstance): void {
  const bgp = this.bgpConfig;
  const vrfs = new Set<string>();
  for (const n of this.neighbors.values()) vrfs.add(n.plan.vrf);
  if (bgp && bgp.listenRanges.length > 0) vrfs.add("");
  for (const [name, l] of this.listeners) {
    if (vrfs.has(name) && l.isOpen && l.options.vrf === this.router.stack.vrf(name || undefined)) continue;
    l.close();
    this.listeners.delete(name);
  }
  for (const name of vrfs) {
    if (this.listeners.has(name)) continue;
    const vrf = this.router.stack.vrf(name || undefined);
    if (vrf === undefined) continue;
    const l = this.router.stack.tcp.listen({ vrf, port: BGP_PORT, md5Key: (remote) => this.passwordFor(name, remote) }, (c) => this.incoming(name, c));
    if (typeof l === "string") this.router.warn(l);
    else this.listeners.set(name, l);
  }
}

export function passwordFor(this: BgpInstance, vrf: string, remote: Ipv4): string | undefined {
  const n = this.neighbors.get(neighborKey(vrf, remote));
  if (n) return n.plan.password;
  if (vrf !== "" || !this.bgpConfig) return undefined;
  return dynamicNeighbor(this.bgpConfig, remote)?.plan.password;
}

/** A connection to port 179: to its configured neighbor, or a new dynamic neighbor when a
 * listen range admits it and the limit allows; refused (RST) otherwise. */
export function incoming(this: BgpInstance, vrf: string, c: TcpConnection): void {
  const remote = c.endpoint.remoteAddress;
  const n = this.neighbors.get(neighborKey(vrf, remote));
  if (n) {
    if (n.plan.shutdown) c.abort();
    else n.session.accept(c);
    return;
  }
  const bgp = this.bgpConfig;
  const dyn = vrf === "" && bgp ? dynamicNeighbor(bgp, remote) : undefined;
  if (!bgp || dyn === undefined || this.dynamicCount() >= listenLimit(bgp) || dyn.plan.shutdown) {
    c.abort();
    return;
  }
  const added = this.add({ ...dyn.plan }, dyn.range);
  if (added) added.session.accept(c);
  else c.abort();
}

export function dynamicCount(this: BgpInstance): number {
  let n = 0;
  for (const x of this.neighbors.values()) if (x.plan.dynamic) n++;
  return n;
}

export function neighborOf(this: BgpInstance, s: BgpSession): RunningNeighbor | undefined {
  for (const n of this.neighbors.values()) if (n.session === s) return n;
  return undefined;
}

export function established(this: BgpInstance, s: BgpSession): void {
  const n = this.neighborOf(s);
  const got = s.negotiated;
  if (!n || !got || !this.bgpConfig) return;
  this.adjChange(n, "Up ");
  const peer: SpeakerPeer = {
    address: n.plan.address,
    localAddress: got.localAddress,
    routerId: got.remoteRouterId,
    remoteAs: n.plan.remoteAs,
    ebgp: n.plan.remoteAs !== (n.plan.localAs ?? this.bgpConfig.asn),
    vrf: n.plan.vrf,
    // Labelled IPv4 routes share the IPv4 table; VPNv4 has its own.
    families: new Set([...got.families].map(tableFamily)),
    labelledUnicast: got.families.has("ipv4-label"),
    fourOctetAs: got.fourOctetAs,
    policy: this.policyFor(n.plan),
    dynamic: n.plan.dynamic,
    ...(softReconfigInbound(this.bgpConfig, n.plan) ? { adjRibIn: new AdjRibIn() } : {}),
  };
  n.peer = peer;
  this.rib?.peerUp(peer);
}

export function down(this: BgpInstance, s: BgpSession, reason: DownReason, wasEstablished: boolean): void {
  const n = this.neighborOf(s);
  if (!n) return;
  const peer = n.peer;
  if (peer !== undefined) {
    this.pending.delete(peer);
    // Its routes leave the IP RIB together, resolved once at the end.
    this.router.routing.rib.batch(() => this.rib?.peerDown(peer));
    n.peer = undefined;
  }
  if (wasEstablished) this.adjChange(n, `Down ${reason}`);
  // A dynamic neighbor exists only while its peer is connected.
  if (n.plan.dynamic) {
    this.neighbors.delete(neighborKey(n.plan.vrf, n.plan.address));
    s.stop("deconfigured");
  }
}

export function adjChange(this: BgpInstance, n: RunningNeighbor, what: string): void {
  if (this.bgpConfig?.logNeighborChanges) {
    const vrf = n.plan.vrf ? ` vpn vrf ${n.plan.vrf}` : "";
    this.router.logMessage(logMessage("BGP", 5, "ADJCHANGE", `neighbor ${this.shownId(n)}${vrf} ${what}`));
  }
  if (this.router.debug.isOn(DEBUG_BGP)) this.router.debug.emit(`BGP: ${this.shownId(n)} ${what.trim() === "Up" ? "went from OpenConfirm to Established" : `went to Idle (${what})`}`);
}

/** `neighbor X maximum-prefix N [THRESHOLD] [warning-only]`: IOS warns at the threshold
 * (75% by default) and, past the limit, sends Cease/Maximum Number of Prefixes Reached and
 * keeps the neighbor down until `clear ip bgp`. */
export function checkPrefixLimit(this: BgpInstance, n: RunningNeighbor): void {
  const peer = n.peer;
  const bgp = this.bgpConfig;
  // Already stopping: the UPDATEs still in the receive buffer (End-of-RIB…) change nothing.
  if (peer === undefined || bgp === undefined || this.rib === undefined || n.prefixLimit.stopped) return;
  for (const f of peer.families) {
    const limit = maximumPrefix(bgp, n.plan, f);
    if (limit === undefined) continue;
    const count = this.rib.prefixesReceived(peer, f);
    const afi = f === "ipv4" ? 0 : 4;
    const who = this.shownId(n);
    const threshold = Math.floor((limit.max * (limit.threshold ?? 75)) / 100);
    if (count >= threshold && count <= limit.max && !n.prefixLimit.warned.has(`t${f}`)) {
      n.prefixLimit.warned.add(`t${f}`);
      this.router.logMessage(logMessage("BGP", 4, "MAXPFX", `No. of prefix received from ${who} (afi ${afi}) reaches ${count}, max ${limit.max}`));
    }
    if (count <= limit.max) continue;
    if (limit.warningOnly) {
      if (!n.prefixLimit.warned.has(`x${f}`)) {
        n.prefixLimit.warned.add(`x${f}`);
        this.router.logMessage(logMessage("BGP", 3, "MAXPFXEXCEED", `No. of prefix received from ${who} (afi ${afi}): ${count} exceed limit ${limit.max}`));
      }
      continue;
    }
    this.router.logMessage(logMessage("BGP", 3, "MAXPFXEXCEED", `No. of prefix received from ${who} (afi ${afi}): ${count} exceed limit ${limit.max}`));
    n.prefixLimit.stopped = true;
    // `restart M`: IOS brings the session back by itself M minutes later.
    if (limit.restartMin !== undefined) {
      const ms = limit.restartMin * 60_000;
      n.prefixLimit.restartAt = this.router.clock.now() + ms;
      n.prefixLimit.restart = this.router.clock.after(ms, () => {
        if (this.neighbors.get(neighborKey(n.plan.vrf, n.plan.address)) !== n || !n.prefixLimit.stopped) return;
        n.prefixLimit = { stopped: false, warned: new Set() };
        if (!n.plan.shutdown) n.session.start();
      });
    }
    // After the UPDATE's processing returns: the session closes from outside its receive loop.
    this.router.clock.defer(() => n.session.stop("max-prefixes"));
    return;
  }
}

/** `clear ip bgp * | A.B.C.D [soft [in|out]]`: a hard clear resets the sessions; a soft
 * one asks the peer to resend (in, ROUTE-REFRESH) and sends our table again (out). */
export function clear(this: BgpInstance, address: Ipv4 | undefined, soft: "in" | "out" | "both" | undefined): number {
  let count = 0;
  for (const n of this.all()) {
    if (address !== undefined && n.plan.address !== address) continue;
    count++;
    if (n.plan.shutdown) continue;
    if (soft === undefined && n.prefixLimit.stopped) {
      n.prefixLimit.restart?.cancel();
      n.prefixLimit = { stopped: false, warned: new Set() };
      n.session.start();
    } else if (soft === undefined) n.session.reset("admin-reset");
    else this.softClear(n, soft);
  }
  return count;
}

export function softClear(this: BgpInstance, n: RunningNeighbor, soft: "in" | "out" | "both"): void {
  if (n.session.state !== "Established") return;
  // In: from the stored Adj-RIB-In with soft-reconfiguration, else ROUTE-REFRESH (RFC 2918).
  if (soft !== "out" && n.peer?.adjRibIn !== undefined && this.rib !== undefined) reapplyInbound(this.rib, n.peer);
  else if (soft !== "out") for (const f of n.session.negotiated?.families ?? []) n.session.requestRefresh(f);
  // Out: the whole table again, through the current outbound policy.
  if (soft !== "in" && n.peer !== undefined) this.rib?.refresh(n.peer);
}
