// PKI's subsystem: each router's certificate store (filled from what the lab PKI handed over
// at boot, or by `crypto pki authenticate|enroll` and `auto-enroll` over SCEP), its RSA key
// pairs, its certificate servers (`crypto pki server`) and the HTTP server they answer SCEP
// on (`ip http server`: SCEP is all a FlexLab router serves over HTTP, so PKI owns it), and
// the `show crypto pki …` and `crypto pki …` exec commands. IKEv2 finds the store through
// `router.subsystem(pkiSubsystem)`.
// What IOS keeps in NVRAM survives a reload here too when the router has NVRAM (the agent's
// nvram/NODE folder, the harness's memory): the key pairs it made (private-config, keys.ts)
// and each certificate server's database (NAME.ser, ca-server.ts), written atomically as
// they change and read back when the router boots.
// A trustpoint's `fingerprint` that is not its CA's (the seed's names the guide's own CA,
// which no lab can have) is said once as a warning; the CA is trusted all the same.
import { createHash, type X509Certificate } from "node:crypto";
import type { RouterConfig } from "../config/model/router";
import type { PkiServer } from "../config/model/crypto";
import type { NvramFiles, RouterOptions, Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";
import { HttpServer, HTTP_PORT } from "../net/http/server";
import { CertificateServer, databaseFile } from "./ca-server";
import { certsFromChain, chainOf } from "./chain";
import { pkiExecCommands } from "./commands";
import { autoEnrol, keyLabel, type EnrolmentHost } from "./enrolment";
import { DEFAULT_MODULUS_BITS, PRIVATE_CONFIG_FILE, RsaKeyring, type RsaKeyPair } from "./keys";
import { scepRespond, type ScepCounters } from "./scep-server";
import { pkiShowCommands } from "./show";
import { trustpointStatusCommands } from "./show-status";
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
  readonly keys: RsaKeyring;
  /** The router's NVRAM files, when it has any. */
  readonly nvram: NvramFiles | undefined;
  /** NVRAM writes in the order they were asked for. */
  private writing: Promise<void> = Promise.resolve();
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
    this.nvram = options.storage?.nvram;
    this.keys = new RsaKeyring(() => this.writeNvram(PRIVATE_CONFIG_FILE, this.keys.save(), true));
    const kept = this.readNvram(PRIVATE_CONFIG_FILE);
    for (const problem of kept ? this.keys.load(kept) : []) this.log(3, "PRIVATE_CONFIG", problem);
    for (const m of options.pki ?? []) {
      const problem = this.store.install(m);
      if (problem) router.logMessage({ facility: "PKI", severity: 3, mnemonic: "CERTIFICATE_INVALID", text: problem });
    }
  }

  reconcile(before: RouterConfig | undefined, after: RouterConfig): void {
    this.reconcileServers(after);
    this.reconcileHttp(after);
    this.installChains(before, after);
    for (const tp of Object.values(after.crypto.pki.trustpoints)) {
      const certs = this.store.get(tp.name);
      // The lab PKI's key for a trustpoint is the pair IOS would hold under its label.
      if (certs?.key) this.keys.adopt(keyLabel(after, tp), certs.key, this.router.clock.now());
      if (tp.fingerprint && certs) this.fingerprintMismatch(tp.name, tp.fingerprint, certs.ca);
      // IOS enrols an auto-enroll trustpoint without a certificate at startup, and when
      // auto-enroll is configured on one.
      if (tp.autoEnroll && tp.enrollment?.kind === "url" && !certs?.cert && !before?.crypto.pki.trustpoints[tp.name]?.autoEnroll) {
        const name = tp.name;
        this.router.clock.after(before ? 0 : AUTO_ENROLL_DELAY_MS, () => autoEnrol(this, name));
      }
    }
  }

  /** A chain with certificate hex (a startup-config saved after enrolment, or one typed) that
   * is new or changed installs its certificates where the trustpoint has no certificate yet. */
  private installChains(before: RouterConfig | undefined, after: RouterConfig): void {
    for (const chain of Object.values(after.crypto.pki.certificateChains)) {
      if (this.store.get(chain.trustpoint)?.cert) continue;
      if (before && JSON.stringify(before.crypto.pki.certificateChains[chain.trustpoint]) === JSON.stringify(chain)) continue;
      const found = certsFromChain(chain, (cert) => {
        const spki = cert.publicKey.export({ type: "spki", format: "der" });
        return this.keys.all().find((p) => p.publicKey.export({ type: "spki", format: "der" }).equals(spki))?.privateKey;
      });
      if (!found) continue;
      for (const problem of found.problems) this.router.warn(`% ${problem}`);
      if (found.certs) this.store.put(found.certs);
    }
  }

  recordChain(trustpoint: string): void {
    const held = this.store.get(trustpoint);
    // IOS writes what authenticate and enroll got into the running config (`write memory`
    // saves it); the config model is the router's own, so the chain goes straight in.
    if (held) this.router.running.crypto.pki.certificateChains[trustpoint] = chainOf(held);
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
      let replacing = false;
      if (running && !running.sameCa(cfg)) {
        // A new issuer-name or CA lifetime makes a new CA while nothing was issued yet.
        if (running.lastIssuedSerial === 1n) {
          this.servers.delete(cfg.name);
          running = undefined;
          replacing = true;
        } else this.router.warn(`% Server's configuration is locked (enter "shut" to unlock it)`);
      }
      if (running) {
        const was: string = running.grantMode;
        running.configure(cfg);
        if (was !== "auto" && running.grantMode === "auto") this.log(6, "CS_GRANT_AUTO", "All enrollment requests will be automatically granted.");
        continue;
      }
      // The server's key pair carries its name, as on IOS; made once, kept across shut/no shut
      // and, with NVRAM, across reloads.
      const { pair, fresh } = this.keys.ensure(cfg.name, DEFAULT_MODULUS_BITS, this.router.clock.now());
      const server = this.startServer(cfg, pair, !fresh && !replacing);
      this.servers.set(cfg.name, server);
      // The server's own trustpoint holds its CA certificate, as IOS makes one of its name.
      const own = this.store.get(cfg.name);
      if (!own || !own.cert) this.store.put({ trustpoint: cfg.name, ca: server.cert, cert: undefined, key: undefined });
      if (after.ipHttpServer !== true) this.router.warn(`% Certificate server ${cfg.name}: enable 'ip http server' for SCEP enrolment`);
      this.log(6, "CS_ENABLED", "Certificate server now enabled.");
      if (server.grantMode === "auto") this.log(6, "CS_GRANT_AUTO", "All enrollment requests will be automatically granted.");
    }
  }

  /** The server `cfg` names: the one its NVRAM database describes when `resume` and it is
   * still this server's (same key pair and issuer-name, unexpired), else a new CA; either way
   * saved from now on after every change. */
  private startServer(cfg: PkiServer, pair: RsaKeyPair, resume: boolean): CertificateServer {
    const now = this.router.clock.now();
    const saved = resume ? this.readNvram(databaseFile(cfg.name)) : undefined;
    const restored = saved && CertificateServer.restore(cfg.name, cfg, pair, saved, now);
    if (typeof restored === "string") this.router.warn(`% Certificate server ${cfg.name}: ${restored}; starting a new CA`);
    const server = restored instanceof CertificateServer ? restored : new CertificateServer(cfg.name, cfg, pair, now);
    const save = () => this.writeNvram(databaseFile(cfg.name), server.save(), false);
    server.onChange = save;
    if (server !== restored) save();
    return server;
  }

  private readNvram(name: string): Uint8Array | undefined {
    try {
      return this.nvram?.read(name);
    } catch (err) {
      this.router.warn(`% Cannot read nvram:${name}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Queues a write of `data` (taken now) to NVRAM file `name`; a failure is logged. */
  private writeNvram(name: string, data: Uint8Array, secret: boolean): void {
    const nvram = this.nvram;
    if (!nvram) return;
    this.writing = this.writing
      .then(() => nvram.write(name, data, secret))
      .catch((err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        if (name === PRIVATE_CONFIG_FILE) this.log(3, "PRIVATE_CONFIG", `Cannot write the key pairs to nvram:${name}: ${why}`);
        else this.log(3, "CS_CRIT_STORAGE", `Critical certificate server storage, nvram:${name}, is inaccessible: ${why}`);
      });
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
  execCommands: [...pkiShowCommands((router) => router.subsystem(pkiSubsystem).store), ...trustpointStatusCommands((router) => router.subsystem(pkiSubsystem)), ...pkiExecCommands((router) => router.subsystem(pkiSubsystem))],
};
