// ESP in a capture, decrypted with the keys of Wireshark's `esp_sa` file (what `flexlab
// capture --esp-keys` and the routers' esp-keys table write): `flexlab decode --esp-keys FILE`
// registers this dissector for IP protocol 50 in place of wire/'s, so what ESP carries (GRE
// and NHRP or MPLS in FlexVPN's transport mode, IPv4 in tunnel mode) decodes like anything
// else. An ESP packet of an SA the file lacks stays opaque; one whose ICV fails to verify with
// the given keys is a failed layer, named, as Wireshark flags a bad ICV.
import { createDecipheriv, createHmac } from "node:crypto";
import type { Result } from "../api/result";
import { ipv4, type Ipv4 } from "../router/wire/addr";
import { hexDigits } from "../router/wire/bytes";
import { standardDissectors, type Dissection, type Dissector, type DissectorRegistry } from "../router/wire/decode";
import { WireError, isWireError } from "../router/wire/errors";
import { ESP_HEADER_LENGTH, parseEsp, parseEspTrailer } from "../router/wire/esp";
import { IpProtocol } from "../router/wire/ipv4";

type Cipher = { readonly kind: "gcm"; readonly algorithm: "aes-128-gcm" | "aes-256-gcm" } | { readonly kind: "cbc"; readonly algorithm: "aes-128-cbc" | "aes-192-cbc" | "aes-256-cbc" } | { readonly kind: "null" };

/** One SA of the file: which packets it applies to and how to open them. */
export interface EspSaKey {
  /** undefined for Wireshark's wildcard "*". */
  readonly src: Ipv4 | undefined;
  readonly dst: Ipv4 | undefined;
  readonly spi: number;
  readonly cipher: Cipher;
  readonly encKey: Uint8Array;
  /** The HMAC's hash and ICV length; none with GCM or NULL authentication. */
  readonly hmac: { readonly hash: string; readonly icvBytes: number } | undefined;
  readonly authKey: Uint8Array;
}

// Wireshark's names (epan/dissectors/packet-ipsec.c), as core/router/ipsec/wireshark.ts writes them.
const GCM_16 = "AES-GCM with 16 octet ICV [RFC4106]";
const CBC = "AES-CBC [RFC3602]";
const HMACS: Record<string, { hash: string; icvBytes: number } | undefined> = {
  NULL: undefined,
  "HMAC-SHA-1-96 [RFC2404]": { hash: "sha1", icvBytes: 12 },
  "HMAC-SHA-256-128 [RFC4868]": { hash: "sha256", icvBytes: 16 },
  "HMAC-SHA-384-192 [RFC4868]": { hash: "sha384", icvBytes: 24 },
  "HMAC-SHA-512-256 [RFC4868]": { hash: "sha512", icvBytes: 32 },
};

const GCM_SALT_BYTES = 4;
const GCM_IV_BYTES = 8;
const GCM_ICV_BYTES = 16;
const CBC_IV_BYTES = 16;

/** The fields of one UAT line: `"a","b",…`, each quoted, no quotes inside (Wireshark writes `\x22` for one). */
function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] !== '"') return undefined;
    const end = line.indexOf('"', i + 1);
    if (end < 0) return undefined;
    fields.push(line.slice(i + 1, end));
    i = end + 1;
    if (i === line.length) return fields;
    if (line[i] !== ",") return undefined;
    i++;
  }
}

function hexKey(text: string): Uint8Array | undefined {
  if (text === "") return new Uint8Array(0);
  const m = /^0x([0-9a-fA-F]*)$/.exec(text);
  if (m === null || m[1].length % 2 !== 0) return undefined;
  return new Uint8Array(Buffer.from(m[1], "hex"));
}

function address(text: string): Ipv4 | undefined | null {
  if (text === "*" || text === "") return undefined;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? ipv4(octets[0], octets[1], octets[2], octets[3]) : null;
}

/** The SAs of an `esp_sa` file; a line that is not an IPv4 SA we can open is an error naming it. */
export function parseEspSaFile(text: string): Result<{ sas: EspSaKey[] }> {
  const sas: EspSaKey[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === "" || line.startsWith("#")) continue;
    const bad = (why: string): Result<{ sas: EspSaKey[] }> => ({ ok: false, message: `esp_sa line ${n + 1}: ${why}` });
    const f = csvFields(line);
    if (f === undefined || f.length < 8) return bad("not 8 quoted, comma-separated fields");
    const [family, srcText, dstText, spiText, encryption, encKeyText, authentication, authKeyText] = f;
    if (family !== "IPv4") return bad(`protocol ${family}: only IPv4 SAs`);
    const src = address(srcText);
    const dst = address(dstText);
    if (src === null || dst === null) return bad(`address ${src === null ? srcText : dstText} is not a dotted quad or *`);
    if (!/^0x[0-9a-fA-F]{1,8}$/.test(spiText)) return bad(`SPI ${spiText} is not 0x and up to 8 hex digits`);
    const encKey = hexKey(encKeyText);
    const authKey = hexKey(authKeyText);
    if (encKey === undefined || authKey === undefined) return bad("a key is not 0x and an even number of hex digits");
    let cipher: Cipher;
    if (encryption === GCM_16) {
      const bytes = encKey.length - GCM_SALT_BYTES;
      if (bytes !== 16 && bytes !== 32) return bad(`an AES-GCM key with its salt is 20 or 36 bytes, not ${encKey.length}`);
      cipher = { kind: "gcm", algorithm: bytes === 16 ? "aes-128-gcm" : "aes-256-gcm" };
    } else if (encryption === CBC) {
      if (encKey.length !== 16 && encKey.length !== 24 && encKey.length !== 32) return bad(`an AES-CBC key is 16, 24 or 32 bytes, not ${encKey.length}`);
      cipher = { kind: "cbc", algorithm: `aes-${(encKey.length * 8) as 128 | 192 | 256}-cbc` };
    } else if (encryption === "NULL") {
      cipher = { kind: "null" };
    } else {
      return bad(`encryption "${encryption}" is not one FlexLab negotiates`);
    }
    if (!(authentication in HMACS)) return bad(`authentication "${authentication}" is not one FlexLab negotiates`);
    const hmac = HMACS[authentication];
    sas.push({ src, dst, spi: Number.parseInt(spiText.slice(2), 16), cipher, encKey, hmac: cipher.kind === "gcm" ? undefined : hmac, authKey });
  }
  return { ok: true, sas };
}

/** The SA a packet from `src` to `dst` with `spi` belongs to. */
function findSa(sas: readonly EspSaKey[], spi: number, src: Ipv4, dst: Ipv4): EspSaKey | undefined {
  return sas.find((sa) => sa.spi === spi && (sa.src === undefined || sa.src === src) && (sa.dst === undefined || sa.dst === dst));
}

/** The plaintext (payload, padding, pad length, next header) of ESP packet `esp`, or why not. */
function open(sa: EspSaKey, esp: Uint8Array): Uint8Array | WireError {
  const c = sa.cipher;
  const ivBytes = c.kind === "gcm" ? GCM_IV_BYTES : c.kind === "cbc" ? CBC_IV_BYTES : 0;
  const icvBytes = c.kind === "gcm" ? GCM_ICV_BYTES : (sa.hmac?.icvBytes ?? 0);
  const ct = ESP_HEADER_LENGTH + ivBytes;
  const icv = esp.length - icvBytes;
  if (icv - ct < 2) return new WireError("esp", "payload", ESP_HEADER_LENGTH, `${esp.length - ESP_HEADER_LENGTH} bytes cannot hold the IV, a trailer and the ICV of this SA`);
  if (c.kind === "gcm") {
    const nonce = new Uint8Array(GCM_SALT_BYTES + GCM_IV_BYTES);
    nonce.set(sa.encKey.subarray(sa.encKey.length - GCM_SALT_BYTES));
    nonce.set(esp.subarray(ESP_HEADER_LENGTH, ct), GCM_SALT_BYTES);
    const decipher = createDecipheriv(c.algorithm, sa.encKey.subarray(0, sa.encKey.length - GCM_SALT_BYTES), nonce, { authTagLength: GCM_ICV_BYTES });
    decipher.setAAD(esp.subarray(0, ESP_HEADER_LENGTH));
    decipher.setAuthTag(esp.subarray(icv));
    const plain = decipher.update(esp.subarray(ct, icv));
    try {
      decipher.final();
    } catch {
      return new WireError("esp", "ICV", icv, "does not verify with the esp_sa file's key");
    }
    return new Uint8Array(plain);
  }
  if (sa.hmac !== undefined) {
    const mac = createHmac(sa.hmac.hash, sa.authKey).update(esp.subarray(0, icv)).digest().subarray(0, sa.hmac.icvBytes);
    if (!mac.equals(esp.subarray(icv))) return new WireError("esp", "ICV", icv, "does not verify with the esp_sa file's key");
  }
  if (c.kind === "null") return esp.subarray(ct, icv);
  if ((icv - ct) % 16 !== 0) return new WireError("esp", "ciphertext", ct, `${icv - ct} bytes is not a whole number of AES blocks`);
  const decipher = createDecipheriv(c.algorithm, sa.encKey, esp.subarray(ESP_HEADER_LENGTH, ct));
  decipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([decipher.update(esp.subarray(ct, icv)), decipher.final()]));
}

/** wire/'s ESP layer, and with a key for its SA the packet inside it as the next layer. */
function decryptingEsp(sas: readonly EspSaKey[]): Dissector {
  return (bytes, context): Dissection | WireError => {
    const p = parseEsp(bytes);
    if (isWireError(p)) return p;
    const spi = `0x${hexDigits(p.repr.spi, 8)}`;
    const summary = `ESP spi ${spi} seq ${p.repr.sequence}`;
    const sa = findSa(sas, p.repr.spi, context.ipSrc, context.ipDst);
    if (sa === undefined) return { layer: { protocol: "ESP", summary, fields: { ...p.repr, spi, encryptedLength: p.payload.length } } };
    const plain = open(sa, bytes);
    if (isWireError(plain)) return plain;
    const trailer = parseEspTrailer(plain);
    if (isWireError(trailer)) return trailer;
    const fields = { ...p.repr, spi, decrypted: true, padLength: trailer.padLength, nextHeader: trailer.nextHeader };
    return { layer: { protocol: "ESP", summary, fields }, next: { table: "ip-protocol", key: trailer.nextHeader, payload: trailer.payload } };
  };
}

/** The standard dissectors with ESP decrypted by these SAs' keys. */
export function espDecryptingDissectors(sas: readonly EspSaKey[]): DissectorRegistry {
  return standardDissectors().register("ip-protocol", IpProtocol.Esp, "ESP", decryptingEsp(sas));
}
