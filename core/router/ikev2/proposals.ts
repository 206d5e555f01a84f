// What a router offers and accepts for the IKE SA and for child SAs: `crypto ikev2 policy` →
// `crypto ikev2 proposal` and `crypto ipsec transform-set` when configured, IOS's smart
// defaults when not; and the responder's choice of one proposal from an offer (RFC 7296
// §2.7, §3.3.6: one transform of each type from one offered proposal).
//
// IOS smart defaults (IOS-XE 16 `show crypto ikev2 proposal default`): AES-CBC-256, integrity
// and PRF SHA512 SHA384, DH groups 19 14 21 5. The default transform sets (`show crypto ipsec
// default transform-set`) offered here are esp-gcm 256 and esp-aes esp-sha-hmac; IOS lists
// esp-3des esp-sha-hmac as well, which our ESP does not implement, so it is not offered.

import type { ReadonlyRouterConfig } from "../config/model/router";
import type { DeepReadonly } from "../config/model/router";
import type { Ikev2Proposal, TransformSet } from "../config/model/crypto";
import { DhGroup, EncrId, IkeProtocolId, IntegId, PrfId, TransformType, EsnId } from "../wire/ikev2-registry";
import { type IkeProposal, type IkeTransform, transform, transformKeyLength } from "../wire/ikev2-sa";
import type { Ipv4 } from "../wire/addr";
import { encrById, integById, isSupportedDhGroup, prfById, type IkeSuite } from "./crypto";

/** An IKE proposal we can offer or accept, in wire form without the number. */
export type LocalProposal = readonly IkeTransform[];

const ENCR_BY_NAME: Record<string, [number, number]> = {
  "aes-cbc-128": [EncrId.ENCR_AES_CBC, 128],
  "aes-cbc-256": [EncrId.ENCR_AES_CBC, 256],
  "aes-gcm-128": [EncrId.ENCR_AES_GCM_16, 128],
  "aes-gcm-256": [EncrId.ENCR_AES_GCM_16, 256],
};
const HASH_TO_INTEG: Record<string, number> = {
  sha1: IntegId.AUTH_HMAC_SHA1_96,
  sha256: IntegId.AUTH_HMAC_SHA2_256_128,
  sha384: IntegId.AUTH_HMAC_SHA2_384_192,
  sha512: IntegId.AUTH_HMAC_SHA2_512_256,
};
const HASH_TO_PRF: Record<string, number> = {
  sha1: PrfId.PRF_HMAC_SHA1,
  sha256: PrfId.PRF_HMAC_SHA2_256,
  sha384: PrfId.PRF_HMAC_SHA2_384,
  sha512: PrfId.PRF_HMAC_SHA2_512,
};

/** IOS's default IKEv2 proposal. */
export const IOS_DEFAULT_IKE_PROPOSAL: LocalProposal = [
  transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, 256),
  transform(TransformType.PRF, PrfId.PRF_HMAC_SHA2_512),
  transform(TransformType.PRF, PrfId.PRF_HMAC_SHA2_384),
  transform(TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_512_256),
  transform(TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_384_192),
  transform(TransformType.DH, DhGroup.ECP_256),
  transform(TransformType.DH, DhGroup.MODP_2048),
  transform(TransformType.DH, DhGroup.ECP_521),
  transform(TransformType.DH, DhGroup.MODP_1536),
];

/** A configured `crypto ikev2 proposal` in wire form; the PRF defaults to the integrity list
 * (IOS: "prf ... if not configured, the integrity algorithm is used"). Algorithms we do not
 * implement (3des, des, md5, aes-cbc-192) are left out. */
export function ikeProposalFromConfig(p: DeepReadonly<Ikev2Proposal>): LocalProposal {
  const out: IkeTransform[] = [];
  for (const e of p.encryption) {
    const m = ENCR_BY_NAME[e];
    if (m) out.push(transform(TransformType.ENCR, m[0], m[1]));
  }
  const aead = p.encryption.every((e) => e.startsWith("aes-gcm"));
  const prfs = p.prf.length ? p.prf : p.integrity;
  for (const h of prfs) if (HASH_TO_PRF[h]) out.push(transform(TransformType.PRF, HASH_TO_PRF[h]));
  if (!aead) for (const h of p.integrity) if (HASH_TO_INTEG[h]) out.push(transform(TransformType.INTEG, HASH_TO_INTEG[h]));
  for (const g of p.groups) if (isSupportedDhGroup(g)) out.push(transform(TransformType.DH, g));
  return out;
}

/** The proposals this router uses toward (or from) a peer: those of the first `crypto ikev2
 * policy` matching the front-door VRF and local address, else the `default` policy's. As on
 * IOS, `crypto ikev2 proposal default` and `crypto ikev2 policy default` in the config take the
 * place of the built-in ones (smart defaults): the default policy is the last resort, and a
 * policy naming proposal `default` gets the configured one if there is one. */
export function localIkeProposals(config: ReadonlyRouterConfig, fvrf: string | undefined, local: Ipv4 | undefined): LocalProposal[] {
  const { policies, proposals } = config.crypto.ikev2;
  const resolve = (names: readonly string[]): LocalProposal[] =>
    names.flatMap((n) => {
      const p = proposals[n];
      if (p !== undefined) return [ikeProposalFromConfig(p)];
      return n === "default" ? [IOS_DEFAULT_IKE_PROPOSAL] : [];
    });
  const ordered = [...Object.values(policies).filter((p) => p.name !== "default"), ...(policies.default ? [policies.default] : [])];
  for (const policy of ordered) {
    const vrfOk = policy.matchFvrf === undefined || policy.matchFvrf === "any" || policy.matchFvrf === (fvrf ?? "global");
    const addrOk = policy.matchAddressLocal.length === 0 || (local !== undefined && policy.matchAddressLocal.includes(local));
    if (!vrfOk || !addrOk) continue;
    const list = resolve(policy.proposals);
    if (list.length) return list;
  }
  return resolve(["default"]);
}

/** The offer for the SA payload: proposal numbers 1, 2, ... */
export function ikeOffer(proposals: readonly LocalProposal[], spi: Uint8Array = new Uint8Array(0)): IkeProposal[] {
  return proposals.map((transforms, i) => ({ number: i + 1, protocolId: IkeProtocolId.IKE, spi, transforms }));
}

function sameTransform(a: IkeTransform, b: IkeTransform): boolean {
  return a.type === b.type && a.id === b.id && transformKeyLength(a) === transformKeyLength(b);
}

/** The first DH group in a local proposal list (what the initiator's KE uses first). */
export function preferredDhGroup(proposals: readonly LocalProposal[]): number {
  for (const p of proposals) for (const t of p) if (t.type === TransformType.DH) return t.id;
  return DhGroup.MODP_2048;
}

/** Every DH group the local proposals accept, in order. */
export function acceptableDhGroups(proposals: readonly LocalProposal[]): number[] {
  const out: number[] = [];
  for (const p of proposals) for (const t of p) if (t.type === TransformType.DH && !out.includes(t.id)) out.push(t.id);
  return out;
}

export interface IkeChoice {
  /** The accepted proposal as the reply's SA payload carries it. */
  readonly proposal: IkeProposal;
  readonly suite: IkeSuite;
}

/** Picks, from the peer's offer, the first proposal that one of ours accepts, and in it the
 * first transform of each type we support; undefined when nothing fits (NO_PROPOSAL_CHOSEN).
 * `kePreference` is the group of the peer's KE payload: used when acceptable, so a mismatch
 * costs no INVALID_KE_PAYLOAD round trip. */
export function chooseIkeProposal(offer: readonly IkeProposal[], ours: readonly LocalProposal[], kePreference?: number): IkeChoice | undefined {
  for (const offered of offer) {
    if (offered.protocolId !== IkeProtocolId.IKE) continue;
    for (const local of ours) {
      const pick = (type: number, prefer?: number): IkeTransform | undefined => {
        const candidates = offered.transforms.filter((t) => t.type === type && local.some((l) => sameTransform(l, t)));
        return candidates.find((t) => t.id === prefer) ?? candidates[0];
      };
      const encrT = pick(TransformType.ENCR);
      const prfT = pick(TransformType.PRF);
      const dhT = pick(TransformType.DH, kePreference);
      if (!encrT || !prfT || !dhT) continue;
      const encr = encrById(encrT.id, transformKeyLength(encrT));
      const prf = prfById(prfT.id);
      if (!encr || !prf) continue;
      let integT: IkeTransform | undefined;
      if (encr.aeadIcvLength === undefined) {
        integT = pick(TransformType.INTEG);
        if (!integT || !integById(integT.id)) continue;
      }
      const transforms = integT ? [encrT, prfT, integT, dhT] : [encrT, prfT, dhT];
      return {
        proposal: { number: offered.number, protocolId: IkeProtocolId.IKE, spi: offered.spi, transforms },
        suite: { encr, prf, integ: integT ? integById(integT.id) : undefined, dhGroup: dhT.id },
      };
    }
  }
  return undefined;
}

/** The suite of an accepted proposal as the responder returned it (the initiator's side). */
export function suiteOf(p: IkeProposal): IkeSuite | undefined {
  const get = (type: number): IkeTransform | undefined => p.transforms.find((t) => t.type === type);
  const encrT = get(TransformType.ENCR);
  const prfT = get(TransformType.PRF);
  const dhT = get(TransformType.DH);
  if (!encrT || !prfT || !dhT) return undefined;
  const encr = encrById(encrT.id, transformKeyLength(encrT));
  const prf = prfById(prfT.id);
  if (!encr || !prf || !isSupportedDhGroup(dhT.id)) return undefined;
  const integT = get(TransformType.INTEG);
  const integ = integT ? integById(integT.id) : undefined;
  if (encr.aeadIcvLength === undefined && !integ) return undefined;
  return { encr, prf, integ: encr.aeadIcvLength === undefined ? integ : undefined, dhGroup: dhT.id };
}

// --- Child SAs (ESP) -------------------------------------------------------------------------

export type EspCipherName = "aes-gcm-128" | "aes-gcm-256" | "aes-cbc-128" | "aes-cbc-256" | "null";
export type EspIntegName = "sha1-96" | "sha256-128" | "sha384-192" | "sha512-256" | "none";

/** A child SA's algorithms and the KEYMAT it takes per direction. */
export interface ChildSuite {
  readonly cipher: EspCipherName;
  readonly integ: EspIntegName;
  /** Encryption key bytes per direction, with the 4-byte salt for GCM (RFC 4106 §8.1). */
  readonly encKeyLength: number;
  readonly integKeyLength: number;
  /** IOS's transform text: "esp-gcm 256", "esp-aes esp-sha-hmac". */
  readonly iosText: string;
}

const ESP_INTEG: Record<string, [number, EspIntegName, number]> = {
  "esp-sha-hmac": [IntegId.AUTH_HMAC_SHA1_96, "sha1-96", 20],
  "esp-sha256-hmac": [IntegId.AUTH_HMAC_SHA2_256_128, "sha256-128", 32],
  "esp-sha384-hmac": [IntegId.AUTH_HMAC_SHA2_384_192, "sha384-192", 48],
  "esp-sha512-hmac": [IntegId.AUTH_HMAC_SHA2_512_256, "sha512-256", 64],
};

/** IOS's default transform sets that our ESP implements, in transport mode as IOS lists them
 * ("will negotiate = { Transport, }"); the mode a session uses follows its tunnel (child.ts). */
export const IOS_DEFAULT_TRANSFORM_SETS: readonly DeepReadonly<TransformSet>[] = [
  { name: "#$!default_transform_set_1", transforms: ["esp-gcm", "256"], mode: "transport" },
  { name: "#$!default_transform_set_0", transforms: ["esp-aes", "esp-sha-hmac"], mode: "transport" },
];

/** A transform set in wire form (ENCR, INTEG, ESN none), or undefined when it uses an
 * algorithm our ESP does not implement. */
export function espProposalFromTransformSet(ts: DeepReadonly<TransformSet>): LocalProposal | undefined {
  const words = ts.transforms;
  const out: IkeTransform[] = [];
  let aead = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const bits = /^\d+$/.test(words[i + 1] ?? "") ? Number(words[i + 1]) : undefined;
    if (w === "esp-aes") out.push(transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, bits ?? 128));
    else if (w === "esp-gcm") {
      out.push(transform(TransformType.ENCR, EncrId.ENCR_AES_GCM_16, bits ?? 128));
      aead = true;
    } else if (w === "esp-null") out.push(transform(TransformType.ENCR, EncrId.ENCR_NULL));
    else if (ESP_INTEG[w]) out.push(transform(TransformType.INTEG, ESP_INTEG[w][0]));
    else if (/^\d+$/.test(w)) continue;
    else return undefined;
  }
  const encr = out.find((t) => t.type === TransformType.ENCR);
  if (!encr || (encr.id === EncrId.ENCR_AES_CBC && ![128, 256].includes(transformKeyLength(encr) ?? 0))) return undefined;
  if (encr.id === EncrId.ENCR_AES_GCM_16 && ![128, 256].includes(transformKeyLength(encr) ?? 0)) return undefined;
  if (!aead && encr.id !== EncrId.ENCR_NULL && !out.some((t) => t.type === TransformType.INTEG)) return undefined;
  out.push(transform(TransformType.ESN, EsnId.NO_ESN));
  return out;
}

/** The child SA suite of an accepted ESP proposal. */
export function childSuiteOf(p: IkeProposal): ChildSuite | undefined {
  const encrT = p.transforms.find((t) => t.type === TransformType.ENCR);
  const integT = p.transforms.find((t) => t.type === TransformType.INTEG && t.id !== IntegId.NONE);
  const esn = p.transforms.find((t) => t.type === TransformType.ESN);
  if (!encrT || (esn && esn.id !== EsnId.NO_ESN)) return undefined;
  const bits = transformKeyLength(encrT);
  let cipher: EspCipherName;
  let encKeyLength: number;
  let cipherText: string;
  if (encrT.id === EncrId.ENCR_AES_GCM_16 && (bits === 128 || bits === 256)) {
    cipher = bits === 128 ? "aes-gcm-128" : "aes-gcm-256";
    encKeyLength = bits / 8 + 4;
    cipherText = `esp-gcm ${bits}`;
  } else if (encrT.id === EncrId.ENCR_AES_CBC && (bits === 128 || bits === 256)) {
    cipher = bits === 128 ? "aes-cbc-128" : "aes-cbc-256";
    encKeyLength = bits / 8;
    cipherText = bits === 128 ? "esp-aes" : "esp-aes 256";
  } else if (encrT.id === EncrId.ENCR_NULL) {
    cipher = "null";
    encKeyLength = 0;
    cipherText = "esp-null";
  } else return undefined;
  if (cipher.startsWith("aes-gcm")) {
    if (integT) return undefined;
    return { cipher, integ: "none", encKeyLength, integKeyLength: 0, iosText: cipherText };
  }
  const integ = integT ? Object.entries(ESP_INTEG).find(([, v]) => v[0] === integT.id) : undefined;
  if (!integ) return undefined;
  return { cipher, integ: integ[1][1], encKeyLength, integKeyLength: integ[1][2], iosText: `${cipherText} ${integ[0]}` };
}

/** Picks the first offered ESP proposal one of ours accepts (same transforms, ESN none). With
 * `dhGroup` (a CREATE_CHILD_SA with a KE payload: PFS) the proposal must offer that group,
 * and the reply's proposal carries it (RFC 7296 §1.3.1); without, DH transforms are ignored. */
export function chooseEspProposal(offer: readonly IkeProposal[], ours: readonly LocalProposal[], dhGroup?: number): { proposal: IkeProposal; suite: ChildSuite } | undefined {
  for (const offered of offer) {
    if (offered.protocolId !== IkeProtocolId.ESP || offered.spi.length !== 4) continue;
    for (const local of ours) {
      const pick = (type: number): IkeTransform | undefined => offered.transforms.find((t) => t.type === type && local.some((l) => sameTransform(l, t)));
      const encrT = pick(TransformType.ENCR);
      if (!encrT) continue;
      const localHasInteg = local.some((t) => t.type === TransformType.INTEG);
      const integT = localHasInteg ? pick(TransformType.INTEG) : undefined;
      if (localHasInteg && !integT) continue;
      const offersEsn = offered.transforms.some((t) => t.type === TransformType.ESN);
      const esnT = offered.transforms.find((t) => t.type === TransformType.ESN && t.id === EsnId.NO_ESN);
      if (offersEsn && !esnT) continue;
      const dhT = dhGroup === undefined ? undefined : offered.transforms.find((t) => t.type === TransformType.DH && t.id === dhGroup);
      if (dhGroup !== undefined && !dhT) continue;
      const transforms = [encrT, ...(integT ? [integT] : []), ...(dhT ? [dhT] : []), ...(esnT ? [esnT] : [])];
      const proposal = { number: offered.number, protocolId: IkeProtocolId.ESP, spi: offered.spi, transforms };
      const suite = childSuiteOf(proposal);
      if (suite) return { proposal, suite };
    }
  }
  return undefined;
}
