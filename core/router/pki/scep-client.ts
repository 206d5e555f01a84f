// SCEP's client side (RFC 8894 §2–4), as `crypto pki authenticate` and `crypto pki enroll`
// use it: GetCACert fetches the CA certificate; enrolment asks GetCACaps, then sends a
// PKCSReq (a PKCS#10 request enveloped for the CA and signed with a self-signed certificate
// of the request's key) by POST when the CA offers it, else by GET, and reads the CertRep;
// PENDING is polled with CertPoll. All of it over the router's own TCP, in the trustpoint's
// VRF, callback-driven on the router's Clock.
import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import { parseIpv4, type Ipv4 } from "../wire/addr";
import { httpRequest, type HttpClientResponse } from "../net/http/client";
import type { TcpSockets } from "../net/tcp/sockets";
import type { Vrf } from "../net/vrf";
import { parseSignedData } from "./cms";
import { buildCsr } from "./pkcs10";
import { buildPkiMessage, MessageType, newNonce, openPayload, parsePkiMessage, PkiStatus, SCEP_PATH } from "./scep";
import { buildCertificate } from "./x509";
import { sequence } from "./der";
import { certificateNames } from "./x509-read";

export interface ScepTarget {
  readonly tcp: TcpSockets;
  readonly vrf: Vrf;
  readonly address: Ipv4;
  readonly port: number;
  /** "172.16.0.2:80", the Host field. */
  readonly host: string;
  /** The CGI path: /cgi-bin/pkiclient.exe, or the URL's own. */
  readonly path: string;
}

/** "http://172.16.0.2:80" → address, port and path; a string for what IOS would refuse
 * (no name resolution on FlexLab routers: the URL names an address). A URL without a path
 * gets IOS's /cgi-bin/pkiclient.exe; one with a path (another CA's, "/scep",
 * "/certsrv/mscep/mscep.dll") is used as it is, as IOS does. */
export function parseEnrollmentUrl(url: string): { address: Ipv4; port: number; host: string; path: string } | string {
  const m = /^http:\/\/([^/:]+)(?::(\d{1,5}))?(\/.*)?$/i.exec(url);
  if (!m) return `% Enrollment URL ${url} is not http://ADDRESS[:PORT][/PATH]`;
  const address = parseIpv4(m[1]);
  if (address === undefined) return `% Cannot resolve ${m[1]}: FlexLab routers enrol to an address`;
  const port = m[2] ? Number(m[2]) : 80;
  if (port < 1 || port > 65535) return `% Bad port in ${url}`;
  const path = (m[3] ?? "").replace(/\/+$/, "");
  return { address, port, host: `${m[1]}${m[2] ? `:${m[2]}` : ""}`, path: path || SCEP_PATH };
}

function get(t: ScepTarget, operation: string, message: string, done: (r: HttpClientResponse | string) => void): void {
  const target = `${t.path}?operation=${operation}&message=${encodeURIComponent(message)}`;
  httpRequest(t.tcp, { vrf: t.vrf, remote: t.address, port: t.port, method: "GET", target, host: t.host }, done);
}

/** GetCACert: the CA's certificate (from a single certificate, or the self-signed one of a
 * CA/RA PKCS#7). */
export function fetchCaCertificate(t: ScepTarget, caIdentifier: string, done: (r: X509Certificate | string) => void): void {
  get(t, "GetCACert", caIdentifier, (r) => {
    if (typeof r === "string") return done(r);
    if (r.status !== 200) return done(`% CA answered GetCACert with HTTP ${r.status} ${r.reason}`);
    const type = r.headers["content-type"] ?? "";
    try {
      if (type.startsWith("application/x-x509-ca-ra-cert")) {
        const sd = parseSignedData(r.body);
        if (typeof sd === "string") return done(`% Bad CA/RA certificates: ${sd}`);
        const ca = sd.certificates.find((c) => c.ca && c.checkIssued(c)) ?? sd.certificates.find((c) => c.ca);
        return done(ca ?? "% No CA certificate in the CA/RA certificates");
      }
      return done(new X509Certificate(Buffer.from(r.body)));
    } catch {
      return done("% The CA certificate does not parse");
    }
  });
}

export interface EnrolSpec {
  readonly target: ScepTarget;
  readonly ca: X509Certificate;
  /** The subject Name's DER. */
  readonly subject: Uint8Array;
  readonly key: { readonly publicKey: KeyObject; readonly privateKey: KeyObject };
  readonly challengePassword?: string;
  readonly dnsNames?: readonly string[];
  readonly nowMs: number;
}

export type EnrolResult =
  | { readonly status: "issued"; readonly cert: X509Certificate }
  | { readonly status: "pending"; readonly poll: (done: (r: EnrolResult) => void) => void }
  | { readonly status: "rejected"; readonly failInfo: number | undefined }
  | { readonly status: "error"; readonly reason: string };

const DAY_MS = 24 * 3600 * 1000;

/** One enrolment: caps, PKCSReq, CertRep; PENDING hands back a `poll` for the next try. */
export function enrol(spec: EnrolSpec, done: (r: EnrolResult) => void): void {
  const { target, ca, key } = spec;
  const csr = buildCsr({ subject: spec.subject, publicKey: key.publicKey, privateKey: key.privateKey, challengePassword: spec.challengePassword, dnsNames: spec.dnsNames });
  // §2.3: until it has a certificate, the requester signs with a self-signed one of its key.
  const signer = new X509Certificate(
    Buffer.from(buildCertificate({ serial: BigInt(`0x${createHash("sha1").update(csr).digest("hex").slice(0, 15)}`), subject: spec.subject, issuer: spec.subject, subjectKey: key.publicKey, issuerKey: key.privateKey, issuerPublicKey: key.publicKey, notBeforeMs: spec.nowMs - DAY_MS, notAfterMs: spec.nowMs + DAY_MS, ca: false })),
  );
  // §3.2.1.1: the transaction ID is the hash of the request's public key.
  const transactionId = createHash("sha256").update(key.publicKey.export({ type: "spki", format: "der" })).digest("hex").toUpperCase();
  get(target, "GetCACaps", "CA", (caps) => {
    const offered = typeof caps === "string" || caps.status !== 200 ? [] : new TextDecoder().decode(caps.body).split(/\r?\n/);
    const post = offered.includes("POSTPKIOperation") || offered.includes("SCEPStandard");
    const operate = (messageType: MessageType, payload: Uint8Array, finish: (r: EnrolResult) => void): void => {
      const nonce = newNonce();
      const msg = buildPkiMessage({ messageType, transactionId, senderNonce: nonce, payload, recipient: ca, signerCert: signer, signerKey: key.privateKey });
      const poll = (next: (r: EnrolResult) => void) => operate(MessageType.CertPoll, issuerAndSubject(ca, spec.subject), next);
      const onReply = (r: HttpClientResponse | string) => finish(readCertRep(r, nonce, transactionId, ca, signer, key.privateKey, poll));
      if (post) {
        const path = `${target.path}?operation=PKIOperation`;
        httpRequest(target.tcp, { vrf: target.vrf, remote: target.address, port: target.port, method: "POST", target: path, host: target.host, headers: { "Content-Type": "application/x-pki-message" }, body: msg }, onReply);
      } else get(target, "PKIOperation", Buffer.from(msg).toString("base64"), onReply);
    };
    operate(MessageType.PKCSReq, csr, done);
  });
}

/** CertPoll's content: IssuerAndSubject (§3.3.3). */
function issuerAndSubject(ca: X509Certificate, subject: Uint8Array): Uint8Array {
  return sequence(certificateNames(new Uint8Array(ca.raw)).subject.raw, subject);
}

function readCertRep(r: HttpClientResponse | string, nonce: Uint8Array, transactionId: string, ca: X509Certificate, signer: X509Certificate, key: KeyObject, poll: (done: (r: EnrolResult) => void) => void): EnrolResult {
  if (typeof r === "string") return { status: "error", reason: r };
  if (r.status !== 200) return { status: "error", reason: `% CA answered with HTTP ${r.status} ${r.reason}` };
  const msg = parsePkiMessage(r.body);
  if (typeof msg === "string") return { status: "error", reason: `% Bad CertRep: ${msg}` };
  // §3.3.2: the reply must come from the CA (or its RA) and answer this request.
  if (!msg.signerCert.raw.equals(ca.raw) && !msg.signerCert.checkIssued(ca)) return { status: "error", reason: "% CertRep is not signed by the CA" };
  if (msg.messageType !== MessageType.CertRep) return { status: "error", reason: `% Expected a CertRep, got message type ${msg.messageType}` };
  if (msg.transactionId !== transactionId) return { status: "error", reason: "% CertRep for another transaction" };
  if (!msg.recipientNonce || !Buffer.from(msg.recipientNonce).equals(Buffer.from(nonce))) return { status: "error", reason: "% CertRep's recipientNonce is not our senderNonce" };
  switch (msg.pkiStatus) {
    case PkiStatus.SUCCESS: {
      const inner = openPayload(msg, signer, key);
      if (typeof inner === "string") return { status: "error", reason: `% CertRep: ${inner}` };
      const sd = parseSignedData(inner);
      if (typeof sd === "string") return { status: "error", reason: `% CertRep: ${sd}` };
      const mine = signer.publicKey.export({ type: "spki", format: "der" });
      const cert = sd.certificates.find((c) => c.publicKey.export({ type: "spki", format: "der" }).equals(mine));
      if (!cert) return { status: "error", reason: "% CertRep holds no certificate for our key" };
      if (!cert.verify(ca.publicKey)) return { status: "error", reason: "% The issued certificate is not signed by the CA" };
      return { status: "issued", cert };
    }
    case PkiStatus.PENDING:
      return { status: "pending", poll };
    case PkiStatus.FAILURE:
      return { status: "rejected", failInfo: msg.failInfo };
    default:
      return { status: "error", reason: `% CertRep with pkiStatus ${msg.pkiStatus}` };
  }
}
