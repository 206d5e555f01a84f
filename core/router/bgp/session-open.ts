// A BGP session's OPEN and what the two OPENs agree (RFC 4271 §4.2, §6.2, §8.2.2): the OPEN
// we send (capabilities, RFC 5492: multiprotocol per activated family, RFC 4760; route
// refresh 2 and Cisco's 128, RFC 2918; 4-octet AS with AS_TRANS, RFC 6793), the checks of the
// peer's OPEN that need our configuration (its AS, its BGP Identifier), connection collisions
// (§6.8), and the negotiation once the session is established: the families both sides
// speak, the hold time and keepalive interval. The address families a session can negotiate
// are here too, with their AFI/SAFI codes.
// sendOpen, openReceived and collide are functions of BgpSession (`this` is the session),
// bound in session.ts.
import type { TcpConnection } from "../net/tcp/connection";
import { type Ipv4 } from "../wire/addr";
import { AS_TRANS, BGP_VERSION, buildBgpMessage, openCapabilities, type BgpCapability, type BgpOpen } from "../wire/bgp";
import { BgpCeaseSubcode, BgpErrorCode, BgpOpenSubcode } from "../wire/bgp-errors";
import { Afi, Safi } from "../wire/bgp-mp";
import type { BgpSession, BgpSessionSettings } from "./session";
import type { Connection } from "./session-tcp";

/** The address families a session negotiates: AFI 1/SAFI 1, AFI 1/SAFI 4 (labelled IPv4,
 * `neighbor X send-label`; its routes share the IPv4 table) and AFI 1/SAFI 128. */
export type SessionFamily = "ipv4" | "ipv4-label" | "vpnv4";

const FAMILY_CODES: Record<SessionFamily, { afi: number; safi: number }> = {
  ipv4: { afi: Afi.Ipv4, safi: Safi.Unicast },
  "ipv4-label": { afi: Afi.Ipv4, safi: Safi.MplsLabel },
  vpnv4: { afi: Afi.Ipv4, safi: Safi.MplsVpn },
};

export function familyOf(afi: number, safi: number): SessionFamily | undefined {
  if (afi !== Afi.Ipv4) return undefined;
  return safi === Safi.Unicast ? "ipv4" : safi === Safi.MplsLabel ? "ipv4-label" : safi === Safi.MplsVpn ? "vpnv4" : undefined;
}

/** The RIB table a session family's routes live in: labelled IPv4 shares IPv4 unicast's. */
export function tableFamily(f: SessionFamily): "ipv4" | "vpnv4" {
  return f === "vpnv4" ? "vpnv4" : "ipv4";
}

export function familyCodes(f: SessionFamily): { afi: number; safi: number } {
  return FAMILY_CODES[f];
}

/** RFC 4271 §8: the hold timer while waiting for the peer's OPEN ("a large value", 4 minutes). */
export const OPEN_HOLD_TIME_SEC = 240;

/** What the two OPENs agreed. */
export interface NegotiatedSession {
  readonly remoteRouterId: Ipv4;
  readonly localAddress: Ipv4;
  readonly localPort: number;
  readonly remotePort: number;
  readonly holdTimeSec: number;
  readonly keepaliveSec: number;
  /** Families both sides advertised (and we activated). */
  readonly families: ReadonlySet<SessionFamily>;
  readonly fourOctetAs: boolean;
  readonly routeRefresh: boolean;
  readonly sent: readonly BgpCapability[];
  readonly received: readonly BgpCapability[];
}

/** The capabilities our OPEN carries, in its order. */
function localCapabilities(s: BgpSessionSettings): BgpCapability[] {
  const capabilities: BgpCapability[] = [];
  for (const f of s.families) capabilities.push({ type: "multiprotocol", ...FAMILY_CODES[f] });
  capabilities.push({ type: "route-refresh-cisco" }, { type: "route-refresh" }, { type: "four-octet-as", asn: s.localAs });
  return capabilities;
}

export function sendOpen(this: BgpSession, c: Connection): void {
  const s = this.settings;
  const open: BgpOpen = {
    type: "open",
    version: BGP_VERSION,
    myAs: s.localAs > 0xffff ? AS_TRANS : s.localAs,
    holdTimeSec: s.holdTimeSec,
    bgpId: s.routerId,
    parameters: localCapabilities(s).map((cap) => ({ type: "capabilities", capabilities: [cap] })),
  };
  this.write(c, buildBgpMessage(open, { fourOctetAs: false }));
  this.sentCounts.opens++;
  c.state = "OpenSent";
  this.startHold(c, OPEN_HOLD_TIME_SEC);
  this.updateOpeningState();
}

/** §6.2 checks the parser cannot make (they need our configuration), then §6.8. */
export function openReceived(this: BgpSession, c: Connection, open: BgpOpen): void {
  if (c.state !== "OpenSent") return this.fail(c, BgpErrorCode.FiniteStateMachine, 0, new Uint8Array(0), "BGP Notification sent");
  const s = this.settings;
  const caps = openCapabilities(open);
  const four = caps.find((x) => x.type === "four-octet-as");
  const peerAs = four?.type === "four-octet-as" ? four.asn : open.myAs;
  if (peerAs !== s.remoteAs || (four !== undefined && open.myAs !== (peerAs > 0xffff ? AS_TRANS : peerAs))) {
    const data = new Uint8Array(2);
    data[0] = open.myAs >> 8;
    data[1] = open.myAs & 0xff;
    return this.fail(c, BgpErrorCode.OpenMessage, BgpOpenSubcode.BadPeerAs, data, "BGP Notification sent");
  }
  if (open.bgpId === s.routerId) return this.fail(c, BgpErrorCode.OpenMessage, BgpOpenSubcode.BadBgpIdentifier, new Uint8Array(0), "BGP Notification sent");
  c.peerOpen = open;
  // §6.8: the other connection has the peer's OPEN too: keep the one the higher BGP
  // Identifier opened (ours when ours is higher, the peer's otherwise).
  const other = this.connections.find((x) => x !== c && x.peerOpen !== undefined);
  if (other !== undefined) {
    const keepOutgoing = s.routerId > open.bgpId;
    const loser = c.outgoing === keepOutgoing ? other : c;
    this.collide(loser);
    if (loser === c) return;
  }
  this.write(c, buildBgpMessage({ type: "keepalive" }, { fourOctetAs: false }));
  this.sentCounts.keepalives++;
  c.state = "OpenConfirm";
  const hold = Math.min(s.holdTimeSec, open.holdTimeSec);
  this.startHold(c, hold);
  this.updateOpeningState();
}

export function collide(this: BgpSession, loser: Connection): void {
  this.notify(loser, BgpErrorCode.Cease, BgpCeaseSubcode.ConnectionCollisionResolution, new Uint8Array(0));
  this.dropConnection(loser, false);
}

/** What our settings and the peer's OPEN agree, on the connection that established. */
export function negotiate(s: BgpSessionSettings, open: BgpOpen, tcp: TcpConnection): NegotiatedSession {
  const received = openCapabilities(open);
  const families = new Set<SessionFamily>();
  const peerMp = received.filter((x) => x.type === "multiprotocol");
  for (const f of s.families) {
    const { afi, safi } = FAMILY_CODES[f];
    // RFC 4760 §8: a peer that advertises no multiprotocol capability speaks IPv4 unicast.
    if (peerMp.some((x) => x.type === "multiprotocol" && x.afi === afi && x.safi === safi) || (peerMp.length === 0 && f === "ipv4")) families.add(f);
  }
  const hold = Math.min(s.holdTimeSec, open.holdTimeSec);
  const keepaliveSec = hold === 0 ? 0 : Math.min(s.keepaliveSec, Math.floor(hold / 3));
  return {
    remoteRouterId: open.bgpId,
    localAddress: tcp.endpoint.localAddress,
    localPort: tcp.endpoint.localPort,
    remotePort: tcp.endpoint.remotePort,
    holdTimeSec: hold,
    keepaliveSec,
    families,
    fourOctetAs: received.some((x) => x.type === "four-octet-as"),
    routeRefresh: received.some((x) => x.type === "route-refresh" || x.type === "route-refresh-cisco"),
    sent: localCapabilities(s),
    received,
  };
}
