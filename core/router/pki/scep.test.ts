// PKCS#10, CMS and SCEP pkiMessages as we build them, read back by our parsers and checked by
// OpenSSL's command line (`openssl req -verify`, `openssl cms -verify`/`-decrypt`), so the
// bytes are what any SCEP peer reads, not just what our own reader accepts.
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCertsOnly, buildEnvelopedData, buildSignedData, CMS_OID, openEnvelopedData, parseSignedData } from "./cms";
import { buildCsr, parseCsr } from "./pkcs10";
import { buildPkiMessage, MessageType, openPayload, parsePkiMessage, PkiStatus } from "./scep";
import { encodeName, parseSubjectName } from "./subject";
import { buildCertificate, toPem } from "./x509";

const HAS_OPENSSL = spawnSync("openssl", ["version"]).status === 0;
const dir = mkdtempSync(join(tmpdir(), "flexlab-scep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const now = Date.UTC(2026, 10, 28);
const DAY = 24 * 3600 * 1000;
const caKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const caName = parseSubjectName("CN=CA.cisco.com,O=Cisco")!;
const ca = new X509Certificate(Buffer.from(buildCertificate({ serial: 1n, subject: caName, issuer: caName, subjectKey: caKeys.publicKey, issuerKey: caKeys.privateKey, issuerPublicKey: caKeys.publicKey, notBeforeMs: now - DAY, notAfterMs: now + 3650 * DAY, ca: true })));
const routerKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const subject = encodeName(parseSubjectName("cn=R3-spoke.cisco.com,OU=FLEX,O=Cisco")!);
/** The requester's self-signed signer certificate (RFC 8894 §2.3). */
const selfSigned = new X509Certificate(Buffer.from(buildCertificate({ serial: 7n, subject, issuer: subject, subjectKey: routerKeys.publicKey, issuerKey: routerKeys.privateKey, issuerPublicKey: routerKeys.publicKey, notBeforeMs: now - DAY, notAfterMs: now + DAY, ca: false })));

function file(name: string, data: Uint8Array | string): string {
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
}

function openssl(args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("PKCS#10 requests", () => {
  const csr = buildCsr({ subject, publicKey: routerKeys.publicKey, privateKey: routerKeys.privateKey, challengePassword: "cisco123", dnsNames: ["R3-Spoke1.cisco.com"] });

  it("carries the subject, the key, the challenge password and the FQDN, and proves possession", () => {
    const parsed = parseCsr(csr);
    if (typeof parsed === "string") throw new Error(parsed);
    expect(parsed.signatureValid).toBe(true);
    expect(parsed.subject).toEqual(subject);
    expect(parsed.challengePassword).toBe("cisco123");
    expect(parsed.dnsNames).toEqual(["R3-Spoke1.cisco.com"]);
    expect(parsed.publicKey.export({ type: "spki", format: "der" })).toEqual(routerKeys.publicKey.export({ type: "spki", format: "der" }));
  });

  it("says a tampered request's signature is bad, and a truncated one is malformed", () => {
    const bad = new Uint8Array(csr);
    bad[bad.length - 5] ^= 1;
    expect((parseCsr(bad) as { signatureValid: boolean }).signatureValid).toBe(false);
    expect(parseCsr(csr.subarray(0, 100))).toMatch(/^malformed PKCS#10 request: /);
    expect(parseCsr(new Uint8Array([0x30, 0x80, 0, 0]))).toMatch(/length form/);
  });

  it.skipIf(!HAS_OPENSSL)("verifies in openssl req and prints the same fields", () => {
    const out = openssl(["req", "-inform", "DER", "-in", file("r.csr", csr), "-verify", "-noout", "-text"]);
    expect(out).toMatch(/Subject: O\s?=\s?Cisco, OU\s?=\s?FLEX, CN\s?=\s?R3-spoke.cisco.com/);
    expect(out).toContain("challengePassword");
    expect(out).toContain("DNS:R3-Spoke1.cisco.com");
  });
});

describe("CMS", () => {
  it("envelopes for a recipient and opens with its key; another key cannot", () => {
    const env = buildEnvelopedData(new TextEncoder().encode("secret request"), ca);
    expect(new TextDecoder().decode(openEnvelopedData(env, ca, caKeys.privateKey) as Uint8Array)).toBe("secret request");
    expect(openEnvelopedData(env, selfSigned, routerKeys.privateKey)).toBe("no recipientInfo for this certificate");
    // The right recipient name with the wrong key: implicit rejection makes a random content
    // key, which fails the padding check — or, about once in 256 keys, passes it with garbage.
    const wrong = openEnvelopedData(env, ca, routerKeys.privateKey);
    if (typeof wrong === "string") expect(wrong).toBe("content does not decrypt");
    else expect(new TextDecoder().decode(wrong)).not.toBe("secret request");
  });

  it("signs with attributes that verify, and notices a changed content", () => {
    const sd = buildSignedData({ content: new TextEncoder().encode("hello"), signerCert: selfSigned, signerKey: routerKeys.privateKey, attributes: [] });
    const parsed = parseSignedData(sd);
    if (typeof parsed === "string") throw new Error(parsed);
    expect(parsed.signer?.valid).toBe(true);
    const tampered = new Uint8Array(sd);
    const at = Buffer.from(sd).indexOf("hello");
    tampered[at] = "j".charCodeAt(0);
    expect((parseSignedData(tampered) as { signer: { valid: boolean } }).signer.valid).toBe(false);
  });

  it.skipIf(!HAS_OPENSSL)("is read by openssl cms: the signature verifies, the envelope decrypts, certs-only lists the certificate", () => {
    const sd = buildSignedData({ content: new TextEncoder().encode("hello openssl"), signerCert: selfSigned, signerKey: routerKeys.privateKey, attributes: [] });
    const verified = openssl(["cms", "-verify", "-inform", "DER", "-in", file("s.p7", sd), "-noverify"]);
    expect(verified).toBe("hello openssl");
    const env = buildEnvelopedData(new TextEncoder().encode("for the CA"), ca, CMS_OID.aes128Cbc);
    const opened = openssl(["cms", "-decrypt", "-inform", "DER", "-in", file("e.p7", env), "-recip", file("ca.crt", toPem(new Uint8Array(ca.raw))), "-inkey", file("ca.key", caKeys.privateKey.export({ type: "pkcs8", format: "pem" }).toString())]);
    expect(opened).toBe("for the CA");
    const certs = openssl(["pkcs7", "-inform", "DER", "-in", file("c.p7", buildCertsOnly([new Uint8Array(ca.raw)])), "-print_certs", "-noout"]);
    expect(certs).toMatch(/subject=O\s?=\s?Cisco, CN\s?=\s?CA.cisco.com/);
  });

  it.skipIf(!HAS_OPENSSL)("opens what openssl cms -encrypt made for us (PKCS#1 v1.5 key transport, unpadded here)", () => {
    const recip = file("rcpt.crt", toPem(new Uint8Array(ca.raw)));
    const made = execFileSync("openssl", ["cms", "-encrypt", "-binary", "-outform", "DER", "-aes-256-cbc", recip], { input: "from openssl" });
    expect(new TextDecoder().decode(openEnvelopedData(new Uint8Array(made), ca, caKeys.privateKey) as Uint8Array)).toBe("from openssl");
    const des3 = execFileSync("openssl", ["cms", "-encrypt", "-binary", "-outform", "DER", "-des3", recip], { input: "triple" });
    expect(new TextDecoder().decode(openEnvelopedData(new Uint8Array(des3), ca, caKeys.privateKey) as Uint8Array)).toBe("triple");
  });

  const HAS_LEGACY = HAS_OPENSSL && spawnSync("openssl", ["list", "-providers", "-provider", "legacy"]).status === 0;
  it.skipIf(!HAS_LEGACY)("opens single-DES content (what micromdm's scepserver answers with), which Node's OpenSSL has only as two equal 3DES keys", () => {
    const recip = file("rcpt-des.crt", toPem(new Uint8Array(ca.raw)));
    const des = execFileSync("openssl", ["cms", "-encrypt", "-binary", "-outform", "DER", "-des", "-provider", "legacy", "-provider", "default", recip], { input: "single des" });
    expect(Buffer.from(des).includes(Buffer.from([0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x07]))).toBe(true); // desCBC 1.3.14.3.2.7
    expect(new TextDecoder().decode(openEnvelopedData(new Uint8Array(des), ca, caKeys.privateKey) as Uint8Array)).toBe("single des");
  });
});

describe("SCEP pkiMessages", () => {
  const csr = buildCsr({ subject, publicKey: routerKeys.publicKey, privateKey: routerKeys.privateKey });

  it("a PKCSReq carries the request enveloped for the CA, signed by the self-signed certificate", () => {
    const req = buildPkiMessage({ messageType: MessageType.PKCSReq, transactionId: "ABC123", payload: csr, recipient: ca, signerCert: selfSigned, signerKey: routerKeys.privateKey });
    const msg = parsePkiMessage(req);
    if (typeof msg === "string") throw new Error(msg);
    expect(msg.messageType).toBe(MessageType.PKCSReq);
    expect(msg.transactionId).toBe("ABC123");
    expect(msg.senderNonce).toHaveLength(16);
    expect(msg.signerCert.raw.equals(selfSigned.raw)).toBe(true);
    expect(openPayload(msg, ca, caKeys.privateKey)).toEqual(csr);
  });

  it("a pending CertRep has a status and no content; a broken signature is refused", () => {
    const rep = buildPkiMessage({ messageType: MessageType.CertRep, transactionId: "ABC123", recipientNonce: new Uint8Array(16), pkiStatus: PkiStatus.PENDING, signerCert: ca, signerKey: caKeys.privateKey });
    const msg = parsePkiMessage(rep);
    if (typeof msg === "string") throw new Error(msg);
    expect(msg.pkiStatus).toBe(PkiStatus.PENDING);
    expect(msg.envelope).toBeUndefined();
    const bad = new Uint8Array(rep);
    bad[bad.length - 3] ^= 0xff;
    expect(parsePkiMessage(bad)).toBe("pkiMessage's signature does not verify");
  });

  it.skipIf(!HAS_OPENSSL)("openssl cms verifies a PKCSReq and decrypts its envelope to the request", () => {
    const req = buildPkiMessage({ messageType: MessageType.PKCSReq, transactionId: "T1", payload: csr, recipient: ca, signerCert: selfSigned, signerKey: routerKeys.privateKey });
    const inner = execFileSync("openssl", ["cms", "-verify", "-inform", "DER", "-in", file("req.p7", req), "-noverify"]);
    const printed = openssl(["cms", "-cmsout", "-print", "-inform", "DER", "-in", file("req.p7", req)]);
    expect(printed).toContain("2.16.840.1.113733.1.9.2"); // messageType
    const decrypted = execFileSync("openssl", ["cms", "-decrypt", "-inform", "DER", "-recip", file("ca2.crt", toPem(new Uint8Array(ca.raw))), "-inkey", file("ca2.key", caKeys.privateKey.export({ type: "pkcs8", format: "pem" }).toString())], { input: inner });
    expect(new Uint8Array(decrypted)).toEqual(csr);
  });
});
