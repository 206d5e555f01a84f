import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSubjectName } from "./subject";
import { buildCertificate, toPem } from "./x509";

const ca = generateKeyPairSync("rsa", { modulusLength: 2048 });
const hub = generateKeyPairSync("rsa", { modulusLength: 2048 });
const caName = parseSubjectName("CN=FlexLab CA,O=FlexLab")!;
const now = Date.UTC(2026, 10, 28);
const year = 365 * 24 * 3600 * 1000;

describe("X.509 certificates", () => {
  const caDer = buildCertificate({ serial: 1n, subject: caName, issuer: caName, subjectKey: ca.publicKey, issuerKey: ca.privateKey, issuerPublicKey: ca.publicKey, notBeforeMs: now, notAfterMs: now + 10 * year, ca: true });
  const caCert = new X509Certificate(Buffer.from(caDer));

  it("makes a self-signed CA certificate that verifies with its own key", () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(ca.publicKey)).toBe(true);
    expect(caCert.serialNumber).toBe("01");
    expect(caCert.subject).toBe("O=FlexLab\nCN=FlexLab CA");
  });

  it("issues a router certificate with the IOS subject-name, the serial from the config and its FQDN", () => {
    const subject = parseSubjectName("CN=R1-HUB.cisco.com,OU=FLEX,OU=VPN,O=Cisco Systems,C=US,L=Linux")!;
    const der = buildCertificate({ serial: 2n, subject, issuer: caName, subjectKey: hub.publicKey, issuerKey: ca.privateKey, issuerPublicKey: ca.publicKey, notBeforeMs: now, notAfterMs: now + year, ca: false, dnsNames: ["R1-HUB.cisco.com"] });
    const cert = new X509Certificate(toPem(der));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.serialNumber).toBe("02");
    expect(cert.subject.split("\n")).toEqual(["L=Linux", "C=US", "O=Cisco Systems", "OU=VPN", "OU=FLEX", "CN=R1-HUB.cisco.com"]);
    expect(cert.subjectAltName).toBe("DNS:R1-HUB.cisco.com");
    expect(cert.validTo).toMatch(/2027/);
  });

  it("refuses subject names IOS would refuse", () => {
    expect(parseSubjectName("CN=x,XX=y")).toBeUndefined();
    expect(parseSubjectName("just text")).toBeUndefined();
  });
});
