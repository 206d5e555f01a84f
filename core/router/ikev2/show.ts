// `show crypto ikev2 sa [detailed]`: typed rows from the engine's SAs, then IOS's layout
// (columns at 0, 10, 32, 54, 75; the algorithm and lifetime lines indented six spaces).

import type { Ikev2SaRow } from "../../api/tables";
import { formatIpv4 } from "../wire/addr";
import { identityText } from "./auth";
import type { IkeStats } from "./engine";
import { hex64 } from "./messages";
import type { TrafficSelector } from "../wire/ikev2-payloads";
import type { ChildSuite } from "./proposals";
import type { IkeSa } from "./sa";

function status(sa: IkeSa): string {
  if (sa.state === "established") return "READY";
  if (sa.state === "deleting" || sa.state === "dead") return "DELETE";
  return "IN-NEG";
}

function spiText(spi: number): string {
  return "0x" + spi.toString(16).toUpperCase().padStart(8, "0");
}

/** IOS's names for a child SA's cipher and key size, and its ESP HMAC. */
const CHILD_CIPHERS: Readonly<Record<ChildSuite["cipher"], readonly [string, number]>> = {
  "aes-gcm-128": ["AES-GCM", 128],
  "aes-gcm-256": ["AES-GCM", 256],
  "aes-cbc-128": ["AES-CBC", 128],
  "aes-cbc-256": ["AES-CBC", 256],
  null: ["NULL", 0],
};
const CHILD_HMACS: Readonly<Record<ChildSuite["integ"], string>> = { "sha1-96": "SHA96", "sha256-128": "SHA256", "sha384-192": "SHA384", "sha512-256": "SHA512", none: "None" };

/** "10.0.0.1/0 - 10.0.0.1/65535", as `show crypto ikev2 session` prints a selector. */
function selectorsText(selectors: readonly TrafficSelector[]): string {
  return selectors.map((t) => (t.kind === "ipv4-range" ? `${formatIpv4(t.startAddress)}/${t.startPort} - ${formatIpv4(t.endAddress)}/${t.endPort}` : "")).join(", ");
}

/** `ivrfOf`: the inside VRF of an SA's interface (IVRF FlexVPN), undefined for the global table. */
export function ikev2SaRows(sas: readonly IkeSa[], nowMs: number, ivrfOf?: (sa: IkeSa) => string | undefined): Ikev2SaRow[] {
  return sas.map((sa) => ({
    tunnelId: sa.id,
    local: formatIpv4(sa.local.address),
    localPort: sa.local.port,
    remote: formatIpv4(sa.remote.address),
    remotePort: sa.remote.port,
    fvrf: sa.fvrf ?? "none",
    ivrf: ivrfOf?.(sa) ?? "none",
    status: status(sa),
    encryption: sa.suite?.encr.iosName ?? "",
    keySize: sa.suite?.encr.keyBits ?? 0,
    prf: sa.suite?.prf.iosName ?? "",
    hash: sa.suite?.integ?.iosName ?? "None",
    dhGroup: sa.suite?.dhGroup ?? 0,
    authSign: sa.authLocal,
    authVerify: sa.authRemote,
    lifetimeSec: sa.lifetimeSec,
    activeSec: Math.floor((nowMs - sa.createdMs) / 1000),
    localSpi: hex64(sa.localSpi),
    remoteSpi: hex64(sa.remoteSpi),
    localId: sa.localId ? identityText(sa.localId) : formatIpv4(sa.local.address),
    remoteId: sa.remoteId ? identityText(sa.remoteId) : formatIpv4(sa.remote.address),
    initiator: sa.role === "initiator",
    ...(sa.profile ? { profile: sa.profile } : {}),
    ...(sa.interfaceName ? { interface: sa.interfaceName } : {}),
    ...(sa.dpd ? { dpd: { intervalSec: sa.dpd.intervalSec, retrySec: sa.dpd.retrySec } } : {}),
    natDetected: sa.natLocal || sa.natRemote,
    ...(sa.fragmentMtu !== undefined ? { fragmentationMtu: sa.fragmentMtu } : {}),
    ...(sa.assignedAddress !== undefined ? { pushedAddress: formatIpv4(sa.assignedAddress) } : {}),
    remoteSubnets: sa.remoteSubnets.map((s) => `${formatIpv4(s.address)} ${formatIpv4(s.mask)}`),
    ...(sa.defaultDomain !== undefined ? { defaultDomain: sa.defaultDomain } : {}),
    ...(sa.banner !== undefined ? { banner: sa.banner } : {}),
    childSas: sa.children.map((c) => {
      const cipher = CHILD_CIPHERS[c.suite.cipher];
      return {
        inboundSpi: spiText(c.inbound.spi),
        outboundSpi: spiText(c.outbound.spi),
        transform: c.suite.iosText,
        mode: c.mode,
        localSelector: selectorsText(sa.role === "initiator" ? c.tsi : c.tsr),
        remoteSelector: selectorsText(sa.role === "initiator" ? c.tsr : c.tsi),
        encryption: cipher[0],
        keySize: cipher[1],
        espHmac: CHILD_HMACS[c.suite.integ],
      };
    }),
    sessionId: sa.id,
    uptimeSec: Math.floor((nowMs - (sa.upSinceMs ?? sa.createdMs)) / 1000),
  }));
}

const pad = (s: string, n: number): string => s.padEnd(n);

export function formatIkev2Sa(rows: readonly Ikev2SaRow[], detailed: boolean): string {
  const lines = [" IPv4 Crypto IKEv2  SA", "", SA_HEADING];
  for (const r of rows) lines.push(...saLines(r, detailed));
  lines.push("", " IPv6 Crypto IKEv2  SA", "");
  return lines.join("\n");
}

const SA_HEADING = "Tunnel-id Local                 Remote                fvrf/ivrf            Status";

/** One IKE SA's lines in `show crypto ikev2 sa|session`: the row and, detailed, the rest. */
function saLines(r: Ikev2SaRow, detailed: boolean): string[] {
  const lines: string[] = [];
  lines.push(pad(String(r.tunnelId), 10) + pad(`${r.local}/${r.localPort}`, 22) + pad(`${r.remote}/${r.remotePort}`, 22) + pad(`${r.fvrf}/${r.ivrf}`, 21) + r.status);
  lines.push(`      Encr: ${r.encryption}, keysize: ${r.keySize}, PRF: ${r.prf}, Hash: ${r.hash}, DH Grp:${r.dhGroup}, Auth sign: ${r.authSign}, Auth verify: ${r.authVerify}`);
  lines.push(`      Life/Active Time: ${r.lifetimeSec}/${r.activeSec} sec`);
  if (!detailed) return lines;
  lines.push(`      CE id: 0, Session-id: ${r.sessionId ?? r.tunnelId}`);
  lines.push(`      Status Description: ${r.status === "READY" ? "Negotiation done" : r.status === "DELETE" ? "Deleting IKE SA" : "Negotiating"}`);
  lines.push(`      Local spi: ${r.localSpi}       Remote spi: ${r.remoteSpi}`);
  lines.push(`      Local id: ${r.localId}`);
  lines.push(`      Remote id: ${r.remoteId}`);
  lines.push(`      Local req msg id:  0              Remote req msg id:  0`);
  lines.push(`      Local window:      1              Remote window:      1`);
  lines.push(r.dpd ? `      DPD configured for ${r.dpd.intervalSec} seconds, retry ${r.dpd.retrySec}` : "      DPD configured for 0 seconds, retry 0");
  // RFC 7383 fragmentation, when both ends offered it in IKE_SA_INIT.
  lines.push(r.fragmentationMtu !== undefined ? `      IETF Std Fragmentation MTU in use: ${r.fragmentationMtu} bytes.` : "      Fragmentation not configured.");
  lines.push("      Dynamic Route Update: disabled");
  lines.push("      Extended Authentication not configured.");
  lines.push(r.natDetected ? "      NAT-T is detected" : "      NAT-T is not detected");
  lines.push("      Cisco Trust Security SGT is disabled");
  lines.push(`      Initiator of SA : ${r.initiator ? "Yes" : "No"}`);
  if (r.pushedAddress) lines.push(`      Pushed IP address: ${r.pushedAddress}`);
  if (r.remoteSubnets.length) {
    lines.push("      Remote subnets:");
    for (const s of r.remoteSubnets) lines.push(`      ${s}`);
  }
  // What else the peer's authorization policy pushed. Cisco documents no layout for these in
  // `show crypto ikev2 sa detailed`; the labels are the ones IOS's Easy VPN client shows
  // (`show crypto ipsec client ezvpn`: "Default Domain:", and the banner text after "Banner:").
  if (r.defaultDomain !== undefined) lines.push(`      Default Domain: ${r.defaultDomain}`);
  if (r.banner !== undefined) {
    lines.push("      Banner:");
    for (const line of r.banner.split("\n")) lines.push(`      ${line}`);
  }
  lines.push("");
  return lines;
}

/** `show crypto ikev2 stats`, in IOS's layout, from the engine's counters and SAs. */
export function formatIkev2Stats(stats: IkeStats, sas: readonly IkeSa[]): string {
  const rule = "-".repeat(80);
  const count = (role: "initiator" | "responder", up: boolean): number => sas.filter((s) => (s.role === "initiator") === (role === "initiator") && (s.state === "established") === up && s.state !== "dead").length;
  const col = (label: string, n: number, width: number): string => `${label} ${String(n).padEnd(width)}`;
  const incomingRejected = stats.incomingRequests - stats.incomingAccepted;
  const outgoingRejected = stats.outgoingRequests - stats.outgoingAccepted - count("initiator", false);
  return [
    rule,
    "                          Crypto IKEv2 SA Statistics",
    rule,
    "System Resource Limit:   0        Max IKEv2 SAs: 0        Max in nego(in/out): 40/400",
    `${col("Total incoming IKEv2 SA Count:", count("responder", true) + count("responder", false), 9)}${col("active:", count("responder", true), 9)}negotiating: ${count("responder", false)}`,
    `${col("Total outgoing IKEv2 SA Count:", count("initiator", true) + count("initiator", false), 9)}${col("active:", count("initiator", true), 9)}negotiating: ${count("initiator", false)}`,
    `${col("Incoming IKEv2 Requests:", stats.incomingRequests, 9)}${col("accepted:", stats.incomingAccepted, 9)}rejected: ${incomingRejected}`,
    `${col("Outgoing IKEv2 Requests:", stats.outgoingRequests, 9)}${col("accepted:", stats.outgoingAccepted, 9)}rejected: ${Math.max(0, outgoingRejected)}`,
    `Rejected IKEv2 Requests: ${String(incomingRejected).padEnd(9)}rsrc low:          0        SA limit: 0`,
    `IKEv2 packets dropped at dispatch: ${stats.malformed + stats.unknownSpi + stats.integrityFailed}`,
    "Incoming Requests dropped as LOW Q limit Reached : 0",
    `Incoming IKE_INIT Cookie Challenge Requests: ${stats.cookiesSent + stats.cookiesAccepted} `,
    `accepted: ${String(stats.cookiesAccepted).padEnd(8)}rejected: ${String(stats.cookiesSent).padEnd(8)}rejected no cookie: ${stats.cookiesSent}`,
    "Total Deleted sessions of Cert Revoked Peers: 0",
    // RFC 7383's counters, after IOS's lines.
    `IKEv2 fragments sent: ${stats.fragmentsSent}, received: ${stats.fragmentsReceived}, messages reassembled: ${stats.reassembled}, fragments dropped: ${stats.fragmentsDropped}`,
    "",
  ].join("\n");
}

/** IOS's session status for an IKE SA: up with or without child SAs, or still negotiating. */
function sessionStatus(r: Ikev2SaRow): string {
  if (r.status === "READY") return r.childSas.length ? "UP-ACTIVE" : "UP-IDLE";
  return r.status === "DELETE" ? "DOWN" : "DOWN-NEGOTIATING";
}

/** `show crypto ikev2 session [detailed]`: per session its IKE SA (as `show crypto ikev2 sa`)
 * and its child SAs' selectors and SPIs. */
export function formatIkev2Session(rows: readonly Ikev2SaRow[], detailed: boolean): string {
  const lines = [" IPv4 Crypto IKEv2 Session ", ""];
  for (const r of rows) {
    lines.push(`Session-id:${r.sessionId ?? r.tunnelId}, Status:${sessionStatus(r)}, IKE count:1, CHILD count:${r.childSas.length}`, "", SA_HEADING);
    lines.push(...saLines(r, detailed));
    for (const c of r.childSas) {
      lines.push(`Child sa: local selector  ${c.localSelector ?? ""}`);
      lines.push(`          remote selector ${c.remoteSelector ?? ""}`);
      lines.push(`          ESP spi in/out: ${c.inboundSpi}/${c.outboundSpi}  `);
      if (!detailed) continue;
      lines.push("          AH spi in/out: 0x0/0x0  ");
      lines.push("          CPI in/out: 0x0/0x0  ");
      lines.push(`          Encr: ${c.encryption ?? ""}, keysize: ${c.keySize ?? 0}, esp_hmac: ${c.espHmac ?? "None"}`);
      lines.push(`          ah_hmac: None, comp: IPCOMP_NONE, mode ${c.mode}`);
    }
    lines.push("");
  }
  lines.push(" IPv6 Crypto IKEv2 Session ", "");
  return lines.join("\n");
}
