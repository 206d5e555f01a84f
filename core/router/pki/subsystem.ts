// PKI's subsystem: each router's certificate store, filled from what the lab PKI handed over
// at boot (IOS's `crypto pki authenticate` and `enroll` done ahead of time), and the
// `show crypto pki …` commands. IKEv2 will find the store through `router.subsystem(pkiSubsystem)`.
// A trustpoint's `fingerprint` that is not the lab CA's (the seed's names the guide's own CA,
// which no lab can have) is said once as a warning; the lab CA is trusted all the same.
import { createHash, type X509Certificate } from "node:crypto";
import type { RouterConfig } from "../config/model/router";
import type { RouterOptions, Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";
import { pkiShowCommands } from "./show";
import { PkiStore } from "./store";

/** The digest IOS compares a `fingerprint` of this many hex digits with. */
const FINGERPRINT_DIGESTS: Readonly<Record<number, string>> = { 32: "md5", 40: "sha1", 64: "sha256" };

/** `ca`'s fingerprint in the digest `fingerprint` is written in (upper-case hex), or undefined
 * when no digest has that length. */
export function caFingerprint(ca: X509Certificate, fingerprint: string): string | undefined {
  const digest = FINGERPRINT_DIGESTS[fingerprint.length];
  return digest ? createHash(digest).update(ca.raw).digest("hex").toUpperCase() : undefined;
}

export class PkiInstance implements SubsystemInstance {
  readonly store = new PkiStore();
  /** Trustpoint and fingerprint pairs already warned about. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly router: SubsystemHost,
    options: RouterOptions,
  ) {
    for (const m of options.pki ?? []) {
      const problem = this.store.install(m);
      if (problem) router.logMessage({ facility: "PKI", severity: 3, mnemonic: "CERTIFICATE_INVALID", text: problem });
    }
  }

  reconcile(_before: RouterConfig | undefined, after: RouterConfig): void {
    for (const tp of Object.values(after.crypto.pki.trustpoints)) {
      const certs = this.store.get(tp.name);
      if (!tp.fingerprint || !certs) continue;
      const want = tp.fingerprint.toUpperCase();
      const have = caFingerprint(certs.ca, want);
      const key = `${tp.name} ${want}`;
      if (have === want || this.warned.has(key)) continue;
      this.warned.add(key);
      const digest = FINGERPRINT_DIGESTS[want.length];
      const ours = have ? `its ${digest!.toUpperCase()} fingerprint is ${have}` : `no MD5, SHA1 or SHA256 fingerprint has ${want.length} digits`;
      this.router.warn(`% Trustpoint ${tp.name}: fingerprint ${want} is not this lab's CA certificate (${ours}); it names the CA the config was written for, which no lab can have. Trusting the lab CA.`);
    }
  }
}

export const pkiSubsystem: Subsystem<PkiInstance> = {
  name: "pki",
  attach: (router, options) => new PkiInstance(router, options),
  execCommands: pkiShowCommands((router) => router.subsystem(pkiSubsystem).store),
};
