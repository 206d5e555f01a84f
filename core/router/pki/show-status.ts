// `show crypto pki trustpoints [NAME] status`: per trustpoint its CA and router certificates
// (subject and fingerprints) and the enrolment state (keys, CA authenticated, certificate),
// in IOS's layout, from the PKI store and the key ring.
import { createHash, type X509Certificate } from "node:crypto";
import type { DeepReadonly, RouterConfig } from "../config/model/router";
import { BOTH, subsystemExec, type SubsystemExecCommand, type SubsystemHost } from "../node/subsystem";
import { keyLabel } from "./enrolment";
import type { RsaKeyring } from "./keys";
import type { PkiStore } from "./store";

/** What the command needs of the PKI instance. */
export interface PkiStatusOwner {
  readonly store: PkiStore;
  readonly keys: RsaKeyring;
}

/** One trustpoint's status. */
export interface TrustpointStatusRow {
  name: string;
  ca?: { subject: string; md5: string; sha1: string };
  cert?: { subject: string; md5: string; sha1: string };
  keysGenerated: boolean;
}

/** "5ECAF77E 82DECF83 ... " as IOS groups a digest: 8 hex digits, each group then a space. */
function fingerprint(der: Buffer, algorithm: "md5" | "sha1"): string {
  const hex = createHash(algorithm).update(der).digest("hex").toUpperCase();
  return (hex.match(/.{8}/g) ?? []).map((g) => `${g} `).join("");
}

/** IOS's one-line subject: most specific attribute first, keys lower-case, comma-joined. */
function subjectLine(name: string): string {
  return name
    .split("\n")
    .reverse()
    .map((line) => {
      const eq = line.indexOf("=");
      return `${line.slice(0, eq).toLowerCase()}=${line.slice(eq + 1)}`;
    })
    .join(",");
}

function certSummary(cert: X509Certificate): { subject: string; md5: string; sha1: string } {
  return { subject: subjectLine(cert.subject), md5: fingerprint(cert.raw, "md5"), sha1: fingerprint(cert.raw, "sha1") };
}

/** The configured trustpoints (and those the store holds without config), `name` keeps one. */
export function trustpointStatusRows(config: DeepReadonly<RouterConfig>, pki: PkiStatusOwner, name?: string): TrustpointStatusRow[] {
  const configured = config.crypto.pki.trustpoints;
  const names = new Set([...Object.keys(configured), ...pki.store.all().map((t) => t.trustpoint)]);
  const rows: TrustpointStatusRow[] = [];
  for (const n of names) {
    if (name !== undefined && n !== name) continue;
    const held = pki.store.get(n);
    const tp = configured[n];
    const keyed = held?.key !== undefined || (tp !== undefined && pki.keys.get(keyLabel(config, tp)) !== undefined);
    rows.push({ name: n, ...(held ? { ca: certSummary(held.ca) } : {}), ...(held?.cert ? { cert: certSummary(held.cert) } : {}), keysGenerated: keyed });
  }
  return rows;
}

export function formatTrustpointStatus(rows: readonly TrustpointStatusRow[]): string {
  const lines: string[] = [];
  const certLines = (title: string, c: { subject: string; md5: string; sha1: string }): string[] => [title, "    Subject Name:", `     ${c.subject}`, `    Fingerprint MD5: ${c.md5}`, `    Fingerprint SHA1: ${c.sha1}`];
  for (const r of rows) {
    lines.push(`Trustpoint ${r.name}:`);
    if (r.ca) lines.push(...certLines("  Issuing CA certificate configured:", r.ca));
    if (r.cert) lines.push(...certLines("  Router General Purpose certificate configured:", r.cert));
    lines.push("  State:");
    lines.push(`    Keys generated ............. ${r.keysGenerated ? "Yes (General Purpose, non-exportable)" : "No"}`);
    lines.push(`    Issuing CA authenticated ....... ${r.ca ? "Yes" : "No"}`);
    lines.push(`    Certificate request(s) ..... ${r.cert ? "Yes" : "None"}`);
    lines.push("");
  }
  return lines.join("\n");
}

const HELP = ["Show running system information", "Encryption module", "Public Key components", "Show trustpoints"];

export function trustpointStatusCommands(pkiOf: (router: SubsystemHost) => PkiStatusOwner): SubsystemExecCommand[] {
  return [
    subsystemExec({
      id: "show.crypto.pki.trustpoints.status",
      mode: BOTH,
      syntax: "show crypto pki trustpoints status",
      help: [...HELP, "Show trustpoint status"],
      pipe: true,
      run: ({ router, print }) => {
        const rows = trustpointStatusRows(router.running, pkiOf(router));
        if (rows.length) print(formatTrustpointStatus(rows));
      },
    }),
    subsystemExec({
      id: "show.crypto.pki.trustpoints.name.status",
      mode: BOTH,
      syntax: "show crypto pki trustpoints WORD$name status",
      help: [...HELP, "Trustpoint name", "Show trustpoint status"],
      pipe: true,
      run: ({ router, args, print }) => {
        const rows = trustpointStatusRows(router.running, pkiOf(router), args.str("name"));
        if (rows.length) print(formatTrustpointStatus(rows));
      },
    }),
  ];
}
