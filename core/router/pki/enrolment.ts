// A trustpoint's enrolment as IOS does it: authenticate (fetch the CA certificate over SCEP,
// say its fingerprints, check the configured `fingerprint`), then enrol (the trustpoint's key
// pair, made if missing; its subject-name; its password; the router's FQDN) and install the
// certificate. `auto-enroll` runs both at boot for a trustpoint with no certificate, as IOS
// does ("autoenrollment is performed on startup for any trustpoint CA that is configured and
// that does not have a valid certificate"), retrying every minute (`enrollment retry period`'s
// default) while the CA cannot be reached and polling while the request is pending.
import { createHash, type X509Certificate } from "node:crypto";
import type { DeepReadonly, RouterConfig } from "../config/model/router";
import type { Trustpoint } from "../config/model/crypto";
import type { SubsystemHost } from "../node/subsystem";
import { DEFAULT_MODULUS_BITS, type RsaKeyring } from "./keys";
import { enrol, fetchCaCertificate, parseEnrollmentUrl, type EnrolResult, type ScepTarget } from "./scep-client";
import type { PkiStore } from "./store";
import { encodeName, parseSubjectName } from "./subject";
import { certificateNames, nameText } from "./x509-read";

/** `enrollment retry period` default: one minute. */
export const ENROLL_RETRY_MS = 60_000;
/** `enrollment retry count` default on IOS is 0 (forever); a lab stops after this many. */
export const ENROLL_MAX_TRIES = 30;

export interface EnrolmentHost {
  readonly router: SubsystemHost;
  readonly keys: RsaKeyring;
  readonly store: PkiStore;
  /** Says once that a fingerprint is not this CA's (subsystem.ts's warning). */
  fingerprintMismatch(tp: string, fingerprint: string, ca: X509Certificate): void;
  /** The trustpoint's certificates changed: into the running config's chain they go (chain.ts). */
  recordChain(tp: string): void;
}

/** The router's FQDN as a certificate carries it: the IKEv2 `identity local fqdn` of a
 * profile using the trustpoint (or any), else hostname.domain. */
export function routerFqdn(config: DeepReadonly<RouterConfig>, trustpoint: string): string {
  const profiles = Object.values(config.crypto.ikev2.profiles);
  for (const p of [...profiles.filter((p) => p.pkiTrustpoints.includes(trustpoint)), ...profiles]) {
    if (p.identityLocal?.kind === "fqdn") return p.identityLocal.value;
  }
  return config.domainName ? `${config.hostname}.${config.domainName}` : config.hostname;
}

/** The key label a trustpoint enrols with: its `rsakeypair`, else the router's FQDN (the
 * name IOS gives its general-purpose keys). */
export function keyLabel(config: DeepReadonly<RouterConfig>, tp: DeepReadonly<Trustpoint>): string {
  return tp.rsakeypair?.label ?? (config.domainName ? `${config.hostname}.${config.domainName}` : config.hostname);
}

/** "0A1B2C3D 4E5F6071 …" as IOS prints a fingerprint. */
export function fingerprintWords(der: Uint8Array | Buffer, digest: "md5" | "sha1"): string {
  return (createHash(digest).update(der).digest("hex").toUpperCase().match(/.{8}/g) ?? []).join(" ");
}

export function scepTarget(host: EnrolmentHost, tp: DeepReadonly<Trustpoint>): ScepTarget | string {
  if (tp.enrollment?.kind !== "url") return `% Trustpoint ${tp.name} has no enrollment url`;
  const url = parseEnrollmentUrl(tp.enrollment.url);
  if (typeof url === "string") return url;
  const vrf = host.router.stack.vrf(tp.vrf);
  if (!vrf) return `% VRF ${tp.vrf} of trustpoint ${tp.name} is not configured`;
  return { tcp: host.router.stack.tcp, vrf, ...url };
}

/** `crypto pki authenticate TP`: fetch and install the CA certificate; `say` gets IOS's
 * lines; `done` the outcome. */
export function authenticate(host: EnrolmentHost, tp: DeepReadonly<Trustpoint>, say: (line: string) => void, done: (ok: boolean) => void): void {
  const target = scepTarget(host, tp);
  if (typeof target === "string") {
    say(target);
    return done(false);
  }
  fetchCaCertificate(target, tp.name, (ca) => {
    if (typeof ca === "string") {
      say(ca);
      return done(false);
    }
    say("Certificate has the following attributes:");
    say(`       Fingerprint MD5: ${fingerprintWords(ca.raw, "md5")} `);
    say(`      Fingerprint SHA1: ${fingerprintWords(ca.raw, "sha1")} `);
    if (tp.fingerprint) host.fingerprintMismatch(tp.name, tp.fingerprint, ca);
    const held = host.store.get(tp.name);
    host.store.put({ trustpoint: tp.name, ca, cert: held?.ca.raw.equals(ca.raw) ? held.cert : undefined, key: held?.ca.raw.equals(ca.raw) ? held.key : undefined });
    host.recordChain(tp.name);
    say(`Trustpoint ${tp.name} certificate accepted.`);
    done(true);
  });
}

export interface EnrolOutcome {
  readonly result: EnrolResult["status"];
  readonly text: string;
}

/** `crypto pki enroll TP`: one request; the certificate is installed when issued, and a
 * pending request is polled every ENROLL_RETRY_MS until granted or rejected. `sent` runs
 * when the request is on its way, `done` with the first answer. */
export function enrolTrustpoint(host: EnrolmentHost, tp: DeepReadonly<Trustpoint>, say: (line: string) => void, done: (outcome: EnrolOutcome) => void): void {
  const { router } = host;
  const held = host.store.get(tp.name);
  if (!held) return done({ result: "error", text: `% Please authenticate the CA first: crypto pki authenticate ${tp.name}` });
  const target = scepTarget(host, tp);
  if (typeof target === "string") return done({ result: "error", text: target });
  const config = router.running;
  const subjectAttrs = tp.subjectName ? parseSubjectName(tp.subjectName) : undefined;
  if (tp.subjectName && !subjectAttrs) return done({ result: "error", text: `% Invalid subject-name ${tp.subjectName}` });
  const fqdn = routerFqdn(config, tp.name);
  const subject = encodeName(subjectAttrs ?? [{ type: "unstructuredname", value: fqdn }]);
  const label = keyLabel(config, tp);
  const bits = tp.rsakeypair?.sizeBits ?? DEFAULT_MODULUS_BITS;
  const { pair, fresh } = host.keys.ensure(label, bits, router.clock.now());
  if (fresh) router.logMessage({ facility: "CRYPTO", severity: 6, mnemonic: "AUTOGEN", text: `%CRYPTO-6-AUTOGEN: Generated new ${bits} bit key pair` });
  say(`% The subject name in the certificate will include: ${tp.subjectName ?? `hostname=${fqdn}`}`);
  say(`% The fully-qualified domain name in the certificate will be: ${fqdn}`);
  say("% Certificate request sent to Certificate Authority");
  const ca = held.ca;
  const finish = (r: EnrolResult, first: boolean): void => {
    switch (r.status) {
      case "issued": {
        host.store.put({ trustpoint: tp.name, ca, cert: r.cert, key: pair.privateKey });
        host.recordChain(tp.name);
        router.logMessage({ facility: "PKI", severity: 6, mnemonic: "CERTRET", text: "%PKI-6-CERTRET: Certificate received from Certificate Authority" });
        const names = certificateNames(new Uint8Array(r.cert.raw));
        router.logMessage({
          facility: "PKI",
          severity: 6,
          mnemonic: "CERT_INSTALL",
          text: `%PKI-6-CERT_INSTALL: An ID certificate has been installed under\n Trustpoint : ${tp.name}\n Issuer-name : ${nameText(names.issuer.raw)}\n Subject-name : ${nameText(names.subject.raw)}\n Serial-number: ${r.cert.serialNumber}\n End-date : ${r.cert.validTo}`,
        });
        if (first) done({ result: "issued", text: "" });
        return;
      }
      case "pending":
        if (first) {
          router.logMessage({ facility: "PKI", severity: 6, mnemonic: "CERTPENDING", text: `%PKI-6-CERTPENDING: Certificate request for trustpoint ${tp.name} is pending; polling the CA every ${ENROLL_RETRY_MS / 1000} seconds` });
          done({ result: "pending", text: "" });
        }
        router.clock.after(ENROLL_RETRY_MS, () => r.poll((next) => finish(next, false)));
        return;
      case "rejected":
        router.logMessage({ facility: "PKI", severity: 6, mnemonic: "CERTREJECT", text: `%PKI-6-CERTREJECT: Certificate enrollment request was rejected by Certificate Authority` });
        if (first) done({ result: "rejected", text: "" });
        return;
      case "error":
        router.logMessage({ facility: "PKI", severity: 3, mnemonic: "CERTFAIL", text: `%PKI-3-CERTFAIL: Certificate enrollment failed for trustpoint ${tp.name}: ${r.reason.replace(/^% /, "")}` });
        if (first) done({ result: "error", text: r.reason });
        return;
    }
  };
  enrol({ target, ca, subject, key: pair, challengePassword: tp.password?.value, dnsNames: [fqdn], nowMs: router.clock.now() }, (r) => finish(r, true));
}

/** `auto-enroll` at boot: authenticate when the CA is not known yet, then enrol; tries again
 * every ENROLL_RETRY_MS while the CA does not answer. */
export function autoEnrol(host: EnrolmentHost, name: string, tries = 1): void {
  const tp = host.router.running.crypto.pki.trustpoints[name];
  if (!tp?.autoEnroll || tp.enrollment?.kind !== "url" || host.store.get(name)?.cert) return;
  const again = () => {
    if (tries < ENROLL_MAX_TRIES) host.router.clock.after(ENROLL_RETRY_MS, () => autoEnrol(host, name, tries + 1));
  };
  const quiet = () => {};
  const enrolNow = () =>
    enrolTrustpoint(host, tp, quiet, (o) => {
      if (o.result === "error") again();
    });
  if (host.store.get(name)) return enrolNow();
  const said: string[] = [];
  authenticate(
    host,
    tp,
    (line) => said.push(line),
    (ok) => {
      if (ok) return enrolNow();
      host.router.logMessage({ facility: "PKI", severity: 3, mnemonic: "GETCARACERT", text: `%PKI-3-GETCARACERT: Failed to receive RA/CA certificates for trustpoint ${name}: ${(said[said.length - 1] ?? "").replace(/^% /, "")}` });
      again();
    },
  );
}
