// Small pieces of IKEv2 messages the engine builds and reads: notify payloads, SPIs as bytes,
// the NAT detection hash (RFC 7296 §2.23), and the payload list `debug crypto ikev2` prints.

import { createHash } from "node:crypto";
import { writeIpv4 } from "../wire/addr";
import type { IkePayload } from "../wire/ikev2-payloads";
import { ikePayloadTypeName, notifyTypeName } from "../wire/ikev2-registry";
import type { Endpoint } from "./sa";

/** "FLEXVPN-SUPPORTED", the Vendor ID IOS FlexVPN peers send. */
export const FLEXVPN_VENDOR_ID = new TextEncoder().encode("FLEXVPN-SUPPORTED");

export function notify(type: number, data: Uint8Array): IkePayload {
  return { kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: type, data };
}

export function findNotify(payloads: readonly IkePayload[], type: number): { data: Uint8Array; spi: Uint8Array } | undefined {
  const p = payloads.find((x) => x.kind === "notify" && x.notifyType === type);
  return p && p.kind === "notify" ? p : undefined;
}

export function spiBytes(spi: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, spi);
  return out;
}

/** NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port) (RFC 7296 §2.23). */
export function natHash(spiI: bigint, spiR: bigint, at: Endpoint): Uint8Array {
  const buf = new Uint8Array(22);
  buf.set(spiBytes(spiI), 0);
  buf.set(spiBytes(spiR), 8);
  writeIpv4(buf, 16, at.address);
  buf[20] = at.port >>> 8;
  buf[21] = at.port & 0xff;
  return new Uint8Array(createHash("sha1").update(buf).digest());
}

export function readU64(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}

export function spi4(spi: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, spi);
  return out;
}

export function readSpi(bytes: Uint8Array): number {
  return bytes.length === 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : 0;
}

export function hex64(n: bigint): string {
  return n.toString(16).toUpperCase().padStart(16, "0");
}

export function hex32(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

/** IOS's payload list in `debug crypto ikev2`: "SA KE N(NAT_DETECTION_SOURCE_IP) VID". */
export function payloadList(payloads: readonly IkePayload[]): string {
  return payloads
    .map((p) => {
      if (p.kind === "notify") return `N(${notifyTypeName(p.notifyType)})`;
      if (p.kind === "vendor-id") return "VID";
      if (p.kind === "idi") return "IDi";
      if (p.kind === "idr") return "IDr";
      if (p.kind === "tsi") return "TSi";
      if (p.kind === "tsr") return "TSr";
      if (p.kind === "unknown") return ikePayloadTypeName(p.payloadType);
      return p.kind.toUpperCase();
    })
    .join(" ");
}

