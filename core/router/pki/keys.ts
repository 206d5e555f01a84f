// The router's RSA key pairs by label: what `crypto key generate rsa [modulus N] [label L]`
// makes, what a trustpoint's `rsakeypair` names and a certificate server signs with. IOS keeps
// them in private NVRAM (`Storage Device: private-config`); so does a FlexLab router that has
// NVRAM: the pairs it made are written to the NVRAM file `private-config` when they change and
// read back at boot, so a reloaded certificate server still signs with its own key and a
// reloaded client enrols with the key it had. (IOS writes private-config with `write memory`;
// here a pair is kept from the moment it is made, as IOS keeps a certificate server's key
// in its archive.) Pairs adopted from the lab PKI are not written: the lab PKI hands them
// over again at every boot.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { byCharCode } from "../config/names";

export const DEFAULT_MODULUS_BITS = 2048;

/** The NVRAM file holding the pairs a router made. */
export const PRIVATE_CONFIG_FILE = "private-config";
const FORMAT = "flexlab private-config 1";

export interface RsaKeyPair {
  readonly label: string;
  readonly modulusBits: number;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  /** The router clock's time when it was made. */
  readonly generatedMs: number;
  /** Handed over by the lab PKI (not kept in private-config). */
  readonly adopted: boolean;
}

interface SavedPair {
  readonly label: string;
  readonly generatedMs: number;
  /** PKCS#8 PEM. */
  readonly key: string;
}

export class RsaKeyring {
  private readonly pairs = new Map<string, RsaKeyPair>();

  /** `onChange` runs after a pair the router made was added or replaced (to save private-config). */
  constructor(private readonly onChange?: () => void) {}

  get(label: string): RsaKeyPair | undefined {
    return this.pairs.get(label);
  }

  all(): RsaKeyPair[] {
    return [...this.pairs.values()].sort((a, b) => byCharCode(a.label, b.label));
  }

  /** Makes (or replaces) the pair `label`. */
  generate(label: string, modulusBits: number, nowMs: number): RsaKeyPair {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: modulusBits });
    const pair = { label, modulusBits, publicKey, privateKey, generatedMs: nowMs, adopted: false };
    this.pairs.set(label, pair);
    this.onChange?.();
    return pair;
  }

  /** The pair `label`, made first when there is none (IOS does so on enrolment). */
  ensure(label: string, modulusBits: number, nowMs: number): { readonly pair: RsaKeyPair; readonly fresh: boolean } {
    const have = this.pairs.get(label);
    return have ? { pair: have, fresh: false } : { pair: this.generate(label, modulusBits, nowMs), fresh: true };
  }

  /** Adopts a pair made elsewhere (the lab PKI's key for a trustpoint); one the router made
   * under that label stays. */
  adopt(label: string, privateKey: KeyObject, nowMs: number): void {
    if (this.pairs.has(label)) return;
    const publicKey = createPublicKey(privateKey);
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? DEFAULT_MODULUS_BITS;
    this.pairs.set(label, { label, modulusBits: bits, publicKey, privateKey, generatedMs: nowMs, adopted: true });
  }

  /** private-config's bytes: the pairs the router made. */
  save(): Uint8Array {
    const keys: SavedPair[] = this.all()
      .filter((p) => !p.adopted)
      .map((p) => ({ label: p.label, generatedMs: p.generatedMs, key: p.privateKey.export({ type: "pkcs8", format: "pem" }).toString() }));
    return new TextEncoder().encode(JSON.stringify({ format: FORMAT, keys }, null, 1) + "\n");
  }

  /** Takes the pairs private-config held; returns a complaint for what could not be read
   * (the file as a whole, or one pair), and keeps the rest. */
  load(bytes: Uint8Array): string[] {
    let saved: unknown;
    try {
      saved = JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      return [`private-config is not readable: ${(err as Error).message}`];
    }
    const keys = (saved as { format?: unknown; keys?: unknown }).keys;
    if ((saved as { format?: unknown }).format !== FORMAT || !Array.isArray(keys)) return ["private-config is not a FlexLab key store"];
    const problems: string[] = [];
    for (const k of keys as Partial<SavedPair>[]) {
      try {
        if (typeof k.label !== "string" || typeof k.key !== "string") throw new Error("label or key missing");
        const privateKey = createPrivateKey(k.key);
        if (privateKey.asymmetricKeyType !== "rsa") throw new Error(`a ${privateKey.asymmetricKeyType} key`);
        const publicKey = createPublicKey(privateKey);
        const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? DEFAULT_MODULUS_BITS;
        this.pairs.set(k.label, { label: k.label, modulusBits: bits, publicKey, privateKey, generatedMs: Number(k.generatedMs) || 0, adopted: false });
      } catch (err) {
        problems.push(`key pair ${String(k.label)} in private-config is not usable: ${(err as Error).message}`);
      }
    }
    return problems;
  }
}
