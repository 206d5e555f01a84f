// IKE_AUTH's identities and proofs: the IDi/IDr payload from `identity local`, the matching of
// a peer's identity against `match identity remote` and of its certificate against `match
// certificate` maps, pre-shared keys from `crypto ikev2 keyring`, RSA signatures (RFC 7296
// §2.15 method 1, PKCS#1 v1.5 with SHA-1 as IOS signs; RFC 7427 method 14 accepted), and the
// check of a peer's certificate against the trustpoint's CA and its validity.

import { createHash, sign, verify, type KeyObject, type X509Certificate } from "node:crypto";
import type { DeepReadonly } from "../config/model/router";
import type { CertificateMapEntry, Ikev2Keyring, Ikev2LocalIdentity, Ikev2Profile, Ikev2RemoteIdentity } from "../config/model/crypto";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { AuthMethod, IkeIdType } from "../wire/ikev2-registry";
import { cfgIpv4Value, cfgTextValue, ikeIdIpv4, ikeIdText } from "../wire/ikev2-values";
import type { TrustpointCerts } from "../pki/store";

/** An IDi/IDr payload's type and data. */
export interface IkeIdentity {
  readonly idType: number;
  readonly data: Uint8Array;
}

/** IOS's text for an identity: an address, an FQDN, or the DN as IOS prints subjects. */
export function identityText(id: IkeIdentity): string {
  switch (id.idType) {
    case IkeIdType.ID_IPV4_ADDR: {
      const a = ikeIdIpv4(id.data);
      return a === undefined ? "(invalid)" : formatIpv4(a);
    }
    case IkeIdType.ID_FQDN:
    case IkeIdType.ID_RFC822_ADDR:
    case IkeIdType.ID_KEY_ID:
      return ikeIdText(id.data);
    case IkeIdType.ID_DER_ASN1_DN:
      return dnText(id.data) ?? "(invalid)";
    default:
      return `(type ${id.idType})`;
  }
}

/** The identity `identity local` sends: IOS's default is the local address. */
export function localIdentity(id: DeepReadonly<Ikev2LocalIdentity> | undefined, localAddress: Ipv4, cert: X509Certificate | undefined): IkeIdentity {
  switch (id?.kind) {
    case "fqdn":
      return { idType: IkeIdType.ID_FQDN, data: cfgTextValue(id.value) };
    case "email":
      return { idType: IkeIdType.ID_RFC822_ADDR, data: cfgTextValue(id.value) };
    case "key-id":
      return { idType: IkeIdType.ID_KEY_ID, data: cfgTextValue(id.value) };
    case "address":
      return { idType: IkeIdType.ID_IPV4_ADDR, data: cfgIpv4Value(id.address) };
    case "dn":
      if (cert) return { idType: IkeIdType.ID_DER_ASN1_DN, data: subjectDer(new Uint8Array(cert.raw)) };
      return { idType: IkeIdType.ID_IPV4_ADDR, data: cfgIpv4Value(localAddress) };
    default:
      return { idType: IkeIdType.ID_IPV4_ADDR, data: cfgIpv4Value(localAddress) };
  }
}

function maskMatches(address: Ipv4, want: Ipv4, mask: Ipv4 | undefined): boolean {
  const m = mask ?? 0xffffffff;
  return ((address & m) >>> 0) === ((want & m) >>> 0);
}

/** One `match identity remote` statement against a peer's identity (case-insensitive names,
 * as IOS compares them). */
export function remoteIdentityMatches(rule: DeepReadonly<Ikev2RemoteIdentity>, id: IkeIdentity): boolean {
  switch (rule.kind) {
    case "any":
      return true;
    case "address": {
      const a = id.idType === IkeIdType.ID_IPV4_ADDR ? ikeIdIpv4(id.data) : undefined;
      return a !== undefined && maskMatches(a, rule.address, rule.mask);
    }
    case "fqdn":
      return id.idType === IkeIdType.ID_FQDN && ikeIdText(id.data).toLowerCase() === rule.value.toLowerCase();
    case "fqdn-domain": {
      if (id.idType !== IkeIdType.ID_FQDN) return false;
      const name = ikeIdText(id.data).toLowerCase();
      const domain = rule.value.toLowerCase();
      return name === domain || name.endsWith("." + domain);
    }
    case "email":
      return id.idType === IkeIdType.ID_RFC822_ADDR && ikeIdText(id.data).toLowerCase() === rule.value.toLowerCase();
    case "email-domain":
      return id.idType === IkeIdType.ID_RFC822_ADDR && ikeIdText(id.data).toLowerCase().endsWith("@" + rule.value.toLowerCase());
    case "key-id":
      // An opaque string: compared exactly.
      return id.idType === IkeIdType.ID_KEY_ID && ikeIdText(id.data) === rule.value;
  }
}

/** The pre-shared key for a peer from `keyring local NAME`: the peer block whose `identity`
 * matches the peer's ID, else whose `address` (with mask) covers its address. `side` picks
 * `pre-shared-key local` (to sign) or `remote` (to verify), falling back to the plain key. */
export function keyringKey(keyring: DeepReadonly<Ikev2Keyring> | undefined, peerAddress: Ipv4, peerId: IkeIdentity | undefined, side: "local" | "remote"): string | undefined {
  if (!keyring) return undefined;
  const peers = Object.values(keyring.peers);
  const byIdentity = peerId
    ? peers.find((p) => {
        const i = p.identity;
        if (!i) return false;
        if (i.kind === "address") return peerId.idType === IkeIdType.ID_IPV4_ADDR && ikeIdIpv4(peerId.data) === i.address;
        if (i.kind === "key-id") return peerId.idType === IkeIdType.ID_KEY_ID && ikeIdText(peerId.data) === i.value;
        const type = i.kind === "email" ? IkeIdType.ID_RFC822_ADDR : IkeIdType.ID_FQDN;
        return peerId.idType === type && ikeIdText(peerId.data).toLowerCase() === i.value.toLowerCase();
      })
    : undefined;
  const byAddress = peers.find((p) => p.address !== undefined && maskMatches(peerAddress, p.address.address, p.address.mask));
  const peer = byIdentity ?? byAddress;
  if (!peer) return undefined;
  return (side === "local" ? peer.preSharedKeyLocal : peer.preSharedKeyRemote) ?? peer.preSharedKey;
}

// --- Certificates -----------------------------------------------------------------------------

/** The subject Name's DER inside a certificate's DER (tbsCertificate's sixth field, fifth
 * without the optional version). */
export function subjectDer(certDer: Uint8Array): Uint8Array {
  const tbs = children(certDer, 0)[0];
  const fields = children(certDer, tbs.start);
  const offset = certDer[fields[0].start] === 0xa0 ? 1 : 0;
  const subject = fields[4 + offset];
  return certDer.slice(subject.start, subject.end);
}

interface Tlv {
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

function tlvAt(der: Uint8Array, at: number): Tlv {
  const first = der[at + 1];
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4) throw new RangeError("DER length too long");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[at + 2 + i];
    header += n;
  }
  const end = at + header + length;
  if (end > der.length) throw new RangeError("DER runs past its buffer");
  return { start: at, contentStart: at + header, end };
}

function children(der: Uint8Array, at: number): Tlv[] {
  const outer = tlvAt(der, at);
  const out: Tlv[] = [];
  for (let p = outer.contentStart; p < outer.end; ) {
    const t = tlvAt(der, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

const SHORT_NAMES: Record<string, string> = { "2.5.4.3": "cn", "2.5.4.6": "c", "2.5.4.7": "l", "2.5.4.8": "st", "2.5.4.10": "o", "2.5.4.11": "ou", "2.5.4.5": "serialnumber", "1.2.840.113549.1.9.1": "e", "1.2.840.113549.1.9.2": "unstructuredname" };

function oidText(bytes: Uint8Array): string {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let n = 0;
  for (let i = 1; i < bytes.length; i++) {
    n = n * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join(".");
}

/** A DER Name as IOS prints it, most specific part first: "cn=R1-HUB.cisco.com,ou=FLEX,o=Cisco";
 * undefined when the bytes are not a Name. */
export function dnText(der: Uint8Array): string | undefined {
  try {
    const parts: string[] = [];
    for (const rdn of children(der, 0)) {
      for (const atv of children(der, rdn.start)) {
        const [type, value] = children(der, atv.start);
        const oid = oidText(der.subarray(type.contentStart, type.end));
        parts.push(`${SHORT_NAMES[oid] ?? oid}=${new TextDecoder().decode(der.subarray(value.contentStart, value.end))}`);
      }
    }
    return parts.reverse().join(",");
  } catch {
    return undefined;
  }
}

/** A certificate's subject in IOS's form (see dnText). */
export function certSubjectText(cert: X509Certificate): string {
  return dnText(subjectDer(new Uint8Array(cert.raw))) ?? cert.subject;
}

/** `match certificate MAP`: an entry matches when all its rules do; the map when any entry
 * does. Values compare case-insensitively with spaces around "=" ignored (IOS lower-cases
 * both the rule and the certificate's fields). */
export function certificateMapMatches(entries: readonly DeepReadonly<CertificateMapEntry>[], cert: X509Certificate): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/\s*=\s*/g, "=");
  const subject = norm(certSubjectText(cert));
  const issuer = norm(cert.issuer.split("\n").reverse().join(","));
  const alt = norm(cert.subjectAltName ?? "");
  return entries.some((entry) =>
    entry.rules.every((rule) => {
      const field = rule.field === "issuer-name" ? issuer : rule.field === "alt-subject-name" ? alt : subject;
      const value = norm(rule.value);
      switch (rule.op) {
        case "eq":
          return field === value;
        case "ne":
          return field !== value;
        case "co":
          return field.includes(value);
        case "nc":
          return !field.includes(value);
        case "ge":
          return field >= value;
        case "lt":
          return field < value;
      }
    }),
  );
}

/** Why a peer's certificate is refused, as IOS's PKI logs say it; undefined when it chains
 * to one of the trustpoints' CAs and is valid at `nowMs`. */
export function checkPeerCertificate(cert: X509Certificate, trustpoints: readonly TrustpointCerts[], nowMs: number): { trustpoint: TrustpointCerts } | { problem: string; mnemonic: string } {
  const issuer = trustpoints.find((tp) => cert.checkIssued(tp.ca) && cert.verify(publicKeyOf(tp.ca)));
  if (!issuer) {
    return { mnemonic: "CERTIFICATE_INVALID_UNAUTHORIZED", problem: `Certificate chain validation has failed.  Unauthorized (issuer ${cert.issuer.split("\n").reverse().join(",")})` };
  }
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (nowMs > to) return { mnemonic: "CERTIFICATE_INVALID_EXPIRED", problem: `Certificate chain validation has failed. The certificate (SN: ${cert.serialNumber}) has expired.    Validity period ended on ${cert.validTo}` };
  if (nowMs < from) return { mnemonic: "CERTIFICATE_INVALID_NOT_YET_VALID", problem: `Certificate chain validation has failed. The certificate (SN: ${cert.serialNumber}) is not yet valid   Validity period starts on ${cert.validFrom}` };
  return { trustpoint: issuer };
}

// X509Certificate.publicKey builds a new KeyObject on every read; a CA's is read per peer.
const publicKeys = new WeakMap<X509Certificate, KeyObject>();
const certReqHashes = new WeakMap<X509Certificate, Uint8Array>();

/** A certificate's public key, kept per certificate. */
export function publicKeyOf(cert: X509Certificate): KeyObject {
  let key = publicKeys.get(cert);
  if (!key) {
    key = cert.publicKey;
    publicKeys.set(cert, key);
  }
  return key;
}

/** A CERTREQ's data: SHA-1 hashes of the trusted CAs' SubjectPublicKeyInfo (RFC 7296 §3.7). */
export function certReqData(cas: readonly X509Certificate[]): Uint8Array {
  const out = new Uint8Array(20 * cas.length);
  cas.forEach((ca, i) => {
    let hash = certReqHashes.get(ca);
    if (!hash) {
      hash = new Uint8Array(createHash("sha1").update(publicKeyOf(ca).export({ type: "spki", format: "der" })).digest());
      certReqHashes.set(ca, hash);
    }
    out.set(hash, 20 * i);
  });
  return out;
}

/** Signs AUTH octets the way IOS's rsa-sig does: method 1, PKCS#1 v1.5 over SHA-1. */
export function rsaSign(key: KeyObject, octets: Uint8Array): Uint8Array {
  return new Uint8Array(sign("sha1", octets, key));
}

/** RFC 4754's ECDSA methods, one per curve, each with its hash; the signature is r || s. */
const ECDSA_BY_CURVE: Readonly<Record<string, { readonly method: number; readonly hash: string }>> = {
  prime256v1: { method: AuthMethod.ECDSA_SHA256_P256, hash: "sha256" },
  secp384r1: { method: AuthMethod.ECDSA_SHA384_P384, hash: "sha384" },
  secp521r1: { method: AuthMethod.ECDSA_SHA512_P521, hash: "sha512" },
};

/** `authentication local ecdsa-sig`: AUTH with RFC 4754's method for the key's curve, or
 * undefined when the key is not an ECDSA key on P-256, P-384 or P-521. */
export function ecdsaSign(key: KeyObject, octets: Uint8Array): { method: number; data: Uint8Array } | undefined {
  const e = key.asymmetricKeyType === "ec" ? ECDSA_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ""] : undefined;
  return e && { method: e.method, data: new Uint8Array(sign(e.hash, octets, { key, dsaEncoding: "ieee-p1363" })) };
}

/** Whether a peer's AUTH method is an ECDSA signature (RFC 4754, or RFC 7427 with an EC key). */
export function isEcdsaAuth(method: number, publicKey: KeyObject): boolean {
  return method === AuthMethod.ECDSA_SHA256_P256 || method === AuthMethod.ECDSA_SHA384_P384 || method === AuthMethod.ECDSA_SHA512_P521 || (method === AuthMethod.DIGITAL_SIGNATURE && publicKey.asymmetricKeyType === "ec");
}

// RFC 7427 §3: the AUTH data of method 14 starts with the AlgorithmIdentifier's length and DER.
const SIG_ALGS: Record<string, string> = {
  "1.2.840.113549.1.1.5": "sha1",
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
  // ecdsa-with-SHA256/384/512 (RFC 5758): a DER ECDSA signature.
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
};

/** Verifies a peer's signature AUTH (method 1 RSA, 9/10/11 ECDSA, or 14 with either) with its
 * certificate's key. */
export function verifySignatureAuth(method: number, data: Uint8Array, octets: Uint8Array, publicKey: KeyObject): boolean {
  try {
    if (method === AuthMethod.RSA_DIGITAL_SIGNATURE) return publicKey.asymmetricKeyType === "rsa" && verify("sha1", octets, publicKey, data);
    const ecdsa = Object.values(ECDSA_BY_CURVE).find((e) => e.method === method);
    if (ecdsa) {
      // RFC 4754 §7: the method names the curve; the certificate's key must be on it.
      const curve = publicKey.asymmetricKeyType === "ec" ? ECDSA_BY_CURVE[publicKey.asymmetricKeyDetails?.namedCurve ?? ""] : undefined;
      return curve === ecdsa && verify(ecdsa.hash, octets, { key: publicKey, dsaEncoding: "ieee-p1363" }, data);
    }
    if (method !== AuthMethod.DIGITAL_SIGNATURE || data.length < 1) return false;
    const algLength = data[0];
    const alg = data.subarray(1, 1 + algLength);
    const oidTlv = children(alg, 0)[0];
    const hash = SIG_ALGS[oidText(alg.subarray(oidTlv.contentStart, oidTlv.end))];
    if (!hash) return false;
    return verify(hash, octets, publicKey, data.subarray(1 + algLength));
  } catch {
    return false;
  }
}

/** Which profile a responder uses for a peer: the first (by name) whose `match identity
 * remote` matches the peer's ID or whose `match certificate` map matches its certificate, in
 * the front-door VRF. */
export function selectProfile(
  profiles: readonly DeepReadonly<Ikev2Profile>[],
  id: IkeIdentity,
  cert: X509Certificate | undefined,
  maps: Readonly<Record<string, readonly DeepReadonly<CertificateMapEntry>[]>>,
  fvrf: string | undefined,
): DeepReadonly<Ikev2Profile> | undefined {
  const sorted = [...profiles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.find((p) => (p.matchFvrf === "any" || p.matchFvrf === fvrf) && profileMatchesPeer(p, id, cert, maps));
}

/** A profile's match statements against a peer (the initiator checks its responder too). */
export function profileMatchesPeer(
  p: DeepReadonly<Ikev2Profile>,
  id: IkeIdentity,
  cert: X509Certificate | undefined,
  maps: Readonly<Record<string, readonly DeepReadonly<CertificateMapEntry>[]>>,
): boolean {
  if (p.matchIdentityRemote.some((rule) => remoteIdentityMatches(rule, id))) return true;
  return cert !== undefined && p.matchCertificate.some((m) => maps[m] !== undefined && certificateMapMatches(maps[m], cert));
}

/** Why `profiles` did not match a peer, for the NEG_ABORT log: the peer's identity and, when it
 * sent a certificate and a profile has `match certificate`, its subject and the maps it fails
 * (a missing map is named as such). */
export function noMatchReason(
  profiles: readonly DeepReadonly<Ikev2Profile>[],
  id: IkeIdentity,
  cert: X509Certificate | undefined,
  maps: Readonly<Record<string, readonly DeepReadonly<CertificateMapEntry>[]>>,
): string {
  const named = [...new Set(profiles.flatMap((p) => p.matchCertificate))];
  if (named.length === 0) return identityText(id);
  if (!cert) return `${identityText(id)}, which sent no certificate for match certificate ${named.join(", ")}`;
  const failed = named.map((m) => (maps[m] === undefined ? `${m} (not configured)` : m));
  return `${identityText(id)}: certificate subject "${certSubjectText(cert)}" fails certificate map ${failed.join(", ")}`;
}
