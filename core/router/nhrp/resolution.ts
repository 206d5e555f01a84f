// Resolution (RFC 2332 §5.2.1, §5.2.2) for shortcuts: a request is forwarded by the hub
// toward the destination (with a transit record, and under `mpls nhrp` the VRF label swapped
// as the LFIB says) or answered by the router behind it, which first brings up the shortcut
// session (IKEv2 on a Virtual-Access cloned from `ip nhrp shortcut virtual-template N`) and
// holds the prefix's label through the MFI; the reply travels back to the requester, which
// installs the peer and the resolved prefix as NHRP routes (`learn`). The request itself
// starts in redirect.ts (or ageing.ts, when a used shortcut is refreshed).
// Functions of NhrpInstance (`this` is the instance), bound in subsystem.ts.
import { TunnelInterface } from "../net/tunnel";
import type { Vrf } from "../net/vrf";
import { ikev2Subsystem } from "../ikev2/subsystem";
import { formatIpv4, formatPrefix, maskOf, prefix as makePrefix, type Ipv4, type Prefix } from "../wire/addr";
import { ReservedLabel, type Label } from "../wire/mpls";
import { NhrpErrorCode, NhrpResolutionFlag, NhrpType, type NhrpMessage } from "../wire/nhrp";
import { NhrpCieCode, type NhrpCie } from "../wire/nhrp-cie";
import { ribVrf, vrfKey, type NhrpEntry } from "./cache";
import { CIE_MTU, NHRP_HOP_COUNT } from "./packets";
import type { NhrpInstance } from "./subsystem";

/** The metric IOS shows on NHRP routes: [250/255]. */
const NHRP_ROUTE_METRIC = 255;

// --- Requests: forward (the hub) or answer (the spoke behind the destination) ----------------

/** A resolution request: with a VRF label, the LFIB says where it goes (swapped on toward
 * the next NHRP hop, or ours to answer in the VRF); without, the tunnel's table does. */
export function resolutionRequest(this: NhrpInstance, inIf: TunnelInterface, req: NhrpMessage): void {
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
export function connectedPrefix(this: NhrpInstance, vrf: Vrf, addr: Ipv4): Prefix {
  for (const iface of this.router.stack.interfaces()) {
    if (iface.vrf !== vrf) continue;
    for (const a of iface.addresses) if (((a.address ^ addr) & maskOf(a.prefixLength)) >>> 0 === 0) return makePrefix(addr & maskOf(a.prefixLength), a.prefixLength);
  }
  return makePrefix(addr, 32);
}

/** Passes `req` on out of `out` with our transit record, the label swapped to `outLabel`. */
export function forwardRequest(this: NhrpInstance, inIf: TunnelInterface, out: TunnelInterface, nextHop: Ipv4, req: NhrpMessage, outLabel: Label | undefined): void {
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
export function transitRecord(this: NhrpInstance, out: TunnelInterface): NhrpCie {
  const ours = this.protocolAddress(out);
  const nbma = this.nbmaAddress(out);
  return { code: NhrpCieCode.Success, prefixLength: 32, mtu: CIE_MTU, holdingTime: this.holdtimeSec(out), preference: 0, ...(nbma !== undefined ? { clientNbma: nbma } : {}), ...(ours !== undefined ? { clientProtocol: ours } : {}) };
}

/** We are the egress for `req`: bring up the shortcut to the requester, then reply on it. */
export function answer(this: NhrpInstance, inIf: TunnelInterface, req: NhrpMessage, vrf: Vrf, owned: Prefix, withLabel: boolean): void {
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

/** The resolution reply out of `out`: the requester's address learnt on it, our prefix held
 * as a local entry (with its label under `mpls nhrp`), and the reply with our CIE. */
export function reply(this: NhrpInstance, out: TunnelInterface, req: NhrpMessage, vrf: Vrf, owned: Prefix, withLabel: boolean): void {
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
    usedMark: this.dataPacketsOut(out),
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
export function holdLabel(this: NhrpInstance, vrf: string, owned: Prefix): Label | undefined {
  const mfi = this.mfi;
  const label = mfi.labels.allocate("nhrp", { kind: "prefix", vrf, prefix: owned });
  if (label === undefined) return undefined;
  if (mfi.lfib.lookup(label) === undefined) mfi.dispose(label, vrf, owned, false);
  return label;
}

/** Lets go of NHRP's hold; the label's LFIB entry goes when nobody else holds it. */
export function releaseLabel(this: NhrpInstance, vrf: string, owned: Prefix): void {
  const mfi = this.mfi;
  const request = { kind: "prefix", vrf, prefix: owned } as const;
  const label = mfi.labels.labelOf(request);
  mfi.labels.release("nhrp", request);
  if (label !== undefined && mfi.labels.labelOf(request) === undefined) mfi.withdraw(label);
}

// --- Replies: the requester installs the shortcut ---------------------------------------------

/** A resolution reply: ours (by request ID) installs the peer and the resolved prefix; any
 * other passes on toward its requester. */
export function resolutionReply(this: NhrpInstance, inIf: TunnelInterface, rep: NhrpMessage): void {
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

/** A hub passes a reply on toward the requester, adding its reverse transit record. */
export function forwardReply(this: NhrpInstance, inIf: TunnelInterface, rep: NhrpMessage): void {
  const entry = inIf.vrf.fib.lookup(rep.srcProtocol);
  const path = entry?.kind === "forward" ? entry.paths[0] : undefined;
  if (path === undefined || !this.isNhrpTunnel(path.interface) || path.interface === inIf) return;
  const record = this.transitRecord(path.interface);
  const { authentication: _auth, ...rest } = rep.extensions;
  this.send(path.interface, { ...rep, hopCount: rep.hopCount - 1, extensions: { ...rest, reverseTransit: [...(rep.extensions.reverseTransit ?? []), record], ...this.authExtension(path.interface) } }, path.nextHop ?? rep.srcProtocol);
}

/** Adds or refreshes a dynamic entry and the NHRP route it stands for. */
export function learn(this: NhrpInstance, e: { vrf: string; prefix: Prefix; via: Ipv4; iface: TunnelInterface; nbma: Ipv4; flags: NhrpEntry["flags"]; holdSec: number; route: "interface" | "recursive"; label?: Label; requestId?: number; target?: Ipv4 }): void {
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
    usedMark: this.dataPacketsOut(e.iface),
    ...(old?.lastUsed !== undefined ? { lastUsed: old.lastUsed } : {}),
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
