// ESP's cryptography for one SA direction (RFC 4303), on node:crypto:
//  - AES-GCM (RFC 4106): nonce = the 4-byte salt from KEYMAT + an 8-byte explicit IV, which
//    is the sequence number (unique per key, as §3.1 asks); AAD = SPI || sequence; a 16-byte ICV.
//  - AES-CBC (RFC 3602) with a random IV, then HMAC-SHA1-96 / SHA-256-128 / 384-192 /
//    512-256 (RFC 2404, 4868) over header, IV and ciphertext (encrypt-then-MAC, §3.3.2).
//  - ESP-NULL (RFC 2410) with HMAC, for old configs.
// Key objects are made once per SA; per packet there is one new packet buffer (the outer
// headers go in its headroom), cut from node's shared Buffer pool rather than a zero-filled
// ArrayBuffer of its own, and what node:crypto allocates itself. Inbound, the plaintext is
// written back over the ciphertext, so the inner packet keeps the received buffer and the
// ESP header and IV in front of it become its headroom.
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomFillSync, timingSafeEqual, type CipherGCMTypes, type KeyObject } from "node:crypto";
import { ESP_HEADER_LENGTH, emitEspTrailer, espNextHeader, espPadding, espPayloadEnd, espSequence, writeEspHeader } from "../wire/esp";
import { HEADROOM_BYTES } from "../net/headroom";
import { ReplayWindow } from "./replay";
import { encKeyBytes, integKeyBytes, type EspCipher, type EspInteg, type EspSaParams } from "./sa";

interface CipherSpec {
  /** node:crypto's name; "" for ESP-NULL. */
  readonly algorithm: string;
  readonly aead: boolean;
  readonly ivBytes: number;
  /** Padding alignment (RFC 4303 §2.4); 1 pads to 4. */
  readonly blockSize: number;
}

const CIPHERS: Record<EspCipher, CipherSpec> = {
  "aes-gcm-128": { algorithm: "aes-128-gcm", aead: true, ivBytes: 8, blockSize: 1 },
  "aes-gcm-256": { algorithm: "aes-256-gcm", aead: true, ivBytes: 8, blockSize: 1 },
  "aes-cbc-128": { algorithm: "aes-128-cbc", aead: false, ivBytes: 16, blockSize: 16 },
  "aes-cbc-256": { algorithm: "aes-256-cbc", aead: false, ivBytes: 16, blockSize: 16 },
  null: { algorithm: "", aead: false, ivBytes: 0, blockSize: 1 },
};

const HASHES: Record<Exclude<EspInteg, "none">, { readonly hash: string; readonly icvBytes: number }> = {
  "sha1-96": { hash: "sha1", icvBytes: 12 },
  "sha256-128": { hash: "sha256", icvBytes: 16 },
  "sha384-192": { hash: "sha384", icvBytes: 24 },
  "sha512-256": { hash: "sha512", icvBytes: 32 },
};

const GCM_ICV_BYTES = 16;
const GCM_SALT_BYTES = 4;

/** Random CBC IVs come from a pool refilled in one call, not a system call per packet. */
const ivPool = new Uint8Array(4096);
let ivPoolUsed = ivPool.length;
function randomIv(out: Uint8Array, at: number, length: number): void {
  if (ivPoolUsed + length > ivPool.length) {
    randomFillSync(ivPool);
    ivPoolUsed = 0;
  }
  out.set(ivPool.subarray(ivPoolUsed, ivPoolUsed + length), at);
  ivPoolUsed += length;
}

function copyBytes(from: Uint8Array, at: number, to: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; i++) to[offset + i] = from[at + i];
}

/** The sequence number at which an outbound SA asks for a rekey (90% of the space). */
export const SEQUENCE_SOFT_LIMIT = Math.floor(0xffffffff * 0.9);

/** Why an inbound packet was refused. */
export const EspOpenFault = {
  Malformed: -1,
  Replay: -2,
  AuthFailed: -3,
} as const;

/** The keys and algorithms of one SA direction; what both directions share. */
abstract class EspSa {
  readonly params: EspSaParams;
  readonly ivBytes: number;
  readonly icvBytes: number;
  readonly blockSize: number;
  /** Packets and payload bytes through this SA (the kilobyte lifetime counts the bytes). */
  packets = 0;
  bytes = 0;
  protected readonly algorithm: string;
  protected readonly aead: boolean;
  protected readonly key: KeyObject | undefined;
  protected readonly hash: string;
  protected readonly integKey: KeyObject | undefined;
  /** Salt || explicit IV for GCM, rewritten per packet (node copies it into the cipher). */
  protected readonly nonce: Buffer;
  /** The GCM AAD (SPI || sequence) and received tag, copied in per packet: a few bytes copied
   * by hand cost less than a view object each for node to read them through. */
  protected readonly aad = Buffer.alloc(8);
  protected readonly tag = Buffer.alloc(GCM_ICV_BYTES);

  constructor(params: EspSaParams) {
    this.params = params;
    const spec = CIPHERS[params.cipher];
    if (params.spi === 0) throw new RangeError("esp: SPI 0 is reserved (RFC 4303 §2.1)");
    if (params.encKey.length !== encKeyBytes(params.cipher)) {
      throw new RangeError(`esp: ${params.cipher} takes a ${encKeyBytes(params.cipher)}-byte key, not ${params.encKey.length}`);
    }
    if (spec.aead !== (params.integ === "none")) {
      throw new RangeError(`esp: ${params.cipher} ${spec.aead ? "carries its own ICV, integ must be none" : "needs an integrity algorithm"}`);
    }
    this.algorithm = spec.algorithm;
    this.aead = spec.aead;
    this.ivBytes = spec.ivBytes;
    this.blockSize = spec.blockSize;
    this.nonce = Buffer.alloc(GCM_SALT_BYTES + spec.ivBytes);
    if (spec.aead) {
      const keyBytes = params.encKey.length - GCM_SALT_BYTES;
      this.key = createSecretKey(params.encKey.subarray(0, keyBytes));
      this.nonce.set(params.encKey.subarray(keyBytes), 0);
      this.icvBytes = GCM_ICV_BYTES;
      this.hash = "";
      this.integKey = undefined;
    } else {
      this.key = spec.algorithm === "" ? undefined : createSecretKey(params.encKey);
      const h = HASHES[params.integ as Exclude<EspInteg, "none">];
      const integKey = params.integKey ?? new Uint8Array(0);
      if (integKey.length !== integKeyBytes(params.integ)) {
        throw new RangeError(`esp: ${params.integ} takes a ${integKeyBytes(params.integ)}-byte key, not ${integKey.length}`);
      }
      this.hash = h.hash;
      this.icvBytes = h.icvBytes;
      this.integKey = createSecretKey(integKey);
    }
  }

  /** ESP header, IV, trailer and ICV around a payload of `payloadBytes`. */
  overheadBytes(payloadBytes: number): number {
    return ESP_HEADER_LENGTH + this.ivBytes + espPadding(payloadBytes, this.blockSize) + 2 + this.icvBytes;
  }

  /** The HMAC of `buf[from, to)`, truncated to the ICV. */
  protected mac(buf: Uint8Array, from: number, to: number): Buffer {
    return createHmac(this.hash, this.integKey as KeyObject)
      .update(buf.subarray(from, to))
      .digest()
      .subarray(0, this.icvBytes);
  }
}

/** The sending side of an SA: sequence numbers and sealing. */
export class EspOutboundSa extends EspSa {
  /** The last sequence number sent (0: none yet); 2^32 - 1 means the SA is used up. */
  lastSequence = 0;

  /**
   * Wraps `buf[start, end)` in ESP with `nextHeader` into a new buffer, leaving `outerBytes`
   * in front of the ESP header (for the outer IPv4 and UDP headers) after the usual headroom:
   * the ESP packet starts at HEADROOM_BYTES + outerBytes and runs to the buffer's end.
   * Undefined when the sequence number has run out (RFC 4303 §3.3.3: it must not cycle).
   */
  seal(buf: Uint8Array, start: number, end: number, nextHeader: number, outerBytes: number): Uint8Array | undefined {
    if (this.lastSequence >= 0xffffffff) return undefined;
    const seq = ++this.lastSequence;
    const payloadBytes = end - start;
    const pad = espPadding(payloadBytes, this.blockSize);
    const esp = HEADROOM_BYTES + outerBytes;
    const ivAt = esp + ESP_HEADER_LENGTH;
    const ct = ivAt + this.ivBytes;
    const icv = ct + payloadBytes + pad + 2;
    // A pooled slice holds stale bytes: every byte from the ESP header on is written below,
    // and the headroom is cleared so nothing old can ever leave in it. It is handed on as a
    // plain Uint8Array, so `slice` still copies for whoever keeps the packet.
    const pooled = Buffer.allocUnsafe(icv + this.icvBytes);
    const out = new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.length);
    out.fill(0, 0, esp);
    writeEspHeader(out, esp, this.params.spi, seq);
    out.set(buf.subarray(start, end), ct);
    emitEspTrailer(out, ct + payloadBytes, pad, nextHeader);
    if (this.aead) {
      // RFC 4106 §3.1: the explicit IV is the 64-bit sequence number (high half zero without ESN).
      writeEspHeader(out, ivAt, 0, seq);
      copyBytes(out, ivAt, this.nonce, GCM_SALT_BYTES, 8);
      const cipher = createCipheriv(this.algorithm as CipherGCMTypes, this.key as KeyObject, this.nonce, { authTagLength: GCM_ICV_BYTES });
      copyBytes(out, esp, this.aad, 0, 8);
      cipher.setAAD(this.aad);
      out.set(cipher.update(out.subarray(ct, icv)), ct);
      cipher.final();
      out.set(cipher.getAuthTag(), icv);
    } else {
      if (this.key !== undefined) {
        randomIv(out, ivAt, this.ivBytes);
        const cipher = createCipheriv(this.algorithm, this.key, out.subarray(ivAt, ct));
        cipher.setAutoPadding(false);
        out.set(cipher.update(out.subarray(ct, icv)), ct);
        cipher.final();
      }
      out.set(this.mac(out, esp, icv), icv);
    }
    this.packets++;
    this.bytes += payloadBytes;
    return out;
  }
}

/** The receiving side of an SA: the replay window, verification and decryption. */
export class EspInboundSa extends EspSa {
  readonly replay: ReplayWindow;
  /** After a successful `open`: the inner packet's next header. */
  nextHeader = 0;

  constructor(params: EspSaParams) {
    super(params);
    this.replay = new ReplayWindow(params.replayWindow);
  }

  /** Where the inner packet starts after a successful `open` of ESP at `espStart`. */
  payloadStart(espStart: number): number {
    return espStart + ESP_HEADER_LENGTH + this.ivBytes;
  }

  /**
   * Checks, verifies and decrypts the ESP packet `buf[espStart, end)` in place. Returns where
   * the inner packet ends (it starts at `payloadStart(espStart)`, its next header in
   * `nextHeader`), or an EspOpenFault. The replay window moves only for a verified packet
   * (RFC 4303 §3.4.3).
   */
  open(buf: Uint8Array, espStart: number, end: number): number {
    const ivAt = espStart + ESP_HEADER_LENGTH;
    const ct = ivAt + this.ivBytes;
    const icv = end - this.icvBytes;
    if (icv - ct < 2 || (this.blockSize > 1 && (icv - ct) % this.blockSize !== 0)) return EspOpenFault.Malformed;
    const seq = espSequence(buf, espStart);
    if (!this.replay.check(seq)) return EspOpenFault.Replay;
    if (this.aead) {
      copyBytes(buf, ivAt, this.nonce, GCM_SALT_BYTES, 8);
      const decipher = createDecipheriv(this.algorithm as CipherGCMTypes, this.key as KeyObject, this.nonce, { authTagLength: GCM_ICV_BYTES });
      copyBytes(buf, espStart, this.aad, 0, 8);
      decipher.setAAD(this.aad);
      copyBytes(buf, icv, this.tag, 0, GCM_ICV_BYTES);
      decipher.setAuthTag(this.tag);
      const plain = decipher.update(buf.subarray(ct, icv));
      try {
        decipher.final();
      } catch {
        return EspOpenFault.AuthFailed; // node reports a tag mismatch by throwing
      }
      buf.set(plain, ct);
    } else {
      if (!timingSafeEqual(this.mac(buf, espStart, icv), buf.subarray(icv, end))) return EspOpenFault.AuthFailed;
      if (this.key !== undefined) {
        const decipher = createDecipheriv(this.algorithm, this.key, buf.subarray(ivAt, ct));
        decipher.setAutoPadding(false);
        buf.set(decipher.update(buf.subarray(ct, icv)), ct);
        decipher.final();
      }
    }
    const payloadEnd = espPayloadEnd(buf, ct, icv);
    if (payloadEnd < 0) return EspOpenFault.Malformed;
    this.replay.accept(seq);
    this.nextHeader = espNextHeader(buf, icv);
    this.packets++;
    this.bytes += payloadEnd - ct;
    return payloadEnd;
  }
}
