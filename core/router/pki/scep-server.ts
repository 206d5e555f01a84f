// SCEP's server side (RFC 8894 §4) at /cgi-bin/pkiclient.exe, for a certificate server:
// GetCACaps, GetCACert, and PKIOperation by GET (message= base64) or POST (the DER body).
// A PKCSReq (or RenewalReq) becomes an enrolment request; the CertRep says SUCCESS with the
// certificate, PENDING, or FAILURE with a failInfo; a CertPoll asks about a pending one by
// its transaction ID. Every reply is signed by the CA and enveloped for the requester's
// signing certificate.
import type { HttpRequest, HttpResponse } from "../net/http/server";
import { buildCertsOnly } from "./cms";
import type { CertificateServer } from "./ca-server";
import { parseCsr } from "./pkcs10";
import { buildPkiMessage, FailInfo, MessageType, openPayload, parsePkiMessage, PkiStatus, SCEP_PATH } from "./scep";

/** What we offer (§3.5.2): POST, SHA-256, AES, and the RFC 8894 profile. */
export const CA_CAPS = ["POSTPKIOperation", "SHA-256", "AES", "SCEPStandard", "Renewal"];

export interface ScepCounters {
  requests: number;
  malformed: number;
}

const text = (status: number, reason: string, body: string): HttpResponse => ({ status, reason, headers: { "Content-Type": "text/plain" }, body: new TextEncoder().encode(body) });

/** Answers one HTTP request for `server` (undefined while no server is enabled: 404). */
export function scepRespond(server: CertificateServer | undefined, req: HttpRequest, nowMs: number, counters: ScepCounters, onRequest?: (r: { id: number; state: string; subjectName: string }) => void): HttpResponse {
  const q = req.target.indexOf("?");
  const path = q < 0 ? req.target : req.target.slice(0, q);
  if (path !== SCEP_PATH || !server) return text(404, "Not Found", "Not Found\n");
  const params = new URLSearchParams(q < 0 ? "" : req.target.slice(q + 1));
  const operation = params.get("operation");
  counters.requests++;
  switch (operation) {
    case "GetCACaps":
      return text(200, "OK", CA_CAPS.join("\n") + "\n");
    case "GetCACert":
      return { status: 200, reason: "OK", headers: { "Content-Type": "application/x-x509-ca-cert" }, body: new Uint8Array(server.cert.raw) };
    case "PKIOperation": {
      let der: Uint8Array;
      if (req.method === "POST") der = req.body;
      else if (req.method === "GET") der = new Uint8Array(Buffer.from(params.get("message") ?? "", "base64"));
      else return text(405, "Method Not Allowed", "PKIOperation takes GET or POST\n");
      return pkiOperation(server, der, nowMs, counters, onRequest);
    }
    default:
      counters.malformed++;
      return text(400, "Bad Request", `unknown operation ${JSON.stringify(operation ?? "")}\n`);
  }
}

function pkiOperation(server: CertificateServer, der: Uint8Array, nowMs: number, counters: ScepCounters, onRequest?: (r: { id: number; state: string; subjectName: string }) => void): HttpResponse {
  const msg = parsePkiMessage(der);
  if (typeof msg === "string") {
    // Nothing verifiable to answer in CMS (§3.3.2.2 needs a transaction ID and a signer).
    counters.malformed++;
    return text(400, "Bad Request", msg + "\n");
  }
  const reply = (status: PkiStatus, extra: { failInfo?: FailInfo; payload?: Uint8Array } = {}): HttpResponse => ({
    status: 200,
    reason: "OK",
    headers: { "Content-Type": "application/x-pki-message" },
    body: buildPkiMessage({
      messageType: MessageType.CertRep,
      transactionId: msg.transactionId,
      recipientNonce: msg.senderNonce,
      pkiStatus: status,
      failInfo: extra.failInfo,
      payload: extra.payload,
      recipient: extra.payload ? msg.signerCert : undefined,
      signerCert: server.cert,
      signerKey: server.key.privateKey,
    }),
  });
  const answer = (r: ReturnType<CertificateServer["byTransactionId"]>): HttpResponse => {
    if (!r) return reply(PkiStatus.FAILURE, { failInfo: FailInfo.badCertId });
    if (r.state === "granted" && r.issued) return reply(PkiStatus.SUCCESS, { payload: buildCertsOnly([new Uint8Array(r.issued.raw)]) });
    if (r.state === "rejected") return reply(PkiStatus.FAILURE, { failInfo: FailInfo.badRequest });
    return reply(PkiStatus.PENDING);
  };
  switch (msg.messageType) {
    case MessageType.PKCSReq:
    case MessageType.RenewalReq: {
      const inner = openPayload(msg, server.cert, server.key.privateKey);
      if (typeof inner === "string") {
        counters.malformed++;
        return reply(PkiStatus.FAILURE, { failInfo: FailInfo.badMessageCheck });
      }
      const csr = parseCsr(inner);
      if (typeof csr === "string" || !csr.signatureValid) {
        counters.malformed++;
        return reply(PkiStatus.FAILURE, { failInfo: typeof csr === "string" ? FailInfo.badRequest : FailInfo.badMessageCheck });
      }
      const known = server.byTransactionId(msg.transactionId) !== undefined;
      const r = server.submit(csr, msg.transactionId, inner, nowMs);
      if (!known) onRequest?.({ id: r.id, state: r.state, subjectName: r.subjectName });
      return answer(r);
    }
    case MessageType.CertPoll:
      return answer(server.byTransactionId(msg.transactionId));
    default:
      return reply(PkiStatus.FAILURE, { failInfo: FailInfo.badRequest });
  }
}
