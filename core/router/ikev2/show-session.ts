// `show crypto session [detail] [remote A.B.C.D]`: one session per protected interface and
// peer, joining the IKE SA bound to it (ikev2) with its IPsec flow (the ipsec subsystem's
// "ipsec-sa" rows): typed rows first (table "crypto-session"), then IOS's layout.

import type { CryptoSessionRow, IpsecSaRow } from "../../api/tables";
import { formatIpv4 } from "../wire/addr";
import { identityText } from "./auth";
import type { IkeSa } from "./sa";

/** A tunnel that wants a session but has no IKE SA yet: it still shows, DOWN. */
export interface IdleTunnel {
  readonly interfaceName: string;
  readonly peer: string;
  readonly fvrf: string | undefined;
}

function live(sa: IkeSa): boolean {
  return sa.state !== "dead" && !sa.superseded;
}

function ikePart(sa: IkeSa, nowMs: number): NonNullable<CryptoSessionRow["ike"]> {
  const caps = (sa.assignedAddress !== undefined || sa.remoteSubnets.length ? "C" : "") + (sa.dpd ? "D" : "") + (sa.natLocal || sa.natRemote ? "N" : "");
  return {
    local: formatIpv4(sa.local.address),
    localPort: sa.local.port,
    remote: formatIpv4(sa.remote.address),
    remotePort: sa.remote.port,
    status: sa.state === "established" ? "Active" : "Inactive",
    capabilities: caps,
    connId: sa.id,
    remainingSec: Math.max(0, sa.lifetimeSec - Math.floor((nowMs - sa.createdMs) / 1000)),
  };
}

/** "172.16.1.103/255.255.255.255/47/0" and its peer's as IOS's IPSEC FLOW line says them. */
function flowText(localIdent: string, remoteIdent: string): string {
  const part = (ident: string): { proto: string; text: string } => {
    const [address, mask, proto] = ident.split("/");
    return { proto, text: mask === "255.255.255.255" ? `host ${address}` : `${address}/${mask}` };
  };
  const l = part(localIdent);
  const r = part(remoteIdent);
  return `permit ${l.proto === "0" ? "ip" : l.proto} ${l.text} ${r.text}`;
}

function status(sa: IkeSa | undefined, activeSas: number): string {
  if (!sa) return activeSas ? "UP-NO-IKE" : "DOWN";
  if (sa.state !== "established") return "DOWN-NEGOTIATING";
  return activeSas ? "UP-ACTIVE" : "UP-IDLE";
}

/** The sessions: each protected interface's flows with the IKE SA bound to them, then IKE SAs
 * with no flow (no child SA yet), then tunnels still waiting for one; `remote` filters by peer. */
export function cryptoSessionRows(sas: readonly IkeSa[], flows: readonly IpsecSaRow[], idle: readonly IdleTunnel[], nowMs: number, remote?: string): CryptoSessionRow[] {
  const rows: CryptoSessionRow[] = [];
  const used = new Set<IkeSa>();
  const bound = sas.filter(live);
  const fromSa = (sa: IkeSa | undefined): Partial<CryptoSessionRow> =>
    sa
      ? {
          ...(sa.profile ? { profile: sa.profile } : {}),
          ...(sa.remoteId ? { phase1Id: identityText(sa.remoteId) } : {}),
          sessionId: sa.id,
          ...(sa.upSinceMs !== undefined ? { uptimeSec: Math.floor((nowMs - sa.upSinceMs) / 1000) } : {}),
          ike: ikePart(sa, nowMs),
        }
      : {};
  for (const f of flows) {
    const sa = bound.find((s) => !used.has(s) && s.interfaceName === f.interface && formatIpv4(s.remote.address) === f.peer) ?? bound.find((s) => !used.has(s) && s.interfaceName === f.interface);
    const active = f.inbound.length + f.outbound.length;
    // A protected tunnel with neither an SA nor a wish to initiate (a responder's static
    // tunnel before its peer calls) still shows, as on IOS.
    if (sa) used.add(sa);
    const newestIn = f.inbound[f.inbound.length - 1];
    const newestOut = f.outbound[f.outbound.length - 1];
    rows.push({
      interface: f.interface,
      status: status(sa, active),
      peer: sa ? formatIpv4(sa.remote.address) : f.peer,
      peerPort: sa ? sa.remote.port : f.peerPort,
      fvrf: sa?.fvrf ?? "(none)",
      ivrf: f.vrf === "" ? "(none)" : f.vrf,
      ...fromSa(sa),
      flow: flowText(f.localIdent, f.remoteIdent),
      activeSas: active,
      ...(newestIn ? { inbound: { packets: f.decaps, drops: f.recvErrors, remainingKilobytes: newestIn.remainingKilobytes, remainingSeconds: newestIn.remainingSeconds } } : {}),
      ...(newestOut ? { outbound: { packets: f.encaps, drops: f.sendErrors, remainingKilobytes: newestOut.remainingKilobytes, remainingSeconds: newestOut.remainingSeconds } } : {}),
    });
  }
  for (const sa of bound) {
    if (used.has(sa)) continue;
    rows.push({
      interface: sa.interfaceName ?? "",
      status: status(sa, 0),
      peer: formatIpv4(sa.remote.address),
      peerPort: sa.remote.port,
      fvrf: sa.fvrf ?? "(none)",
      ivrf: "(none)",
      ...fromSa(sa),
      activeSas: 0,
    });
  }
  for (const t of idle) {
    if (rows.some((r) => r.interface === t.interfaceName)) continue;
    rows.push({ interface: t.interfaceName, status: "DOWN", peer: t.peer, peerPort: 500, fvrf: t.fvrf ?? "(none)", ivrf: "(none)", activeSas: 0 });
  }
  return remote === undefined ? rows : rows.filter((r) => r.peer === remote);
}

/** hh:mm:ss, as IOS prints an uptime or a remaining lifetime under a day. */
function clock(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return [h, m, s].map((n) => String(n).padStart(2, "0")).join(":");
}

const LEGEND = [
  "Code: C - IKE Configuration mode, D - Dead Peer Detection     ",
  "K - Keepalives, N - NAT-traversal, T - cTCP encapsulation     ",
  "X - IKE Extended Authentication, F - IKE Fragmentation",
  "R - IKE Auto Reconnect, U - IKE Dynamic Route Update",
  "S - SIP VPN",
];

export function formatCryptoSession(rows: readonly CryptoSessionRow[], detail: boolean): string {
  const lines = ["Crypto session current status", ""];
  if (detail) lines.push(...LEGEND, "");
  for (const r of rows) {
    lines.push(`Interface: ${r.interface}`);
    if (r.profile) lines.push(`Profile: ${r.profile}`);
    if (detail && r.uptimeSec !== undefined) lines.push(`Uptime: ${clock(r.uptimeSec)}`);
    lines.push(`Session status: ${r.status}`);
    lines.push(`Peer: ${r.peer} port ${r.peerPort}${detail ? ` fvrf: ${r.fvrf} ivrf: ${r.ivrf}` : ""}`);
    if (detail) {
      if (r.phase1Id) lines.push(`      Phase1_id: ${r.phase1Id}`);
      lines.push("      Desc: (none)");
    }
    if (r.sessionId !== undefined) lines.push(`  Session ID: ${r.sessionId}  `);
    if (r.ike) {
      lines.push(`  IKEv2 SA: local ${r.ike.local}/${r.ike.localPort} remote ${r.ike.remote}/${r.ike.remotePort} ${r.ike.status}`);
      if (detail) lines.push(`          Capabilities:${r.ike.capabilities || "(none)"} connid:${r.ike.connId} lifetime:${clock(r.ike.remainingSec)}`);
    }
    if (r.flow) {
      lines.push(`  IPSEC FLOW: ${r.flow} `);
      lines.push(`        Active SAs: ${r.activeSas}, origin: crypto map`);
      if (detail) {
        const dir = (label: string, verb: string, t: CryptoSessionRow["inbound"]): string =>
          `        ${label} #pkts ${verb} ${t?.packets ?? 0} drop ${t?.drops ?? 0} life (KB/Sec) ${t ? `${t.remainingKilobytes}/${t.remainingSeconds}` : "0/0"}`;
        lines.push(dir("Inbound: ", "dec'ed", r.inbound), dir("Outbound:", "enc'ed", r.outbound));
      }
    }
    lines.push("");
  }
  return lines.join("\n");
}
