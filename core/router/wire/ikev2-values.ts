// Typed readers and writers for values IKEv2 payloads carry as bytes: configuration
// attributes (RFC 7296 §3.15.1), identification data (§3.5) and the notify data of the
// notifies whose data has a structure (INVALID_KE_PAYLOAD §3.10.1, SIGNATURE_HASH_ALGORITHMS
// RFC 7427 §4). Readers return undefined for a value of the wrong size, never throw.

import { readIpv4, writeIpv4, type Ipv4 } from "./addr";
import { readU16, writeU16 } from "./bytes";

// Configuration attribute values (RFC 7296 §3.15.1) that FlexVPN exchanges.

/** An INTERNAL_IP4_ADDRESS, _NETMASK, _DNS or _NBNS value, or undefined when not 4 bytes
 * (an empty value is a request). */
export function cfgIpv4(value: Uint8Array): Ipv4 | undefined {
  return value.length === 4 ? readIpv4(value, 0) : undefined;
}

/** An INTERNAL_IP4_SUBNET value: address and netmask, or undefined when not 8 bytes. */
export function cfgIpv4Subnet(value: Uint8Array): { readonly address: Ipv4; readonly mask: Ipv4 } | undefined {
  return value.length === 8 ? { address: readIpv4(value, 0), mask: readIpv4(value, 4) } : undefined;
}

/** A value of 4-byte addresses (one) or address and mask (two). */
export function cfgIpv4Value(...addresses: number[]): Uint8Array {
  const out = new Uint8Array(4 * addresses.length);
  addresses.forEach((a, i) => writeIpv4(out, 4 * i, a));
  return out;
}

/** APPLICATION_VERSION and other text values, as UTF-8. */
export function cfgText(value: Uint8Array): string {
  return new TextDecoder().decode(value);
}

export function cfgTextValue(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** ID_IPV4_ADDR data, or undefined when not 4 bytes (written with cfgIpv4Value, the same
 * encoding). */
export function ikeIdIpv4(data: Uint8Array): Ipv4 | undefined {
  return data.length === 4 ? readIpv4(data, 0) : undefined;
}

/** ID_FQDN and ID_RFC822_ADDR data (and the KEY_ID strings IOS's `identity local key-id`
 * sends) as text (written with cfgTextValue). */
export function ikeIdText(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

/** INVALID_KE_PAYLOAD's data: the DH group the responder wants, or undefined when not 2
 * bytes. */
export function invalidKeGroup(data: Uint8Array): number | undefined {
  return data.length === 2 ? readU16(data, 0) : undefined;
}

export function invalidKeData(dhGroup: number): Uint8Array {
  const out = new Uint8Array(2);
  writeU16(out, 0, dhGroup);
  return out;
}

/** SIGNATURE_HASH_ALGORITHMS' data: 16-bit hash algorithm numbers (2 SHA1, 4 SHA2-384,
 * ...), or undefined when the length is odd. */
export function signatureHashAlgorithms(data: Uint8Array): number[] | undefined {
  if (data.length % 2 !== 0) return undefined;
  const ids: number[] = [];
  for (let at = 0; at < data.length; at += 2) ids.push(readU16(data, at));
  return ids;
}

export function signatureHashAlgorithmsData(ids: readonly number[]): Uint8Array {
  const out = new Uint8Array(2 * ids.length);
  ids.forEach((id, i) => writeU16(out, 2 * i, id));
  return out;
}
