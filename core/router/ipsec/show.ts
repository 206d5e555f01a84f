// `show crypto ipsec sa [interface X | peer A] [detail]` as IOS prints it: one block per
// protected interface (IOS's crypto flow, "Crypto map tag: Tunnel0-head-0"), its counters,
// endpoints and MTUs, then the inbound and outbound ESP SAs (AH and PCP sections empty, as
// FlexVPN never negotiates them). Rows come from the subsystem (table "ipsec-sa").
import type { IpsecSa, IpsecSaRow } from "../../api/tables";
import type { FibEntry } from "../net/fib";
import type { Vrf } from "../net/vrf";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { ESP_HEADER_LENGTH } from "../wire/esp";
import { IPV4_MIN_HEADER_LENGTH } from "../wire/ipv4";
import { UDP_HEADER_LENGTH } from "../wire/udp";
import type { EspCipher, EspInteg, TrafficSelector } from "./sa";
import { IKE_PORT, newFlowCounters, type InstalledSa, type TunnelIpsec } from "./sad";

/** IOS's transform-set words for a cipher and integrity pair, as show prints them. */
export function transformName(cipher: EspCipher, integ: EspInteg): string {
  const enc = { "aes-gcm-128": "esp-gcm", "aes-gcm-256": "esp-gcm 256", "aes-cbc-128": "esp-aes", "aes-cbc-256": "esp-256-aes", null: "esp-null" }[cipher];
  const auth = { "sha1-96": " esp-sha-hmac", "sha256-128": " esp-sha256-hmac", "sha384-192": " esp-sha384-hmac", "sha512-256": " esp-sha512-hmac", none: "" }[integ];
  return enc + auth;
}

/** "0x5D9AE6D3(1570432723)", "0x0(0)": IOS's %X, upper case and unpadded. */
export function formatSpi(spi: number): string {
  return `0x${(spi >>> 0).toString(16).toUpperCase()}(${spi >>> 0})`;
}

function saLines(sa: IpsecSa, mapTag: string): string[] {
  return [
    `      spi: ${formatSpi(sa.spi)}`,
    `        transform: ${sa.transform} ,`,
    `        in use settings ={${sa.mode}${sa.udpEncaps ? " UDP-Encaps" : ""}, }`,
    `        conn id: ${sa.connId}, flow_id: SW:${sa.connId - 2000}, sibling_flags 80004000, crypto map: ${mapTag}`,
    `        sa timing: remaining key lifetime (k/sec): (${sa.remainingKilobytes}/${sa.remainingSeconds})`,
    `        IV size: ${sa.ivBytes} bytes`,
    `        replay detection support: ${sa.replayWindow > 0 ? "Y" : "N"}`,
    `        Status: ${sa.status}`,
  ];
}

function section(title: string, sas: readonly IpsecSa[], mapTag: string): string[] {
  const lines = [`     ${title}:`];
  for (const sa of sas) lines.push(...saLines(sa, mapTag));
  lines.push("");
  return lines;
}

/** One interface's block. */
function formatFlow(r: IpsecSaRow, detail: boolean): string[] {
  const mapTag = `${r.interface}-head-0`;
  const lines = [
    `interface: ${r.interface}`,
    `    Crypto map tag: ${mapTag}, local addr ${r.localAddress}`,
    "",
    `   protected vrf: ${r.vrf === "" ? "(none)" : r.vrf}`,
    `   local  ident (addr/mask/prot/port): (${r.localIdent})`,
    `   remote ident (addr/mask/prot/port): (${r.remoteIdent})`,
    `   current_peer ${r.peer} port ${r.peerPort}`,
    "     PERMIT, flags={origin_is_acl,}",
    `    #pkts encaps: ${r.encaps}, #pkts encrypt: ${r.encrypt}, #pkts digest: ${r.digest}`,
    `    #pkts decaps: ${r.decaps}, #pkts decrypt: ${r.decrypt}, #pkts verify: ${r.verify}`,
    "    #pkts compressed: 0, #pkts decompressed: 0",
    "    #pkts not compressed: 0, #pkts compr. failed: 0",
    "    #pkts not decompressed: 0, #pkts decompress failed: 0",
  ];
  if (detail) {
    lines.push(
      "    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0",
      "    #pkts encaps failed (send) 0, #pkts decaps failed (rcv) 0",
      `    #pkts invalid prot (recv) 0, #pkts verify failed: ${r.verifyFailures}`,
      "    #pkts invalid identity (recv) 0, #pkts invalid len (rcv) 0",
      "    #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0",
      // IOS's own doubled '#'.
      `    ##pkts replay failed (rcv): ${r.replayFailures}`,
      "    #pkts internal err (send): 0, #pkts internal err (recv) 0",
    );
  }
  lines.push(
    `    #send errors ${r.sendErrors}, #recv errors ${r.recvErrors}`,
    "",
    `     local crypto endpt.: ${r.localAddress}, remote crypto endpt.: ${r.peer}`,
    `     plaintext mtu ${r.plaintextMtu}, path mtu ${r.pathMtu}, ip mtu ${r.ipMtu}, ip mtu idb ${r.mtuInterface ?? "(none)"}`,
    `     current outbound spi: ${formatSpi(r.currentOutboundSpi)}`,
    `     PFS (Y/N): ${r.pfsGroup === undefined ? "N" : "Y"}, DH group: ${r.pfsGroup === undefined ? "none" : `group${r.pfsGroup}`}`,
    "",
    ...section("inbound esp sas", r.inbound, mapTag),
    ...section("inbound ah sas", [], mapTag),
    ...section("inbound pcp sas", [], mapTag),
    ...section("outbound esp sas", r.outbound, mapTag),
    ...section("outbound ah sas", [], mapTag),
    ...section("outbound pcp sas", [], mapTag),
  );
  return lines;
}

/** `show crypto ipsec sa [detail]`: every flow's block, a blank line between them. */
export function formatIpsecSa(rows: readonly IpsecSaRow[], detail = false): string {
  return rows.map((r) => formatFlow(r, detail).join("\n")).join("\n\n");
}

/** Table "ipsec-sa": one row per protected tunnel and peer (of `interfaceName`, toward
 * `peer`), in interface order; `route` finds the path to the peer for the MTU lines. */
export function ipsecSaRows(flows: readonly TunnelIpsec[], now: number, route: (vrf: Vrf, dst: Ipv4) => FibEntry | undefined, interfaceName?: string, peer?: Ipv4): IpsecSaRow[] {
  const rows: IpsecSaRow[] = [];
  for (const flow of [...flows].sort((a, b) => a.tunnel.index - b.tunnel.index)) {
    if (interfaceName !== undefined && flow.tunnel.name !== interfaceName) continue;
    // The pairs by the peer they were negotiated with, in the order the peers came.
    const byPeer = new Map<Ipv4, InstalledSa[]>();
    for (const sa of flow.sas) {
      const list = byPeer.get(sa.pair.outbound.remote);
      if (list) list.push(sa);
      else byPeer.set(sa.pair.outbound.remote, [sa]);
    }
    // A protected tunnel without an SA still shows, toward its destination.
    if (byPeer.size === 0) byPeer.set(flow.tunnel.destination ?? (0 as Ipv4), []);
    for (const [negotiated, sas] of byPeer) {
      const row = flowRow(flow, negotiated, sas, now, route);
      if (peer === undefined || row.peer === formatIpv4(peer)) rows.push(row);
    }
  }
  return rows;
}

function flowRow(flow: TunnelIpsec, negotiated: Ipv4, sas: readonly InstalledSa[], now: number, route: (vrf: Vrf, dst: Ipv4) => FibEntry | undefined): IpsecSaRow {
  const t = flow.tunnel;
  const current = sas[sas.length - 1];
  const out = current?.pair.outbound;
  const local = out?.local ?? t.outerSource ?? t.resolveSourceAddress() ?? (0 as Ipv4);
  const remote = current?.peer ?? negotiated;
  const entry = route(t.transportVrf, remote);
  const path = entry?.kind === "forward" ? entry.paths[0] : undefined;
  const pathMtu = path?.interface.ipMtuBytes ?? 1500;
  const vti = t.mode === "ipsec-ipv4";
  const selectors = current?.pair.trafficSelectors;
  const c = flow.counters.get(negotiated) ?? newFlowCounters();
  return {
    interface: t.name,
    vrf: t.vrf.isGlobal ? "" : t.vrf.name,
    localAddress: formatIpv4(local),
    peer: formatIpv4(remote),
    peerPort: current?.peerPort ?? IKE_PORT,
    localIdent: selectors ? ident(selectors.local) : vti ? "0.0.0.0/0.0.0.0/0/0" : `${formatIpv4(local)}/255.255.255.255/47/0`,
    remoteIdent: selectors ? ident(selectors.remote) : vti ? "0.0.0.0/0.0.0.0/0/0" : `${formatIpv4(remote)}/255.255.255.255/47/0`,
    encaps: c.encaps,
    encrypt: c.encaps,
    digest: c.encaps,
    decaps: c.decaps,
    decrypt: c.decaps,
    verify: c.decaps,
    sendErrors: c.sendErrors,
    recvErrors: c.recvErrors,
    replayFailures: c.replayFailures,
    verifyFailures: c.verifyFailures,
    plaintextMtu: current ? plaintextMtu(current, pathMtu) : pathMtu,
    pathMtu,
    ipMtu: pathMtu,
    mtuInterface: path?.interface.name,
    currentOutboundSpi: current?.outboundSpi ?? 0,
    pfsGroup: current?.pair.pfsGroup,
    inbound: sas.map((sa) => saRow(sa, "inbound", now)),
    outbound: sas.map((sa) => saRow(sa, "outbound", now)),
  };
}

function ident(ts: TrafficSelector): string {
  // An address range that is a prefix prints as address/mask, as IOS's idents do.
  const size = (ts.endAddress - ts.startAddress) >>> 0;
  const mask = size === 0xffffffff ? 0 : (~size >>> 0) & 0xffffffff;
  const port = ts.startPort === ts.endPort ? ts.startPort : 0;
  return `${formatIpv4(ts.startAddress)}/${formatIpv4(mask >>> 0)}/${ts.protocol}/${port}`;
}

/** What fits inside: the path MTU less outer header, UDP, ESP header, IV, ICV and the trailer,
 * the ciphertext rounded down to whole blocks; transport mode keeps the inner IPv4 header. */
function plaintextMtu(sa: InstalledSa, pathMtu: number): number {
  const p = sa.pair.outbound;
  const o = sa.outbound;
  const room = pathMtu - IPV4_MIN_HEADER_LENGTH - (p.natT ? UDP_HEADER_LENGTH : 0) - ESP_HEADER_LENGTH - o.ivBytes - o.icvBytes;
  const align = Math.max(4, o.blockSize);
  const plain = room - (room % align) - 2;
  return p.mode === "transport" ? plain + IPV4_MIN_HEADER_LENGTH : plain;
}

function saRow(sa: InstalledSa, direction: "inbound" | "outbound", now: number): IpsecSaRow["inbound"][number] {
  const p = direction === "inbound" ? sa.pair.inbound : sa.pair.outbound;
  const engine = direction === "inbound" ? sa.inbound : sa.outbound;
  const elapsedSec = Math.floor((now - sa.installedAt) / 1000);
  return {
    spi: p.spi,
    transform: transformName(p.cipher, p.integ),
    mode: p.mode === "transport" ? "Transport" : "Tunnel",
    udpEncaps: p.natT !== undefined,
    connId: direction === "inbound" ? sa.inboundConnId : sa.outboundConnId,
    remainingKilobytes: Math.max(0, p.lifetimeKilobytes - Math.ceil(engine.bytes / 1024)),
    remainingSeconds: Math.max(0, p.lifetimeSeconds - elapsedSec),
    ivBytes: engine.ivBytes,
    replayWindow: direction === "inbound" ? p.replayWindow : 0,
    status: "ACTIVE(ACTIVE)",
  };
}
