// NHRP (RFC 2332) as DMVPN phase 3 and FlexVPN use it: a hub's `ip nhrp redirect` sends a
// traffic indication to a spoke whose packet it forwarded back out through the same NHRP
// network; the spoke (`ip nhrp shortcut [virtual-template N]`) resolves the destination
// through the hub; the spoke behind it answers for its prefix, first bringing up an IKEv2 and
// IPsec session to the requester on a Virtual-Access cloned from the template; the requester
// installs the prefix as an NHRP route (code H) via the new interface, which CEF prefers to
// the hub's shorter route. Entries age out at the responder's hold time unless the shortcut
// carried traffic; the last one gone from a Virtual-Access ends its session.
//
// MPLS over FlexVPN (`mpls nhrp`, the source document): the redirect carries the overlay
// label the hub received, which names the VRF at the spoke; the request carries the label to
// each next hop so the hub and the responder find the VRF by it; the reply carries the
// responder's label for the prefix, allocated through the MFI (the label BGP advertises, held
// by both) and implicit-null for the responder's tunnel address. The labels travel in
// FlexLab's vendor-private extension (wire/nhrp.ts). The requester matches the reply to the
// VRF it asked for by the request ID.
import type { DeepReadonly } from "../config/model/router";
import type { NhrpConfig } from "../config/model/interface";
import { TunnelInterface, type NbmaResolver } from "../net/tunnel";
import type { Timer } from "../clock/clock";
import type { Interface } from "../net/interface";
import type { ForwardWatch } from "../net/interface";
import type { Vrf } from "../net/vrf";
import { allocatePacket, HEADROOM_BYTES } from "../net/headroom";
import { mplsSubsystem, type MfiInstance } from "../routing/mpls-subsystem";
import { ikev2Subsystem } from "../ikev2/subsystem";
import { type Subsystem, type SubsystemHost, type SubsystemInstance } from "../node/subsystem";
import { debugNhrpAddressLine, debugNhrpPacketLine } from "./debug-lines";
import { nhrpExecCommands, nhrpTables } from "./commands";
import { dmvpnAttributes } from "./show";
import { formatIpv4, formatPrefix, maskOf, prefix as makePrefix, type Ipv4, type Prefix } from "../wire/addr";
import { isWireError } from "../wire/errors";
import { GreProtocol } from "../wire/gre";
import { ipv4Dst, ipv4HeaderLengthAt, ipv4Src } from "../wire/ipv4";
import { ReservedLabel, mplsLabel, type Label } from "../wire/mpls";
import {
  NHRP_PREFIX_ANY,
  NHRP_TRAFFIC_REDIRECT,
  NhrpCieCode,
  NhrpErrorCode,
  NhrpResolutionFlag,
  NhrpType,
  emitNhrp,
  parseNhrp,
  type NhrpCie,
  type NhrpMessage,
  type NhrpPacket,
  type NhrpTrafficIndication,
} from "../wire/nhrp";
import { registerDropReasons } from "../net/counters";
import { NhrpCache, type NhrpEntry } from "./cache";
import { NHRP_TRAFFIC_KINDS, type NhrpInterfaceTraffic, type NhrpPeer, type NhrpTrafficKind } from "./types";

/** Why NHRP drops a packet it received. */
export const NHRP_DROP_REASONS = registerDropReasons(["nhrp-malformed", "nhrp-authentication"] as const);

declare module "../net/counters" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the names into DropReason
  interface DropReasonNames extends Record<(typeof NHRP_DROP_REASONS)[number], true> {}
}

/** IOS: `ip nhrp holdtime` defaults to 7200 s. */
export const NHRP_DEFAULT_HOLDTIME_SEC = 7200;
/** IOS: `ip nhrp redirect timeout` defaults to 8 s (one redirect per flow per timeout). */
export const NHRP_DEFAULT_REDIRECT_TIMEOUT_SEC = 8;
/** IOS refreshes a shortcut that carried traffic in the last two minutes of its hold time. */
const USED_WINDOW_MS = 120_000;
/** How long an unanswered resolution stays incomplete (a later redirect tries again). */
const INCOMPLETE_MS = 10_000;
/** The hop count a request starts with. */
const NHRP_HOP_COUNT = 255;
/** IOS puts the tunnel's IP MTU in CIEs; ours is the GRE-over-Ethernet default. */
const CIE_MTU = 1514;
/** The metric IOS shows on NHRP routes: [250/255]. */
const NHRP_ROUTE_METRIC = 255;
/** IPv4 header + 8 bytes of the packet a redirect is about (as ICMP quotes it). */
const REDIRECT_QUOTE_EXTRA = 8;

/** What a pending resolution remembers: the VRF it was for (matched by request ID). */
interface Pending {
  readonly vrf: string;
  readonly destination: Ipv4;
  readonly interface: string;
  readonly incomplete: NhrpEntry;
}

type Counts = Record<NhrpTrafficKind, number>;
const zeroCounts = (): Counts => Object.fromEntries(NHRP_TRAFFIC_KINDS.map((k) => [k, 0])) as Counts;
const KIND_OF_TYPE: Record<number, NhrpTrafficKind> = {
  1: "resolutionRequest",
  2: "resolutionReply",
  3: "registrationRequest",
  4: "registrationReply",
  5: "purgeRequest",
  6: "purgeReply",
  7: "errorIndication",
  8: "trafficIndication",
};

const vrfKey = (vrf: Vrf): string => vrf.name;
const ribVrf = (vrf: string): string | undefined => (vrf === "" ? undefined : vrf);

/** Purge requests' N flag: no reply wanted (RFC 2332 §5.2.5). */
const NHRP_PURGE_NO_REPLY = 0x8000;
/** Registration requests' U flag (RFC 2332 §5.2.3). */
const NHRP_REGISTRATION_UNIQUE = 0x8000;

export class NhrpInstance implements SubsystemInstance, ForwardWatch, NbmaResolver {
  readonly cache: NhrpCache;
  private readonly traffic = new Map<string, { sent: Counts; received: Counts; dropped: number }>();
  private readonly pending = new Map<number, Pending>();
  /** Redirects sent, by "interface|source|destination", until when more are suppressed. */
  private readonly redirectSent = new Map<string, number>();
  private nextRequestId = 1;
  /** Tunnels registering with next hop servers: their timer, and the servers' last answers. */
  private readonly registrations = new Map<string, { plan: string; timer: Timer; answered: Map<number, { at: number; code: number }> }>();
  private readonly unregister: () => void;

  constructor(private readonly router: SubsystemHost) {
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

  private get mfi(): MfiInstance {
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
  private mplsNhrp(iface: Interface): boolean {
    const interfaces = this.router.running.interfaces;
    const cfg = interfaces[iface.name] ?? (iface instanceof TunnelInterface && iface.clonedFrom ? interfaces[iface.clonedFrom] : undefined);
    return cfg?.mpls.nhrp === true;
  }

  private holdtimeSec(iface: Interface): number {
    return this.configOf(iface)?.holdtimeSec ?? NHRP_DEFAULT_HOLDTIME_SEC;
  }

  /** Whether `iface` takes part in NHRP (a tunnel with `ip nhrp network-id`). */
  private isNhrpTunnel(iface: Interface): iface is TunnelInterface {
    return iface instanceof TunnelInterface && this.configOf(iface)?.networkId !== undefined;
  }

  reconcile(): void {
    for (const iface of this.router.stack.interfaces()) this.watch(iface);
    for (const [name, r] of this.registrations) {
      const iface = this.router.stack.interface(name);
      if (!iface || JSON.stringify(this.registrationPlan(iface)) !== r.plan) {
        r.timer.cancel();
        this.registrations.delete(name);
      }
    }
    for (const iface of this.router.stack.interfaces()) {
      if (!(iface instanceof TunnelInterface) || this.registrations.has(iface.name)) continue;
      const plan = this.registrationPlan(iface);
      if (plan === undefined) continue;
      const timer = this.router.clock.every(plan.everySec * 1000, () => this.register(iface.name));
      this.registrations.set(iface.name, { plan: JSON.stringify(plan), timer, answered: new Map() });
      this.router.clock.defer(() => this.register(iface.name));
    }
  }

  /** Hubs watch what they forward from interfaces with `ip nhrp redirect`; multipoint
   * tunnels find their next hops' NBMA addresses here; static mappings (`ip nhrp map`, `ip
   * nhrp nhs … nbma`) are cache entries that never expire. */
  private watch(iface: Interface): void {
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

  /** A spoke-to-spoke Virtual-Access that never carries an NHRP entry (a session the peer
   * started and then had no use for) ends after a hold time, as one whose entries aged out. */
  private idleCheck(iface: Interface): void {
    if (!(iface instanceof TunnelInterface) || iface.clonedFrom === undefined) return;
    const cfg = this.configOf(iface);
    if (cfg?.networkId === undefined || cfg.redirect) return;
    this.router.clock.after(this.holdtimeSec(iface) * 1000, () => {
      if (this.router.stack.interface(iface.name) === iface && this.cache.onInterface(iface.name).length === 0) this.settle(iface.name);
    });
  }

  /** NbmaResolver: the NBMA address of a multipoint tunnel's next hop, from the cache (which
   * notes the use, for the shortcuts through that peer). */
  resolve(tunnel: TunnelInterface, nextHop: Ipv4): Ipv4 | undefined {
    const entry = this.cache.host(tunnel.name, vrfKey(tunnel.vrf), nextHop);
    if (entry === undefined) return undefined;
    entry.lastUsed = this.router.clock.now();
    return entry.nbma;
  }

  /** Whether a shortcut carried traffic since `since`: on a point-to-point Virtual-Access, its
   * own packet count moved; on a multipoint tunnel, its next hop's NBMA address was looked up. */
  private usedSince(entry: NhrpEntry, iface: Interface): boolean {
    if (iface instanceof TunnelInterface && iface.mode === "gre-multipoint") {
      const peer = this.cache.host(iface.name, vrfKey(iface.vrf), entry.via);
      return peer?.lastUsed !== undefined && peer.lastUsed >= (entry.usedWindowStart ?? entry.createdAt);
    }
    return iface.counters.outPackets !== entry.usedMark;
  }

  // --- Registration (DMVPN spokes with `ip nhrp nhs`) -----------------------------------------------

  private registrationPlan(iface: Interface): { nhs: number[]; everySec: number; unique: boolean } | undefined {
    const cfg = this.configOf(iface);
    if (!(iface instanceof TunnelInterface) || cfg?.networkId === undefined || !cfg.nhs?.length) return undefined;
    const hold = cfg.holdtimeSec ?? NHRP_DEFAULT_HOLDTIME_SEC;
    return { nhs: cfg.nhs.map((n) => n.address), everySec: cfg.registrationTimeoutSec ?? Math.max(1, Math.floor(hold / 3)), unique: !cfg.registrationNoUnique };
  }

  /** Sends a registration request to each next hop server of `name` (IOS: every third of
   * the hold time, or `ip nhrp registration timeout`). */
  private register(name: string): void {
    const iface = this.router.stack.interface(name);
    const plan = iface ? this.registrationPlan(iface) : undefined;
    if (!(iface instanceof TunnelInterface) || !plan || !iface.isUp) return;
    const ours = this.protocolAddress(iface);
    const nbma = this.nbmaAddress(iface);
    if (ours === undefined || nbma === undefined) return;
    for (const nhs of plan.nhs) {
      const request: NhrpMessage = {
        type: NhrpType.RegistrationRequest,
        hopCount: NHRP_HOP_COUNT,
        flags: plan.unique ? NHRP_REGISTRATION_UNIQUE : 0,
        requestId: this.nextRequestId++,
        srcNbma: nbma,
        srcProtocol: ours,
        dstProtocol: nhs as Ipv4,
        cies: [{ code: NhrpCieCode.Success, prefixLength: 32, mtu: CIE_MTU, holdingTime: this.holdtimeSec(iface), preference: 0 }],
        extensions: { responder: null, forwardTransit: [], reverseTransit: [], ...this.authExtension(iface) },
      };
      this.send(iface, request, nhs as Ipv4);
    }
  }

  /** A next hop server: a spoke registers its tunnel address and NBMA address with us. */
  private registrationRequest(inIf: TunnelInterface, req: NhrpMessage): void {
    const now = this.router.clock.now();
    const hold = req.cies[0]?.holdingTime ?? this.holdtimeSec(inIf);
    const prefix = makePrefix(req.srcProtocol, 32);
    const vrf = vrfKey(inIf.vrf);
    const old = this.cache.get(vrf, prefix, inIf.name);
    const unique = (req.flags & NHRP_REGISTRATION_UNIQUE) !== 0;
    let code: number = NhrpCieCode.Success;
    if (old && old.nbma !== req.srcNbma && old.flags.includes("unique") && old.type !== "static") code = NhrpCieCode.UniqueAddressRegistered;
    else if (old?.type !== "static") {
      const entry = this.cache.put({ vrf, prefix, via: req.srcProtocol, interface: inIf.name, nbma: req.srcNbma, type: "dynamic", flags: unique ? ["unique", "registered", "used", "nhop"] : ["registered", "used", "nhop"], createdAt: old?.createdAt ?? now, expiresAt: now + hold * 1000, noSocket: false, preference: 255, cacheHits: 0, usedMark: 0 });
      this.cache.arm(entry, (e) => this.expire(e));
      this.debugCache(`${old ? "Updating" : "Adding"} registration of ${formatIpv4(req.srcProtocol)} at ${formatIpv4(req.srcNbma)} on ${inIf.name}`);
    }
    const reply: NhrpMessage = { ...req, type: NhrpType.RegistrationReply, hopCount: NHRP_HOP_COUNT, cies: [{ ...(req.cies[0] ?? { prefixLength: 32, mtu: CIE_MTU, holdingTime: hold, preference: 0 }), code }], extensions: { ...req.extensions, ...this.authExtension(inIf) } };
    // Back to the spoke's NBMA address: the entry just made, or the one it collided with.
    if (code === NhrpCieCode.Success || inIf.mode !== "gre-multipoint") this.send(inIf, reply, req.srcProtocol);
  }

  private registrationReply(inIf: TunnelInterface, rep: NhrpMessage): void {
    const r = this.registrations.get(inIf.name);
    if (!r) return;
    r.answered.set(rep.dstProtocol, { at: this.router.clock.now(), code: rep.cies[0]?.code ?? NhrpCieCode.Success });
    if ((rep.cies[0]?.code ?? 0) !== NhrpCieCode.Success) this.router.logMessage({ facility: "NHRP", severity: 3, mnemonic: "REGISTRATION", text: `%NHRP-3-REGISTRATION: Registration with ${formatIpv4(rep.dstProtocol)} on ${inIf.name} refused, code ${rep.cies[0]?.code}` });
  }

  // --- Counters ------------------------------------------------------------------------------

  private countsOf(iface: string) {
    let c = this.traffic.get(iface);
    if (!c) {
      c = { sent: zeroCounts(), received: zeroCounts(), dropped: 0 };
      this.traffic.set(iface, c);
    }
    return c;
  }

  trafficRows(): NhrpInterfaceTraffic[] {
    const names = this.router.stack
      .interfaces()
      .filter((i) => this.isNhrpTunnel(i))
      .map((i) => i.name);
    return names.map((name) => {
      const c = this.countsOf(name);
      return { interface: name, sent: { ...c.sent }, received: { ...c.received }, dropped: c.dropped };
    });
  }

  // --- Sending ------------------------------------------------------------------------------

  private send(out: TunnelInterface, packet: NhrpPacket, nextHop: Ipv4): boolean {
    const bytes = emitNhrp(packet);
    const buf = allocatePacket(bytes.length);
    buf.set(bytes, HEADROOM_BYTES);
    const kind = KIND_OF_TYPE[packet.type];
    if (kind) this.countsOf(out.name).sent[kind]++;
    this.debugPacket("Send", packet, out, bytes.length);
    return out.transmit(buf, HEADROOM_BYTES, HEADROOM_BYTES + bytes.length, nextHop, GreProtocol.Nhrp);
  }

  private debugPacket(dir: "Send" | "Receive", packet: NhrpPacket, iface: Interface, size: number): void {
    if (!this.router.debug.isOn("nhrp packet") && !this.router.debug.isOn("nhrp")) return;
    this.router.debug.emit(debugNhrpPacketLine(dir === "Send" ? "send" : "receive", packet.type, iface.name, iface.vrf.id, size));
    this.router.debug.emit(debugNhrpAddressLine(packet.srcProtocol, packet.dstProtocol));
  }

  /** `debug nhrp routing`: IOS's `NHRP-RT:` lines as NHRP routes come and go. */
  private debugRouting(text: string): void {
    if (this.router.debug.isOn("nhrp routing")) this.router.debug.emit(`NHRP-RT: ${text}`);
  }

  private debugCache(text: string): void {
    if (this.router.debug.isOn("nhrp cache") || this.router.debug.isOn("nhrp")) this.router.debug.emit(`NHRP: ${text}`);
  }

  /** Our tunnel (overlay) address on `iface`. */
  private protocolAddress(iface: Interface): Ipv4 | undefined {
    return iface.sourceAddress;
  }

  /** Our NBMA (outer) address on `iface`. */
  private nbmaAddress(iface: TunnelInterface): Ipv4 | undefined {
    return iface.outerSource ?? iface.resolveSourceAddress();
  }

  private authentication(iface: Interface) {
    const text = this.configOf(iface)?.authentication;
    return text === undefined ? undefined : { spi: 1, data: new TextEncoder().encode(text) };
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

  // --- Redirect (the hub) ----------------------------------------------------------------------

  /** A packet is being forwarded from `inIf` (with `ip nhrp redirect`) out of `out`: when both
   * are in one NHRP network, the sender should go direct: tell it (rate-limited per flow). */
  forwarded(inIf: Interface, out: Interface, vrf: Vrf, buf: Uint8Array, offset: number, end: number, labelsAt: number): void {
    if (!(inIf instanceof TunnelInterface) || !this.isNhrpTunnel(out)) return;
    const inCfg = this.configOf(inIf);
    if (inCfg?.networkId !== this.configOf(out)?.networkId) return;
    if (out === inIf && inIf.mode !== "gre-multipoint") return;
    const src = ipv4Src(buf, offset);
    const dst = ipv4Dst(buf, offset);
    const now = this.router.clock.now();
    const key = `${inIf.name}|${src}|${dst}`;
    const until = this.redirectSent.get(key);
    const counts = this.countsOf(inIf.name);
    if (until !== undefined && until > now) {
      counts.sent.redirectSuppress++;
      return;
    }
    const timeoutSec = inCfg?.redirectTimeoutSec ?? NHRP_DEFAULT_REDIRECT_TIMEOUT_SEC;
    this.redirectSent.set(key, now + timeoutSec * 1000);
    if (this.redirectSent.size > 4096) for (const [k, t] of this.redirectSent) if (t <= now) this.redirectSent.delete(k);
    const ours = this.protocolAddress(inIf);
    const nbma = this.nbmaAddress(inIf);
    if (ours === undefined || nbma === undefined) return;
    const quote = Math.min(end, offset + ipv4HeaderLengthAt(buf, offset) + REDIRECT_QUOTE_EXTRA);
    const vrfLabel = labelsAt >= 0 && offset - labelsAt >= 4 ? (mplsLabel(buf, offset - 4) as Label) : undefined;
    const indication: NhrpTrafficIndication = {
      type: NhrpType.TrafficIndication,
      hopCount: NHRP_HOP_COUNT,
      trafficCode: NHRP_TRAFFIC_REDIRECT,
      srcNbma: nbma,
      srcProtocol: ours,
      dstProtocol: src,
      packet: buf.slice(offset, quote),
      extensions: { ...(vrfLabel !== undefined ? { labels: { vrfLabel } } : {}), ...this.authExtension(inIf) },
    };
    this.router.logMessage({ facility: "NHRP", severity: 5, mnemonic: "REDIRECT", text: `%NHRP-5-REDIRECT: Sent redirect to ${formatIpv4(src)} for ${formatIpv4(dst)} via ${inIf.name}` });
    // To the sender's previous hop: on a multipoint tunnel, the next hop of the way back.
    const back = inIf.mode === "gre-multipoint" ? vrf.fib.lookup(src) : undefined;
    const prev = back?.kind === "forward" && back.paths[0]?.interface === inIf ? (back.paths[0].nextHop ?? src) : src;
    this.send(inIf, indication, prev);
  }

  private authExtension(iface: Interface) {
    const auth = this.authentication(iface);
    return auth ? { authentication: auth } : {};
  }

  // --- Receiving ------------------------------------------------------------------------------

  private receive(inIf: Interface, buf: Uint8Array, offset: number, limit: number): void {
    if (!this.isNhrpTunnel(inIf)) return;
    const counts = this.countsOf(inIf.name);
    const packet = parseNhrp(buf, offset, limit);
    if (isWireError(packet)) {
      counts.dropped++;
      inIf.drop("nhrp-malformed");
      return;
    }
    const kind = KIND_OF_TYPE[packet.type];
    if (kind) counts.received[kind]++;
    this.debugPacket("Receive", packet, inIf, limit - offset);
    const auth = this.configOf(inIf)?.authentication;
    if (auth !== undefined) {
      const got = packet.extensions.authentication;
      if (!got || new TextDecoder().decode(got.data) !== auth) {
        counts.dropped++;
        inIf.drop("nhrp-authentication");
        return;
      }
    }
    try {
      switch (packet.type) {
        case NhrpType.TrafficIndication:
          if (packet.trafficCode === NHRP_TRAFFIC_REDIRECT) this.redirected(inIf, packet);
          return;
        case NhrpType.ResolutionRequest:
          this.resolutionRequest(inIf, packet);
          return;
        case NhrpType.ResolutionReply:
          this.resolutionReply(inIf, packet);
          return;
        case NhrpType.RegistrationRequest:
          this.registrationRequest(inIf, packet);
          return;
        case NhrpType.RegistrationReply:
          this.registrationReply(inIf, packet);
          return;
        case NhrpType.PurgeRequest:
          this.purgeRequest(inIf, packet);
          return;
        default:
          return;
      }
    } catch (err) {
      counts.dropped++;
      // A bug, not the packet's fault (parsing has vetted it): logged, the packet dropped, the router carries on.
      this.router.logMessage({ facility: "NHRP", severity: 3, mnemonic: "INTERNAL", text: `%NHRP-3-INTERNAL: ${inIf.name}: ${String(err)}` });
    }
  }

  // --- The spoke: redirect → resolution request ----------------------------------------------

  private redirected(inIf: TunnelInterface, ind: NhrpTrafficIndication): void {
    const cfg = this.configOf(inIf);
    if (!cfg || (!cfg.shortcut && cfg.shortcutVirtualTemplate === undefined)) return;
    if (ind.packet.length < 20) return;
    const dst = ipv4Dst(ind.packet, 0);
    // Without `mpls nhrp` the label means nothing here: the resolution is for the tunnel's table.
    const label = this.mplsNhrp(inIf) ? ind.extensions.labels?.vrfLabel : undefined;
    const vrf = this.vrfForLabel(inIf, dst, label);
    if (vrf === undefined) return;
    if (this.cache.covering(vrfKey(vrf), dst).length > 0) return; // resolved or being resolved
    this.requestResolution(inIf, vrfKey(vrf), dst, ind.srcProtocol, label);
  }

  /** The VRF a redirect is about: with `mpls nhrp`, the one whose route to `dst` leaves
   * `inIf` with `label` innermost; else the tunnel's own. */
  private vrfForLabel(inIf: TunnelInterface, dst: Ipv4, label: Label | undefined): Vrf | undefined {
    if (label === undefined) return inIf.vrf;
    for (const vrf of this.router.stack.vrfs()) {
      const entry = vrf.fib.lookup(dst);
      if (entry?.kind !== "forward") continue;
      for (const p of entry.paths) if (p.interface === inIf && p.labels !== undefined && p.labels[p.labels.length - 1] === label) return vrf;
    }
    return undefined;
  }

  /** Sends a resolution request for `dst` (in `vrf`) out of `out` toward `nextHop`. */
  private requestResolution(out: TunnelInterface, vrf: string, dst: Ipv4, nextHop: Ipv4, vrfLabel: Label | undefined): void {
    const ours = this.protocolAddress(out);
    const nbma = this.nbmaAddress(out);
    if (ours === undefined || nbma === undefined) return;
    const requestId = this.nextRequestId++;
    const now = this.router.clock.now();
    const incomplete = this.cache.put({
      vrf,
      prefix: makePrefix(dst, 32),
      via: dst,
      interface: out.name,
      nbma: undefined,
      type: "incomplete",
      flags: ["negative"],
      createdAt: now,
      expiresAt: now + INCOMPLETE_MS,
      noSocket: false,
      preference: 255,
      requestId,
      requester: ours,
      cacheHits: 0,
      usedMark: 0,
    });
    this.cache.arm(incomplete, (e) => {
      this.cache.remove(e);
      this.pending.delete(requestId);
    });
    this.pending.set(requestId, { vrf, destination: dst, interface: out.name, incomplete });
    this.debugCache(`Adding incomplete entry for ${formatIpv4(dst)}${vrf ? ` vrf ${vrf}` : ""}, request ID ${requestId}`);
    const request: NhrpMessage = {
      type: NhrpType.ResolutionRequest,
      hopCount: NHRP_HOP_COUNT,
      flags: NhrpResolutionFlag.Q | NhrpResolutionFlag.A | NhrpResolutionFlag.S,
      requestId,
      srcNbma: nbma,
      srcProtocol: ours,
      dstProtocol: dst,
      cies: [{ code: NhrpCieCode.Success, prefixLength: NHRP_PREFIX_ANY, mtu: CIE_MTU, holdingTime: this.holdtimeSec(out), preference: 0 }],
      extensions: { responder: null, forwardTransit: [], reverseTransit: [], ...(vrfLabel !== undefined ? { labels: { vrfLabel } } : {}), ...this.authExtension(out) },
    };
    this.send(out, request, nextHop);
  }

  // --- Requests: forward (the hub) or answer (the spoke behind the destination) ----------------

  private resolutionRequest(inIf: TunnelInterface, req: NhrpMessage): void {
    if (req.hopCount <= 1) return this.error(inIf, req, NhrpErrorCode.HopCountExceeded);
    const ours = this.protocolAddress(inIf);
    if (ours !== undefined && req.extensions.forwardTransit?.some((c) => c.clientProtocol === ours)) return this.error(inIf, req, NhrpErrorCode.LoopDetected);
    const label = req.extensions.labels?.vrfLabel;
    let vrf: Vrf = inIf.vrf;
    if (label !== undefined) {
      const lfib = this.mfi.lfib.lookup(label);
      if (lfib === undefined) return this.error(inIf, req, NhrpErrorCode.ProtocolAddressUnreachable);
      const action = lfib.action;
      if (action.kind === "swap") {
        if (!this.isNhrpTunnel(action.out)) return this.error(inIf, req, NhrpErrorCode.ProtocolAddressUnreachable);
        return this.forwardRequest(inIf, action.out, action.nextHop ?? req.dstProtocol, req, action.outLabel);
      }
      if (action.kind !== "vrf-lookup") return this.error(inIf, req, NhrpErrorCode.ProtocolAddressUnreachable);
      vrf = action.vrf;
    }
    const entry = vrf.fib.lookup(req.dstProtocol);
    if (entry === undefined || entry.kind === "drop" || entry.paths.length === 0) return this.error(inIf, req, NhrpErrorCode.ProtocolAddressUnreachable);
    if (entry.kind === "forward") {
      const path = entry.paths[0];
      if (this.isNhrpTunnel(path.interface)) {
        if (path.interface === inIf && inIf.mode !== "gre-multipoint") return this.error(inIf, req, NhrpErrorCode.ProtocolAddressUnreachable);
        const outLabel = label !== undefined ? path.labels?.[path.labels.length - 1] : undefined;
        return this.forwardRequest(inIf, path.interface, path.nextHop ?? req.dstProtocol, req, outLabel);
      }
    }
    // The destination is behind us (or ours): we answer for its prefix.
    const owned = entry.kind === "receive" ? this.connectedPrefix(vrf, req.dstProtocol) : entry.prefix;
    // Labels only with `mpls nhrp`: without it the reply has none, and the requester's traffic
    // arrives unlabelled, in the global table (what IOS does with the line missing).
    this.answer(inIf, req, vrf, owned, this.mplsNhrp(inIf));
  }

  /** The network an address of ours sits in (IOS answers with the routing table's prefix). */
  private connectedPrefix(vrf: Vrf, addr: Ipv4): Prefix {
    for (const iface of this.router.stack.interfaces()) {
      if (iface.vrf !== vrf) continue;
      for (const a of iface.addresses) if (((a.address ^ addr) & maskOf(a.prefixLength)) >>> 0 === 0) return makePrefix(addr & maskOf(a.prefixLength), a.prefixLength);
    }
    return makePrefix(addr, 32);
  }

  private forwardRequest(inIf: TunnelInterface, out: TunnelInterface, nextHop: Ipv4, req: NhrpMessage, outLabel: Label | undefined): void {
    const record = this.transitRecord(out);
    const ext = req.extensions;
    const labels = ext.labels?.vrfLabel !== undefined ? (outLabel !== undefined ? { labels: { vrfLabel: outLabel } } : {}) : ext.labels ? { labels: ext.labels } : {};
    const { labels: _drop, authentication: _auth, ...rest } = ext;
    const forwarded: NhrpMessage = {
      ...req,
      hopCount: req.hopCount - 1,
      extensions: { ...rest, forwardTransit: [...(ext.forwardTransit ?? []), record], ...labels, ...this.authExtension(out) },
    };
    this.debugCache(`Forwarding Resolution Request for ${formatIpv4(req.dstProtocol)} from ${inIf.name} to ${out.name}`);
    this.send(out, forwarded, nextHop);
  }

  /** This router as a transit NHS record (RFC 2332 §5.3.4/§5.3.5) on its way out of `out`. */
  private transitRecord(out: TunnelInterface): NhrpCie {
    const ours = this.protocolAddress(out);
    const nbma = this.nbmaAddress(out);
    return { code: NhrpCieCode.Success, prefixLength: 32, mtu: CIE_MTU, holdingTime: this.holdtimeSec(out), preference: 0, ...(nbma !== undefined ? { clientNbma: nbma } : {}), ...(ours !== undefined ? { clientProtocol: ours } : {}) };
  }

  /** We are the egress for `req`: bring up the shortcut to the requester, then reply on it. */
  private answer(inIf: TunnelInterface, req: NhrpMessage, vrf: Vrf, owned: Prefix, withLabel: boolean): void {
    const template = this.configOf(inIf)?.shortcutVirtualTemplate;
    const reply = (out: TunnelInterface) => this.reply(out, req, vrf, owned, withLabel);
    if (template === undefined) {
      reply(inIf); // back the way it came: the hub routes it to the requester
      return;
    }
    const problem = this.router.subsystem(ikev2Subsystem).shortcut(`Virtual-Template${template}`, req.srcNbma, (name) => {
      const out = this.router.stack.interface(name);
      if (out instanceof TunnelInterface && out.isUp) reply(out);
    });
    if (problem !== undefined) this.router.warn(problem);
  }

  private reply(out: TunnelInterface, req: NhrpMessage, vrf: Vrf, owned: Prefix, withLabel: boolean): void {
    const ours = this.protocolAddress(out);
    const nbma = this.nbmaAddress(out);
    if (ours === undefined || nbma === undefined) return;
    const now = this.router.clock.now();
    const hold = this.holdtimeSec(out);
    let label: Label | undefined;
    const name = vrfKey(vrf);
    if (withLabel && name !== "") {
      const held = this.cache.get(name, owned, out.name)?.heldLabel;
      label = held ? this.mfi.labels.labelOf({ kind: "prefix", vrf: name, prefix: owned }) : this.holdLabel(name, owned);
      if (label === undefined) return this.error(out, req, NhrpErrorCode.ProtocolError);
    }
    // The requester's tunnel address, via the new interface.
    const requesterHold = req.cies[0]?.holdingTime ?? hold;
    this.learn({ vrf: vrfKey(out.vrf), prefix: makePrefix(req.srcProtocol, 32), via: req.srcProtocol, iface: out, nbma: req.srcNbma, flags: ["router", "nhop", "rib"], holdSec: requesterHold, route: "interface" });
    // What we answered for, held for the requester ("unique local", no session of its own).
    const local = this.cache.put({
      vrf: name,
      prefix: owned,
      via: ours,
      interface: out.name,
      nbma,
      type: "dynamic",
      flags: ["router", "unique", "local"],
      createdAt: this.cache.get(name, owned, out.name)?.createdAt ?? now,
      expiresAt: now + hold * 1000,
      ...(label !== undefined ? { label, heldLabel: { vrf: name, prefix: owned } } : {}),
      noSocket: true,
      preference: 255,
      requestId: req.requestId,
      requester: req.srcProtocol,
      cacheHits: 0,
      usedMark: out.counters.outPackets,
    });
    this.cache.arm(local, (e) => this.expire(e));
    const cie: NhrpCie = { code: NhrpCieCode.Success, prefixLength: owned.len, mtu: CIE_MTU, holdingTime: hold, preference: 0, clientNbma: nbma, clientProtocol: ours };
    const responder: NhrpCie = { code: NhrpCieCode.Success, prefixLength: 32, mtu: CIE_MTU, holdingTime: hold, preference: 0, clientNbma: nbma, clientProtocol: ours };
    const replyPacket: NhrpMessage = {
      type: NhrpType.ResolutionReply,
      hopCount: NHRP_HOP_COUNT,
      flags: (req.flags & (NhrpResolutionFlag.Q | NhrpResolutionFlag.S | NhrpResolutionFlag.Nat)) | NhrpResolutionFlag.A | NhrpResolutionFlag.D,
      requestId: req.requestId,
      srcNbma: req.srcNbma,
      srcProtocol: req.srcProtocol,
      dstProtocol: req.dstProtocol,
      cies: [cie],
      extensions: {
        responder,
        forwardTransit: req.extensions.forwardTransit ?? [],
        reverseTransit: [],
        ...(label !== undefined ? { labels: { cieLabels: [label, ReservedLabel.ImplicitNull as Label] } } : {}),
        ...this.authExtension(out),
      },
    };
    this.send(out, replyPacket, req.srcProtocol);
  }

  /** An NHRP hold on the label for `prefix` in `vrf`: BGP's when it advertises it (the MFI
   * hands the same label to both), else a new one NHRP disposes into the VRF itself. */
  private holdLabel(vrf: string, owned: Prefix): Label | undefined {
    const mfi = this.mfi;
    const label = mfi.labels.allocate("nhrp", { kind: "prefix", vrf, prefix: owned });
    if (label === undefined) return undefined;
    if (mfi.lfib.lookup(label) === undefined) mfi.dispose(label, vrf, owned, false);
    return label;
  }

  private releaseLabel(vrf: string, owned: Prefix): void {
    const mfi = this.mfi;
    const request = { kind: "prefix", vrf, prefix: owned } as const;
    const label = mfi.labels.labelOf(request);
    mfi.labels.release("nhrp", request);
    if (label !== undefined && mfi.labels.labelOf(request) === undefined) mfi.withdraw(label);
  }

  // --- Replies: the requester installs the shortcut ---------------------------------------------

  private resolutionReply(inIf: TunnelInterface, rep: NhrpMessage): void {
    const pending = this.pending.get(rep.requestId);
    const ours = this.protocolAddress(inIf);
    if (pending === undefined || rep.srcProtocol !== ours) {
      // Not ours: a hub passes it on toward the requester.
      if (rep.srcProtocol !== ours) this.forwardReply(inIf, rep);
      return;
    }
    this.pending.delete(rep.requestId);
    if (pending.incomplete.type === "incomplete") this.cache.remove(pending.incomplete);
    const cie = rep.cies[0];
    if (cie === undefined || cie.code !== NhrpCieCode.Success || cie.clientProtocol === undefined || cie.clientNbma === undefined) return;
    const len = cie.prefixLength > 32 ? 32 : cie.prefixLength;
    const resolved = makePrefix(rep.dstProtocol & maskOf(len), len);
    const labels = rep.extensions.labels?.cieLabels;
    const label = labels?.[0];
    const peerLabel = labels?.[1];
    const peer = cie.clientProtocol;
    this.learn({ vrf: vrfKey(inIf.vrf), prefix: makePrefix(peer, 32), via: peer, iface: inIf, nbma: cie.clientNbma, flags: ["router", "nhop", "rib"], holdSec: cie.holdingTime, route: "interface", ...(peerLabel !== undefined ? { label: peerLabel } : {}) });
    if (len === 32 && resolved.addr === peer && pending.vrf === vrfKey(inIf.vrf)) return;
    this.learn({ vrf: pending.vrf, prefix: resolved, via: peer, iface: inIf, nbma: cie.clientNbma, flags: ["router", "rib"], holdSec: cie.holdingTime, route: "recursive", ...(label !== undefined ? { label } : {}), requestId: rep.requestId, target: rep.dstProtocol });
  }

  private forwardReply(inIf: TunnelInterface, rep: NhrpMessage): void {
    const entry = inIf.vrf.fib.lookup(rep.srcProtocol);
    const path = entry?.kind === "forward" ? entry.paths[0] : undefined;
    if (path === undefined || !this.isNhrpTunnel(path.interface) || path.interface === inIf) return;
    const record = this.transitRecord(path.interface);
    const { authentication: _auth, ...rest } = rep.extensions;
    this.send(path.interface, { ...rep, hopCount: rep.hopCount - 1, extensions: { ...rest, reverseTransit: [...(rep.extensions.reverseTransit ?? []), record], ...this.authExtension(path.interface) } }, path.nextHop ?? rep.srcProtocol);
  }

  /** Adds or refreshes a dynamic entry and the NHRP route it stands for. */
  private learn(e: { vrf: string; prefix: Prefix; via: Ipv4; iface: TunnelInterface; nbma: Ipv4; flags: NhrpEntry["flags"]; holdSec: number; route: "interface" | "recursive"; label?: Label; requestId?: number; target?: Ipv4 }): void {
    const now = this.router.clock.now();
    const old = this.cache.get(e.vrf, e.prefix, e.iface.name);
    const instance = `nhrp-${e.iface.name}`;
    const entry = this.cache.put({
      vrf: e.vrf,
      prefix: e.prefix,
      via: e.via,
      interface: e.iface.name,
      nbma: e.nbma,
      type: "dynamic",
      flags: e.flags,
      createdAt: old?.createdAt ?? now,
      expiresAt: now + e.holdSec * 1000,
      ...(e.label !== undefined ? { label: e.label } : {}),
      noSocket: false,
      preference: 255,
      ...(e.requestId !== undefined ? { requestId: e.requestId } : {}),
      cacheHits: 0,
      usedMark: e.iface.counters.outPackets,
      route: { vrf: e.vrf, prefix: e.prefix, instance },
      ...(e.target !== undefined ? { target: e.target } : {}),
    });
    this.armShortcut(entry);
    const labels = e.label !== undefined && e.label !== ReservedLabel.ImplicitNull ? [e.label] : undefined;
    const nextHop =
      e.route === "interface"
        ? { address: e.via, interface: e.iface.name }
        : e.vrf === vrfKey(e.iface.vrf) && labels === undefined
          ? { address: e.via, interface: e.iface.name }
          : { address: e.via, resolveInVrf: vrfKey(e.iface.vrf), ...(labels ? { labels } : {}) };
    this.router.routing.rib.upsert(ribVrf(e.vrf), { prefix: e.prefix, protocol: "nhrp", instance, distance: 250, metric: NHRP_ROUTE_METRIC, nextHops: [nextHop], knownVia: "nhrp", from: e.via });
    this.debugRouting(`Adding route entry for ${formatPrefix(e.prefix)} (${e.iface.name} vrf:${e.vrf || "global"}${labels ? ` label ${labels[0]}` : ""}) to RIB`);
    this.debugCache(`${old ? "Updating" : "Adding"} ${e.prefix.len === 32 ? "host" : "network"} ${formatIpv4(e.prefix.addr)}/${e.prefix.len} via ${formatIpv4(e.via)} ${e.iface.name}${e.vrf ? ` vrf ${e.vrf}` : ""}${labels ? ` label ${labels[0]}` : ""}`);
  }

  // --- Ageing, purge, clear -----------------------------------------------------------------------

  /** Arms an entry's expiry; a resolved network's entry first notes its interface's traffic
   * two minutes before, so expiry can tell whether the shortcut is still in use. */
  private armShortcut(entry: NhrpEntry): void {
    const refreshable = entry.target !== undefined;
    this.cache.arm(
      entry,
      (x) => this.expire(x),
      refreshable
        ? {
            beforeMs: Math.min(USED_WINDOW_MS, ((entry.expiresAt ?? 0) - this.router.clock.now()) / 2),
            run: (x) => {
            x.usedMark = this.router.stack.interface(x.interface)?.counters.outPackets ?? 0;
            x.usedWindowStart = this.router.clock.now();
          },
        }
      : undefined,
    );
  }

  private expire(entry: NhrpEntry): void {
    const iface = this.router.stack.interface(entry.interface);
    const used = iface !== undefined && entry.target !== undefined && this.usedSince(entry, iface);
    if (used && iface instanceof TunnelInterface) {
      // In use: ask the peer again over the shortcut; its reply renews the entry. Until then it stays.
      entry.expiresAt = this.router.clock.now() + INCOMPLETE_MS;
      this.cache.arm(entry, (e) => this.expire(e));
      this.refresh(iface, entry);
      return;
    }
    this.drop(entry);
    this.settle(entry.interface);
  }

  /** Re-resolves a used shortcut directly with its responder. */
  private refresh(out: TunnelInterface, entry: NhrpEntry): void {
    const ours = this.protocolAddress(out);
    const nbma = this.nbmaAddress(out);
    if (ours === undefined || nbma === undefined) return;
    const requestId = this.nextRequestId++;
    const target = entry.target ?? (entry.prefix.addr as Ipv4);
    this.pending.set(requestId, { vrf: entry.vrf, destination: target, interface: out.name, incomplete: entry });
    this.send(
      out,
      {
        type: NhrpType.ResolutionRequest,
        hopCount: NHRP_HOP_COUNT,
        flags: NhrpResolutionFlag.Q | NhrpResolutionFlag.A | NhrpResolutionFlag.S,
        requestId,
        srcNbma: nbma,
        srcProtocol: ours,
        dstProtocol: target,
        cies: [{ code: NhrpCieCode.Success, prefixLength: NHRP_PREFIX_ANY, mtu: CIE_MTU, holdingTime: this.holdtimeSec(out), preference: 0 }],
        extensions: { responder: null, forwardTransit: [], reverseTransit: [], ...(entry.label !== undefined ? { labels: { vrfLabel: entry.label } } : {}), ...this.authExtension(out) },
      },
      entry.via,
    );
  }

  /** Removes an entry with its route and its label hold. */
  private drop(entry: NhrpEntry): void {
    if (!this.cache.remove(entry)) return;
    if (entry.route) {
      this.router.routing.rib.withdraw(ribVrf(entry.route.vrf), entry.route.prefix, "nhrp", entry.route.instance);
      this.debugRouting(`Deleting route entry for ${formatPrefix(entry.route.prefix)} (${entry.interface} vrf:${entry.route.vrf || "global"}) from RIB`);
    }
    if (entry.heldLabel) this.releaseLabel(entry.heldLabel.vrf, entry.heldLabel.prefix);
    this.debugCache(`Deleting ${formatIpv4(entry.prefix.addr)}/${entry.prefix.len} via ${formatIpv4(entry.via)} ${entry.interface}${entry.vrf ? ` vrf ${entry.vrf}` : ""}`);
  }

  /** When nothing but the peer's own address is left on a shortcut's Virtual-Access, the
   * shortcut is over: its entries go and its session ends (the Virtual-Access with it). */
  private settle(ifaceName: string): void {
    const left = this.cache.onInterface(ifaceName);
    if (left.some((e) => !e.flags.includes("nhop"))) return;
    const iface = this.router.stack.interface(ifaceName);
    if (!(iface instanceof TunnelInterface) || iface.clonedFrom === undefined || iface.destination === undefined) return;
    // Only spoke-to-spoke sessions: a hub's Virtual-Access to a spoke carries the spoke's registration, not a shortcut.
    if (this.configOf(iface)?.redirect) return;
    for (const e of left) this.drop(e);
    this.router.subsystem(ikev2Subsystem).closeSession(ifaceName);
  }

  /** A tunnel went away with its entries. Where another Virtual-Access reaches the same peer
   * (two spokes crossed sessions and one was dropped) the entries move over to it, so the
   * shortcut carries on; otherwise they go. */
  private interfaceGone(name: string): void {
    for (const e of this.cache.onInterface(name)) {
      const alt = e.nbma === undefined ? undefined : this.otherSessionTo(e.nbma, name);
      if (alt !== undefined) this.move(e, alt);
      else this.drop(e);
    }
    for (const [id, p] of this.pending) if (p.interface === name) this.pending.delete(id);
  }

  private otherSessionTo(nbma: Ipv4, not: string): TunnelInterface | undefined {
    for (const i of this.router.stack.interfaces()) if (i instanceof TunnelInterface && i.name !== not && i.clonedFrom !== undefined && i.destination === nbma && i.isUp) return i;
    return undefined;
  }

  /** Moves an entry (its route, its label hold, its expiry) to another interface. */
  private move(e: NhrpEntry, to: TunnelInterface): void {
    this.cache.remove(e);
    if (e.route) this.router.routing.rib.withdraw(ribVrf(e.route.vrf), e.route.prefix, "nhrp", e.route.instance);
    const holdSec = Math.max(1, Math.ceil(((e.expiresAt ?? this.router.clock.now()) - this.router.clock.now()) / 1000));
    if (e.route) {
      const recursive = !e.flags.includes("nhop");
      this.learn({ vrf: e.vrf, prefix: e.prefix, via: e.via, iface: to, nbma: e.nbma!, flags: e.flags, holdSec, route: recursive ? "recursive" : "interface", ...(e.label !== undefined ? { label: e.label } : {}), ...(e.requestId !== undefined ? { requestId: e.requestId } : {}), ...(e.target !== undefined ? { target: e.target } : {}) });
      return;
    }
    const moved = this.cache.put({ ...e, interface: to.name, timer: undefined, usedMark: to.counters.outPackets });
    this.cache.arm(moved, (x) => this.expire(x));
  }

  /** A responder withdrew what it answered for: the shortcuts through it go, and (unless N is
   * set) a purge reply says so. */
  private purgeRequest(inIf: TunnelInterface, req: NhrpMessage): void {
    for (const cie of req.cies) {
      if (cie.clientProtocol === undefined) continue;
      for (const e of this.cache.onInterface(inIf.name)) if (e.via === cie.clientProtocol && !e.flags.includes("local")) this.drop(e);
    }
    if ((req.flags & NHRP_PURGE_NO_REPLY) === 0) this.send(inIf, { ...req, type: NhrpType.PurgeReply, hopCount: NHRP_HOP_COUNT, extensions: this.authExtension(inIf) }, req.srcProtocol);
    this.settle(inIf.name);
  }

  /** Tells the requester of a local entry that the binding is gone (RFC 2332 §5.2.5). */
  private purge(entry: NhrpEntry): void {
    const iface = this.router.stack.interface(entry.interface);
    if (!(iface instanceof TunnelInterface) || entry.requester === undefined || !iface.isUp) return;
    const ours = this.protocolAddress(iface);
    const nbma = this.nbmaAddress(iface);
    if (ours === undefined || nbma === undefined) return;
    const purge: NhrpMessage = {
      type: NhrpType.PurgeRequest,
      hopCount: NHRP_HOP_COUNT,
      flags: 0,
      requestId: this.nextRequestId++,
      srcNbma: nbma,
      srcProtocol: ours,
      dstProtocol: entry.requester,
      cies: [{ code: NhrpCieCode.Success, prefixLength: entry.prefix.len, mtu: CIE_MTU, holdingTime: 0, preference: 0, clientNbma: nbma, clientProtocol: ours }],
      extensions: this.authExtension(iface),
    };
    this.send(iface, purge, entry.requester);
  }

  /** `clear ip nhrp [vrf X]`: dynamic entries go (and the shortcuts they held up); those we
   * answered for are purged at their requesters. */
  clear(vrf?: string): void {
    const touched = new Set<string>();
    const cleared = this.cache.all().filter((e) => e.type !== "static" && (vrf === undefined || e.vrf === vrf));
    // Purges first, while the requesters' own entries still say where they are.
    for (const e of cleared) if (e.flags.includes("local")) this.purge(e);
    for (const e of cleared) {
      this.drop(e);
      touched.add(e.interface);
    }
    for (const name of touched) this.settle(name);
  }

  private error(inIf: TunnelInterface, req: NhrpMessage, code: number): void {
    const ours = this.protocolAddress(inIf);
    const nbma = this.nbmaAddress(inIf);
    if (ours === undefined || nbma === undefined) return;
    this.send(inIf, { type: NhrpType.ErrorIndication, hopCount: NHRP_HOP_COUNT, errorCode: code, errorOffset: 0, srcNbma: nbma, srcProtocol: ours, dstProtocol: req.srcProtocol, packet: emitNhrp(req).slice(0, 64), extensions: this.authExtension(inIf) }, req.srcProtocol);
  }

  close(): void {
    this.unregister();
    for (const r of this.registrations.values()) r.timer.cancel();
    this.registrations.clear();
    this.cache.clear();
    for (const iface of this.router.stack.interfaces()) if (iface.forwardWatch === this) iface.forwardWatch = undefined;
  }
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
