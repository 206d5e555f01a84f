// `show crypto ikev2 proposal [NAME]` and `show crypto ikev2 policy [NAME]`: the configured
// proposals and policies and IOS's smart-default ones (`default`), which IOS lists ahead of
// the configured ones. The default proposal is printed from the transforms the engine really
// offers (IOS_DEFAULT_IKE_PROPOSAL), so the output cannot drift from the negotiation.

import type { Ikev2Policy, Ikev2Proposal } from "../config/model/crypto";
import type { DeepReadonly } from "../config/model/router";
import { formatIpv4 } from "../wire/addr";
import { DhGroup, EncrId, IntegId, PrfId, TransformType } from "../wire/ikev2-registry";
import { transformKeyLength } from "../wire/ikev2-sa";
import { IOS_DEFAULT_IKE_PROPOSAL, type LocalProposal } from "./proposals";

/** IOS's names for the DH groups in `show crypto ikev2 proposal`. */
const DH_GROUP_NAME: Record<number, string> = {
  [DhGroup.MODP_768]: "DH_GROUP_768_MODP/Group 1",
  [DhGroup.MODP_1024]: "DH_GROUP_1024_MODP/Group 2",
  [DhGroup.MODP_1536]: "DH_GROUP_1536_MODP/Group 5",
  [DhGroup.MODP_2048]: "DH_GROUP_2048_MODP/Group 14",
  [DhGroup.MODP_3072]: "DH_GROUP_3072_MODP/Group 15",
  [DhGroup.MODP_4096]: "DH_GROUP_4096_MODP/Group 16",
  [DhGroup.ECP_256]: "DH_GROUP_256_ECP/Group 19",
  [DhGroup.ECP_384]: "DH_GROUP_384_ECP/Group 20",
  [DhGroup.ECP_521]: "DH_GROUP_521_ECP/Group 21",
  [DhGroup.MODP_2048_256]: "DH_GROUP_2048_256_MODP/Group 24",
};

function dhName(group: number): string {
  return DH_GROUP_NAME[group] ?? `Group ${group}`;
}

/** IOS prints an integrity algorithm by its truncated-HMAC name (SHA96, MD596), a PRF by
 * the hash (SHA1, MD5); the SHA-2 ones alike. */
const INTEG_NAME: Record<string, string> = { md5: "MD596", sha1: "SHA96", sha256: "SHA256", sha384: "SHA384", sha512: "SHA512" };
const PRF_NAME: Record<string, string> = { md5: "MD5", sha1: "SHA1", sha256: "SHA256", sha384: "SHA384", sha512: "SHA512" };
const INTEG_BY_ID: Record<number, string> = {
  [IntegId.AUTH_HMAC_MD5_96]: "MD596",
  [IntegId.AUTH_HMAC_SHA1_96]: "SHA96",
  [IntegId.AUTH_HMAC_SHA2_256_128]: "SHA256",
  [IntegId.AUTH_HMAC_SHA2_384_192]: "SHA384",
  [IntegId.AUTH_HMAC_SHA2_512_256]: "SHA512",
};
const PRF_BY_ID: Record<number, string> = {
  [PrfId.PRF_HMAC_MD5]: "MD5",
  [PrfId.PRF_HMAC_SHA1]: "SHA1",
  [PrfId.PRF_HMAC_SHA2_256]: "SHA256",
  [PrfId.PRF_HMAC_SHA2_384]: "SHA384",
  [PrfId.PRF_HMAC_SHA2_512]: "SHA512",
};

/** A proposal's lines as IOS shows them, names already in IOS's words. */
export interface Ikev2ProposalRow {
  name: string;
  encryption: string[];
  integrity: string[];
  prf: string[];
  dhGroups: string[];
}

/** The default proposal's row, read from the transforms the engine offers. */
export function defaultProposalRow(transforms: LocalProposal = IOS_DEFAULT_IKE_PROPOSAL): Ikev2ProposalRow {
  const row: Ikev2ProposalRow = { name: "default", encryption: [], integrity: [], prf: [], dhGroups: [] };
  for (const t of transforms) {
    if (t.type === TransformType.ENCR) {
      const mode = t.id === EncrId.ENCR_AES_GCM_16 ? "GCM" : "CBC";
      row.encryption.push(`AES-${mode}-${transformKeyLength(t) ?? 128}`);
    } else if (t.type === TransformType.INTEG) row.integrity.push(INTEG_BY_ID[t.id] ?? `${t.id}`);
    else if (t.type === TransformType.PRF) row.prf.push(PRF_BY_ID[t.id] ?? `${t.id}`);
    else if (t.type === TransformType.DH) row.dhGroups.push(dhName(t.id));
  }
  return row;
}

/** A configured proposal's row; the PRF is the integrity list when not configured (IOS). */
export function proposalRow(p: DeepReadonly<Ikev2Proposal>): Ikev2ProposalRow {
  return {
    name: p.name,
    encryption: p.encryption.map((e) => e.toUpperCase()),
    integrity: p.integrity.map((h) => INTEG_NAME[h] ?? h.toUpperCase()),
    prf: (p.prf.length ? p.prf : p.integrity).map((h) => PRF_NAME[h] ?? h.toUpperCase()),
    dhGroups: p.groups.map(dhName),
  };
}

/** `show crypto ikev2 proposal` from the rows. */
export function formatIkev2Proposals(rows: readonly Ikev2ProposalRow[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(` IKEv2 proposal: ${r.name} `);
    lines.push(`     Encryption : ${r.encryption.join(" ")}`);
    lines.push(`     Integrity  : ${r.integrity.join(" ")}`);
    lines.push(`     PRF        : ${r.prf.join(" ")}`);
    lines.push(`     DH Group   : ${r.dhGroups.join(" ")}`);
  }
  return lines.join("\n");
}

/** The default proposal, then the configured ones; `name` keeps one. */
export function ikev2ProposalRows(configured: readonly DeepReadonly<Ikev2Proposal>[], name?: string): Ikev2ProposalRow[] {
  // A configured `default` takes the built-in one's place, as it does in negotiation.
  const builtIn = configured.some((p) => p.name === "default") ? [] : [defaultProposalRow()];
  const all = [...builtIn, ...configured.map(proposalRow)];
  return name === undefined ? all : all.filter((r) => r.name === name);
}

/** `show crypto ikev2 policy`: IOS's `default` policy (any front-door VRF, any local address,
 * the default proposal), then the configured ones; `name` keeps one. A configured policy
 * without `match fvrf` matches the global table, which IOS prints as "global". */
export function formatIkev2Policies(configured: readonly DeepReadonly<Ikev2Policy>[], name?: string): string {
  const builtIn = configured.some((p) => p.name === "default") ? [] : [{ name: "default", fvrf: "Match fvrf : any", local: "any", proposals: ["default"] }];
  const blocks: { name: string; fvrf: string; local: string; proposals: readonly string[] }[] = [
    ...builtIn,
    ...configured.map((p) => ({
      name: p.name,
      fvrf: `Match fvrf  : ${p.matchFvrf ?? "global"}`,
      local: p.matchAddressLocal.length ? p.matchAddressLocal.map(formatIpv4).join(" ") : "any",
      proposals: p.proposals,
    })),
  ];
  const lines: string[] = [];
  for (const b of blocks) {
    if (name !== undefined && b.name !== name) continue;
    lines.push(` IKEv2 policy : ${b.name}`);
    lines.push(`      ${b.fvrf}`);
    lines.push(`      Match address local : ${b.local} `);
    for (const p of b.proposals) lines.push(`      Proposal    : ${p} `);
  }
  return lines.join("\n");
}
