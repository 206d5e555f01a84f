// BGP on a router: `router bgp` reconciled into sessions (session.ts), one TCP listener per
// VRF that has neighbors, dynamic neighbors from `bgp listen range`, the %BGP log lines, the
// RIB (rib.ts) fed by the sessions and by local origination (originate.ts), its decisions
// installed into routing and the MFI (install.ts), and the exec commands (`show ip bgp …`,
// `clear ip bgp`, `debug ip bgp`).
import { allRouteTargets } from "../config/model/vrf";
import type { RouterConfig } from "../config/model/router";
import { afKey } from "../config/model/bgp";
import { mplsSubsystem, type MfiInstance } from "../routing/mpls-subsystem";
import { parseRouteTarget, type ExtendedCommunity } from "../wire/bgp-communities";
import { parseRouteDistinguisher } from "../wire/bgp-nlri";
import type { TcpConnection } from "../net/tcp/connection";
import type { TcpListener } from "../net/tcp/sockets";
import { logMessage } from "../net/interface";
import type { Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";
import { formatIpv4, type Ipv4, type Prefix } from "../wire/addr";
import { BGP_PORT } from "../wire/bgp";
import { configuredNeighbors, dynamicNeighbor, listenLimit, neighborKey, type NeighborPlan } from "./neighbors";
import { notificationText } from "./notification-text";
import { BGP_DEBUG_FLAGS, DEBUG_BGP, DEBUG_BGP_UPDATES, bgpExecCommands, bgpTables } from "./commands";
import { BgpInstaller } from "./install";
import { BgpOrigination } from "./originate";
import { maximumPrefix, peerPolicy, softReconfigInbound, summaryPrefixes } from "./policy";
import { AdjRibIn, reapplyInbound } from "./adj-rib-in";
import type { Timer } from "../clock/clock";
import { RoutePolicy } from "../routing/route-map";
import { bgpTableLines } from "./show-bgp";
import { BgpRib, type BgpPeer, type BgpPeerPolicy, type BgpRibConfig, type BgpVrfConfig } from "./rib";
import { BgpSession, DEFAULT_CONNECT_RETRY_SEC, DEFAULT_HOLD_TIME_SEC, DEFAULT_KEEPALIVE_SEC, type BgpSessionEvents, type BgpSessionSettings, type DownReason } from "./session";
import { tableFamily, type SessionFamily } from "./session-open";

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
interface SpeakerPeer extends BgpPeer {
  policy: BgpPeerPolicy;
  adjRibIn?: AdjRibIn;
}

export class BgpInstance implements SubsystemInstance {
  private config: RouterConfig["bgp"];
  private readonly neighbors = new Map<string, RunningNeighbor>();
  private readonly listeners = new Map<string, TcpListener>();
  private routerIdValue: Ipv4 = 0 as Ipv4;
  private readonly events: BgpSessionEvents;
  private ribValue: BgpRib | undefined;
  private ribConfigKey = "";
  /** Route-maps and the lists they use, compiled; made anew when any of them changes. */
  private routePolicy = new RoutePolicy({ routeMaps: {} });
  private policyKey = "";
  private peerPolicyKey = "";
  private readonly installer: BgpInstaller;
  private readonly origination: BgpOrigination;
  /** Peers with UPDATEs waiting, sent together after the current task. */
  private readonly pending = new Set<SpeakerPeer>();
  private flushScheduled = false;
  private nextHopsScheduled = false;
  private pathRetryScheduled = false;
  private running: RouterConfig | undefined;

  constructor(private readonly router: SubsystemHost) {
    this.installer = new BgpInstaller(router.routing, () => router.subsystem(mplsSubsystem), () => this.config?.asn ?? 0);
    this.origination = new BgpOrigination(router.routing, () => this.ribValue, (fn) => router.clock.defer(fn));
    router.routing.rib.onChange((vrf, prefix, installed) => {
      if (this.ribValue === undefined) return;
      this.origination.routeChanged(vrf, prefix, installed);
      if (vrf === "") this.installer.routeChanged(prefix);
      // Next hops resolve in the global table: a change there may make paths valid or not.
      if (vrf === "") this.scheduleNextHops();
      this.schedulePathRetry();
    });
    this.events = {
      established: (s) => this.established(s),
      update: (s, buf, start, end) => {
        const n = this.neighborOf(s);
        if (n?.peer === undefined || this.ribValue === undefined) return undefined;
        if (this.router.debug.isOn(DEBUG_BGP_UPDATES)) this.router.debug.emit(`BGP(0): ${this.shownId(n)} rcvd UPDATE, length ${end - start + 19}`);
        const error = this.ribValue.receiveUpdate(n.peer, buf, start, end);
        if (error === undefined) this.checkPrefixLimit(n);
        return error;
      },
      routeRefresh: (s) => {
        const n = this.neighborOf(s);
        if (n?.peer !== undefined) this.ribValue?.refresh(n.peer);
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

  /** The BGP process's AS, undefined without `router bgp`. */
  get asn(): number | undefined {
    return this.config?.asn;
  }

  get routerId(): Ipv4 {
    return this.routerIdValue;
  }

  get bgpConfig(): RouterConfig["bgp"] {
    return this.config;
  }

  /** The router's MFI (labels for show ip cef). */
  readonly mfi = (): MfiInstance => this.router.subsystem(mplsSubsystem);

  /** The BGP table, while `router bgp` is configured. */
  get rib(): BgpRib | undefined {
    return this.ribValue;
  }

  /** Running neighbors, global first, each group by address. */
  all(): RunningNeighbor[] {
    return [...this.neighbors.values()].sort((a, b) => (a.plan.vrf === b.plan.vrf ? a.plan.address - b.plan.address : a.plan.vrf < b.plan.vrf ? -1 : 1));
  }

  neighbor(vrf: string, address: Ipv4): RunningNeighbor | undefined {
    return this.neighbors.get(neighborKey(vrf, address));
  }

  shownId(n: RunningNeighbor): string {
    return n.plan.dynamic ? `*${formatIpv4(n.plan.address)}` : formatIpv4(n.plan.address);
  }

  reconcile(before: RouterConfig | undefined, after: RouterConfig): void {
    const was = this.config;
    this.config = after.bgp;
    this.running = after;
    const bgp = after.bgp;
    if (bgp === undefined) {
      for (const n of [...this.neighbors.values()]) this.remove(n, "deconfigured");
      for (const l of this.listeners.values()) l.close();
      this.listeners.clear();
      this.routerIdValue = 0 as Ipv4;
      this.dropRib();
      return;
    }
    if (was === undefined || was.asn !== bgp.asn) {
      this.routerIdValue = 0 as Ipv4;
      this.dropRib();
    }
    const id = bgp.routerId ?? (this.routerIdValue || this.chooseRouterId());
    const idChanged = id !== this.routerIdValue;
    this.routerIdValue = id;
    this.reconcileRib(after);
    if (before !== undefined && JSON.stringify(before.bgp) === JSON.stringify(bgp) && !idChanged) return;

    const want = new Map(configuredNeighbors(bgp).map((p) => [neighborKey(p.vrf, p.address), p]));
    for (const [key, n] of this.neighbors) {
      if (n.plan.dynamic) {
        const still = dynamicNeighbor(bgp, n.plan.address);
        if (still === undefined || want.has(key)) this.remove(n, "deconfigured");
        else this.update(n, still.plan);
        continue;
      }
      const p = want.get(key);
      if (p === undefined) this.remove(n, "deconfigured");
      else this.update(n, p);
    }
    for (const [key, p] of want) if (!this.neighbors.has(key)) this.add(p, undefined);
    this.reconcileListeners();
  }

  /** The RIB's config from the running config: AS, router ID, route reflection, multipath
   * and every VRF with an RD (import/export route targets). */
  private ribConfig(after: RouterConfig): BgpRibConfig {
    const bgp = after.bgp!;
    const vrfs = new Map<string, BgpVrfConfig>();
    for (const v of Object.values(after.vrfs)) {
      const rd = v.rd === undefined ? undefined : parseRouteDistinguisher(v.rd);
      if (rd === undefined) continue;
      const rts = allRouteTargets(v);
      const parse = (list: readonly string[]): ExtendedCommunity[] => list.map(parseRouteTarget).filter((x): x is ExtendedCommunity => x !== undefined);
      const f = bgp.addressFamilies[afKey("ipv4", v.name)];
      const summaries = summaryPrefixes(bgp, v.name);
      vrfs.set(v.name, {
        rd,
        importRts: parse(rts.import),
        exportRts: parse(rts.export),
        ...(f?.maximumPaths !== undefined ? { maximumPaths: f.maximumPaths } : {}),
        ...(f?.maximumPathsIbgp !== undefined ? { maximumPathsIbgp: f.maximumPathsIbgp } : {}),
        ...(summaries.length > 0 ? { summaryOnly: summaries } : {}),
      });
    }
    const global = bgp.addressFamilies.ipv4;
    const summaries = summaryPrefixes(bgp, "");
    return {
      localAs: bgp.asn,
      routerId: this.routerIdValue,
      ...(bgp.clusterId !== undefined ? { clusterId: bgp.clusterId } : {}),
      maximumPaths: global?.maximumPaths ?? 1,
      ...(global?.maximumPathsIbgp !== undefined ? { maximumPathsIbgp: global.maximumPathsIbgp } : {}),
      ...(summaries.length > 0 ? { summaryOnly: summaries } : {}),
      vrfs,
    };
  }

  private reconcileRib(after: RouterConfig): void {
    const config = this.ribConfig(after);
    const key = JSON.stringify({ ...config, vrfs: [...config.vrfs] });
    if (this.ribValue === undefined) {
      this.ribValue = new BgpRib(config, {
        nextHopCost: (nh) => this.installer.nextHopCost(nh),
        allocateLabel: (vrf, prefix, aggregate) => this.installer.allocateLabel(vrf, prefix, aggregate),
        releaseLabel: (vrf, prefix, aggregate) => this.installer.releaseLabel(vrf, prefix, aggregate),
        bestChanged: (vrf, prefix, best) => {
          this.installer.bestChanged(vrf, prefix, best);
          this.origination.bestChanged(vrf, prefix);
        },
        updatesReady: (peer) => this.updatesReady(peer as SpeakerPeer),
      });
      this.origination.reset();
    } else if (key !== this.ribConfigKey) {
      this.ribValue.setConfig(config);
    }
    this.ribConfigKey = key;
    const policyKey = JSON.stringify([after.routeMaps, after.prefixLists, after.accessLists, after.communityLists, after.extcommunityLists, after.asPathLists]);
    if (policyKey !== this.policyKey) {
      this.routePolicy = new RoutePolicy(after);
      this.policyKey = policyKey;
    }
    this.origination.configure(after.bgp, this.routePolicy);
    const peerKey = JSON.stringify([after.bgp?.addressFamilies, policyKey]);
    if (peerKey !== this.peerPolicyKey) {
      this.peerPolicyKey = peerKey;
      for (const n of this.neighbors.values()) {
        const peer = n.peer;
        if (peer === undefined) continue;
        peer.policy = this.policyFor(n.plan);
        const soft = after.bgp !== undefined && softReconfigInbound(after.bgp, n.plan);
        if (soft && peer.adjRibIn === undefined) {
          // Turned on for a live session: the neighbor sends its routes again to fill it.
          peer.adjRibIn = new AdjRibIn();
          for (const f of n.session.negotiated?.families ?? []) n.session.requestRefresh(f);
        } else if (!soft) peer.adjRibIn = undefined;
        this.ribValue.setPolicy(peer);
        reapplyInbound(this.ribValue, peer);
      }
    }
  }

  /** `no router bgp`: peers gone, local routes withdrawn, B routes and labels released. */
  private dropRib(): void {
    const rib = this.ribValue;
    if (rib === undefined) return;
    for (const n of this.neighbors.values()) {
      if (n.peer !== undefined) rib.peerDown(n.peer);
      n.peer = undefined;
    }
    this.origination.configure(undefined, this.routePolicy);
    this.ribValue = undefined;
    this.ribConfigKey = "";
    this.peerPolicyKey = "";
  }

  private policyFor(p: NeighborPlan): BgpPeerPolicy {
    return peerPolicy(this.config!, p, this.routePolicy, p.localAs);
  }

  private updatesReady(peer: SpeakerPeer): void {
    this.pending.add(peer);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.router.clock.defer(() => {
      this.flushScheduled = false;
      const rib = this.ribValue;
      const peers = [...this.pending];
      this.pending.clear();
      if (rib === undefined) return;
      for (const p of peers) {
        const n = this.neighbors.get(neighborKey(p.vrf, p.address));
        if (n?.peer !== p) continue;
        const messages = rib.takeUpdates(p);
        if (messages.length === 0) continue;
        if (this.router.debug.isOn(DEBUG_BGP_UPDATES)) this.router.debug.emit(`BGP(0): ${this.shownId(n)} send UPDATE, ${messages.length} message${messages.length === 1 ? "" : "s"}`);
        n.session.send(messages);
      }
    });
  }

  /** Sessions waiting for a source address or a route try their active open again once the
   * routing table has changed (after the current task, so a burst of changes costs one pass). */
  private schedulePathRetry(): void {
    if (this.pathRetryScheduled || this.neighbors.size === 0) return;
    this.pathRetryScheduled = true;
    this.router.clock.defer(() => {
      this.pathRetryScheduled = false;
      for (const n of this.neighbors.values()) n.session.pathChanged();
    });
  }

  private scheduleNextHops(): void {
    if (this.nextHopsScheduled) return;
    this.nextHopsScheduled = true;
    this.router.clock.defer(() => {
      this.nextHopsScheduled = false;
      this.ribValue?.nextHopsChanged();
    });
  }

  /** IOS: the highest loopback address, else the highest address of an interface that is up. */
  private chooseRouterId(): Ipv4 {
    let loop = 0;
    let other = 0;
    for (const i of this.router.stack.interfaces()) {
      const a = i.address?.address;
      // Only the global table's interfaces count (R3-Spoke1's VRF subinterfaces do not).
      if (a === undefined || i.vrf.name !== "") continue;
      if (i.kind === "loopback") loop = Math.max(loop, a);
      else if (i.isUp) other = Math.max(other, a);
    }
    return (loop || other) as Ipv4;
  }

  private settingsFor(p: NeighborPlan): BgpSessionSettings | undefined {
    const bgp = this.config!;
    const vrf = this.router.stack.vrf(p.vrf || undefined);
    if (vrf === undefined) return undefined;
    const ebgp = p.remoteAs !== bgp.asn;
    const source = p.updateSource;
    return {
      localAs: p.localAs ?? bgp.asn,
      routerId: this.routerIdValue,
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

  private add(p: NeighborPlan, range: Prefix | undefined): RunningNeighbor | undefined {
    const settings = this.settingsFor(p);
    if (settings === undefined) return undefined;
    const session = new BgpSession(settings, this.router.stack.tcp, this.router.clock, this.events);
    const n: RunningNeighbor = { plan: p, session, range, peer: undefined, prefixLimit: { stopped: false, warned: new Set() } };
    this.neighbors.set(neighborKey(p.vrf, p.address), n);
    if (!p.shutdown && this.routerIdValue !== 0) session.start();
    return n;
  }

  private update(n: RunningNeighbor, p: NeighborPlan): void {
    const settings = this.settingsFor(p);
    if (settings === undefined) {
      this.remove(n, "deconfigured");
      return;
    }
    n.plan = p;
    n.session.configure(settings);
    if (p.shutdown) n.session.stop("admin-shutdown");
    else if (this.routerIdValue !== 0 && !n.prefixLimit.stopped) n.session.start();
  }

  private remove(n: RunningNeighbor, why: "deconfigured"): void {
    n.prefixLimit.restart?.cancel();
    this.neighbors.delete(neighborKey(n.plan.vrf, n.plan.address));
    n.session.stop(why);
  }

  /** One listener on port 179 per VRF with neighbors (the global one also for listen ranges). */
  private reconcileListeners(): void {
    const bgp = this.config;
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

  private passwordFor(vrf: string, remote: Ipv4): string | undefined {
    const n = this.neighbors.get(neighborKey(vrf, remote));
    if (n) return n.plan.password;
    if (vrf !== "" || !this.config) return undefined;
    return dynamicNeighbor(this.config, remote)?.plan.password;
  }

  /** A connection to port 179: to its configured neighbor, or a new dynamic neighbor when a
   * listen range admits it and the limit allows; refused (RST) otherwise. */
  private incoming(vrf: string, c: TcpConnection): void {
    const remote = c.endpoint.remoteAddress;
    const n = this.neighbors.get(neighborKey(vrf, remote));
    if (n) {
      if (n.plan.shutdown) c.abort();
      else n.session.accept(c);
      return;
    }
    const bgp = this.config;
    const dyn = vrf === "" && bgp ? dynamicNeighbor(bgp, remote) : undefined;
    if (!bgp || dyn === undefined || this.dynamicCount() >= listenLimit(bgp) || dyn.plan.shutdown) {
      c.abort();
      return;
    }
    const added = this.add({ ...dyn.plan }, dyn.range);
    if (added) added.session.accept(c);
    else c.abort();
  }

  dynamicCount(): number {
    let n = 0;
    for (const x of this.neighbors.values()) if (x.plan.dynamic) n++;
    return n;
  }

  private neighborOf(s: BgpSession): RunningNeighbor | undefined {
    for (const n of this.neighbors.values()) if (n.session === s) return n;
    return undefined;
  }

  private established(s: BgpSession): void {
    const n = this.neighborOf(s);
    const got = s.negotiated;
    if (!n || !got || !this.config) return;
    this.adjChange(n, "Up ");
    const peer: SpeakerPeer = {
      address: n.plan.address,
      localAddress: got.localAddress,
      routerId: got.remoteRouterId,
      remoteAs: n.plan.remoteAs,
      ebgp: n.plan.remoteAs !== (n.plan.localAs ?? this.config.asn),
      vrf: n.plan.vrf,
      // Labelled IPv4 routes share the IPv4 table; VPNv4 has its own.
      families: new Set([...got.families].map(tableFamily)),
      labelledUnicast: got.families.has("ipv4-label"),
      fourOctetAs: got.fourOctetAs,
      policy: this.policyFor(n.plan),
      dynamic: n.plan.dynamic,
      ...(softReconfigInbound(this.config, n.plan) ? { adjRibIn: new AdjRibIn() } : {}),
    };
    n.peer = peer;
    this.ribValue?.peerUp(peer);
  }

  private down(s: BgpSession, reason: DownReason, wasEstablished: boolean): void {
    const n = this.neighborOf(s);
    if (!n) return;
    if (n.peer !== undefined) {
      this.pending.delete(n.peer);
      this.ribValue?.peerDown(n.peer);
      n.peer = undefined;
    }
    if (wasEstablished) this.adjChange(n, `Down ${reason}`);
    // A dynamic neighbor exists only while its peer is connected.
    if (n.plan.dynamic) {
      this.neighbors.delete(neighborKey(n.plan.vrf, n.plan.address));
      s.stop("deconfigured");
    }
  }

  private adjChange(n: RunningNeighbor, what: string): void {
    if (this.config?.logNeighborChanges) {
      const vrf = n.plan.vrf ? ` vpn vrf ${n.plan.vrf}` : "";
      this.router.logMessage(logMessage("BGP", 5, "ADJCHANGE", `neighbor ${this.shownId(n)}${vrf} ${what}`));
    }
    if (this.router.debug.isOn(DEBUG_BGP)) this.router.debug.emit(`BGP: ${this.shownId(n)} ${what.trim() === "Up" ? "went from OpenConfirm to Established" : `went to Idle (${what})`}`);
  }

  /** `neighbor X maximum-prefix N [THRESHOLD] [warning-only]`: IOS warns at the threshold
   * (75% by default) and, past the limit, sends Cease/Maximum Number of Prefixes Reached and
   * keeps the neighbor down until `clear ip bgp`. */
  private checkPrefixLimit(n: RunningNeighbor): void {
    const peer = n.peer;
    const bgp = this.config;
    // Already stopping: the UPDATEs still in the receive buffer (End-of-RIB…) change nothing.
    if (peer === undefined || bgp === undefined || this.ribValue === undefined || n.prefixLimit.stopped) return;
    for (const f of peer.families) {
      const limit = maximumPrefix(bgp, n.plan, f);
      if (limit === undefined) continue;
      const count = this.ribValue.prefixesReceived(peer, f);
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
  clear(address: Ipv4 | undefined, soft: "in" | "out" | "both" | undefined): number {
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

  private softClear(n: RunningNeighbor, soft: "in" | "out" | "both"): void {
    if (n.session.state !== "Established") return;
    // In: from the stored Adj-RIB-In with soft-reconfiguration, else ROUTE-REFRESH (RFC 2918).
    if (soft !== "out" && n.peer?.adjRibIn !== undefined && this.ribValue !== undefined) reapplyInbound(this.ribValue, n.peer);
    else if (soft !== "out") for (const f of n.session.negotiated?.families ?? []) n.session.requestRefresh(f);
    // Out: the whole table again, through the current outbound policy.
    if (soft !== "in" && n.peer !== undefined) this.ribValue?.refresh(n.peer);
  }

  /** The RIB's table version and summary lines for a family (IOS's memory lines). */
  tableSummary(family: SessionFamily): { readonly tableVersion: number; readonly lines: readonly string[] } {
    const rib = this.ribValue;
    if (rib === undefined) return { tableVersion: 1, lines: [] };
    const c = rib.counts(tableFamily(family));
    const lines = c.networks > 0 ? bgpTableLines(c) : [];
    return { tableVersion: c.tableVersion, lines };
  }

  /** Prefixes accepted from a neighbor in a family. */
  prefixesReceived(n: RunningNeighbor, family: SessionFamily): number {
    return n.peer === undefined || this.ribValue === undefined ? 0 : this.ribValue.prefixesReceived(n.peer, tableFamily(family));
  }

  close(): void {
    for (const n of this.neighbors.values()) n.session.stop("deconfigured");
    this.neighbors.clear();
    for (const l of this.listeners.values()) l.close();
    this.listeners.clear();
  }
}

export const bgpSubsystem: Subsystem<BgpInstance> = {
  name: "bgp",
  attach: (router) => new BgpInstance(router),
  execCommands: bgpExecCommands((router) => router.subsystem(bgpSubsystem)),
  tables: bgpTables((router) => router.subsystem(bgpSubsystem)),
  debugFlags: BGP_DEBUG_FLAGS,
};
