// PKI's subsystem: each router's certificate store, filled from what the lab PKI handed over
// at boot (IOS's `crypto pki authenticate` and `enroll` done ahead of time), and the
// `show crypto pki …` commands. IKEv2 will find the store through `router.subsystem(pkiSubsystem)`.
import type { RouterOptions, Subsystem, SubsystemHost } from "../node/subsystem";
import { pkiShowCommands } from "./show";
import { PkiStore } from "./store";

export class PkiInstance {
  readonly store = new PkiStore();

  constructor(router: SubsystemHost, options: RouterOptions) {
    for (const m of options.pki ?? []) {
      const problem = this.store.install(m);
      if (problem) router.logMessage({ facility: "PKI", severity: 3, mnemonic: "CERTIFICATE_INVALID", text: problem });
    }
  }
}

export const pkiSubsystem: Subsystem<PkiInstance> = {
  name: "pki",
  attach: (router, options) => new PkiInstance(router, options),
  execCommands: pkiShowCommands((router) => router.subsystem(pkiSubsystem).store),
};
