// The router's tables: one zod schema per row type, in a registry keyed by table name. This is
// the one definition of each table's rows (ARCHITECTURE "Tables are data"): the router builds
// them, its `show` commands format them as IOS text and the mgmt API serves them as JSON, with
// addresses as text so JSON readers need no bit twiddling. Pure zod and browser-safe, so the
// router layers may import it. Adding a table is one schema in TABLE_ROWS here and one entry
// (builder and formatter) in core/router/node/tables.ts, which the compiler asks for.
import { z } from "zod";
import type { Result } from "./result";

/** `show ip interface brief`. */
export const interfaceRowSchema = z.object({
  interface: z.string(),
  /** Dotted quad, or "unassigned". */
  ipAddress: z.string(),
  ok: z.enum(["YES", "NO"]),
  method: z.enum(["NVRAM", "manual", "unset", "DHCP", "other"]),
  /** "up", "down" or "administratively down". */
  status: z.string(),
  protocol: z.enum(["up", "down"]),
});
export type InterfaceRow = z.infer<typeof interfaceRowSchema>;

export const routePathSchema = z.object({
  /** Dotted quad; absent for "is directly connected". */
  nextHop: z.string().optional(),
  interface: z.string().optional(),
  /** The VRF the next hop resolves in when not the route's own ("" = global). */
  nextHopVrf: z.string().optional(),
  /** MPLS labels pushed on this path, outermost first. */
  labels: z.array(z.number().int().nonnegative()).optional(),
  /** The router this path was learnt from when it is not the route's (BGP multipath). */
  from: z.string().optional(),
});
export type RoutePath = z.infer<typeof routePathSchema>;

/** `show ip route [vrf X]`, every VRF in one table. */
export const routeRowSchema = z.object({
  /** "" for the global table. */
  vrf: z.string(),
  /** IOS's code column: "C", "L", "S", "B", "H"…, with "*" for the candidate default. */
  code: z.string(),
  protocol: z.string(),
  /** "10.1.0.0/24". */
  prefix: z.string(),
  distance: z.number().int().nonnegative(),
  metric: z.number().int().nonnegative(),
  paths: z.array(routePathSchema),
  /** Seconds since the route changed; learnt routes only. */
  ageSeconds: z.number().int().nonnegative().optional(),
  tag: z.number().int().nonnegative().optional(),
  knownVia: z.string(),
  /** The advertising router (BGP), dotted quad. */
  from: z.string().optional(),
});
export type RouteRow = z.infer<typeof routeRowSchema>;

/** `show ip arp [vrf X]`, every VRF in one table. */
export const arpRowSchema = z.object({
  /** "" for the global table. */
  vrf: z.string(),
  protocol: z.literal("Internet"),
  /** Dotted quad. */
  address: z.string(),
  /** Minutes since last confirmed; absent for own addresses and static entries (IOS "-"). */
  ageMinutes: z.number().int().nonnegative().optional(),
  /** IOS dotted form "aabb.cc00.0100"; absent while incomplete. */
  mac: z.string().optional(),
  type: z.literal("ARPA"),
  interface: z.string(),
});
export type ArpRow = z.infer<typeof arpRowSchema>;

/** `show vrf [detail]`. */
export const vrfRowSchema = z.object({
  name: z.string(),
  /** IOS's VRF id (`VRF Id = 1`, `VRF Table ID = 1`): 1, 2… in creation order. */
  id: z.number().int().nonnegative(),
  /** `vrf definition` (IOS's "new CLI format") or the legacy `ip vrf`. */
  style: z.enum(["definition", "ip-vrf"]),
  /** Active address families (IOS's Protocols column): "ipv4", or none. */
  protocols: z.array(z.literal("ipv4")),
  /** Route distinguisher as IOS prints it ("65000:1"); absent when not set. */
  rd: z.string().optional(),
  /** Route targets ("65000:1"), the VRF's own and its IPv4 address family's. */
  importTargets: z.array(z.string()),
  exportTargets: z.array(z.string()),
  /** Full interface names, in the order IOS lists them. */
  interfaces: z.array(z.string()),
});
export type VrfRow = z.infer<typeof vrfRowSchema>;

/** `show mpls forwarding-table [vrf X] [detail]`: one row per LFIB entry, by local label. */
export const mplsForwardingRowSchema = z.object({
  /** The local label; absent for IOS's "None" (imposition-only VRF routes). */
  localLabel: z.number().int().nonnegative().optional(),
  /** A label number, or IOS's words for none: "Pop Label" (implicit null downstream), "No Label"
   * (disposition: IP out of the VRF), "explicit-n". */
  outgoingLabel: z.union([z.number().int().nonnegative(), z.enum(["Pop Label", "No Label", "explicit-n"])]),
  /** The FEC, "10.1.0.0/24"; absent for a per-VRF aggregate label (IOS: "IPv4 VRF"). */
  prefix: z.string().optional(),
  /** The VRF a disposition label looks up in; "" for transit entries. */
  vrf: z.string(),
  /** A per-VRF aggregate label: IOS prints "aggregate/VRF" in the interface columns. */
  aggregate: z.boolean(),
  bytesSwitched: z.number().int().nonnegative(),
  /** Full interface name; absent for an aggregate label or an unresolved VRF prefix. */
  interface: z.string().optional(),
  /** Dotted quad, or "point2point". */
  nextHop: z.string().optional(),
  /** `detail`: the labels sent out (outermost first), link header bytes and the MRU. */
  labelStack: z.array(z.number().int().nonnegative()),
  linkHeaderBytes: z.number().int().nonnegative().optional(),
  mruBytes: z.number().int().nonnegative().optional(),
});
export type MplsForwardingRow = z.infer<typeof mplsForwardingRowSchema>;

/** One SA of an IPsec flow, as `show crypto ipsec sa` lists it under "inbound/outbound esp sas". */
export const ipsecSaSchema = z.object({
  spi: z.number().int().nonnegative(),
  /** IOS's transform names: "esp-gcm 256", "esp-256-aes esp-sha256-hmac". */
  transform: z.string(),
  mode: z.enum(["Transport", "Tunnel"]),
  /** RFC 3948 UDP encapsulation (NAT-T). */
  udpEncaps: z.boolean(),
  connId: z.number().int().nonnegative(),
  remainingKilobytes: z.number().int().nonnegative(),
  remainingSeconds: z.number().int().nonnegative(),
  ivBytes: z.number().int().nonnegative(),
  replayWindow: z.number().int().nonnegative(),
  /** "ACTIVE(ACTIVE)", or "ACTIVE(ACTIVE)" with a rekey pending shown as IOS does. */
  status: z.string(),
});
export type IpsecSa = z.infer<typeof ipsecSaSchema>;

/** `show crypto ipsec sa`: one row per protected interface (crypto flow), its SAs nested. */
export const ipsecSaRowSchema = z.object({
  interface: z.string(),
  /** The protected (inside) VRF, "" for the global table. */
  vrf: z.string(),
  /** Dotted quads; "0.0.0.0" while unknown. */
  localAddress: z.string(),
  peer: z.string(),
  peerPort: z.number().int().nonnegative(),
  /** "172.16.1.103/255.255.255.255/47/0". */
  localIdent: z.string(),
  remoteIdent: z.string(),
  encaps: z.number().int().nonnegative(),
  encrypt: z.number().int().nonnegative(),
  digest: z.number().int().nonnegative(),
  decaps: z.number().int().nonnegative(),
  decrypt: z.number().int().nonnegative(),
  verify: z.number().int().nonnegative(),
  sendErrors: z.number().int().nonnegative(),
  recvErrors: z.number().int().nonnegative(),
  /** `show crypto ipsec sa detail`'s "#pkts replay failed (rcv)" and "#pkts verify failed". */
  replayFailures: z.number().int().nonnegative(),
  verifyFailures: z.number().int().nonnegative(),
  plaintextMtu: z.number().int().nonnegative(),
  pathMtu: z.number().int().nonnegative(),
  ipMtu: z.number().int().nonnegative(),
  /** The interface toward the peer ("ip mtu idb"), if routed. */
  mtuInterface: z.string().optional(),
  currentOutboundSpi: z.number().int().nonnegative(),
  pfsGroup: z.number().int().nonnegative().optional(),
  inbound: z.array(ipsecSaSchema),
  outbound: z.array(ipsecSaSchema),
});
export type IpsecSaRow = z.infer<typeof ipsecSaRowSchema>;

/** One direction of an installed ESP SA with its keys, in Wireshark's `esp_sa` terms, so a
 * capture decrypts there (`flexlab capture … --esp-keys FILE`; formatEspSa writes the file). */
export const espKeyRowSchema = z.object({
  /** Dotted quads: the peer → us for an inbound SA, us → the peer for an outbound one. */
  src: z.string(),
  dst: z.string(),
  /** "0x00001001". */
  spi: z.string(),
  /** Wireshark's names: "AES-GCM with 16 octet ICV [RFC4106]", "AES-CBC [RFC3602]", "NULL". */
  encryption: z.string(),
  /** "0x…" (GCM keys with their salt), "" for NULL. */
  encryptionKey: z.string(),
  /** "HMAC-SHA-256-128 [RFC4868]", "NULL" with GCM. */
  authentication: z.string(),
  authenticationKey: z.string(),
});
export type EspKeyRow = z.infer<typeof espKeyRowSchema>;

/** One line of Wireshark's `esp_sa` user access table (Preferences → Protocols → ESP → ESP SAs,
 * the file `esp_sa` in a profile folder, or `tshark -o uat:esp_sa:LINE`): quoted CSV in the
 * UAT's column order, without its newline. */
export function espSaLine(row: EspKeyRow): string {
  return ["IPv4", row.src, row.dst, row.spi, row.encryption, row.encryptionKey, row.authentication, row.authenticationKey].map((f) => `"${f}"`).join(",");
}

/** The `esp_sa` file for these rows, each SA once (keys fetched before and after a capture
 * overlap), in the order first given. The router's export and `flexlab capture --esp-keys`
 * both write it. */
export function formatEspSa(rows: readonly EspKeyRow[]): string {
  const seen = new Set<string>();
  let text = "";
  for (const row of rows) {
    const key = `${row.src} ${row.dst} ${row.spi}`;
    if (seen.has(key)) continue;
    seen.add(key);
    text += espSaLine(row) + "\n";
  }
  return text;
}

/** `show ip bgp [vpnv4 all | vpnv4 vrf X] [labels | <prefix>]`: one row per path, tables
 * "bgp-ipv4" and "bgp-vpnv4" (core/router/bgp/show-bgp.ts builds and prints them). */
export const bgpPathRowSchema = z.object({
  family: z.enum(["ipv4", "vpnv4"]),
  /** VPNv4: the route distinguisher ("1:1"). */
  rd: z.string().optional(),
  /** VPNv4: the VRF this RD is the default of (IOS "default for vrf cust1"). */
  vrf: z.string().optional(),
  /** "192.168.113.0/24". */
  prefix: z.string(),
  /** BGP table version of the prefix's last best-path change. */
  version: z.number().int().nonnegative(),
  /** Paths the prefix has (IOS "N available"). */
  pathCount: z.number().int().positive(),
  /** Beneath an `aggregate-address … summary-only`: sent to no neighbor (IOS "s"). */
  suppressed: z.boolean().optional(),
  /** Next hop reachable (IOS "*"; else "inaccessible"). */
  valid: z.boolean(),
  best: z.boolean(),
  multipath: z.boolean(),
  /** The multipath (not the best) received first: IOS "multipath(oldest)". */
  multipathOldest: z.boolean().optional(),
  /** The multipath the prefix's table runs, when any: IOS's "Multipath: eiBGP" line. */
  multipathKind: z.enum(["eBGP", "iBGP", "eBGP iBGP", "eiBGP"]).optional(),
  /** Learnt from an iBGP neighbor (IOS "i"). */
  internal: z.boolean(),
  /** Originated by this router, and how. */
  source: z.enum(["network", "redistribute-connected", "redistribute-static", "aggregate", "default"]).optional(),
  /** Dotted quad ("0.0.0.0" for a local route). */
  nextHop: z.string(),
  metric: z.number().int().nonnegative().optional(),
  localPref: z.number().int().nonnegative().optional(),
  weight: z.number().int().nonnegative(),
  /** IOS's AS path text ("100 200 {300,400}"); "" when empty. */
  asPath: z.string(),
  origin: z.enum(["i", "e", "?"]),
  /** The neighbor the path came from, its router ID, and whether it is a listen-range neighbor. */
  from: z.string().optional(),
  fromRouterId: z.string().optional(),
  fromDynamic: z.boolean().optional(),
  /** External (eBGP) path. */
  external: z.boolean(),
  communities: z.array(z.string()),
  /** "RT:1:1". */
  extCommunities: z.array(z.string()),
  originatorId: z.string().optional(),
  clusterList: z.array(z.string()),
  atomicAggregate: z.boolean(),
  /** "10 10.0.0.1" (AS, router ID). */
  aggregator: z.string().optional(),
  /** The route this path was imported from ("65000:7:192.168.113.0/24"). */
  importedFrom: z.string().optional(),
  /** VPNv4: the prefix's local label (In label) and whether it is the VRF's aggregate label. */
  inLabel: z.number().int().nonnegative().optional(),
  inLabelAggregate: z.boolean().optional(),
  /** VPNv4: the label the path was received with (Out label). */
  outLabel: z.number().int().nonnegative().optional(),
  /** Neighbors the prefix is advertised to (dotted quads). */
  advertisedTo: z.array(z.string()),
  /** The table's version and the local router ID, for the show's first line. */
  tableVersion: z.number().int().nonnegative().optional(),
  routerId: z.string().optional(),
});
export type BgpPathRow = z.infer<typeof bgpPathRowSchema>;

/** Every table the mgmt API serves, by name. */
/** `show crypto ikev2 sa [detailed]`: one row per IKE SA. */
export const ikev2SaRowSchema = z.object({
  tunnelId: z.number().int().nonnegative(),
  /** Dotted quads and UDP ports (500, or 4500 after NAT-T). */
  local: z.string(),
  localPort: z.number().int(),
  remote: z.string(),
  remotePort: z.number().int(),
  /** VRF names, "none" for the global table. */
  fvrf: z.string(),
  ivrf: z.string(),
  /** IOS's status: "READY", "IN-NEG", "DELETE". */
  status: z.string(),
  /** "AES-CBC", "AES-GCM"; PRF "SHA256", Hash "SHA96"/"None" as IOS names them. */
  encryption: z.string(),
  keySize: z.number().int(),
  prf: z.string(),
  hash: z.string(),
  dhGroup: z.number().int(),
  authSign: z.enum(["PSK", "RSA", "ECDSA"]),
  authVerify: z.enum(["PSK", "RSA", "ECDSA"]),
  lifetimeSec: z.number().int(),
  activeSec: z.number().int(),
  /** 16 hex digits. */
  localSpi: z.string(),
  remoteSpi: z.string(),
  localId: z.string(),
  remoteId: z.string(),
  initiator: z.boolean(),
  profile: z.string().optional(),
  /** The tunnel or Virtual-Access the session is bound to. */
  interface: z.string().optional(),
  dpd: z.object({ intervalSec: z.number().int(), retrySec: z.number().int() }).optional(),
  natDetected: z.boolean(),
  /** RFC 7383 fragmentation negotiated with the peer: the MTU messages are cut for. */
  fragmentationMtu: z.number().int().optional(),
  pushedAddress: z.string().optional(),
  /** "a.b.c.d mask" lines the peer pushed. */
  remoteSubnets: z.array(z.string()),
  /** The authorization policy's `def-domain` and `banner` the peer pushed. */
  defaultDomain: z.string().optional(),
  banner: z.string().optional(),
  childSas: z.array(
    z.object({
      inboundSpi: z.string(),
      outboundSpi: z.string(),
      transform: z.string(),
      mode: z.enum(["transport", "tunnel"]),
      /** `show crypto ikev2 session`'s selectors: "10.0.0.1/0 - 10.0.0.1/65535". */
      localSelector: z.string().optional(),
      remoteSelector: z.string().optional(),
      /** "AES-GCM", 256, "None"/"SHA96" as `show crypto ikev2 session detailed` names them. */
      encryption: z.string().optional(),
      keySize: z.number().int().optional(),
      espHmac: z.string().optional(),
    }),
  ),
  /** The session's Session-id and when it came up (IKE SA rekeys keep both). */
  sessionId: z.number().int().optional(),
  uptimeSec: z.number().int().optional(),
});
export type Ikev2SaRow = z.infer<typeof ikev2SaRowSchema>;

/** `show ip nhrp [detail]`: one row per NHRP cache entry (core/router/nhrp/show.ts). */
export const nhrpRowSchema = z.object({
  /** "" for the global table, else the VRF the entry resolves in. */
  vrf: z.string(),
  /** "192.168.114.0/24". */
  prefix: z.string(),
  /** The next hop's tunnel (overlay) address. */
  via: z.string(),
  /** "Tunnel0", "Virtual-Access1". */
  interface: z.string(),
  /** Absent for an incomplete entry. */
  nbma: z.string().optional(),
  claimedNbma: z.string().optional(),
  type: z.enum(["dynamic", "static", "incomplete"]),
  /** IOS's flag words, in the order IOS prints them. */
  flags: z.array(z.enum(["router", "authoritative", "implicit", "unique", "nat", "registered", "used", "local", "negative", "nhop", "rib", "nho", "bfd"])),
  createdSec: z.number().int().nonnegative(),
  /** Seconds left; absent: never expires. */
  expiresSec: z.number().int().nonnegative().optional(),
  /** MPLS over NHRP: the label imposed toward the prefix (3: implicit-null). */
  label: z.number().int().nonnegative().optional(),
  noSocket: z.boolean(),
  preference: z.number().int(),
  requestId: z.number().int().nonnegative().optional(),
  requester: z.string().optional(),
  cacheHits: z.number().int().nonnegative(),
});
export type NhrpRow = z.infer<typeof nhrpRowSchema>;

const nhrpCountsSchema = z.object({
  resolutionRequest: z.number().int().nonnegative(),
  resolutionReply: z.number().int().nonnegative(),
  registrationRequest: z.number().int().nonnegative(),
  registrationReply: z.number().int().nonnegative(),
  purgeRequest: z.number().int().nonnegative(),
  purgeReply: z.number().int().nonnegative(),
  errorIndication: z.number().int().nonnegative(),
  trafficIndication: z.number().int().nonnegative(),
  redirectSuppress: z.number().int().nonnegative(),
});

/** `show ip nhrp traffic`: one row per NHRP interface. */
export const nhrpTrafficRowSchema = z.object({
  interface: z.string(),
  sent: nhrpCountsSchema,
  received: nhrpCountsSchema,
  /** Malformed or refused packets, counted and dropped. */
  dropped: z.number().int().nonnegative(),
});
export type NhrpTrafficRow = z.infer<typeof nhrpTrafficRowSchema>;

/** `show cdp neighbors [detail]`: one row per neighbour, keyed by local interface and device ID. */
export const cdpNeighborRowSchema = z.object({
  localInterface: z.string(),
  deviceId: z.string(),
  /** Seconds left before the entry expires. */
  holdtimeSec: z.number().int().nonnegative(),
  /** The capability words IOS prints in the detail: "Router", "Source-Route-Bridge". */
  capabilities: z.array(z.string()),
  platform: z.string(),
  /** The neighbour's port, as it sent it. */
  portId: z.string(),
  addresses: z.array(z.string()),
  managementAddresses: z.array(z.string()).optional(),
  /** CDP version of the advertisement (1 or 2). */
  version: z.number().int(),
  softwareVersion: z.string(),
  duplex: z.enum(["half", "full"]).optional(),
  nativeVlan: z.number().int().optional(),
  vtpManagementDomain: z.string().optional(),
});
export type CdpNeighborRow = z.infer<typeof cdpNeighborRowSchema>;

/** One direction of a crypto session's IPsec flow in `show crypto session detail`. */
const cryptoSessionTrafficSchema = z.object({
  packets: z.number().int().nonnegative(),
  drops: z.number().int().nonnegative(),
  remainingKilobytes: z.number().int().nonnegative(),
  remainingSeconds: z.number().int().nonnegative(),
});

/** `show crypto session [detail]`: one row per session (a protected interface and peer). */
export const cryptoSessionRowSchema = z.object({
  interface: z.string(),
  /** The IKEv2 profile, when an IKE SA names one. */
  profile: z.string().optional(),
  /** IOS's "UP-ACTIVE", "UP-IDLE", "UP-NO-IKE", "DOWN-NEGOTIATING", "DOWN". */
  status: z.string(),
  peer: z.string(),
  peerPort: z.number().int(),
  fvrf: z.string(),
  ivrf: z.string(),
  /** The peer's IKE identity ("Phase1_id"). */
  phase1Id: z.string().optional(),
  sessionId: z.number().int().optional(),
  uptimeSec: z.number().int().optional(),
  ike: z
    .object({
      local: z.string(),
      localPort: z.number().int(),
      remote: z.string(),
      remotePort: z.number().int(),
      /** "Active", or "Inactive" while negotiating. */
      status: z.string(),
      /** Legend letters: C (configuration mode), D (DPD), N (NAT-T). */
      capabilities: z.string(),
      connId: z.number().int(),
      remainingSec: z.number().int(),
    })
    .optional(),
  /** "permit 47 host 10.0.0.1 host 10.0.0.2", "permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0". */
  flow: z.string().optional(),
  activeSas: z.number().int().nonnegative(),
  inbound: cryptoSessionTrafficSchema.optional(),
  outbound: cryptoSessionTrafficSchema.optional(),
});
export type CryptoSessionRow = z.infer<typeof cryptoSessionRowSchema>;

export const TABLE_ROWS = {
  interfaces: interfaceRowSchema,
  routes: routeRowSchema,
  arp: arpRowSchema,
  vrf: vrfRowSchema,
  "mpls-forwarding": mplsForwardingRowSchema,
  "ipsec-sa": ipsecSaRowSchema,
  "esp-keys": espKeyRowSchema,
  "ikev2-sa": ikev2SaRowSchema,
  "crypto-session": cryptoSessionRowSchema,
  nhrp: nhrpRowSchema,
  "nhrp-traffic": nhrpTrafficRowSchema,
  "bgp-ipv4": bgpPathRowSchema,
  "bgp-vpnv4": bgpPathRowSchema,
  "cdp-neighbors": cdpNeighborRowSchema,
} as const;

export type TableName = keyof typeof TABLE_ROWS;
export const TABLE_NAMES = Object.keys(TABLE_ROWS) as [TableName, ...TableName[]];
export const tableNameSchema = z.enum(TABLE_NAMES);

/** The row type of one table. */
export type TableRow<T extends TableName> = z.infer<(typeof TABLE_ROWS)[T]>;

/** Validates a table's rows (what crosses the wire is `unknown` until this says otherwise). */
export function parseTableRows<T extends TableName>(table: T, rows: unknown): Result<{ rows: TableRow<T>[] }> {
  const r = z.array(TABLE_ROWS[table]).safeParse(rows);
  if (r.success) return { ok: true, rows: r.data as TableRow<T>[] };
  return { ok: false, message: `${table} rows: ${z.prettifyError(r.error)}` };
}
