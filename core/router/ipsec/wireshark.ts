// The `esp-keys` table: each installed SA direction with its keys in Wireshark's `esp_sa` terms
// (the algorithm names are Wireshark's own, from epan/dissectors/packet-ipsec.c; GCM keys carry
// their salt, as Wireshark expects). core/api/esp-sa.ts writes the rows as the `esp_sa` file.
import type { EspKeyRow } from "../../api/tables";
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

/** An inbound SA runs from the peer to us, an outbound one from us to the peer. */
export function espKeyRow(params: EspSaParams, inbound: boolean): EspKeyRow {
  return {
    src: formatIpv4(inbound ? params.remote : params.local),
    dst: formatIpv4(inbound ? params.local : params.remote),
    spi: `0x${hexDigits(params.spi, 8)}`,
    encryption: ENCRYPTION[params.cipher],
    encryptionKey: hexKey(params.encKey),
    authentication: AUTHENTICATION[params.integ],
    authenticationKey: hexKey(params.integKey),
  };
}
