// BGP on a router: `router bgp` reconciled into sessions (session.ts), one TCP listener per
// VRF that has neighbors, dynamic neighbors from `bgp listen range`, the %BGP log lines, and
// the exec commands (`show ip bgp …`, `clear ip bgp`, `debug ip bgp`).
import type { RouterConfig } from "../config/model/router";
import type { TcpConnection } from "../net/tcp/connection";
import type { TcpListener } from "../net/tcp/sockets";
import { logMessage } from "../net/interface";
import type { Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";
import { formatIpv4, type Ipv4, type Prefix } from "../wire/addr";
import { BGP_PORT } from "../wire/bgp";
import { configuredNeighbors, dynamicNeighbor, listenLimit, neighborKey, type NeighborPlan } from "./neighbors";
import { notificationText } from "./notification-text";
import { BGP_DEBUG_FLAGS, DEBUG_BGP, bgpExecCommands } from "./commands";
import { BgpSession, DEFAULT_CONNECT_RETRY_SEC, DEFAULT_HOLD_TIME_SEC, DEFAULT_KEEPALIVE_SEC, type BgpSessionEvents, type BgpSessionSettings, type DownReason, type SessionFamily } from "./session";

/** A neighbor the speaker runs: its plan and its session. */
export interface RunningNeighbor {
  plan: NeighborPlan;
  readonly session: BgpSession;
  /** Listen range a dynamic neighbor came in by. */
  readonly range: Prefix | undefined;
}

export class BgpInstance implements SubsystemInstance {
  private config: RouterConfig["bgp"];
  private readonly neighbors = new Map<string, RunningNeighbor>();
  private readonly listeners = new Map<string, TcpListener>();
  private routerIdValue: Ipv4 = 0 as Ipv4;
  private readonly events: BgpSessionEvents;

  constructor(private readonly router: SubsystemHost) {
    this.events = {
      established: (s) => this.established(s),
      update: () => undefined,
      routeRefresh: () => undefined,
      down: (s, reason, was) => this.down(s, reason, was),
      writable: () => undefined,
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
    const bgp = after.bgp;
    if (bgp === undefined) {
      for (const n of [...this.neighbors.values()]) this.remove(n, "deconfigured");
      for (const l of this.listeners.values()) l.close();
      this.listeners.clear();
      this.routerIdValue = 0 as Ipv4;
      return;
    }
    if (was === undefined || was.asn !== bgp.asn) this.routerIdValue = 0 as Ipv4;
    const id = bgp.routerId ?? (this.routerIdValue || this.chooseRouterId());
    const idChanged = id !== this.routerIdValue;
    this.routerIdValue = id;
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

  /** IOS: the highest loopback address, else the highest address of an interface that is up. */
  private chooseRouterId(): Ipv4 {
    let loop = 0;
    let other = 0;
    for (const i of this.router.stack.interfaces()) {
      const a = i.address?.address;
      if (a === undefined) continue;
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
      localAs: bgp.asn,
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
    const n: RunningNeighbor = { plan: p, session, range };
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
    else if (this.routerIdValue !== 0) n.session.start();
  }

  private remove(n: RunningNeighbor, why: "deconfigured"): void {
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
    if (!n) return;
    this.adjChange(n, "Up ");
  }

  private down(s: BgpSession, reason: DownReason, wasEstablished: boolean): void {
    const n = this.neighborOf(s);
    if (!n) return;
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

  /** `clear ip bgp * | A.B.C.D [soft [in|out]]`: a hard clear resets the sessions; a soft
   * one asks the peer to resend (in, ROUTE-REFRESH) and sends our table again (out). */
  clear(address: Ipv4 | undefined, soft: "in" | "out" | "both" | undefined): number {
    let count = 0;
    for (const n of this.all()) {
      if (address !== undefined && n.plan.address !== address) continue;
      count++;
      if (n.plan.shutdown) continue;
      if (soft === undefined) n.session.reset("admin-reset");
      else this.softClear(n, soft);
    }
    return count;
  }

  private softClear(n: RunningNeighbor, soft: "in" | "out" | "both"): void {
    if (n.session.state !== "Established") return;
    if (soft !== "out") for (const f of n.session.negotiated?.families ?? []) n.session.requestRefresh(f);
  }

  /** The RIB's table version and summary lines for a family. */
  tableSummary(_family: SessionFamily): { readonly tableVersion: number; readonly lines: readonly string[] } {
    return { tableVersion: 1, lines: [] };
  }

  /** Prefixes accepted from a neighbor in a family. */
  prefixesReceived(_n: RunningNeighbor, _family: SessionFamily): number {
    return 0;
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
  debugFlags: BGP_DEBUG_FLAGS,
};
