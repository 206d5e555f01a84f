// The SCEP server's answers to what is not a good request: counted, answered, never thrown.
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ipv4 } from "../wire/addr";
import type { HttpRequest } from "../net/http/server";
import { CertificateServer } from "./ca-server";
import { buildCsr } from "./pkcs10";
import { buildPkiMessage, MessageType, parsePkiMessage, PkiStatus, FailInfo } from "./scep";
import { scepRespond } from "./scep-server";
import { encodeName, parseSubjectName } from "./subject";
import { buildCertificate } from "./x509";

const now = Date.UTC(2026, 10, 28);
const server = new CertificateServer("CA", { name: "CA", grant: "auto", shutdown: false }, generateKeyPairSync("rsa", { modulusLength: 2048 }), now);
const req = (method: string, target: string, body = new Uint8Array(0)): HttpRequest => ({ method, target, version: "HTTP/1.1", headers: {}, body, remote: ipv4(10, 0, 0, 2) });

describe("the SCEP server", () => {
  it("answers 404 off its path, 400 to an unknown operation or a message that is not CMS, and counts them", () => {
    const counters = { requests: 0, malformed: 0 };
    expect(scepRespond(server, req("GET", "/index.html"), now, counters).status).toBe(404);
    expect(scepRespond(undefined, req("GET", "/cgi-bin/pkiclient.exe?operation=GetCACert"), now, counters).status).toBe(404);
    expect(scepRespond(server, req("GET", "/cgi-bin/pkiclient.exe?operation=Nope"), now, counters).status).toBe(400);
    const junk = scepRespond(server, req("POST", "/cgi-bin/pkiclient.exe?operation=PKIOperation", new Uint8Array([0x30, 0x03, 1, 2])), now, counters);
    expect(junk.status).toBe(400);
    expect(new TextDecoder().decode(junk.body)).toMatch(/^malformed SignedData: /);
    expect(scepRespond(server, req("GET", "/cgi-bin/pkiclient.exe?operation=PKIOperation&message=%%%"), now, counters).status).toBe(400);
    expect(counters).toEqual({ requests: 3, malformed: 3 });
  });

  it("refuses a PKCSReq whose request is not signed by its own key (badMessageCheck)", () => {
    const mine = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const subject = encodeName(parseSubjectName("CN=R9")!);
    const csr = buildCsr({ subject, publicKey: mine.publicKey, privateKey: other.privateKey });
    const signer = new X509Certificate(Buffer.from(buildCertificate({ serial: 5n, subject, issuer: subject, subjectKey: mine.publicKey, issuerKey: mine.privateKey, issuerPublicKey: mine.publicKey, notBeforeMs: now, notAfterMs: now + 1e9, ca: false })));
    const msg = buildPkiMessage({ messageType: MessageType.PKCSReq, transactionId: "X", payload: csr, recipient: server.cert, signerCert: signer, signerKey: mine.privateKey });
    const counters = { requests: 0, malformed: 0 };
    const res = scepRespond(server, req("POST", "/cgi-bin/pkiclient.exe?operation=PKIOperation", new Uint8Array(msg)), now, counters);
    const rep = parsePkiMessage(res.body!);
    if (typeof rep === "string") throw new Error(rep);
    expect(rep.pkiStatus).toBe(PkiStatus.FAILURE);
    expect(rep.failInfo).toBe(FailInfo.badMessageCheck);
    expect(server.all()).toEqual([]);
  });
});
