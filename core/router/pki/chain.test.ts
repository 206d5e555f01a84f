import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { certificateHex, certsFromChain, chainOf } from "./chain";
import { parseSubjectName } from "./subject";
import { buildCertificate } from "./x509";

const now = Date.UTC(2026, 10, 28);
const year = 365 * 24 * 3600 * 1000;
const caKeys = generateKeyPairSync("rsa", { modulusLength: 1024 });
const otherCaKeys = generateKeyPairSync("rsa", { modulusLength: 1024 });
const routerKeys = generateKeyPairSync("rsa", { modulusLength: 1024 });
const caName = parseSubjectName("CN=INET-CA.cisco.com,O=Cisco")!;

function certificate(serial: bigint, issuerKeys: typeof caKeys, subjectKey = routerKeys.publicKey, ca = false): X509Certificate {
  const subject = ca ? caName : parseSubjectName("CN=R4.cisco.com")!;
  const der = buildCertificate({ serial, subject, issuer: caName, subjectKey, issuerKey: issuerKeys.privateKey, issuerPublicKey: issuerKeys.publicKey, notBeforeMs: now, notAfterMs: now + year, ca });
  return new X509Certificate(Buffer.from(der));
}

const ca = certificate(1n, caKeys, caKeys.publicKey, true);
const mine = certificate(4n, caKeys);

describe("crypto pki certificate chain", () => {
  it("writes a certificate as IOS does, upper-case words eight a line, and reads it back", () => {
    const lines = certificateHex(mine.raw);
    expect(lines.slice(0, -1).every((l) => /^([0-9A-F]{8} ){7}[0-9A-F]{8}$/.test(l))).toBe(true);
    const chain = chainOf({ trustpoint: "CA", ca, cert: mine, key: routerKeys.privateKey });
    expect(chain.certificates.map((c) => [c.serial, c.ca])).toEqual([["04", false], ["01", true]]);
    const back = certsFromChain(chain, () => routerKeys.privateKey)!;
    expect(back.problems).toEqual([]);
    expect(back.certs!.cert!.raw.equals(mine.raw)).toBe(true);
    expect(back.certs!.ca.raw.equals(ca.raw)).toBe(true);
  });

  it("installs only the CA certificate when no key pair fits the router's, or another CA signed it, and says why", () => {
    const chain = chainOf({ trustpoint: "CA", ca, cert: mine, key: undefined });
    const keyless = certsFromChain(chain, () => undefined)!;
    expect(keyless.certs!.cert).toBeUndefined();
    expect(keyless.problems).toEqual(["certificate 04 of chain CA: no key pair held here fits it"]);
    const foreign = chainOf({ trustpoint: "CA", ca, cert: certificate(5n, otherCaKeys), key: undefined });
    expect(certsFromChain(foreign, () => routerKeys.privateKey)!.problems).toEqual(["certificate 05 of chain CA is not signed by its CA certificate"]);
  });

  it("installs nothing from a chain without the CA's hex (the seed's bare `certificate ca 01`) or with hex that is no certificate", () => {
    expect(certsFromChain({ trustpoint: "CA", certificates: [{ serial: "02", ca: false, hex: [] }, { serial: "01", ca: true, hex: [] }] }, () => undefined)).toBeUndefined();
    const broken = certsFromChain({ trustpoint: "CA", certificates: [{ serial: "01", ca: true, hex: ["30820201 3082016A"] }] }, () => undefined)!;
    expect(broken.certs).toBeUndefined();
    expect(broken.problems[0]).toMatch(/^certificate 01 of chain CA is not a certificate: /);
  });
});
