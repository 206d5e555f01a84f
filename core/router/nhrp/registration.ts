// Registration (RFC 2332 §5.2.3, §5.2.4) as DMVPN uses it: a spoke with `ip nhrp nhs`
// registers its tunnel address and NBMA address with each next hop server, at once and then
// every third of the hold time (or `ip nhrp registration timeout`), one timer per tunnel
// that follows the config; the server keeps a dynamic entry per spoke and replies.
// Functions of NhrpInstance (`this` is the instance), bound in subsystem.ts.
import type { Interface } from "../net/interface";
import { TunnelInterface } from "../net/tunnel";
import { formatIpv4, prefix as makePrefix, type Ipv4 } from "../wire/addr";
import { NhrpType, type NhrpMessage } from "../wire/nhrp";
import { NhrpCieCode } from "../wire/nhrp-cie";
import { vrfKey } from "./cache";
import { CIE_MTU, NHRP_HOP_COUNT } from "./packets";
import type { NhrpInstance } from "./subsystem";

/** Registration requests' U flag (RFC 2332 §5.2.3). */
const NHRP_REGISTRATION_UNIQUE = 0x8000;

/** Registration timers follow the config: a tunnel whose plan changed (or that is gone)
 * stops registering; one with a plan and no timer starts, registering at once. */
export function reconcileRegistrations(this: NhrpInstance): void {
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
    this.registrations.set(iface.name, { plan: JSON.stringify(plan), timer, answered: new Map(), counts: new Map() });
    this.router.clock.defer(() => this.register(iface.name));
  }
}

/** What a tunnel's registrations are: its next hop servers, how often, and the U flag. */
export function registrationPlan(this: NhrpInstance, iface: Interface): { nhs: number[]; everySec: number; unique: boolean } | undefined {
  const cfg = this.configOf(iface);
  if (!(iface instanceof TunnelInterface) || cfg?.networkId === undefined || !cfg.nhs?.length) return undefined;
  const hold = this.holdtimeSec(iface);
  return { nhs: cfg.nhs.map((n) => n.address), everySec: cfg.registrationTimeoutSec ?? Math.max(1, Math.floor(hold / 3)), unique: !cfg.registrationNoUnique };
}

/** Sends a registration request to each next hop server of `name` (IOS: every third of
 * the hold time, or `ip nhrp registration timeout`). */
export function register(this: NhrpInstance, name: string): void {
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
    countsOf(this, name, nhs).sent++;
  }
}

/** A next hop server: a spoke registers its tunnel address and NBMA address with us. */
export function registrationRequest(this: NhrpInstance, inIf: TunnelInterface, req: NhrpMessage): void {
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

/** A server's answer: noted per server; a refusal is logged. */
export function registrationReply(this: NhrpInstance, inIf: TunnelInterface, rep: NhrpMessage): void {
  const r = this.registrations.get(inIf.name);
  if (!r) return;
  r.answered.set(rep.dstProtocol, { at: this.router.clock.now(), code: rep.cies[0]?.code ?? NhrpCieCode.Success });
  const counts = countsOf(this, inIf.name, rep.dstProtocol);
  counts.received++;
  if ((rep.cies[0]?.code ?? NhrpCieCode.Success) !== NhrpCieCode.Success) counts.failed++;
  if ((rep.cies[0]?.code ?? 0) !== NhrpCieCode.Success) this.router.logMessage({ facility: "NHRP", severity: 3, mnemonic: "REGISTRATION", text: `%NHRP-3-REGISTRATION: Registration with ${formatIpv4(rep.dstProtocol)} on ${inIf.name} refused, code ${rep.cies[0]?.code}` });
}

/** A next hop server's registration counters. */
export interface NhsCounts {
  sent: number;
  received: number;
  /** Replies refusing the registration (a CIE code other than success). */
  failed: number;
}

function countsOf(nhrp: NhrpInstance, tunnel: string, nhs: number): NhsCounts {
  const r = nhrp.registrations.get(tunnel);
  let c = r?.counts.get(nhs);
  if (!c) {
    c = { sent: 0, received: 0, failed: 0 };
    r?.counts.set(nhs, c);
  }
  return c;
}

/** One next hop server of a registering tunnel, as `show ip nhrp nhs` reports it. */
export interface NhsState {
  interface: string;
  address: Ipv4;
  /** The server's NBMA address: `ip nhrp nhs A nbma B`, else its static mapping. */
  nbma?: Ipv4;
  counts: NhsCounts;
  /** When its last reply came, and whether that reply accepted the registration. */
  lastReply?: { at: number; success: boolean };
  /** A reply accepting the registration came within the hold time. */
  responding: boolean;
}

/** Every tunnel's next hop servers in configured order, with their registration state. */
export function nextHopServers(this: NhrpInstance): NhsState[] {
  const out: NhsState[] = [];
  const now = this.router.clock.now();
  for (const iface of this.router.stack.interfaces()) {
    const cfg = this.configOf(iface);
    if (!(iface instanceof TunnelInterface) || cfg?.networkId === undefined || !cfg.nhs?.length) continue;
    const r = this.registrations.get(iface.name);
    const holdMs = this.holdtimeSec(iface) * 1000;
    for (const nhs of cfg.nhs) {
      const answer = r?.answered.get(nhs.address);
      const mapped = cfg.maps?.find((m) => m.protocol === nhs.address)?.nbma;
      const nbma = nhs.nbma ?? mapped;
      const success = answer !== undefined && answer.code === NhrpCieCode.Success;
      out.push({
        interface: iface.name,
        address: nhs.address,
        ...(nbma !== undefined ? { nbma } : {}),
        counts: { ...(r?.counts.get(nhs.address) ?? { sent: 0, received: 0, failed: 0 }) },
        ...(answer ? { lastReply: { at: answer.at, success } } : {}),
        responding: success && now - (answer?.at ?? 0) < holdMs,
      });
    }
  }
  return out;
}
