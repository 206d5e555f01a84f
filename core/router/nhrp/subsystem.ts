// NHRP (RFC 2332) as DMVPN phase 3 and FlexVPN use it: a hub's `ip nhrp redirect` sends a
// traffic indication to a spoke whose packet it forwarded back out through the same NHRP
// network; the spoke (`ip nhrp shortcut [virtual-template N]`) resolves the destination
// through the hub; the spoke behind it answers for its prefix, first bringing up an IKEv2 and
// IPsec session to the requester on a Virtual-Access cloned from the template; the requester
// installs the prefix as an NHRP route (code H) via the new interface, which CEF prefers to
// the hub's shorter route. Entries age out at the responder's hold time unless the shortcut
// is in use, when it is refreshed before then; the last one gone from a Virtual-Access ends
// its session.
//
// MPLS over FlexVPN (`mpls nhrp`, the source document): the redirect carries the overlay
// label the hub received, which names the VRF at the spoke; the request carries the label to
// each next hop so the hub and the responder find the VRF by it; the reply carries the
// responder's label for the prefix, allocated through the MFI (the label BGP advertises, held
// by both) and implicit-null for the responder's tunnel address. The labels travel in
// FlexLab's vendor-private extension (wire/nhrp-labels.ts). The requester matches the reply to
// the VRF it asked for by the request ID.
//
// This file is the router's NHRP instance: its state, the config it reads (static mappings,
// redirect watches, the NBMA resolver of multipoint tunnels), `show dmvpn`'s peers and the
// subsystem declaration. The protocol is in its own files, as functions with `this:
// NhrpInstance` bound as fields at the end of the class, so they share its state:
// packets.ts (sending, receiving and dispatch, error indications, counters, authentication),
// registration.ts (spokes registering with their next hop servers, and the server's side),
// redirect.ts (the hub's traffic indication and the spoke's resolution request it starts),
// resolution.ts (requests forwarded or answered, replies installed as NHRP routes) and
// ageing.ts (expiry and refresh of shortcuts, purge, `clear ip nhrp`). The cache itself is
// cache.ts; show, commands and debug lines are show.ts, commands.ts and debug-lines.ts.
import type { DeepReadonly } from "../config/model/router";
import type { NhrpConfig } from "../config/model/interface";
import { TunnelInterface, type NbmaResolver } from "../net/tunnel";
import type { Timer } from "../clock/clock";
import type { Interface } from "../net/interface";
import type { ForwardWatch } from "../net/interface";
import { mplsSubsystem, type MfiInstance } from "../routing/mpls-subsystem";
import { type Subsystem, type SubsystemHost, type SubsystemInstance } from "../node/subsystem";
import { nhrpExecCommands, nhrpTables } from "./commands";
import { dmvpnAttributes } from "./show";
import { prefix as makePrefix, type Ipv4 } from "../wire/addr";
import { GreProtocol } from "../wire/gre";
import { NhrpCache, vrfKey, type NhrpEntry } from "./cache";
import type { NhrpPeer } from "./types";
import { NHRP_DROP_REASONS, authentication, authExtension, controlPacketsSent, countsOf, debugPacket, error, receive, send, trafficRows, type InterfaceCounts } from "./packets";
import { nextHopServers, reconcileRegistrations, registrationPlan, register, registrationRequest, registrationReply, type NhsCounts } from "./registration";
import { forwarded, redirected, requestResolution, sendResolutionRequest, vrfForLabel } from "./redirect";
import { answer, connectedPrefix, forwardReply, forwardRequest, holdLabel, learn, releaseLabel, reply, resolutionReply, resolutionRequest, transitRecord } from "./resolution";
import { armShortcut, clear, dataPacketsOut, drop, expire, idleCheck, interfaceGone, markUsage, move, otherSessionTo, purge, purgeRequest, refresh, settle, usedSince } from "./ageing";

/** IOS: `ip nhrp holdtime` defaults to 7200 s. */
export const NHRP_DEFAULT_HOLDTIME_SEC = 7200;

/** What a pending resolution remembers: the VRF it was for (matched by request ID). */
interface Pending {
  readonly vrf: string;
  readonly destination: Ipv4;
  readonly interface: string;
  readonly incomplete: NhrpEntry;
}

export class NhrpInstance implements SubsystemInstance, ForwardWatch, NbmaResolver {
  readonly cache: NhrpCache;
  /** Packets sent, received and dropped, by interface (packets.ts). */
  readonly traffic = new Map<string, InterfaceCounts>();
  /** Resolutions waiting for their reply, by request ID. */
  readonly pending = new Map<number, Pending>();
  /** Redirects sent, by "interface|source|destination", until when more are suppressed. */
  readonly redirectSent = new Map<string, number>();
  nextRequestId = 1;
  /** Set while NHRP sends its own packet: a multipoint tunnel's lookup for it is not a use. */
  sendingControl = false;
  /** Tunnels registering with next hop servers: their timer, the servers' last answers, and
   * per server the requests sent, replies received and refusals (`show ip nhrp nhs detail`). */
  readonly registrations = new Map<string, { plan: string; timer: Timer; answered: Map<number, { at: number; code: number }>; counts: Map<number, NhsCounts> }>();
  private readonly unregister: () => void;

  constructor(readonly router: SubsystemHost) {
    this.cache = new NhrpCache(router.clock);
    this.unregister = router.stack.registerEtherType(GreProtocol.Nhrp, (inIf, buf, offset, limit) => this.receive(inIf, buf, offset, limit));
    router.stack.onInterfaceChange(({ interface: iface, change }) => {
      if (change === "added") {
        this.watch(iface);
        this.idleCheck(iface);
      }
      else if (change === "removed") this.interfaceGone(iface.name);
    });
  }

  get mfi(): MfiInstance {
    return this.router.subsystem(mplsSubsystem);
  }

  // --- Config ------------------------------------------------------------------------------

  /** The NHRP lines that apply to `iface`: its own, or its Virtual-Template's for a Virtual-Access. */
  configOf(iface: Interface): DeepReadonly<NhrpConfig> | undefined {
    const interfaces = this.router.running.interfaces;
    const own = interfaces[iface.name];
    if (own) return own.nhrp;
    return iface instanceof TunnelInterface && iface.clonedFrom ? interfaces[iface.clonedFrom]?.nhrp : undefined;
  }

  /** `mpls nhrp` on the interface (or its template). */
  mplsNhrp(iface: Interface): boolean {
    const interfaces = this.router.running.interfaces;
    const cfg = interfaces[iface.name] ?? (iface instanceof TunnelInterface && iface.clonedFrom ? interfaces[iface.clonedFrom] : undefined);
    return cfg?.mpls.nhrp === true;
  }

  holdtimeSec(iface: Interface): number {
    return this.configOf(iface)?.holdtimeSec ?? NHRP_DEFAULT_HOLDTIME_SEC;
  }

  /** Whether `iface` takes part in NHRP (a tunnel with `ip nhrp network-id`). */
  isNhrpTunnel(iface: Interface): iface is TunnelInterface {
    return iface instanceof TunnelInterface && this.configOf(iface)?.networkId !== undefined;
  }

  reconcile(): void {
    for (const iface of this.router.stack.interfaces()) this.watch(iface);
    this.reconcileRegistrations();
  }

  /** Hubs watch what they forward from interfaces with `ip nhrp redirect`; multipoint
   * tunnels find their next hops' NBMA addresses here; static mappings (`ip nhrp map`, `ip
   * nhrp nhs … nbma`) are cache entries that never expire. */
  watch(iface: Interface): void {
    const cfg = this.configOf(iface);
    const nhrp = iface instanceof TunnelInterface && cfg?.networkId !== undefined;
    iface.forwardWatch = nhrp && cfg?.redirect === true ? this : undefined;
    if (!(iface instanceof TunnelInterface)) return;
    if (iface.mode === "gre-multipoint") iface.nbma = nhrp ? this : undefined;
    const wanted = new Map<number, Ipv4>();
    if (nhrp) {
      for (const m of cfg?.maps ?? []) wanted.set(m.protocol, m.nbma);
      for (const n of cfg?.nhs ?? []) if (n.nbma !== undefined) wanted.set(n.address, n.nbma);
    }
    for (const e of this.cache.onInterface(iface.name)) {
      if (e.type !== "static") continue;
      if (wanted.get(e.via) === e.nbma) wanted.delete(e.via);
      else this.cache.remove(e);
    }
    for (const [protocol, nbma] of wanted) {
      this.cache.put({ vrf: vrfKey(iface.vrf), prefix: makePrefix(protocol, 32), via: protocol as Ipv4, interface: iface.name, nbma, type: "static", flags: [], createdAt: this.router.clock.now(), expiresAt: undefined, noSocket: false, preference: 255, cacheHits: 0, usedMark: 0 });
    }
  }

  /** NbmaResolver: the NBMA address of a multipoint tunnel's next hop, from the cache (which
   * notes a data packet's use, for the shortcuts through that peer). */
  resolve(tunnel: TunnelInterface, nextHop: Ipv4): Ipv4 | undefined {
    const entry = this.cache.host(tunnel.name, vrfKey(tunnel.vrf), nextHop);
    if (entry === undefined) return undefined;
    if (!this.sendingControl) entry.lastUsed = this.router.clock.now();
    return entry.nbma;
  }

  // --- Debug lines and our addresses, for every part of the protocol ---------------------------

  /** `debug nhrp routing`: IOS's `NHRP-RT:` lines as NHRP routes come and go. */
  debugRouting(text: string): void {
    if (this.router.debug.isOn("nhrp routing")) this.router.debug.emit(`NHRP-RT: ${text}`);
  }

  /** `debug nhrp cache` (or `debug nhrp`): entries as they come and go. */
  debugCache(text: string): void {
    if (this.router.debug.isOn("nhrp cache") || this.router.debug.isOn("nhrp")) this.router.debug.emit(`NHRP: ${text}`);
  }

  /** Our tunnel (overlay) address on `iface`. */
  protocolAddress(iface: Interface): Ipv4 | undefined {
    return iface.sourceAddress;
  }

  /** Our NBMA (outer) address on `iface`. */
  nbmaAddress(iface: TunnelInterface): Ipv4 | undefined {
    return iface.outerSource ?? iface.resolveSourceAddress();
  }

  /** `show dmvpn`'s peers: per NHRP interface, the entries grouped by NBMA address. */
  peers(): NhrpPeer[] {
    const out: NhrpPeer[] = [];
    const byKey = new Map<string, NhrpEntry[]>();
    for (const e of this.cache.all()) {
      if (e.nbma === undefined) continue;
      const key = `${e.interface}\n${e.nbma}`;
      const list = byKey.get(key);
      if (list) list.push(e);
      else byKey.set(key, [e]);
    }
    for (const entries of byKey.values()) {
      const first = entries[0];
      const iface = this.router.stack.interface(first.interface);
      const peerEntry = entries.find((e) => e.flags.includes("nhop")) ?? first;
      out.push({
        interface: first.interface,
        role: iface && this.configOf(iface)?.redirect ? "Hub" : "Spoke",
        nbma: first.nbma!,
        tunnelAddress: peerEntry.via,
        state: iface?.isUp ? "UP" : "NHRP",
        since: Math.min(...entries.map((e) => e.createdAt)),
        attributes: dmvpnAttributes(peerEntry),
        entries,
      });
    }
    return out;
  }

  close(): void {
    this.unregister();
    for (const r of this.registrations.values()) r.timer.cancel();
    this.registrations.clear();
    this.cache.clear();
    for (const iface of this.router.stack.interfaces()) if (iface.forwardWatch === this) iface.forwardWatch = undefined;
  }

  // --- The protocol, one file each (`this` is the instance in them) ----------------------------

  // packets.ts
  readonly countsOf = countsOf;
  readonly controlPacketsSent = controlPacketsSent;
  readonly trafficRows = trafficRows;
  readonly send = send;
  readonly debugPacket = debugPacket;
  readonly authentication = authentication;
  readonly authExtension = authExtension;
  readonly receive = receive;
  readonly error = error;

  // registration.ts
  readonly reconcileRegistrations = reconcileRegistrations;
  readonly registrationPlan = registrationPlan;
  readonly nextHopServers = nextHopServers;
  readonly register = register;
  readonly registrationRequest = registrationRequest;
  readonly registrationReply = registrationReply;

  // redirect.ts
  readonly forwarded = forwarded;
  readonly redirected = redirected;
  readonly vrfForLabel = vrfForLabel;
  readonly requestResolution = requestResolution;
  readonly sendResolutionRequest = sendResolutionRequest;

  // resolution.ts
  readonly resolutionRequest = resolutionRequest;
  readonly connectedPrefix = connectedPrefix;
  readonly forwardRequest = forwardRequest;
  readonly transitRecord = transitRecord;
  readonly answer = answer;
  readonly reply = reply;
  readonly holdLabel = holdLabel;
  readonly releaseLabel = releaseLabel;
  readonly resolutionReply = resolutionReply;
  readonly forwardReply = forwardReply;
  readonly learn = learn;

  // ageing.ts
  readonly idleCheck = idleCheck;
  readonly dataPacketsOut = dataPacketsOut;
  readonly usedSince = usedSince;
  readonly markUsage = markUsage;
  readonly armShortcut = armShortcut;
  readonly expire = expire;
  readonly refresh = refresh;
  readonly drop = drop;
  readonly settle = settle;
  readonly interfaceGone = interfaceGone;
  readonly otherSessionTo = otherSessionTo;
  readonly move = move;
  readonly purgeRequest = purgeRequest;
  readonly purge = purge;
  readonly clear = clear;
}

const nhrpOf = (router: SubsystemHost): NhrpInstance => router.subsystem(nhrpSubsystem);

export const nhrpSubsystem: Subsystem<NhrpInstance> = {
  name: "nhrp",
  attach: (router) => new NhrpInstance(router),
  tables: nhrpTables(nhrpOf),
  execCommands: nhrpExecCommands(nhrpOf),
  dropReasons: NHRP_DROP_REASONS,
  debugFlags: [
    { flag: "nhrp", help: ["NHRP protocol"], heading: "NHRP", description: "NHRP protocol debugging is on" },
    { flag: "nhrp packet", help: ["NHRP protocol", "NHRP activity"], heading: "NHRP", description: "NHRP activity debugging is on" },
    { flag: "nhrp cache", help: ["NHRP protocol", "NHRP cache operations"], heading: "NHRP", description: "NHRP cache operations debugging is on" },
    { flag: "nhrp routing", help: ["NHRP protocol", "NHRP routing"], heading: "NHRP", description: "NHRP routing debugging is on" },
  ],
};
