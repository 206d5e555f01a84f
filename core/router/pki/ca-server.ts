// `crypto pki server NAME`: IOS's certificate server, a small CA on the router. `no shutdown`
// makes its key pair (label NAME) and self-signed CA certificate (serial 1, subject the
// issuer-name); requests then get serials 2, 3, … and are granted at once (`grant auto`),
// rejected (`grant none`), or wait in the enrolment request database for `crypto pki server
// NAME grant|reject`. The database is in memory (`database url` is kept but not written).
import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import type { DeepReadonly } from "../config/model/router";
import type { PkiServer } from "../config/model/crypto";
import { certificateNames, nameText } from "./x509-read";
import type { Csr } from "./pkcs10";
import { parseSubjectName } from "./subject";
import { buildCertificate } from "./x509";

const DAY_MS = 24 * 3600 * 1000;
/** IOS's defaults: `lifetime certificate 365`, `lifetime ca-certificate 1095`. */
export const DEFAULT_CERT_LIFETIME_DAYS = 365;
export const DEFAULT_CA_LIFETIME_DAYS = 1095;

export type RequestState = "pending" | "granted" | "rejected";

export interface EnrollmentRequest {
  readonly id: number;
  state: RequestState;
  readonly transactionId: string;
  /** MD5 of the PKCS#10 request, as `info requests` shows it. */
  readonly fingerprint: string;
  /** "cn=R3-spoke.cisco.com,ou=FLEX,o=Cisco". */
  readonly subjectName: string;
  readonly csr: Csr;
  issued?: X509Certificate;
}

export class CertificateServer {
  readonly cert: X509Certificate;
  private nextSerial = 2n;
  private nextRequestId = 1;
  private readonly requests = new Map<number, EnrollmentRequest>();
  private readonly byTransaction = new Map<string, EnrollmentRequest>();

  constructor(
    readonly name: string,
    private config: DeepReadonly<PkiServer>,
    readonly key: { readonly publicKey: KeyObject; readonly privateKey: KeyObject },
    nowMs: number,
  ) {
    const issuer = parseSubjectName(config.issuerName ?? `CN=${name}`) ?? parseSubjectName(`CN=${name}`)!;
    const days = config.caCertificateLifetimeDays ?? DEFAULT_CA_LIFETIME_DAYS;
    // IOS backdates nothing; a minute's slack covers peers whose clocks lag a little.
    const der = buildCertificate({ serial: 1n, subject: issuer, issuer, subjectKey: key.publicKey, issuerKey: key.privateKey, issuerPublicKey: key.publicKey, notBeforeMs: nowMs - 60_000, notAfterMs: nowMs + days * DAY_MS, ca: true });
    this.cert = new X509Certificate(Buffer.from(der));
  }

  /** Whether `config` describes this CA certificate (issuer-name, CA lifetime unchanged). */
  sameCa(config: DeepReadonly<PkiServer>): boolean {
    return config.issuerName === this.config.issuerName && config.caCertificateLifetimeDays === this.config.caCertificateLifetimeDays;
  }

  /** New settings (grant mode, lifetimes) apply to requests from now on. */
  configure(config: DeepReadonly<PkiServer>): void {
    this.config = config;
  }

  get grantMode(): "auto" | "none" | "manual" {
    return this.config.grant ?? "manual";
  }

  get lastIssuedSerial(): bigint {
    return this.nextSerial - 1n;
  }

  /** A request SCEP brought (PKCSReq); a repeated transaction ID is the same request. */
  submit(csr: Csr, transactionId: string, der: Uint8Array, nowMs: number): EnrollmentRequest {
    const known = this.byTransaction.get(transactionId);
    if (known) return known;
    const req: EnrollmentRequest = {
      id: this.nextRequestId++,
      state: "pending",
      transactionId,
      fingerprint: createHash("md5").update(der).digest("hex").toUpperCase(),
      subjectName: nameText(csr.subject),
      csr,
    };
    this.requests.set(req.id, req);
    this.byTransaction.set(transactionId, req);
    if (this.grantMode === "auto") this.grant(req, nowMs);
    else if (this.grantMode === "none") req.state = "rejected";
    return req;
  }

  byTransactionId(transactionId: string): EnrollmentRequest | undefined {
    return this.byTransaction.get(transactionId);
  }

  all(): EnrollmentRequest[] {
    return [...this.requests.values()];
  }

  get(id: number): EnrollmentRequest | undefined {
    return this.requests.get(id);
  }

  /** Issues the certificate a pending request asks for. */
  grant(req: EnrollmentRequest, nowMs: number): void {
    if (req.state !== "pending") return;
    const days = this.config.certificateLifetimeDays ?? DEFAULT_CERT_LIFETIME_DAYS;
    const der = buildCertificate({
      serial: this.nextSerial++,
      subject: req.csr.subject,
      issuer: certificateNames(new Uint8Array(this.cert.raw)).subject.raw,
      subjectKey: req.csr.publicKey,
      issuerKey: this.key.privateKey,
      issuerPublicKey: this.key.publicKey,
      notBeforeMs: nowMs - 60_000,
      notAfterMs: Math.min(nowMs + days * DAY_MS, Date.parse(this.cert.validTo)),
      ca: false,
      dnsNames: req.csr.dnsNames,
    });
    req.issued = new X509Certificate(Buffer.from(der));
    req.state = "granted";
  }

  reject(req: EnrollmentRequest): void {
    if (req.state === "pending") req.state = "rejected";
  }
}
