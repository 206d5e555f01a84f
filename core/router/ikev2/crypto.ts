// IKEv2's cryptography on node:crypto: Diffie-Hellman (MODP groups 2/5/14, ECP groups
// 19/20/21 with RFC 5903's x||y public values), the PRFs and prf+ (RFC 7296 §2.13), the
// integrity algorithms, AES-CBC and AES-GCM (RFC 5282) for the SK payload, the IKE SA keys
// (§2.14), rekeyed SKEYSEED (§2.18), child SA KEYMAT (§2.17) and the AUTH payload's MAC
// for pre-shared keys (§2.15). Everything here is a pure function of its inputs except key
// generation and IVs, which come from the CSPRNG.

import { createCipheriv, createDecipheriv, createDiffieHellman, createDiffieHellmanGroup, createECDH, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { concatBytes } from "../wire/bytes";
import { DhGroup, EncrId, IntegId, PrfId } from "../wire/ikev2-registry";

// --- Diffie-Hellman -----------------------------------------------------------------------

export interface DhPrivate {
  readonly group: number;
  /** The KE payload's data: g^x zero-padded to the modulus (MODP, RFC 7296 §3.4), or x||y
   * (ECP, RFC 5903 §7). */
  readonly publicValue: Uint8Array;
  /** g^xy from the peer's public value (zero-padded to the modulus for MODP; the x
   * coordinate for ECP, RFC 5903 §7), or undefined when the value is not a valid one. */
  computeSecret(peerPublic: Uint8Array): Uint8Array | undefined;
}

interface DhSpec {
  readonly kind: "modp" | "ecp";
  /** node:crypto's name for the group or curve. */
  readonly name: string;
  /** Public value length in bytes. */
  readonly publicLength: number;
}

const DH_SPECS = new Map<number, DhSpec>([
  [DhGroup.MODP_1024, { kind: "modp", name: "modp2", publicLength: 128 }],
  [DhGroup.MODP_1536, { kind: "modp", name: "modp5", publicLength: 192 }],
  [DhGroup.MODP_2048, { kind: "modp", name: "modp14", publicLength: 256 }],
  [DhGroup.ECP_256, { kind: "ecp", name: "prime256v1", publicLength: 64 }],
  [DhGroup.ECP_384, { kind: "ecp", name: "secp384r1", publicLength: 96 }],
  [DhGroup.ECP_521, { kind: "ecp", name: "secp521r1", publicLength: 132 }],
]);

export function isSupportedDhGroup(group: number): boolean {
  return DH_SPECS.has(group);
}

/** The KE data length of a supported group. */
export function dhPublicLength(group: number): number | undefined {
  return DH_SPECS.get(group)?.publicLength;
}

function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** A fresh key pair in `group`; throws RangeError for a group we do not implement (callers
 * only pick from isSupportedDhGroup ones). `privateKey` fixes the private value (test
 * vectors). */
export function dhGenerate(group: number, privateKey?: Uint8Array): DhPrivate {
  const spec = DH_SPECS.get(group);
  if (spec === undefined) throw new RangeError(`dhGenerate: DH group ${group} is not supported`);
  if (spec.kind === "modp") {
    const named = createDiffieHellmanGroup(spec.name);
    const dh = privateKey ? createDiffieHellman(named.getPrime(), named.getGenerator()) : named;
    if (privateKey) (dh as ReturnType<typeof createDiffieHellman>).setPrivateKey(privateKey);
    else dh.generateKeys();
    const publicValue = leftPad(new Uint8Array(privateKey ? dh.generateKeys() : dh.getPublicKey()), spec.publicLength);
    const prime = BigInt("0x" + dh.getPrime("hex"));
    return {
      group,
      publicValue,
      computeSecret(peer) {
        if (peer.length !== spec.publicLength) return undefined;
        // RFC 7296 §5 / NIST SP 800-56A: reject 0, 1 and p-1 (and anything ≥ p).
        const y = BigInt("0x" + (Buffer.from(peer).toString("hex") || "0"));
        if (y <= 1n || y >= prime - 1n) return undefined;
        return leftPad(new Uint8Array(dh.computeSecret(peer)), spec.publicLength);
      },
    };
  }
  const ecdh = createECDH(spec.name);
  if (privateKey) ecdh.setPrivateKey(privateKey);
  else ecdh.generateKeys();
  // Uncompressed point: 0x04 || x || y; the KE payload carries x || y (RFC 5903 §7).
  const point = ecdh.getPublicKey();
  const publicValue = new Uint8Array(point.subarray(1));
  return {
    group,
    publicValue,
    computeSecret(peer) {
      if (peer.length !== spec.publicLength) return undefined;
      const full = new Uint8Array(1 + peer.length);
      full[0] = 4;
      full.set(peer, 1);
      try {
        return new Uint8Array(ecdh.computeSecret(full));
      } catch {
        return undefined; // not a point on the curve
      }
    },
  };
}

// --- PRF, prf+ and integrity ----------------------------------------------------------------

export interface Prf {
  readonly id: number;
  /** IOS's name in `show crypto ikev2 sa`: SHA1, SHA256, ... */
  readonly iosName: string;
  readonly hash: string;
  /** Output length, also the preferred key length (RFC 7296 §2.13). */
  readonly length: number;
}

const PRFS = new Map<number, Prf>([
  [PrfId.PRF_HMAC_SHA1, { id: PrfId.PRF_HMAC_SHA1, iosName: "SHA1", hash: "sha1", length: 20 }],
  [PrfId.PRF_HMAC_SHA2_256, { id: PrfId.PRF_HMAC_SHA2_256, iosName: "SHA256", hash: "sha256", length: 32 }],
  [PrfId.PRF_HMAC_SHA2_384, { id: PrfId.PRF_HMAC_SHA2_384, iosName: "SHA384", hash: "sha384", length: 48 }],
  [PrfId.PRF_HMAC_SHA2_512, { id: PrfId.PRF_HMAC_SHA2_512, iosName: "SHA512", hash: "sha512", length: 64 }],
]);

export function prfById(id: number): Prf | undefined {
  return PRFS.get(id);
}

export function prf(p: Prf, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = createHmac(p.hash, key);
  for (const d of data) h.update(d);
  return new Uint8Array(h.digest());
}

/** prf+ (RFC 7296 §2.13): T1 | T2 | ... with Tn = prf(K, Tn-1 | S | n), cut to `length`.
 * At most 255 blocks. */
export function prfPlus(p: Prf, key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const blocks = Math.ceil(length / p.length);
  if (blocks > 255) throw new RangeError(`prfPlus: ${length} bytes need more than 255 iterations of ${p.hash}`);
  const out = new Uint8Array(blocks * p.length);
  let previous: Uint8Array = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let n = 1; n <= blocks; n++) {
    counter[0] = n;
    previous = prf(p, key, previous, seed, counter);
    out.set(previous, (n - 1) * p.length);
  }
  return out.subarray(0, length);
}

export interface Integ {
  readonly id: number;
  /** IOS's "Hash:" name: SHA96, SHA256, SHA384, SHA512. */
  readonly iosName: string;
  readonly hash: string;
  readonly keyLength: number;
  readonly icvLength: number;
}

const INTEGS = new Map<number, Integ>([
  [IntegId.AUTH_HMAC_SHA1_96, { id: IntegId.AUTH_HMAC_SHA1_96, iosName: "SHA96", hash: "sha1", keyLength: 20, icvLength: 12 }],
  [IntegId.AUTH_HMAC_SHA2_256_128, { id: IntegId.AUTH_HMAC_SHA2_256_128, iosName: "SHA256", hash: "sha256", keyLength: 32, icvLength: 16 }],
  [IntegId.AUTH_HMAC_SHA2_384_192, { id: IntegId.AUTH_HMAC_SHA2_384_192, iosName: "SHA384", hash: "sha384", keyLength: 48, icvLength: 24 }],
  [IntegId.AUTH_HMAC_SHA2_512_256, { id: IntegId.AUTH_HMAC_SHA2_512_256, iosName: "SHA512", hash: "sha512", keyLength: 64, icvLength: 32 }],
]);

export function integById(id: number): Integ | undefined {
  return INTEGS.get(id);
}

/** The truncated HMAC over `data`. */
export function integIcv(i: Integ, key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(i.hash, key).update(data).digest().subarray(0, i.icvLength));
}

// --- Encryption (SK payload) ----------------------------------------------------------------

export interface Encr {
  readonly id: number;
  readonly keyBits: number;
  /** IOS's "Encr:" name. */
  readonly iosName: string;
  /** Key material taken from prf+: the key, plus the 4-byte salt for GCM (RFC 5282 §7.1). */
  readonly keyMaterialLength: number;
  readonly ivLength: number;
  readonly blockSize: number;
  /** AEAD: the ICV is the authentication tag and no integrity transform is negotiated. */
  readonly aeadIcvLength: number | undefined;
}

/** The ENCR transform with its key length; undefined when not implemented. */
export function encrById(id: number, keyBits: number | undefined): Encr | undefined {
  if (keyBits !== 128 && keyBits !== 256) return undefined;
  if (id === EncrId.ENCR_AES_CBC) {
    return { id, keyBits, iosName: "AES-CBC", keyMaterialLength: keyBits / 8, ivLength: 16, blockSize: 16, aeadIcvLength: undefined };
  }
  const tag = id === EncrId.ENCR_AES_GCM_16 ? 16 : id === EncrId.ENCR_AES_GCM_12 ? 12 : id === EncrId.ENCR_AES_GCM_8 ? 8 : 0;
  if (tag === 0) return undefined;
  return { id, keyBits, iosName: "AES-GCM", keyMaterialLength: keyBits / 8 + GCM_SALT_LENGTH, ivLength: 8, blockSize: 1, aeadIcvLength: tag };
}

export const GCM_SALT_LENGTH = 4;

function cipherName(e: Encr): "aes-128-cbc" | "aes-256-cbc" | "aes-128-gcm" | "aes-256-gcm" {
  const mode = e.aeadIcvLength === undefined ? "cbc" : "gcm";
  return `aes-${e.keyBits === 128 ? "128" : "256"}-${mode}`;
}

/** The negotiated IKE SA algorithms. */
export interface IkeSuite {
  readonly encr: Encr;
  readonly prf: Prf;
  /** Undefined with an AEAD cipher. */
  readonly integ: Integ | undefined;
  readonly dhGroup: number;
}

/** The ICV length of the SK payload under `suite`. */
export function skIcvLength(suite: IkeSuite): number {
  return suite.encr.aeadIcvLength ?? suite.integ?.icvLength ?? 0;
}

/** One direction's SK payload keys. */
export interface SkKeys {
  readonly encKey: Uint8Array;
  readonly integKey: Uint8Array | undefined;
}

/**
 * Encrypts `plaintext` (from buildSkPlaintext) into the SK payload's data run of a message
 * whose bytes are `message`: the run occupies `message[dataAt, end)` and has room for IV,
 * ciphertext and ICV (sized by skDataLength). The IKE header and the SK generic header
 * before it must already be final: they are the AEAD's associated data or covered by the
 * integrity check (RFC 7296 §3.14, RFC 5282 §5.1).
 */
export function sealSk(suite: IkeSuite, keys: SkKeys, message: Uint8Array, dataAt: number, plaintext: Uint8Array): void {
  const e = suite.encr;
  const iv = randomBytes(e.ivLength);
  message.set(iv, dataAt);
  const ctAt = dataAt + e.ivLength;
  if (e.aeadIcvLength !== undefined) {
    const key = keys.encKey.subarray(0, e.keyBits / 8);
    const nonce = Buffer.concat([keys.encKey.subarray(e.keyBits / 8), iv]);
    const c = createCipheriv(cipherName(e) as "aes-128-gcm", key, nonce, { authTagLength: e.aeadIcvLength });
    c.setAAD(message.subarray(0, dataAt));
    const ct = c.update(plaintext);
    c.final();
    message.set(ct, ctAt);
    message.set(c.getAuthTag(), ctAt + ct.length);
    return;
  }
  const c = createCipheriv(cipherName(e), keys.encKey, iv);
  c.setAutoPadding(false);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  message.set(ct, ctAt);
  const icvAt = ctAt + ct.length;
  message.set(integIcv(suite.integ!, keys.integKey!, message.subarray(0, icvAt)), icvAt);
}

/** The SK payload data length (IV, ciphertext, ICV) for a plaintext of `plainLength`. */
export function skDataLength(suite: IkeSuite, plainLength: number): number {
  return suite.encr.ivLength + plainLength + skIcvLength(suite);
}

/** Checks and decrypts an SK payload cut by ikeEncryptedParts; undefined when the ICV does
 * not verify or the ciphertext is not whole blocks. */
export function openSk(
  suite: IkeSuite,
  keys: SkKeys,
  parts: { readonly iv: Uint8Array; readonly ciphertext: Uint8Array; readonly icv: Uint8Array; readonly associatedData: Uint8Array; readonly integrityCovered: Uint8Array },
): Uint8Array | undefined {
  const e = suite.encr;
  if (e.aeadIcvLength !== undefined) {
    const key = keys.encKey.subarray(0, e.keyBits / 8);
    const nonce = Buffer.concat([keys.encKey.subarray(e.keyBits / 8), parts.iv]);
    try {
      const d = createDecipheriv(cipherName(e) as "aes-128-gcm", key, nonce, { authTagLength: e.aeadIcvLength });
      d.setAAD(parts.associatedData);
      d.setAuthTag(parts.icv);
      const plain = d.update(parts.ciphertext);
      d.final();
      return new Uint8Array(plain);
    } catch {
      return undefined;
    }
  }
  const expected = integIcv(suite.integ!, keys.integKey!, parts.integrityCovered);
  if (expected.length !== parts.icv.length || !timingSafeEqual(expected, parts.icv)) return undefined;
  if (parts.ciphertext.length === 0 || parts.ciphertext.length % e.blockSize !== 0) return undefined;
  const d = createDecipheriv(cipherName(e), keys.encKey, parts.iv);
  d.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(parts.ciphertext), d.final()]));
}

// --- Key derivation -------------------------------------------------------------------------

/** The seven IKE SA secrets (RFC 7296 §2.14). */
export interface IkeKeys {
  readonly skD: Uint8Array;
  readonly skAi: Uint8Array;
  readonly skAr: Uint8Array;
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  readonly skPi: Uint8Array;
  readonly skPr: Uint8Array;
}

function spiBytes(spi: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, spi);
  return out;
}

/** SKEYSEED = prf(Ni | Nr, g^ir) for a new IKE SA (§2.14). */
export function skeyseed(p: Prf, ni: Uint8Array, nr: Uint8Array, gir: Uint8Array): Uint8Array {
  return prf(p, concatBytes([ni, nr]), gir);
}

/** SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) when rekeying an IKE SA (§2.18). */
export function rekeyedSkeyseed(oldPrf: Prf, oldSkD: Uint8Array, gir: Uint8Array, ni: Uint8Array, nr: Uint8Array): Uint8Array {
  return prf(oldPrf, oldSkD, gir, ni, nr);
}

/** {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). */
export function deriveIkeKeys(suite: IkeSuite, seed: Uint8Array, ni: Uint8Array, nr: Uint8Array, spiI: bigint, spiR: bigint): IkeKeys {
  const prfLen = suite.prf.length;
  const aLen = suite.integ?.keyLength ?? 0;
  const eLen = suite.encr.keyMaterialLength;
  const total = prfLen * 3 + aLen * 2 + eLen * 2;
  const km = prfPlus(suite.prf, seed, concatBytes([ni, nr, spiBytes(spiI), spiBytes(spiR)]), total);
  let at = 0;
  const take = (n: number): Uint8Array => km.slice(at, (at += n));
  return { skD: take(prfLen), skAi: take(aLen), skAr: take(aLen), skEi: take(eLen), skEr: take(eLen), skPi: take(prfLen), skPr: take(prfLen) };
}

/** A child SA's four keys (§2.17): for each direction the encryption key (with the GCM salt)
 * then the integrity key, initiator-to-responder first. */
export interface ChildKeys {
  readonly encI2R: Uint8Array;
  readonly integI2R: Uint8Array;
  readonly encR2I: Uint8Array;
  readonly integR2I: Uint8Array;
}

/** KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), cut into ChildKeys. */
export function deriveChildKeys(p: Prf, skD: Uint8Array, ni: Uint8Array, nr: Uint8Array, encLength: number, integLength: number, gir?: Uint8Array): ChildKeys {
  const seed = gir ? concatBytes([gir, ni, nr]) : concatBytes([ni, nr]);
  const km = prfPlus(p, skD, seed, 2 * (encLength + integLength));
  let at = 0;
  const take = (n: number): Uint8Array => km.slice(at, (at += n));
  return { encI2R: take(encLength), integI2R: take(integLength), encR2I: take(encLength), integR2I: take(integLength) };
}

const KEY_PAD = new TextEncoder().encode("Key Pad for IKEv2");

/** AUTH for a shared key (§2.15): prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>). */
export function pskAuth(p: Prf, secret: Uint8Array, signedOctets: Uint8Array): Uint8Array {
  return prf(p, prf(p, secret, KEY_PAD), signedOctets);
}

/** <InitiatorSignedOctets> / <ResponderSignedOctets> (§2.15): the sender's first message,
 * the peer's nonce, and prf(SK_p, RestOfIDPayload). */
export function signedOctets(p: Prf, realMessage: Uint8Array, peerNonce: Uint8Array, skP: Uint8Array, idBody: Uint8Array): Uint8Array {
  return concatBytes([realMessage, peerNonce, prf(p, skP, idBody)]);
}

/** Constant-time comparison of two MACs. */
export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
