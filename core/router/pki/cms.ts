// CMS (RFC 5652; PKCS#7 v1.5 in SCEP's words) as SCEP uses it: SignedData carrying signed
// attributes around an EnvelopedData, a certificates-only SignedData for issued certificates,
// and EnvelopedData with RSA key transport and a CBC content cipher. Built with der.ts, read
// with der-read.ts; the cryptography is node:crypto's.
import { constants, createCipheriv, createDecipheriv, createHash, privateDecrypt, publicEncrypt, randomBytes, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { concatBytes } from "../wire/bytes";
import { implicitConstructed, implicitPrimitive, explicit, integer, nul, octetString, oid, sequence, setOf, type Der } from "./der";
import { DerError, TAG, children, expect, fields, integerOf, oidOf, readDer, type Tlv } from "./der-read";
import { certificateNames } from "./x509-read";
import { OID as PKCS10_OID, RSA_SIGNATURE_DIGESTS } from "./pkcs10";

export const CMS_OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  md5: "1.2.840.113549.2.5",
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  desEde3Cbc: "1.2.840.113549.3.7",
  desCbc: "1.3.14.3.2.7",
} as const;

const DIGESTS: Readonly<Record<string, string>> = {
  [CMS_OID.sha1]: "sha1",
  [CMS_OID.sha256]: "sha256",
  [CMS_OID.sha384]: "sha384",
  [CMS_OID.sha512]: "sha512",
  [CMS_OID.md5]: "md5",
};

/** Content cipher OID → node:crypto cipher name and key length; `cipherKey` widens the
 * content key where node:crypto names the cipher differently. */
const CIPHERS: Readonly<Record<string, { readonly name: string; readonly keyBytes: number; readonly cipherKey?: (key: Uint8Array) => Uint8Array }>> = {
  [CMS_OID.aes128Cbc]: { name: "aes-128-cbc", keyBytes: 16 },
  [CMS_OID.aes192Cbc]: { name: "aes-192-cbc", keyBytes: 24 },
  [CMS_OID.aes256Cbc]: { name: "aes-256-cbc", keyBytes: 32 },
  [CMS_OID.desEde3Cbc]: { name: "des-ede3-cbc", keyBytes: 24 },
  // Single DES, which some SCEP servers still answer with (micromdm's scepserver): OpenSSL 3
  // keeps it in the legacy provider Node does not load, but two-key triple DES with both keys
  // equal is single DES (E_K D_K E_K = E_K). Read only; we never send it.
  [CMS_OID.desCbc]: { name: "des-ede-cbc", keyBytes: 8, cipherKey: (k) => concatBytes([k, k]) },
};

export interface Attribute {
  readonly type: string;
  /** The attribute's one value, DER. */
  readonly value: Der;
}

/** ContentInfo { contentType, [0] EXPLICIT content }. */
function contentInfo(type: string, content: Der): Der {
  return sequence(oid(type), explicit(0, content));
}

/** IssuerAndSerialNumber of a certificate (its DER): how CMS names a signer or a recipient. */
export function issuerAndSerial(certDer: Uint8Array): Der {
  const { issuer, serial } = certificateNames(certDer);
  return sequence(issuer.raw, serial.raw);
}

export interface SignedDataSpec {
  /** The encapsulated content (id-data); undefined for none (a SCEP failure or pending reply). */
  readonly content: Uint8Array | undefined;
  readonly signerCert: X509Certificate;
  readonly signerKey: KeyObject;
  /** Signed attributes besides contentType and messageDigest. */
  readonly attributes: readonly Attribute[];
  /** Certificates to carry; the signer's by default. */
  readonly certificates?: readonly Uint8Array[];
}

/** A SignedData ContentInfo with one RSA signer over SHA-256 and signed attributes. */
export function buildSignedData(spec: SignedDataSpec): Der {
  const content = spec.content ?? new Uint8Array(0);
  const attrs = [
    sequence(oid(CMS_OID.contentType), setOf([oid(CMS_OID.data)])),
    sequence(oid(CMS_OID.messageDigest), setOf([octetString(new Uint8Array(createHash("sha256").update(content).digest()))])),
    ...spec.attributes.map((a) => sequence(oid(a.type), setOf([a.value]))),
  ];
  // The signature covers the attributes as a SET OF (tag 0x31); the SignerInfo carries them
  // as [0] IMPLICIT (RFC 5652 §5.4).
  const signedAttrs = setOf(attrs);
  const signature = new Uint8Array(sign("sha256", signedAttrs, spec.signerKey));
  const sha256 = sequence(oid(CMS_OID.sha256), nul());
  const signerInfo = sequence(integer(1), issuerAndSerial(new Uint8Array(spec.signerCert.raw)), sha256, setOf(attrs, 0xa0), sequence(oid(PKCS10_OID.rsaEncryption), nul()), octetString(signature));
  const encap = spec.content ? sequence(oid(CMS_OID.data), explicit(0, octetString(spec.content))) : sequence(oid(CMS_OID.data));
  const certs = spec.certificates ?? [new Uint8Array(spec.signerCert.raw)];
  return contentInfo(CMS_OID.signedData, sequence(integer(1), setOf([sha256]), encap, implicitConstructed(0, concatBytes(certs)), setOf([signerInfo])));
}

/** A certificates-only ("degenerate") SignedData: how SCEP hands over issued certificates. */
export function buildCertsOnly(certificates: readonly Uint8Array[]): Der {
  return contentInfo(CMS_OID.signedData, sequence(integer(1), setOf([]), sequence(oid(CMS_OID.data)), implicitConstructed(0, concatBytes(certificates)), setOf([])));
}

export interface SignedData {
  /** The encapsulated content; undefined when there is none. */
  readonly content: Uint8Array | undefined;
  readonly certificates: readonly X509Certificate[];
  /** The first signer: its certificate (from `certificates`) and signed attributes. */
  readonly signer:
    | {
        readonly cert: X509Certificate | undefined;
        /** Signed attributes by OID: each attribute's first value. */
        readonly attributes: ReadonlyMap<string, Tlv>;
        /** Whether the signature and the messageDigest check out against `cert`. */
        readonly valid: boolean;
      }
    | undefined;
}

/** Reads a SignedData ContentInfo; a string says what is wrong. */
export function parseSignedData(der: Uint8Array): SignedData | string {
  try {
    const [type, wrapped] = fields(readDer(der), TAG.sequence, "ContentInfo", 2);
    if (oidOf(type, "contentType") !== CMS_OID.signedData) throw new DerError("contentType is not signedData");
    const sd = fields(expect(wrapped, 0xa0, "content"), 0xa0, "content", 1)[0];
    const parts = fields(sd, TAG.sequence, "SignedData", 4);
    const encap = fields(parts[2], TAG.sequence, "encapContentInfo", 1);
    let content: Uint8Array | undefined;
    if (encap[1]) {
      const inner = children(expect(encap[1], 0xa0, "eContent"))[0];
      content = expect(inner, TAG.octetString, "eContent").content;
    }
    const certificates: X509Certificate[] = [];
    let next = 3;
    if (parts[next]?.tag === 0xa0) {
      for (const c of children(parts[next])) {
        try {
          certificates.push(new X509Certificate(Buffer.from(c.raw)));
        } catch {
          throw new DerError("a certificate in certificates does not parse");
        }
      }
      next++;
    }
    if (parts[next]?.tag === 0xa1) next++; // crls
    const signerInfos = fields(parts[next], TAG.set, "signerInfos");
    return { content, certificates, signer: signerInfos[0] ? readSigner(signerInfos[0], content, certificates) : undefined };
  } catch (err) {
    if (err instanceof DerError) return `malformed SignedData: ${err.message}`;
    throw err;
  }
}

function readSigner(info: Tlv, content: Uint8Array | undefined, certificates: readonly X509Certificate[]): NonNullable<SignedData["signer"]> {
  const f = fields(info, TAG.sequence, "SignerInfo", 5);
  const sid = expect(f[1], TAG.sequence, "sid");
  const cert = certificates.find((c) => sameBytes(issuerAndSerial(new Uint8Array(c.raw)), sid.raw));
  const digest = DIGESTS[oidOf(fields(f[2], TAG.sequence, "digestAlgorithm", 1)[0], "digestAlgorithm")];
  const attrsTlv = expect(f[3], 0xa0, "signedAttrs");
  const attributes = new Map<string, Tlv>();
  for (const a of children(attrsTlv)) {
    const [type, values] = fields(a, TAG.sequence, "attribute", 2);
    attributes.set(oidOf(type, "attribute type"), fields(values, TAG.set, "attribute values", 1)[0]);
  }
  const sigAlg = oidOf(fields(f[4], TAG.sequence, "signatureAlgorithm", 1)[0], "signatureAlgorithm");
  const signature = expect(f[5], TAG.octetString, "signature").content;
  let valid = false;
  if (cert && digest && (sigAlg === PKCS10_OID.rsaEncryption || RSA_SIGNATURE_DIGESTS[sigAlg] === digest)) {
    // The signature covers the attributes re-tagged as SET OF (RFC 5652 §5.4).
    const signed = new Uint8Array(attrsTlv.raw);
    signed[0] = TAG.set;
    const md = attributes.get(CMS_OID.messageDigest);
    const want = createHash(digest)
      .update(content ?? new Uint8Array(0))
      .digest();
    valid = md?.tag === TAG.octetString && sameBytes(md.content, want) && verify(digest, signed, cert.publicKey, signature);
  }
  return { cert, attributes, valid };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** EnvelopedData for one recipient: a fresh AES-CBC key, RSA PKCS#1 v1.5 key transport (what
 * SCEP clients and IOS use). */
export function buildEnvelopedData(content: Uint8Array, recipient: X509Certificate, cipherOid: string = CMS_OID.aes256Cbc): Der {
  const cipher = CIPHERS[cipherOid];
  if (!cipher) throw new RangeError(`no content cipher ${cipherOid}`);
  const key = randomBytes(cipher.keyBytes);
  const iv = randomBytes(cipher.name.startsWith("des") ? 8 : 16);
  const c = createCipheriv(cipher.name, key, iv);
  const encrypted = new Uint8Array(Buffer.concat([c.update(content), c.final()]));
  const encryptedKey = new Uint8Array(publicEncrypt({ key: recipient.publicKey, padding: constants.RSA_PKCS1_PADDING }, key));
  const ktri = sequence(integer(0), issuerAndSerial(new Uint8Array(recipient.raw)), sequence(oid(PKCS10_OID.rsaEncryption), nul()), octetString(encryptedKey));
  const eci = sequence(oid(CMS_OID.data), sequence(oid(cipherOid), octetString(iv)), implicitPrimitive(0, encrypted));
  return contentInfo(CMS_OID.envelopedData, sequence(integer(0), setOf([ktri]), eci));
}

/** Opens EnvelopedData addressed to `cert` (with its private key); a string says why not. */
export function openEnvelopedData(der: Uint8Array, cert: X509Certificate, key: KeyObject): Uint8Array | string {
  try {
    const [type, wrapped] = fields(readDer(der), TAG.sequence, "ContentInfo", 2);
    if (oidOf(type, "contentType") !== CMS_OID.envelopedData) throw new DerError("contentType is not envelopedData");
    const ed = fields(expect(wrapped, 0xa0, "content"), 0xa0, "content", 1)[0];
    const parts = fields(ed, TAG.sequence, "EnvelopedData", 3);
    const at = parts[1].tag === 0xa0 ? 2 : 1; // originatorInfo
    const me = issuerAndSerial(new Uint8Array(cert.raw));
    const ktri = fields(parts[at], TAG.set, "recipientInfos", 1).find((r) => r.tag === TAG.sequence && sameBytes(children(r)[1]?.raw ?? new Uint8Array(0), me));
    if (!ktri) return "no recipientInfo for this certificate";
    const k = fields(ktri, TAG.sequence, "KeyTransRecipientInfo", 4);
    if (integerOf(k[0], "version") !== 0n) throw new DerError("KeyTransRecipientInfo version is not 0");
    if (oidOf(fields(k[2], TAG.sequence, "keyEncryptionAlgorithm", 1)[0], "keyEncryptionAlgorithm") !== PKCS10_OID.rsaEncryption) return "key transport is not rsaEncryption";
    const encryptedKey = expect(k[3], TAG.octetString, "encryptedKey").content;
    const eci = fields(parts[at + 1], TAG.sequence, "encryptedContentInfo", 3);
    const alg = fields(eci[1], TAG.sequence, "contentEncryptionAlgorithm", 2);
    const cipher = CIPHERS[oidOf(alg[0], "content cipher")];
    if (!cipher) return `content cipher ${oidOf(alg[0], "content cipher")} is not supported`;
    const iv = expect(alg[1], TAG.octetString, "iv").content;
    // [0] IMPLICIT OCTET STRING, primitive; BER senders may make it constructed.
    const body = eci[2].tag === 0x80 ? eci[2].content : eci[2].tag === 0xa0 ? concatBytes(children(eci[2]).map((c) => expect(c, TAG.octetString, "encryptedContent").content)) : expect(eci[2], 0x80, "encryptedContent").content;
    const contentKey = rsaPkcs1Unwrap(encryptedKey, key, cipher.keyBytes);
    try {
      const d = createDecipheriv(cipher.name, cipher.cipherKey ? cipher.cipherKey(contentKey) : contentKey, iv);
      return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
    } catch {
      return "content does not decrypt";
    }
  } catch (err) {
    if (err instanceof DerError) return `malformed EnvelopedData: ${err.message}`;
    throw err;
  }
}

/**
 * RSAES-PKCS1-v1_5 decryption of a content key. Node refuses PKCS#1 v1.5 in privateDecrypt
 * (CVE-2023-46809, the Marvin attack) unless OpenSSL rejects implicitly; so this does raw RSA
 * and unpads here with implicit rejection (RFC 8017 §7.2.2 and draft-irtf-cfrg-rsa-guidance):
 * a bad padding yields a key derived from the ciphertext, never an error, so the content
 * simply fails to decrypt and nothing tells a padding oracle apart.
 */
function rsaPkcs1Unwrap(encrypted: Uint8Array, key: KeyObject, keyBytes: number): Uint8Array {
  const fallback = new Uint8Array(createHash("sha256").update(encrypted).update(key.export({ type: "pkcs8", format: "der" })).digest()).subarray(0, Math.min(32, keyBytes));
  const rejected = keyBytes <= fallback.length ? fallback.subarray(0, keyBytes) : concatBytes([fallback, fallback]).subarray(0, keyBytes);
  let em: Uint8Array;
  try {
    em = new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encrypted));
  } catch {
    return rejected;
  }
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero) || 0x00 || M
  let zeroAt = 0;
  for (let i = 2; i < em.length; i++) {
    if (em[i] === 0 && zeroAt === 0) zeroAt = i;
  }
  const ok = em[0] === 0 && em[1] === 2 && zeroAt >= 10 && em.length - zeroAt - 1 === keyBytes;
  return ok ? em.slice(zeroAt + 1) : rejected;
}
