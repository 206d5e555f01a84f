// A capture file (pcap or pcapng) decoded packet by packet with wire/'s layer-walking
// decoder: what `flexlab decode` prints and the capture view shows. The file is read whole;
// a malformed file is a message naming the offset, never a throw.
import { readFile } from "node:fs/promises";
import type { Result } from "../api/result";
import { decodePacket, type DecodedPacket, type DissectorRegistry } from "../router/wire/decode";
import { isWireError } from "../router/wire/errors";
import { readCapture } from "../router/wire/pcap";

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

/** Reads and decodes the capture file at `path`. */
export async function decodeCaptureFile(path: string): Promise<Result<{ records: DecodedRecord[] }>> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    return { ok: false, message: `cannot read ${path}: ${(err as Error).message}` };
  }
  const decoded = decodeCapture(bytes);
  return decoded.ok ? decoded : { ok: false, message: `${path}: ${decoded.message}` };
}
