// Phase 3's trigger (draft-detienne-dmvpn): a hub with `ip nhrp redirect` that forwards a
// packet back out into the NHRP network it came from tells the sender with a traffic
// indication, rate-limited per flow by `ip nhrp redirect timeout`; the spoke with `ip nhrp
// shortcut` answers it with a resolution request for the destination, through the hub,
// keeping an incomplete entry until the reply (resolution.ts) comes. With `mpls nhrp` the
// redirect carries the label the hub received, which names the VRF at the spoke.
// Functions of NhrpInstance (`this` is the instance), bound in subsystem.ts.
import type { Interface } from "../net/interface";
import { TunnelInterface } from "../net/tunnel";
import type { Vrf } from "../net/vrf";
import { formatIpv4, prefix as makePrefix, type Ipv4 } from "../wire/addr";
import { ipv4Dst, ipv4HeaderLengthAt, ipv4Src } from "../wire/ipv4";
import { mplsLabel, type Label } from "../wire/mpls";
import { NHRP_TRAFFIC_REDIRECT, NhrpResolutionFlag, NhrpType, type NhrpMessage, type NhrpTrafficIndication } from "../wire/nhrp";
import { NHRP_PREFIX_ANY, NhrpCieCode } from "../wire/nhrp-cie";
import { vrfKey } from "./cache";
import { CIE_MTU, NHRP_HOP_COUNT } from "./packets";
import type { NhrpInstance } from "./subsystem";

/** IOS: `ip nhrp redirect timeout` defaults to 8 s (one redirect per flow per timeout). */
export const NHRP_DEFAULT_REDIRECT_TIMEOUT_SEC = 8;
/** How long an unanswered resolution stays incomplete (a later redirect tries again). */
export const INCOMPLETE_MS = 10_000;
/** IPv4 header + 8 bytes of the packet a redirect is about (as ICMP quotes it). */
const REDIRECT_QUOTE_EXTRA = 8;

// --- The hub: a packet forwarded back into the NHRP network → redirect -----------------------

/** A packet is being forwarded from `inIf` (with `ip nhrp redirect`) out of `out`: when both
 * are in one NHRP network, the sender should go direct: tell it (rate-limited per flow). */
export function forwarded(this: NhrpInstance, inIf: Interface, out: Interface, vrf: Vrf, buf: Uint8Array, offset: number, end: number, labelsAt: number): void {
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

// --- The spoke: redirect → resolution request ----------------------------------------------

/** A hub's redirect: with `ip nhrp shortcut`, resolve the destination it was about (unless
 * it is resolved or being resolved already). */
export function redirected(this: NhrpInstance, inIf: TunnelInterface, ind: NhrpTrafficIndication): void {
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
export function vrfForLabel(this: NhrpInstance, inIf: TunnelInterface, dst: Ipv4, label: Label | undefined): Vrf | undefined {
  if (label === undefined) return inIf.vrf;
  for (const vrf of this.router.stack.vrfs()) {
    const entry = vrf.fib.lookup(dst);
    if (entry?.kind !== "forward") continue;
    for (const p of entry.paths) if (p.interface === inIf && p.labels !== undefined && p.labels[p.labels.length - 1] === label) return vrf;
  }
  return undefined;
}

/** Sends a resolution request for `dst` (in `vrf`) out of `out` toward `nextHop`. */
export function requestResolution(this: NhrpInstance, out: TunnelInterface, vrf: string, dst: Ipv4, nextHop: Ipv4, vrfLabel: Label | undefined): void {
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
  this.sendResolutionRequest(out, ours, nbma, requestId, dst, vrfLabel, nextHop);
}

/** Our resolution request `requestId` for `dst` out of `out` toward `nextHop`: Q|A|S, and a
 * CIE asking for the responder's whole prefix; `vrfLabel` names the VRF under `mpls nhrp`.
 * A first request (above) and a used shortcut's refresh (ageing.ts) both send it. */
export function sendResolutionRequest(this: NhrpInstance, out: TunnelInterface, ours: Ipv4, nbma: Ipv4, requestId: number, dst: Ipv4, vrfLabel: Label | undefined, nextHop: Ipv4): void {
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
