// NHRP packets in and out of a router's tunnels: sending (counted, shown by `debug nhrp
// packet`), receiving (parsed, a malformed or unauthenticated packet counted and dropped,
// then dispatched by type to registration.ts, redirect.ts, resolution.ts or ageing.ts),
// error indications, `ip nhrp authentication`, and the per-interface counters `show ip nhrp
// traffic` reads. Functions of NhrpInstance (`this` is the instance), bound in subsystem.ts.
import type { Interface } from "../net/interface";
import type { TunnelInterface } from "../net/tunnel";
import { allocatePacket, HEADROOM_BYTES } from "../net/headroom";
import { registerDropReasons } from "../net/counters";
import type { Ipv4 } from "../wire/addr";
import { isWireError } from "../wire/errors";
import { GreProtocol } from "../wire/gre";
import { NHRP_TRAFFIC_REDIRECT, NhrpType, emitNhrp, parseNhrp, type NhrpMessage, type NhrpPacket } from "../wire/nhrp";
import type { NhrpAuthentication, NhrpExtensions } from "../wire/nhrp-extensions";
import { debugNhrpAddressLine, debugNhrpPacketLine } from "./debug-lines";
import { NHRP_TRAFFIC_KINDS, type NhrpInterfaceTraffic, type NhrpTrafficKind } from "./types";
import type { NhrpInstance } from "./subsystem";

/** Why NHRP drops a packet it received. */
export const NHRP_DROP_REASONS = registerDropReasons(["nhrp-malformed", "nhrp-authentication"] as const);

declare module "../net/counters" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the names into DropReason
  interface DropReasonNames extends Record<(typeof NHRP_DROP_REASONS)[number], true> {}
}

/** The hop count a request starts with. */
export const NHRP_HOP_COUNT = 255;
/** IOS puts the tunnel's IP MTU in CIEs; ours is the GRE-over-Ethernet default. */
export const CIE_MTU = 1514;

export type Counts = Record<NhrpTrafficKind, number>;
/** One interface's counters. */
export interface InterfaceCounts {
  sent: Counts;
  received: Counts;
  dropped: number;
  /** NHRP's own packets in the interface's output count (not shown: usage checks leave them out). */
  controlOut: number;
}
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

/** Emits `packet` out of `out` toward `nextHop` (its NBMA address is the tunnel's to find). */
export function send(this: NhrpInstance, out: TunnelInterface, packet: NhrpPacket, nextHop: Ipv4): boolean {
  const bytes = emitNhrp(packet);
  const buf = allocatePacket(bytes.length);
  buf.set(bytes, HEADROOM_BYTES);
  const kind = KIND_OF_TYPE[packet.type];
  if (kind) this.countsOf(out.name).sent[kind]++;
  this.debugPacket("Send", packet, out, bytes.length);
  // Neither the output count nor a multipoint tunnel's NBMA lookup (resolve) is data in use.
  const before = out.counters.outPackets;
  this.sendingControl = true;
  try {
    return out.transmit(buf, HEADROOM_BYTES, HEADROOM_BYTES + bytes.length, nextHop, GreProtocol.Nhrp);
  } finally {
    this.sendingControl = false;
    this.countsOf(out.name).controlOut += out.counters.outPackets - before;
  }
}

/** NHRP packets `iface` has sent (that reached its output count). */
export function controlPacketsSent(this: NhrpInstance, iface: string): number {
  return this.traffic.get(iface)?.controlOut ?? 0;
}

/** GRE protocol 0x2001 on `inIf`: parsed (a malformed packet is counted and dropped),
 * authenticated, and handed to the part of the protocol its type belongs to. */
export function receive(this: NhrpInstance, inIf: Interface, buf: Uint8Array, offset: number, limit: number): void {
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

/** An error indication (RFC 2332 §5.2.7) back to the sender of `req`, quoting its start. */
export function error(this: NhrpInstance, inIf: TunnelInterface, req: NhrpMessage, code: number): void {
  const ours = this.protocolAddress(inIf);
  const nbma = this.nbmaAddress(inIf);
  if (ours === undefined || nbma === undefined) return;
  this.send(inIf, { type: NhrpType.ErrorIndication, hopCount: NHRP_HOP_COUNT, errorCode: code, errorOffset: 0, srcNbma: nbma, srcProtocol: ours, dstProtocol: req.srcProtocol, packet: emitNhrp(req).slice(0, 64), extensions: this.authExtension(inIf) }, req.srcProtocol);
}

/** `ip nhrp authentication`: the cleartext (SPI 1) secret sent in every packet. */
export function authentication(this: NhrpInstance, iface: Interface): NhrpAuthentication | undefined {
  const text = this.configOf(iface)?.authentication;
  return text === undefined ? undefined : { spi: 1, data: new TextEncoder().encode(text) };
}

/** The authentication extension, to spread into a packet's extensions (nothing without the line). */
export function authExtension(this: NhrpInstance, iface: Interface): Pick<NhrpExtensions, "authentication"> {
  const auth = this.authentication(iface);
  return auth ? { authentication: auth } : {};
}

export function debugPacket(this: NhrpInstance, dir: "Send" | "Receive", packet: NhrpPacket, iface: Interface, size: number): void {
  if (!this.router.debug.isOn("nhrp packet") && !this.router.debug.isOn("nhrp")) return;
  this.router.debug.emit(debugNhrpPacketLine(dir === "Send" ? "send" : "receive", packet.type, iface.name, iface.vrf.id, size));
  this.router.debug.emit(debugNhrpAddressLine(packet.srcProtocol, packet.dstProtocol));
}

/** The counters of interface `iface`, made on first use. */
export function countsOf(this: NhrpInstance, iface: string): InterfaceCounts {
  let c = this.traffic.get(iface);
  if (!c) {
    c = { sent: zeroCounts(), received: zeroCounts(), dropped: 0, controlOut: 0 };
    this.traffic.set(iface, c);
  }
  return c;
}

/** `show ip nhrp traffic`: the counters of every NHRP interface. */
export function trafficRows(this: NhrpInstance): NhrpInterfaceTraffic[] {
  const names = this.router.stack
    .interfaces()
    .filter((i) => this.isNhrpTunnel(i))
    .map((i) => i.name);
  return names.map((name) => {
    const c = this.countsOf(name);
    return { interface: name, sent: { ...c.sent }, received: { ...c.received }, dropped: c.dropped };
  });
}
