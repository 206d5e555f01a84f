// Building X.509 v3 certificates (RFC 5280): a lab CA's self-signed certificate and the
// certificates it issues to routers' trustpoints. RSA keys with SHA-256 signatures, the
// profile IOS's own CA server uses. Parsing and verifying use node:crypto's X509Certificate.
import { createHash, sign, type KeyObject } from "node:crypto";
import { bitString, bool, explicit, ia5String, implicitPrimitive, integer, namedBits, nul, octetString, oid, sequence, time, type Der } from "./der";
import { encodeName, type NameAttribute } from "./subject";

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const EXT_SUBJECT_KEY_ID = "2.5.29.14";
const EXT_KEY_USAGE = "2.5.29.15";
const EXT_SUBJECT_ALT_NAME = "2.5.29.17";
const EXT_BASIC_CONSTRAINTS = "2.5.29.19";
const EXT_AUTHORITY_KEY_ID = "2.5.29.35";

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

export interface CertificateSpec {
  readonly serial: bigint;
  /** IOS subject-name attributes, or a Name's DER as a request carried it (the CA server). */
  readonly subject: readonly NameAttribute[] | Der;
  readonly issuer: readonly NameAttribute[] | Der;
  readonly subjectKey: KeyObject; // public
  readonly issuerKey: KeyObject; // private
  /** The issuer's public key, for the authority key identifier (the subject's own for a root). */
  readonly issuerPublicKey: KeyObject;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly ca: boolean;
  /** subjectAltName dNSName entries (FlexVPN identities by FQDN). */
  readonly dnsNames?: readonly string[];
}

function algorithm(): Der {
  return sequence(oid(SHA256_WITH_RSA), nul());
}

function extension(id: string, critical: boolean, value: Der): Der {
  return critical ? sequence(oid(id), bool(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  // SubjectPublicKeyInfo = SEQUENCE { algorithm, BIT STRING }: the bit string is the last TLV.
  const bits = lastTlvContent(spki);
  return new Uint8Array(createHash("sha1").update(bits.subarray(1)).digest());
}

function lastTlvContent(der: Uint8Array): Uint8Array {
  // Walk the outer SEQUENCE's children and return the content of the last one.
  let at = headerLength(der, 0);
  let content = der.subarray(0, 0);
  while (at < der.length) {
    const h = headerLength(der, at);
    const len = contentLength(der, at);
    content = der.subarray(at + h, at + h + len);
    at += h + len;
  }
  return content;
}

function headerLength(der: Uint8Array, at: number): number {
  const first = der[at + 1];
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(der: Uint8Array, at: number): number {
  const first = der[at + 1];
  if (first < 0x80) return first;
  let n = 0;
  for (let i = 0; i < (first & 0x7f); i++) n = n * 256 + der[at + 2 + i];
  return n;
}

function nameDer(name: readonly NameAttribute[] | Der): Der {
  return name instanceof Uint8Array ? name : encodeName(name);
}

export function buildCertificate(spec: CertificateSpec): Uint8Array {
  const extensions: Der[] = [
    extension(EXT_BASIC_CONSTRAINTS, true, spec.ca ? sequence(bool(true)) : sequence()),
    extension(EXT_KEY_USAGE, true, namedBits(spec.ca ? [KU.digitalSignature, KU.keyCertSign, KU.cRLSign] : [KU.digitalSignature, KU.keyEncipherment])),
    extension(EXT_SUBJECT_KEY_ID, false, octetString(keyIdentifier(spec.subjectKey))),
    extension(EXT_AUTHORITY_KEY_ID, false, sequence(implicitPrimitive(0, keyIdentifier(spec.issuerPublicKey)))),
  ];
  if (spec.dnsNames?.length) {
    extensions.push(extension(EXT_SUBJECT_ALT_NAME, false, sequence(...spec.dnsNames.map((n) => implicitPrimitive(2, ia5String(n).subarray(2))))));
  }
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(spec.serial),
    algorithm(),
    nameDer(spec.issuer),
    sequence(time(spec.notBeforeMs), time(spec.notAfterMs)),
    nameDer(spec.subject),
    new Uint8Array(spec.subjectKey.export({ type: "spki", format: "der" })),
    explicit(3, sequence(...extensions)),
  );
  const signature = new Uint8Array(sign("sha256", tbs, spec.issuerKey));
  return sequence(tbs, algorithm(), bitString(signature));
}

export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${b64.replace(/\n$/, "")}\n-----END ${label}-----\n`;
}

