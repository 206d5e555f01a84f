// BGP on a router: `router bgp` reconciled into sessions (session.ts), one TCP listener per
// VRF that has neighbors, dynamic neighbors from `bgp listen range`, the %BGP log lines, the
// RIB (rib.ts) fed by the sessions and by local origination (originate.ts), its decisions
// installed into routing and the MFI (install.ts), and the exec commands (`show ip bgp …`,
// `clear ip bgp`, `debug ip bgp`).
//
// This file is the router's BGP instance: its state, the router ID, the RIB made and kept in
// step with the running config (its VRFs, route policy and each peer's policy), the UPDATEs
// flushed to the sessions after each task, and the subsystem declaration. The neighbors it
// runs are in running-neighbors.ts (sessions from the neighbor plans, the port 179
// listeners, what the sessions' events mean for the RIB, the log lines, maximum-prefix,
// `clear ip bgp`), as functions with `this: BgpInstance` bound as fields at the end of the
// class, so they share its state.
import { allRouteTargets } from "../config/model/vrf";
import type { RouterConfig } from "../config/model/router";
import { afKey } from "../config/model/bgp";
import { mplsSubsystem, type MfiInstance } from "../routing/mpls-subsystem";
import { parseRouteTarget, type ExtendedCommunity } from "../wire/bgp-communities";
import { parseRouteDistinguisher } from "../wire/bgp-nlri";
import type { TcpListener } from "../net/tcp/sockets";
import type { Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { configuredNeighbors, dynamicNeighbor, neighborKey, type NeighborPlan } from "./neighbors";
import { BGP_DEBUG_FLAGS, DEBUG_BGP_UPDATES, bgpExecCommands, bgpTables } from "./commands";
import { BgpInstaller } from "./install";
import { BgpOrigination } from "./originate";
import { peerPolicy, softReconfigInbound, summaryPrefixes } from "./policy";
import { AdjRibIn, reapplyInbound } from "./adj-rib-in";
import { RoutePolicy } from "../routing/route-map";
import { bgpTableLines } from "./show-bgp";
import { BgpRib, type BgpPeerPolicy, type BgpRibConfig, type BgpVrfConfig } from "./rib";
import type { BgpSessionEvents } from "./session";
import { tableFamily, type SessionFamily } from "./session-open";
import {
  add,
  adjChange,
  checkPrefixLimit,
  clear,
  down,
  dynamicCount,
  established,
  incoming,
  neighborOf,
  passwordFor,
  reconcileListeners,
  remove,
  sessionEvents,
  settingsFor,
  softClear,
  update,
  type RunningNeighbor,
  type SpeakerPeer,
} from "./running-neighbors";

export class BgpInstance implements SubsystemInstance {
  private config: RouterConfig["bgp"];
  // Not private where the functions bound below (running-neighbors.ts) share them.
  readonly neighbors = new Map<string, RunningNeighbor>();
  readonly listeners = new Map<string, TcpListener>();
  private routerIdValue: Ipv4 = 0 as Ipv4;
  readonly events: BgpSessionEvents;
  private ribValue: BgpRib | undefined;
  private ribConfigKey = "";
  /** Route-maps and the lists they use, compiled; made anew when any of them changes. */
  private routePolicy = new RoutePolicy({ routeMaps: {} });
  private policyKey = "";
  private peerPolicyKey = "";
  private readonly installer: BgpInstaller;
  private readonly origination: BgpOrigination;
  /** Peers with UPDATEs waiting, sent together after the current task. */
  readonly pending = new Set<SpeakerPeer>();
  private flushScheduled = false;
  private nextHopsScheduled = false;
  private pathRetryScheduled = false;
  private running: RouterConfig | undefined;

  constructor(readonly router: SubsystemHost) {
    this.installer = new BgpInstaller(router.routing, () => router.subsystem(mplsSubsystem), () => this.config?.asn ?? 0);
    this.origination = new BgpOrigination(router.routing, () => this.ribValue, (fn) => router.clock.defer(fn));
    router.routing.rib.onChange((vrf, prefix, installed) => {
      if (this.ribValue === undefined) return;
      this.origination.routeChanged(vrf, prefix, installed);
      this.installer.routeChanged(vrf, prefix);
      // Next hops resolve in the global table: a change there may make paths valid or not.
      if (vrf === "") this.scheduleNextHops();
      this.schedulePathRetry();
    });
    this.events = this.sessionEvents();
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
        ...(f?.maximumPathsEibgp !== undefined ? { maximumPathsEibgp: f.maximumPathsEibgp } : {}),
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
      ...(global?.maximumPathsEibgp !== undefined ? { maximumPathsEibgp: global.maximumPathsEibgp } : {}),
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
        allocateLabel: (vrf, prefix, aggregate, follow) => this.installer.allocateLabel(vrf, prefix, aggregate, follow),
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
    // The peers' routes leave the IP RIB together, resolved once at the end.
    this.router.routing.rib.batch(() => {
      for (const n of this.neighbors.values()) {
        if (n.peer !== undefined) rib.peerDown(n.peer);
        n.peer = undefined;
      }
    });
    this.origination.configure(undefined, this.routePolicy);
    this.ribValue = undefined;
    this.ribConfigKey = "";
    this.peerPolicyKey = "";
  }

  policyFor(p: NeighborPlan): BgpPeerPolicy {
    return peerPolicy(this.config!, p, this.routePolicy, p.localAs);
  }

  updatesReady(peer: SpeakerPeer): void {
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

  // --- The neighbors it runs (running-neighbors.ts; `this` is the instance in them) ----------
  readonly sessionEvents = sessionEvents;
  readonly settingsFor = settingsFor;
  readonly add = add;
  readonly update = update;
  readonly remove = remove;
  readonly reconcileListeners = reconcileListeners;
  readonly passwordFor = passwordFor;
  readonly incoming = incoming;
  readonly dynamicCount = dynamicCount;
  readonly neighborOf = neighborOf;
  readonly established = established;
  readonly down = down;
  readonly adjChange = adjChange;
  readonly checkPrefixLimit = checkPrefixLimit;
  readonly clear = clear;
  readonly softClear = softClear;
}

export const bgpSubsystem: Subsystem<BgpInstance> = {
  name: "bgp",
  attach: (router) => new BgpInstance(router),
  execCommands: bgpExecCommands((router) => router.subsystem(bgpSubsystem)),
  tables: bgpTables((router) => router.subsystem(bgpSubsystem)),
  debugFlags: BGP_DEBUG_FLAGS,
};
