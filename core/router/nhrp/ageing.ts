// How NHRP entries age and go: a shortcut used for forwarding is refreshed before it
// expires (IOS: every minute it looks at whether the entry was used since the last look, and
// one used with less than two minutes left is asked for again with a resolution request to
// its responder, whose reply renews both the peer's /32 and the network), an unused one
// expires at its hold time; a peer's /32 stays as long as a shortcut through it does; removal
// with the NHRP route and label hold an entry carries; the end of a shortcut's session when
// nothing but its peer is left on its Virtual-Access; entries moved or dropped when their
// tunnel goes; purge requests and replies (RFC 2332 §5.2.5) and `clear ip nhrp [vrf X]`.
// Functions of NhrpInstance (`this` is the instance), bound in subsystem.ts.
import type { Interface } from "../net/interface";
import { TunnelInterface } from "../net/tunnel";
import { ikev2Subsystem } from "../ikev2/subsystem";
import { formatIpv4, formatPrefix, type Ipv4 } from "../wire/addr";
import { NhrpType, type NhrpMessage } from "../wire/nhrp";
import { NhrpCieCode } from "../wire/nhrp-cie";
import { ribVrf, vrfKey, type NhrpEntry } from "./cache";
import { CIE_MTU, NHRP_HOP_COUNT } from "./packets";
import type { NhrpInstance } from "./subsystem";

/** IOS refreshes a used shortcut once less than two minutes of its hold time are left... */
const REFRESH_WINDOW_MS = 120_000;
/** ...looking at its used flag once a minute (then clearing it). */
const USED_SCAN_MS = 60_000;
/** Purge requests' N flag: no reply wanted (RFC 2332 §5.2.5). */
const NHRP_PURGE_NO_REPLY = 0x8000;

/** A spoke-to-spoke Virtual-Access that never carries an NHRP entry (a session the peer
 * started and then had no use for) ends after a hold time, as one whose entries aged out. */
export function idleCheck(this: NhrpInstance, iface: Interface): void {
  if (!(iface instanceof TunnelInterface) || iface.clonedFrom === undefined) return;
  const cfg = this.configOf(iface);
  if (cfg?.networkId === undefined || cfg.redirect) return;
  this.router.clock.after(this.holdtimeSec(iface) * 1000, () => {
    if (this.router.stack.interface(iface.name) === iface && this.cache.onInterface(iface.name).length === 0) this.settle(iface.name);
  });
}

/** The data packets `iface` has sent: its output count without NHRP's own packets (a
 * refresh or a reply to one is no sign that the shortcut is in use). */
export function dataPacketsOut(this: NhrpInstance, iface: Interface): number {
  return iface.counters.outPackets - this.controlPacketsSent(iface.name);
}

/** Whether a shortcut carried traffic since the last look: on a point-to-point
 * Virtual-Access, its own data packet count moved; on a multipoint tunnel, its next hop's
 * NBMA address was looked up to send data. */
export function usedSince(this: NhrpInstance, entry: NhrpEntry, iface: Interface): boolean {
  if (iface instanceof TunnelInterface && iface.mode === "gre-multipoint") {
    const peer = this.cache.host(iface.name, vrfKey(iface.vrf), entry.via);
    return peer?.lastUsed !== undefined && peer.lastUsed >= (entry.usedWindowStart ?? entry.createdAt);
  }
  return this.dataPacketsOut(iface) !== entry.usedMark;
}

/** Notes where an entry's interface's traffic stands, for the next look at usage. */
export function markUsage(this: NhrpInstance, entry: NhrpEntry): void {
  const iface = this.router.stack.interface(entry.interface);
  entry.usedMark = iface === undefined ? 0 : this.dataPacketsOut(iface);
  entry.usedWindowStart = this.router.clock.now();
}

/** Arms an entry's expiry. A resolved network's entry (one a refresh can ask for again) is
 * looked at once a minute in its last two minutes (a hold time under four minutes: its last
 * half, looked at twice): used since the look before, it is refreshed there and then, before
 * it expires; unused, it goes at its hold time. The same on a multipoint tunnel (DMVPN) and a
 * Virtual-Access (FlexVPN). */
export function armShortcut(this: NhrpInstance, entry: NhrpEntry): void {
  if (entry.target === undefined) return this.cache.arm(entry, (x) => this.expire(x));
  const left = (entry.expiresAt ?? 0) - this.router.clock.now();
  const window = Math.min(REFRESH_WINDOW_MS, left / 2);
  const scan = Math.min(USED_SCAN_MS, window / 2);
  const look = (x: NhrpEntry) => {
    const iface = this.router.stack.interface(x.interface);
    if (iface instanceof TunnelInterface && this.usedSince(x, iface)) this.refresh(iface, x);
    this.markUsage(x);
  };
  this.cache.arm(entry, (x) => this.expire(x), [
    { beforeMs: window + scan, run: (x) => this.markUsage(x) },
    { beforeMs: window, run: look },
    { beforeMs: window - scan, run: look },
  ]);
}

/** An entry's hold time is up: it goes (and its Virtual-Access may settle), unless it is a
 * peer's address that a shortcut still live goes through: that keeps it as long as it lasts
 * (on a multipoint tunnel the peer's entry is where its NBMA address is found). */
export function expire(this: NhrpInstance, entry: NhrpEntry): void {
  const now = this.router.clock.now();
  if (entry.flags.includes("nhop")) {
    let until = now;
    for (const e of this.cache.onInterface(entry.interface)) if (e !== entry && e.via === entry.via && !e.flags.includes("nhop") && e.expiresAt !== undefined && e.expiresAt > until) until = e.expiresAt;
    if (until > now) {
      entry.expiresAt = until;
      this.cache.arm(entry, (e) => this.expire(e));
      return;
    }
  }
  for (const [id, p] of this.pending) if (p.incomplete === entry) this.pending.delete(id);
  this.drop(entry);
  this.settle(entry.interface);
}

/** Re-resolves a used shortcut directly with its responder (its reply renews the entry). */
export function refresh(this: NhrpInstance, out: TunnelInterface, entry: NhrpEntry): void {
  const ours = this.protocolAddress(out);
  const nbma = this.nbmaAddress(out);
  if (ours === undefined || nbma === undefined) return;
  for (const [id, p] of this.pending) if (p.incomplete === entry) this.pending.delete(id);
  const requestId = this.nextRequestId++;
  const target = entry.target ?? (entry.prefix.addr as Ipv4);
  this.pending.set(requestId, { vrf: entry.vrf, destination: target, interface: out.name, incomplete: entry });
  this.sendResolutionRequest(out, ours, nbma, requestId, target, entry.label, entry.via);
}

/** Removes an entry with its route and its label hold. */
export function drop(this: NhrpInstance, entry: NhrpEntry): void {
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
export function settle(this: NhrpInstance, ifaceName: string): void {
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
export function interfaceGone(this: NhrpInstance, name: string): void {
  for (const e of this.cache.onInterface(name)) {
    const alt = e.nbma === undefined ? undefined : this.otherSessionTo(e.nbma, name);
    if (alt !== undefined) this.move(e, alt);
    else this.drop(e);
  }
  for (const [id, p] of this.pending) if (p.interface === name) this.pending.delete(id);
}

/** Another Virtual-Access up toward NBMA address `nbma`, other than `not`. */
export function otherSessionTo(this: NhrpInstance, nbma: Ipv4, not: string): TunnelInterface | undefined {
  for (const i of this.router.stack.interfaces()) if (i instanceof TunnelInterface && i.name !== not && i.clonedFrom !== undefined && i.destination === nbma && i.isUp) return i;
  return undefined;
}

/** Moves an entry (its route, its label hold, its expiry) to another interface. */
export function move(this: NhrpInstance, e: NhrpEntry, to: TunnelInterface): void {
  this.cache.remove(e);
  if (e.route) this.router.routing.rib.withdraw(ribVrf(e.route.vrf), e.route.prefix, "nhrp", e.route.instance);
  const holdSec = Math.max(1, Math.ceil(((e.expiresAt ?? this.router.clock.now()) - this.router.clock.now()) / 1000));
  if (e.route) {
    const recursive = !e.flags.includes("nhop");
    this.learn({ vrf: e.vrf, prefix: e.prefix, via: e.via, iface: to, nbma: e.nbma!, flags: e.flags, holdSec, route: recursive ? "recursive" : "interface", ...(e.label !== undefined ? { label: e.label } : {}), ...(e.requestId !== undefined ? { requestId: e.requestId } : {}), ...(e.target !== undefined ? { target: e.target } : {}) });
    return;
  }
  const moved = this.cache.put({ ...e, interface: to.name, timer: undefined, usedMark: this.dataPacketsOut(to) });
  this.cache.arm(moved, (x) => this.expire(x));
}

// --- Purge and clear ---------------------------------------------------------------------------

/** A responder withdrew what it answered for: the shortcuts through it go, and (unless N is
 * set) a purge reply says so. */
export function purgeRequest(this: NhrpInstance, inIf: TunnelInterface, req: NhrpMessage): void {
  for (const cie of req.cies) {
    if (cie.clientProtocol === undefined) continue;
    for (const e of this.cache.onInterface(inIf.name)) if (e.via === cie.clientProtocol && !e.flags.includes("local")) this.drop(e);
  }
  if ((req.flags & NHRP_PURGE_NO_REPLY) === 0) this.send(inIf, { ...req, type: NhrpType.PurgeReply, hopCount: NHRP_HOP_COUNT, extensions: this.authExtension(inIf) }, req.srcProtocol);
  this.settle(inIf.name);
}

/** Tells the requester of a local entry that the binding is gone (RFC 2332 §5.2.5). */
export function purge(this: NhrpInstance, entry: NhrpEntry): void {
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
export function clear(this: NhrpInstance, vrf?: string): void {
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
