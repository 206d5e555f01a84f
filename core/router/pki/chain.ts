// `crypto pki certificate chain TP`: where IOS keeps a trustpoint's certificates in the
// configuration, each as hex lines ended by `quit`. `crypto pki authenticate` and `enroll`
// put what they got there (so `write memory` saves it, as on IOS), and a router booting from
// a startup-config with the hex installs the certificates again: the CA's as it is, the
// router's own when the key pair it was issued for is still held (private-config) and the CA
// signed it.
import { X509Certificate, type KeyObject } from "node:crypto";
import type { Certificate, CertificateChain } from "../config/model/crypto";
import type { TrustpointCerts } from "./store";

/** Hex words a line, as IOS prints a certificate. */
const WORDS_PER_LINE = 8;

/** A certificate's DER as IOS's hex lines: upper-case 32-bit words, eight a line. */
export function certificateHex(der: Uint8Array | Buffer): string[] {
  const words = Buffer.from(der).toString("hex").toUpperCase().match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_LINE) lines.push(words.slice(i, i + WORDS_PER_LINE).join(" "));
  return lines;
}

/** The chain IOS shows for a trustpoint's certificates: the router's first, then the CA's. */
export function chainOf(certs: TrustpointCerts): CertificateChain {
  const entry = (cert: X509Certificate, ca: boolean): Certificate => ({ serial: cert.serialNumber.toUpperCase(), ca, hex: certificateHex(cert.raw) });
  return { trustpoint: certs.trustpoint, certificates: [...(certs.cert ? [entry(certs.cert, false)] : []), entry(certs.ca, true)] };
}

/** What a chain's hex installs: the CA certificate and, with a key that fits, the router's
 * (no `certs` when the CA's hex is not a certificate); `problems` says what was left out and
 * why. Undefined when the chain holds no CA hex. */
export function certsFromChain(chain: CertificateChain, keyFor: (cert: X509Certificate) => KeyObject | undefined): { certs?: TrustpointCerts; problems: string[] } | undefined {
  const problems: string[] = [];
  const read = (c: Certificate): X509Certificate | undefined => {
    try {
      return new X509Certificate(Buffer.from(c.hex.join("").replace(/\s+/g, ""), "hex"));
    } catch (err) {
      problems.push(`certificate ${c.serial} of chain ${chain.trustpoint} is not a certificate: ${(err as Error).message}`);
      return undefined;
    }
  };
  const caEntry = chain.certificates.find((c) => c.ca && c.hex.length > 0);
  if (!caEntry) return undefined;
  const ca = read(caEntry);
  if (!ca) return { problems };
  const mineEntry = chain.certificates.find((c) => !c.ca && !c.selfSigned && c.hex.length > 0);
  let cert = mineEntry && read(mineEntry);
  let key: KeyObject | undefined;
  if (cert && !cert.verify(ca.publicKey)) {
    problems.push(`certificate ${cert.serialNumber} of chain ${chain.trustpoint} is not signed by its CA certificate`);
    cert = undefined;
  } else if (cert) {
    key = keyFor(cert);
    if (!key) {
      problems.push(`certificate ${cert.serialNumber} of chain ${chain.trustpoint}: no key pair held here fits it`);
      cert = undefined;
    }
  }
  return { certs: { trustpoint: chain.trustpoint, ca, cert, key }, problems };
}
