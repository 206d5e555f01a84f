// Certificates for IKEv2 tests and benchmarks in the harness: a CA and the trustpoint
// material it issues to a router (what the lab PKI hands a router at boot), RSA 2048 with
// SHA-256 like the lab PKI and IOS's CA server.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import type { TrustpointMaterial } from "../pki/store";
import { parseSubjectName } from "../pki/subject";
import { buildCertificate, toPem } from "../pki/x509";

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** Before the harness's virtual clock starts (2026-11-28). */
const NOT_BEFORE_MS = Date.UTC(2026, 10, 1);

export interface TestCa {
  readonly cn: string;
  readonly key: { readonly publicKey: KeyObject; readonly privateKey: KeyObject };
  readonly pem: string;
}

export function makeTestCa(cn: string): TestCa {
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const name = parseSubjectName(`CN=${cn},O=FlexLab`)!;
  const der = buildCertificate({ serial: 1n, subject: name, issuer: name, subjectKey: key.publicKey, issuerKey: key.privateKey, issuerPublicKey: key.publicKey, notBeforeMs: NOT_BEFORE_MS, notAfterMs: NOT_BEFORE_MS + 10 * YEAR_MS, ca: true });
  return { cn, key, pem: toPem(der) };
}

/** Trustpoint `trustpoint`'s material: a certificate for `subject` (an IOS subject-name)
 * issued by `issuer`, with `trusted` as the trustpoint's CA; its key RSA 2048 or, for
 * `authentication ecdsa-sig`, ECDSA on P-256 or P-384. */
export function issueTestCertificate(issuer: TestCa, trusted: TestCa, subject: string, serial: bigint, dnsName: string, trustpoint = "CA", key: "rsa" | "ec-p256" | "ec-p384" = "rsa"): TrustpointMaterial {
  const me = key === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: key === "ec-p256" ? "prime256v1" : "secp384r1" });
  const der = buildCertificate({
    serial,
    subject: parseSubjectName(subject)!,
    issuer: parseSubjectName(`CN=${issuer.cn},O=FlexLab`)!,
    subjectKey: me.publicKey,
    issuerKey: issuer.key.privateKey,
    issuerPublicKey: issuer.key.publicKey,
    notBeforeMs: NOT_BEFORE_MS,
    notAfterMs: NOT_BEFORE_MS + YEAR_MS,
    ca: false,
    dnsNames: [dnsName],
  });
  return { trustpoint, caCertPem: trusted.pem, certPem: toPem(der), keyPem: me.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}
