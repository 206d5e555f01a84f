// Reading the parts of a certificate node:crypto's X509Certificate does not hand over as
// bytes: the issuer and subject Names' DER (a CA copies and compares them), and a Name as
// IOS prints it ("cn=R3-spoke.cisco.com,ou=FLEX,o=Cisco", most specific first).
import { DerError, TAG, children, fields, oidOf, readDer, type Tlv } from "./der-read";
import { ATTRIBUTE_OIDS } from "./subject";

export interface CertificateNames {
  readonly serial: Tlv;
  readonly issuer: Tlv;
  readonly subject: Tlv;
}

/** The serial, issuer and subject of a certificate's DER; throws DerError when malformed. */
export function certificateNames(certDer: Uint8Array): CertificateNames {
  const tbs = fields(readDer(certDer), TAG.sequence, "certificate", 3)[0];
  const f = fields(tbs, TAG.sequence, "tbsCertificate", 6);
  const at = f[0].tag === 0xa0 ? 1 : 0; // [0] version is optional (v1)
  return { serial: f[at], issuer: f[at + 2], subject: f[at + 4] };
}

/** OID → the short name IOS prints (unstructuredName is "hostname" there). */
const SHORT_NAMES: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = { "1.2.840.113549.1.9.2": "hostname" };
  for (const [short, oid] of Object.entries(ATTRIBUTE_OIDS)) out[oid] ??= short;
  return out;
})();

/** A Name's DER as IOS prints it; the OID in dotted form for a type it has no name for. */
export function nameText(nameDer: Uint8Array): string {
  try {
    const parts: string[] = [];
    for (const rdn of children(readDer(nameDer))) {
      for (const atv of children(rdn)) {
        const [type, value] = children(atv);
        const oid = oidOf(type, "attribute type");
        parts.push(`${SHORT_NAMES[oid] ?? oid}=${new TextDecoder().decode(value?.content ?? new Uint8Array(0))}`);
      }
    }
    return parts.reverse().join(",");
  } catch (err) {
    if (err instanceof DerError) return "(unreadable name)";
    throw err;
  }
}
