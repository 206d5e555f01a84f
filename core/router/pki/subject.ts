// IOS's `subject-name` strings ("CN=R1-HUB.cisco.com,OU=FLEX,OU=VPN,O=Cisco Systems,C=US")
// as X.500 names. The string lists the most specific part first (RFC 4514), so the encoded
// RDN sequence runs the other way, country first.
import { oid, printableString, sequence, set, utf8String, type Der } from "./der";

export const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  cn: "2.5.4.3",
  c: "2.5.4.6",
  l: "2.5.4.7",
  st: "2.5.4.8",
  o: "2.5.4.10",
  ou: "2.5.4.11",
  serialnumber: "2.5.4.5",
  e: "1.2.840.113549.1.9.1",
  ea: "1.2.840.113549.1.9.1",
  unstructuredname: "1.2.840.113549.1.9.2",
};

export interface NameAttribute {
  /** Lower-case short name: cn, ou, o, c, l, st, … */
  readonly type: string;
  readonly value: string;
}

/** Parses "CN=a,OU=b,O=c" (IOS accepts any case and spaces around the parts); undefined on
 * an unknown attribute or a part without "=". */
export function parseSubjectName(text: string): NameAttribute[] | undefined {
  const out: NameAttribute[] = [];
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return undefined;
    const type = part.slice(0, eq).trim().toLowerCase();
    if (!(type in ATTRIBUTE_OIDS)) return undefined;
    out.push({ type, value: part.slice(eq + 1).trim() });
  }
  return out;
}

/** The DER Name, one attribute per RDN, in X.500 order (reverse of the string). */
export function encodeName(attributes: readonly NameAttribute[]): Der {
  const rdns = [...attributes].reverse().map((a) => {
    // Country must be PrintableString (RFC 5280 appendix A); the rest UTF8String.
    const value = a.type === "c" ? printableString(a.value) : utf8String(a.value);
    return set(sequence(oid(ATTRIBUTE_OIDS[a.type]), value));
  });
  return sequence(...rdns);
}

/** The name as IOS and OpenSSL print it: "cn=R1-HUB.cisco.com,ou=FLEX,o=Cisco". */
export function formatName(attributes: readonly NameAttribute[]): string {
  return attributes.map((a) => `${a.type}=${a.value}`).join(",");
}
