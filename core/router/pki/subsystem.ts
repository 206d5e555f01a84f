// PKI's subsystem: each router's certificate store (filled from what the lab PKI handed over
// at boot, or by `crypto pki authenticate|enroll` and `auto-enroll` over SCEP), its RSA key
// pairs, its certificate servers (`crypto pki server`) and the HTTP server they answer SCEP
// on (`ip http server`: SCEP is all a FlexLab router serves over HTTP, so PKI owns it), and
// the `show crypto pki …` and `crypto pki …` exec commands. IKEv2 finds the store through
// `router.subsystem(pkiSubsystem)`.
// A trustpoint's `fingerprint` that is not its CA's (the seed's names the guide's own CA,
// which no lab can have) is said once as a warning; the CA is trusted all the same.
import { createHash, type X509Certificate } from "node:crypto";
import type { RouterConfig } from "../config/model/router";
import type { RouterOptions, Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";
import { HttpServer, HTTP_PORT } from "../net/http/server";
import { CertificateServer } from "./ca-server";
import { pkiExecCommands } from "./commands";
import { autoEnrol, type EnrolmentHost } from "./enrolment";
import { DEFAULT_MODULUS_BITS, RsaKeyring } from "./keys";
import { scepRespond, type ScepCounters } from "./scep-server";
import { pkiShowCommands } from "./show";
import { PkiStore } from "./store";

/** The digest IOS compares a `fingerprint` of this many hex digits with. */
const FINGERPRINT_DIGESTS: Readonly<Record<number, string>> = { 32: "md5", 40: "sha1", 64: "sha256" };

/** How long after boot `auto-enroll` starts: interfaces up and ARP done, as IOS waits for
 * its interfaces before enrolling. */
export const AUTO_ENROLL_DELAY_MS = 5_000;

/** `ca`'s fingerprint in the digest `fingerprint` is written in (upper-case hex), or undefined
 * when no digest has that length. */
export function caFingerprint(ca: X509Certificate, fingerprint: string): string | undefined {
  const digest = FINGERPRINT_DIGESTS[fingerprint.length];
  return digest ? createHash(digest).update(ca.raw).digest("hex").toUpperCase() : undefined;
}

export class PkiInstance implements SubsystemInstance, EnrolmentHost {
  readonly store = new PkiStore();
  readonly keys = new RsaKeyring();
  /** Enabled certificate servers by name. */
  readonly servers = new Map<string, CertificateServer>();
  readonly scepCounters: ScepCounters = { requests: 0, malformed: 0 };
  http: HttpServer | undefined;
  /** Trustpoint and fingerprint pairs already warned about. */
  private readonly warned = new Set<string>();

  constructor(
    readonly router: SubsystemHost,
    options: RouterOptions,
  ) {
    for (const m of options.pki ?? []) {
      const problem = this.store.install(m);
      if (problem) router.logMessage({ facility: "PKI", severity: 3, mnemonic: "CERTIFICATE_INVALID", text: problem });
    }
  }

  reconcile(before: RouterConfig | undefined, after: RouterConfig): void {
    this.reconcileServers(after);
    this.reconcileHttp(after);
    for (const tp of Object.values(after.crypto.pki.trustpoints)) {
      const certs = this.store.get(tp.name);
      if (tp.fingerprint && certs) this.fingerprintMismatch(tp.name, tp.fingerprint, certs.ca);
      // IOS enrols an auto-enroll trustpoint without a certificate at startup, and when
      // auto-enroll is configured on one.
      if (tp.autoEnroll && tp.enrollment?.kind === "url" && !certs?.cert && !before?.crypto.pki.trustpoints[tp.name]?.autoEnroll) {
        const name = tp.name;
        this.router.clock.after(before ? 0 : AUTO_ENROLL_DELAY_MS, () => autoEnrol(this, name));
      }
    }
  }

  fingerprintMismatch(trustpoint: string, fingerprint: string, ca: X509Certificate): void {
    const want = fingerprint.toUpperCase();
    const have = caFingerprint(ca, want);
    const key = `${trustpoint} ${want} ${have}`;
    if (have === want || this.warned.has(key)) return;
    this.warned.add(key);
    const digest = FINGERPRINT_DIGESTS[want.length];
    const ours = have ? `its ${digest!.toUpperCase()} fingerprint is ${have}` : `no MD5, SHA1 or SHA256 fingerprint has ${want.length} digits`;
    this.router.warn(`% Trustpoint ${trustpoint}: fingerprint ${want} is not this lab's CA certificate (${ours}); it names the CA the config was written for, which no lab can have. Trusting the lab CA.`);
  }

  /** `crypto pki server NAME` / `no shutdown`: enable, reconfigure or disable each server. */
  private reconcileServers(after: RouterConfig): void {
    const wanted = after.crypto.pki.servers ?? {};
    for (const name of [...this.servers.keys()]) {
      if (wanted[name] && !wanted[name].shutdown) continue;
      this.servers.delete(name);
      this.log(6, "CS_DISABLED", `Certificate server now disabled.`);
    }
    for (const cfg of Object.values(wanted)) {
      if (cfg.shutdown) continue;
      let running = this.servers.get(cfg.name);
      if (running && !running.sameCa(cfg)) {
        // A new issuer-name or CA lifetime makes a new CA while nothing was issued yet.
        if (running.lastIssuedSerial === 1n) {
          this.servers.delete(cfg.name);
          running = undefined;
        } else this.router.warn(`% Server's configuration is locked (enter "shut" to unlock it)`);
      }
      if (running) {
        const was: string = running.grantMode;
        running.configure(cfg);
        if (was !== "auto" && running.grantMode === "auto") this.log(6, "CS_GRANT_AUTO", "All enrollment requests will be automatically granted.");
        continue;
      }
      // The server's key pair carries its name, as on IOS; made once, kept across shut/no shut.
      const { pair } = this.keys.ensure(cfg.name, DEFAULT_MODULUS_BITS, this.router.clock.now());
      const server = new CertificateServer(cfg.name, cfg, pair, this.router.clock.now());
      this.servers.set(cfg.name, server);
      // The server's own trustpoint holds its CA certificate, as IOS makes one of its name.
      const own = this.store.get(cfg.name);
      if (!own || !own.cert) this.store.put({ trustpoint: cfg.name, ca: server.cert, cert: undefined, key: undefined });
      if (after.ipHttpServer !== true) this.router.warn(`% Certificate server ${cfg.name}: enable 'ip http server' for SCEP enrolment`);
      this.log(6, "CS_ENABLED", "Certificate server now enabled.");
      if (server.grantMode === "auto") this.log(6, "CS_GRANT_AUTO", "All enrollment requests will be automatically granted.");
    }
  }

  private reconcileHttp(after: RouterConfig): void {
    if (after.ipHttpServer === true && !this.http) {
      const s = HttpServer.listen(this.router.stack.tcp, this.router.stack.globalVrf, HTTP_PORT, (req) =>
        scepRespond(this.servers.values().next().value, req, this.router.clock.now(), this.scepCounters, (r) => {
          if (r.state === "pending") this.log(6, "CS_CERT_REQ_PENDING", `Enrollment request ${r.id} from ${r.subjectName} is pending; grant it with 'crypto pki server NAME grant ${r.id}'`);
        }),
      );
      if (typeof s === "string") this.router.warn(s);
      else this.http = s;
    } else if (after.ipHttpServer !== true && this.http) {
      this.http.close();
      this.http = undefined;
    }
  }

  private log(severity: number, mnemonic: string, text: string): void {
    this.router.logMessage({ facility: "PKI", severity, mnemonic, text: `%PKI-${severity}-${mnemonic}: ${text}` });
  }

  close(): void {
    this.http?.close();
    this.http = undefined;
  }
}

export const pkiSubsystem: Subsystem<PkiInstance> = {
  name: "pki",
  attach: (router, options) => new PkiInstance(router, options),
  execCommands: [...pkiShowCommands((router) => router.subsystem(pkiSubsystem).store), ...pkiExecCommands((router) => router.subsystem(pkiSubsystem))],
};
