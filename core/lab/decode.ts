// A capture file (pcap or pcapng) decoded packet by packet with wire/'s layer-walking
// decoder: what `flexlab decode` prints and the capture view shows. The file is read whole;
// a malformed file is a message naming the offset, never a throw.
import { readFile } from "node:fs/promises";
import type { Result } from "../api/result";
import { decodePacket, type DecodedPacket, type DissectorRegistry } from "../router/wire/decode";
import { isWireError } from "../router/wire/errors";
import { readCapture } from "../router/wire/pcap";
import { espDecryptingDissectors, parseEspSaFile } from "./esp-decrypt";

export { formatFieldValue, jsonReplacer, layerFieldLines, summarizePacket, type DecodedLayer, type DecodedPacket } from "../router/wire/decode";

export interface DecodedRecord {
  /** 1-based, as Wireshark numbers frames. */
  readonly number: number;
  readonly timestampNs: bigint;
  readonly linkType: number;
  readonly capturedLength: number;
  readonly originalLength: number;
  readonly interfaceName?: string;
  readonly packet: DecodedPacket;
}

/** Decodes every packet of a capture held in memory. */
export function decodeCapture(bytes: Uint8Array, registry?: DissectorRegistry): Result<{ records: DecodedRecord[] }> {
  const records = readCapture(bytes);
  if (isWireError(records)) return { ok: false, message: records.toString() };
  return {
    ok: true,
    records: records.map((r, i) => ({
      number: i + 1,
      timestampNs: r.timestampNs,
      linkType: r.linkType,
      capturedLength: r.data.length,
      originalLength: r.originalLength,
      ...(r.interfaceName === undefined ? {} : { interfaceName: r.interfaceName }),
      packet: decodePacket(r.data, r.linkType, registry),
    })),
  };
}

export interface DecodeFileOptions {
  /** Wireshark's `esp_sa` file: ESP of its SAs is decrypted and what it carries decoded. */
  readonly espKeys?: string;
}

/** Reads and decodes the capture file at `path`. */
export async function decodeCaptureFile(path: string, options: DecodeFileOptions = {}): Promise<Result<{ records: DecodedRecord[] }>> {
  let registry: DissectorRegistry | undefined;
  if (options.espKeys !== undefined) {
    let text: string;
    try {
      text = await readFile(options.espKeys, "utf8");
    } catch (err) {
      return { ok: false, message: `cannot read ${options.espKeys}: ${(err as Error).message}` };
    }
    const keys = parseEspSaFile(text);
    if (!keys.ok) return { ok: false, message: `${options.espKeys}: ${keys.message}` };
    registry = espDecryptingDissectors(keys.sas);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    return { ok: false, message: `cannot read ${path}: ${(err as Error).message}` };
  }
  const decoded = decodeCapture(bytes, registry);
  return decoded.ok ? decoded : { ok: false, message: `${path}: ${decoded.message}` };
}
