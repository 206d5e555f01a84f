// `crypto pki server NAME`: IOS's certificate server, a small CA on the router. `no shutdown`
// makes its key pair (label NAME) and self-signed CA certificate (serial 1, subject the
// issuer-name); requests then get serials 2, 3, … and are granted at once (`grant auto`),
// rejected (`grant none`), or wait in the enrolment request database for `crypto pki server
// NAME grant|reject`. The server's state — its CA certificate, the last serial and request ID,
// the enrolment request database — is `save()`d as one NVRAM file (NAME.ser) after every
// change and `restore()`d when the server starts again, so a reloaded router goes on as the
// same CA: what it issued before still verifies and serials continue. IOS writes NAME.ser to
// its `database url` (nvram: by default) and keeps only the serial at `database level
// minimum`; FlexLab keeps the request database at every level, so a request pending over a
// reload can still be granted and polled. Its key pair is the router's (keys.ts).
import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import type { DeepReadonly } from "../config/model/router";
import type { PkiServer } from "../config/model/crypto";
import { certificateNames, nameText } from "./x509-read";
import { parseCsr, type Csr } from "./pkcs10";
import { encodeName, parseSubjectName } from "./subject";
import { buildCertificate } from "./x509";

const DAY_MS = 24 * 3600 * 1000;
/** IOS's defaults: `lifetime certificate 365`, `lifetime ca-certificate 1095`. */
export const DEFAULT_CERT_LIFETIME_DAYS = 365;
export const DEFAULT_CA_LIFETIME_DAYS = 1095;

export type RequestState = "pending" | "granted" | "rejected";

/** The NVRAM file a server `name` keeps its state in. */
export function databaseFile(name: string): string {
  return `${name}.ser`;
}
const DATABASE_FORMAT = "flexlab certificate server 1";

/** NAME.ser as JSON: certificates and requests as base64 DER, serials as hex. */
interface SavedDatabase {
  readonly format: string;
  readonly caCertificate: string;
  readonly lastSerial: string;
  readonly lastRequestId: number;
  readonly requests: readonly { id: number; state: RequestState; transactionId: string; request: string; issued?: string }[];
}

export interface EnrollmentRequest {
  readonly id: number;
  state: RequestState;
  readonly transactionId: string;
  /** MD5 of the PKCS#10 request, as `info requests` shows it. */
  readonly fingerprint: string;
  /** "cn=R3-spoke.cisco.com,ou=FLEX,o=Cisco". */
  readonly subjectName: string;
  readonly csr: Csr;
  /** The PKCS#10 request as it came. */
  readonly der: Uint8Array;
  issued?: X509Certificate;
}

type KeyPair = { readonly publicKey: KeyObject; readonly privateKey: KeyObject };

export class CertificateServer {
  readonly cert: X509Certificate;
  private nextSerial = 2n;
  private nextRequestId = 1;
  private readonly requests = new Map<number, EnrollmentRequest>();
  private readonly byTransaction = new Map<string, EnrollmentRequest>();
  /** Runs after every change to what `save()` returns (a request, a grant, a reject). */
  onChange: (() => void) | undefined;

  /** A new CA: its self-signed certificate, serial 1, made now; or, with `cert`, the one it had. */
  constructor(
    readonly name: string,
    private config: DeepReadonly<PkiServer>,
    readonly key: KeyPair,
    nowMs: number,
    cert?: X509Certificate,
  ) {
    this.cert = cert ?? CertificateServer.makeCaCertificate(name, config, key, nowMs);
  }

  private static makeCaCertificate(name: string, config: DeepReadonly<PkiServer>, key: KeyPair, nowMs: number): X509Certificate {
    const issuer = issuerOf(name, config);
    const days = config.caCertificateLifetimeDays ?? DEFAULT_CA_LIFETIME_DAYS;
    // IOS backdates nothing; a minute's slack covers peers whose clocks lag a little.
    const der = buildCertificate({ serial: 1n, subject: issuer, issuer, subjectKey: key.publicKey, issuerKey: key.privateKey, issuerPublicKey: key.publicKey, notBeforeMs: nowMs - 60_000, notAfterMs: nowMs + days * DAY_MS, ca: true });
    return new X509Certificate(Buffer.from(der));
  }

  /**
   * The server NAME.ser describes, signing with `key`; a reason instead when that file is not
   * this server's any more: unreadable, another key (a new pair was made), another issuer-name,
   * or a CA certificate that has expired. The caller then starts a new CA, as IOS would.
   */
  static restore(name: string, config: DeepReadonly<PkiServer>, key: KeyPair, bytes: Uint8Array, nowMs: number): CertificateServer | string {
    let saved: SavedDatabase;
    let cert: X509Certificate;
    try {
      saved = JSON.parse(new TextDecoder().decode(bytes)) as SavedDatabase;
      if (saved.format !== DATABASE_FORMAT) return `${databaseFile(name)} is not a FlexLab certificate server database`;
      cert = new X509Certificate(Buffer.from(saved.caCertificate, "base64"));
    } catch (err) {
      return `${databaseFile(name)} is not readable: ${(err as Error).message}`;
    }
    const spki = (k: KeyObject) => k.export({ type: "spki", format: "der" });
    if (!spki(cert.publicKey).equals(spki(key.publicKey))) return `the CA certificate in ${databaseFile(name)} is not for key pair ${name}`;
    const want = encodeName(issuerOf(name, config));
    if (!Buffer.from(want).equals(Buffer.from(certificateNames(new Uint8Array(cert.raw)).subject.raw))) return `the CA certificate in ${databaseFile(name)} has another issuer-name`;
    if (Date.parse(cert.validTo) <= nowMs) return `the CA certificate in ${databaseFile(name)} expired on ${cert.validTo}`;
    const server = new CertificateServer(name, config, key, nowMs, cert);
    server.nextSerial = BigInt(`0x${saved.lastSerial}`) + 1n;
    server.nextRequestId = saved.lastRequestId + 1;
    for (const r of saved.requests) {
      const der = new Uint8Array(Buffer.from(r.request, "base64"));
      const csr = parseCsr(der);
      if (typeof csr === "string") continue; // it was parsed before it was saved: a damaged file
      const req: EnrollmentRequest = { id: r.id, state: r.state, transactionId: r.transactionId, fingerprint: md5(der), subjectName: nameText(csr.subject), csr, der };
      if (r.issued) req.issued = new X509Certificate(Buffer.from(r.issued, "base64"));
      server.requests.set(req.id, req);
      server.byTransaction.set(req.transactionId, req);
    }
    return server;
  }

  /** NAME.ser's bytes (see restore). */
  save(): Uint8Array {
    const b64 = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64");
    const saved: SavedDatabase = {
      format: DATABASE_FORMAT,
      caCertificate: b64(this.cert.raw),
      lastSerial: this.lastIssuedSerial.toString(16).toUpperCase(),
      lastRequestId: this.nextRequestId - 1,
      requests: this.all().map((r) => ({ id: r.id, state: r.state, transactionId: r.transactionId, request: b64(r.der), ...(r.issued ? { issued: b64(r.issued.raw) } : {}) })),
    };
    return new TextEncoder().encode(JSON.stringify(saved, null, 1) + "\n");
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
      fingerprint: md5(der),
      subjectName: nameText(csr.subject),
      csr,
      der: der.slice(),
    };
    this.requests.set(req.id, req);
    this.byTransaction.set(transactionId, req);
    if (this.grantMode === "auto") {
      this.grant(req, nowMs); // which says it changed
      return req;
    }
    if (this.grantMode === "none") req.state = "rejected";
    this.onChange?.();
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
    this.onChange?.();
  }

  reject(req: EnrollmentRequest): void {
    if (req.state !== "pending") return;
    req.state = "rejected";
    this.onChange?.();
  }
}

/** The CA certificate's subject: `issuer-name`, or CN=NAME (IOS's default, and what an
 * issuer-name IOS would not parse falls back to). */
function issuerOf(name: string, config: DeepReadonly<PkiServer>) {
  return parseSubjectName(config.issuerName ?? `CN=${name}`) ?? parseSubjectName(`CN=${name}`)!;
}

function md5(der: Uint8Array): string {
  return createHash("md5").update(der).digest("hex").toUpperCase();
}
