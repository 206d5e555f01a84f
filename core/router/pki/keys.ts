// The router's RSA key pairs by label: what `crypto key generate rsa [modulus N] [label L]`
// makes, what a trustpoint's `rsakeypair` names and a certificate server signs with. Kept in
// memory (IOS keeps them in private NVRAM; a FlexLab router that reboots makes new ones and
// enrols again).
import { generateKeyPairSync, type KeyObject } from "node:crypto";

export const DEFAULT_MODULUS_BITS = 2048;

export interface RsaKeyPair {
  readonly label: string;
  readonly modulusBits: number;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  /** The router clock's time when it was made. */
  readonly generatedMs: number;
}

export class RsaKeyring {
  private readonly pairs = new Map<string, RsaKeyPair>();

  get(label: string): RsaKeyPair | undefined {
    return this.pairs.get(label);
  }

  all(): RsaKeyPair[] {
    return [...this.pairs.values()].sort((a, b) => a.label.localeCompare(b.label));
  }

  /** Makes (or replaces) the pair `label`. */
  generate(label: string, modulusBits: number, nowMs: number): RsaKeyPair {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: modulusBits });
    const pair = { label, modulusBits, publicKey, privateKey, generatedMs: nowMs };
    this.pairs.set(label, pair);
    return pair;
  }

  /** The pair `label`, made first when there is none (IOS does so on enrolment). */
  ensure(label: string, modulusBits: number, nowMs: number): { readonly pair: RsaKeyPair; readonly fresh: boolean } {
    const have = this.pairs.get(label);
    return have ? { pair: have, fresh: false } : { pair: this.generate(label, modulusBits, nowMs), fresh: true };
  }

  /** Adopts a pair made elsewhere (the lab PKI's key for a trustpoint). */
  adopt(label: string, privateKey: KeyObject, publicKey: KeyObject, nowMs: number): void {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? DEFAULT_MODULUS_BITS;
    this.pairs.set(label, { label, modulusBits: bits, publicKey, privateKey, generatedMs: nowMs });
  }
}
