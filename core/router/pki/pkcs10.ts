// PKCS#10 certification requests (RFC 2986): what `crypto pki enroll` sends its CA, signed
// with the trustpoint's key, carrying the subject-name, the challenge password and the
// router's FQDN as a subjectAltName extension request; and the CA server's reading of one.
import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { ia5String, implicitConstructed, implicitPrimitive, integer, nul, octetString, oid, printableString, sequence, set, bitString, type Der } from "./der";
import { DerError, TAG, bitStringOf, children, expect, fields, integerOf, oidOf, readDer, stringOf, type Tlv } from "./der-read";
import { concatBytes } from "../wire/bytes";

export const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  md5WithRsa: "1.2.840.113549.1.1.4",
  sha1WithRsa: "1.2.840.113549.1.1.5",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  challengePassword: "1.2.840.113549.1.9.7",
  extensionRequest: "1.2.840.113549.1.9.14",
  subjectAltName: "2.5.29.17",
} as const;

/** Signature algorithm OID → the digest node:crypto signs with. */
export const RSA_SIGNATURE_DIGESTS: Readonly<Record<string, string>> = {
  [OID.md5WithRsa]: "md5",
  [OID.sha1WithRsa]: "sha1",
  [OID.sha256WithRsa]: "sha256",
  [OID.sha384WithRsa]: "sha384",
  [OID.sha512WithRsa]: "sha512",
};

export interface CsrSpec {
  /** The subject Name's DER (subject.ts's encodeName of the trustpoint's subject-name). */
  readonly subject: Der;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  /** The trustpoint's `password`, which a CA may ask for. */
  readonly challengePassword?: string;
  /** subjectAltName dNSName entries: the router's FQDN, the IKEv2 identity it proves. */
  readonly dnsNames?: readonly string[];
}

export function buildCsr(spec: CsrSpec): Uint8Array {
  const attributes: Der[] = [];
  if (spec.challengePassword) attributes.push(sequence(oid(OID.challengePassword), set(printableString(spec.challengePassword))));
  if (spec.dnsNames?.length) {
    const san = sequence(...spec.dnsNames.map((n) => implicitPrimitive(2, ia5String(n).subarray(2))));
    attributes.push(sequence(oid(OID.extensionRequest), set(sequence(sequence(oid(OID.subjectAltName), octetString(san))))));
  }
  const info = sequence(integer(0), spec.subject, new Uint8Array(spec.publicKey.export({ type: "spki", format: "der" })), implicitConstructed(0, concatBytes(attributes)));
  const signature = new Uint8Array(sign("sha256", info, spec.privateKey));
  return sequence(info, sequence(oid(OID.sha256WithRsa), nul()), bitString(signature));
}

export interface Csr {
  /** The subject Name's DER, as the request carried it (the CA copies it into the certificate). */
  readonly subject: Uint8Array;
  readonly publicKey: KeyObject;
  readonly challengePassword: string | undefined;
  readonly dnsNames: readonly string[];
  /** Whether the request's signature verifies with its own public key (proof of possession). */
  readonly signatureValid: boolean;
}

/** Reads a PKCS#10 request; a string says what is wrong with a malformed one. */
export function parseCsr(der: Uint8Array): Csr | string {
  try {
    const [info, algorithm, signatureBits] = fields(readDer(der), TAG.sequence, "CertificationRequest", 3);
    const [version, subject, spki, attrs] = fields(info, TAG.sequence, "certificationRequestInfo", 3);
    if (integerOf(version, "version") !== 0n) throw new DerError("version is not 0 (v1)");
    expect(subject, TAG.sequence, "subject");
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({ key: Buffer.from(expect(spki, TAG.sequence, "subjectPKInfo").raw), format: "der", type: "spki" });
    } catch {
      throw new DerError("subjectPKInfo is not a public key");
    }
    let challengePassword: string | undefined;
    const dnsNames: string[] = [];
    if (attrs) {
      for (const attr of children(expect(attrs, 0xa0, "attributes"))) {
        const [type, values] = fields(attr, TAG.sequence, "attribute", 2);
        const id = oidOf(type, "attribute type");
        const first = fields(values, TAG.set, "attribute values", 1)[0];
        if (id === OID.challengePassword) challengePassword = stringOf(first, "challengePassword");
        else if (id === OID.extensionRequest) dnsNames.push(...requestedDnsNames(first));
      }
    }
    const digest = RSA_SIGNATURE_DIGESTS[oidOf(fields(algorithm, TAG.sequence, "signatureAlgorithm", 1)[0], "signature algorithm")];
    const signatureValid = digest !== undefined && verify(digest, info.raw, publicKey, bitStringOf(signatureBits, "signature"));
    return { subject: subject.raw, publicKey, challengePassword, dnsNames, signatureValid };
  } catch (err) {
    if (err instanceof DerError) return `malformed PKCS#10 request: ${err.message}`;
    throw err;
  }
}

/** dNSName entries of a subjectAltName in an extensionRequest's Extensions. */
function requestedDnsNames(extensions: Tlv): string[] {
  const out: string[] = [];
  for (const ext of fields(extensions, TAG.sequence, "extensions")) {
    const parts = fields(ext, TAG.sequence, "extension", 2);
    if (oidOf(parts[0], "extension id") !== OID.subjectAltName) continue;
    const value = expect(parts[parts.length - 1], TAG.octetString, "extension value");
    for (const name of fields(readDer(value.content), TAG.sequence, "subjectAltName")) {
      if (name.tag === 0x82) out.push(new TextDecoder().decode(name.content));
    }
  }
  return out;
}
