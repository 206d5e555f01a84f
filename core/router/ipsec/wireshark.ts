// Wireshark's `esp_sa` user access table (Preferences → Protocols → ESP → ESP SAs, the file
// `esp_sa` in its profile folder, or `tshark -o uat:esp_sa:LINE`): one quoted CSV line per SA
// direction with protocol, source, destination, SPI, cipher and key, integrity and key, so a
// capture of our ESP decrypts there. The algorithm names are Wireshark's own
// (epan/dissectors/packet-ipsec.c); GCM keys carry their salt, as Wireshark expects.
import { formatIpv4 } from "../wire/addr";
import { hexDigits } from "../wire/bytes";
import type { EspCipher, EspInteg, EspSaParams } from "./sa";

const ENCRYPTION: Record<EspCipher, string> = {
  "aes-gcm-128": "AES-GCM with 16 octet ICV [RFC4106]",
  "aes-gcm-256": "AES-GCM with 16 octet ICV [RFC4106]",
  "aes-cbc-128": "AES-CBC [RFC3602]",
  "aes-cbc-256": "AES-CBC [RFC3602]",
  null: "NULL",
};

const AUTHENTICATION: Record<EspInteg, string> = {
  "sha1-96": "HMAC-SHA-1-96 [RFC2404]",
  "sha256-128": "HMAC-SHA-256-128 [RFC4868]",
  "sha384-192": "HMAC-SHA-384-192 [RFC4868]",
  "sha512-256": "HMAC-SHA-512-256 [RFC4868]",
  none: "NULL",
};

function hexKey(key: Uint8Array | undefined): string {
  if (key === undefined || key.length === 0) return "";
  let s = "0x";
  for (const b of key) s += hexDigits(b, 2);
  return s;
}

/** One `esp_sa` line: an inbound SA runs from the peer to us, an outbound one from us. */
export function espSaLine(params: EspSaParams, inbound: boolean): string {
  const src = inbound ? params.remote : params.local;
  const dst = inbound ? params.local : params.remote;
  const fields = ["IPv4", formatIpv4(src), formatIpv4(dst), `0x${hexDigits(params.spi, 8)}`, ENCRYPTION[params.cipher], hexKey(params.encKey), AUTHENTICATION[params.integ], hexKey(params.integKey)];
  return fields.map((f) => `"${f}"`).join(",");
}

/** The whole file for these SAs, a line each. */
export function espSaUat(sas: readonly { readonly params: EspSaParams; readonly inbound: boolean }[]): string {
  return sas.map((s) => espSaLine(s.params, s.inbound) + "\n").join("");
}
