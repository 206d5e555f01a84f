// `show crypto ipsec sa [interface X | peer A] [detail]` as IOS prints it: one block per
// protected interface (IOS's crypto flow, "Crypto map tag: Tunnel0-head-0"), its counters,
// endpoints and MTUs, then the inbound and outbound ESP SAs (AH and PCP sections empty, as
// FlexVPN never negotiates them). Rows come from the subsystem (table "ipsec-sa").
import type { IpsecSa, IpsecSaRow } from "../../api/tables";
import type { EspCipher, EspInteg } from "./sa";

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
