// What `flexlab decode FILE` does: one line per packet with the layers wire/'s parsers
// decode, every field of each with --verbose, or the packets as JSON with --json. Exit 1
// when the file is unreadable or malformed or any layer failed to parse; a protocol we do
// not parse yet is not an error. Declared in ../commands/decode.ts.
import { decodeCaptureFile, jsonReplacer, layerFieldLines, summarizePacket, type DecodedRecord } from "../../lab/decode";
import type { JsonOption } from "../options";
import { fail } from "./lab-context";

export interface DecodeOptions extends JsonOption {
  readonly verbose?: boolean;
  /** Wireshark's `esp_sa` file (`flexlab capture --esp-keys`): decrypt ESP with its keys. */
  readonly espKeys?: string;
}

/** Seconds since the first packet, as Wireshark's default time column shows them. */
function relativeSeconds(record: DecodedRecord, first: bigint): string {
  const ns = record.timestampNs - first;
  const sign = ns < 0n ? "-" : "";
  const abs = ns < 0n ? -ns : ns;
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n / 1000n).toString().padStart(6, "0")}`;
}

/** The text view: a line per packet; with `verbose`, each layer's fields under it. */
export function formatDecoded(records: readonly DecodedRecord[], verbose: boolean): string {
  const first = records[0]?.timestampNs ?? 0n;
  const width = String(records.length).length;
  const out: string[] = [];
  for (const r of records) {
    out.push(`${String(r.number).padStart(width)} ${relativeSeconds(r, first)} ${summarizePacket(r.packet)}`);
    if (!verbose) continue;
    for (const layer of r.packet.layers) {
      out.push(`    ${layer.protocol}`);
      if (layer.error !== undefined) out.push(`        error: ${layer.error.toString()}`);
      for (const [name, value] of layerFieldLines(layer)) out.push(`        ${name}: ${value}`);
    }
    if (r.packet.undecoded !== undefined) out.push(`    undecoded: ${r.packet.undecoded}`);
  }
  return out.length === 0 ? "" : out.join("\n") + "\n";
}

/** The --json view: an array of packets, each layer with its fields (reprs). */
export function decodedJson(records: readonly DecodedRecord[]): string {
  const packets = records.map((r) => ({
    number: r.number,
    timestampNs: r.timestampNs.toString(),
    linkType: r.linkType,
    capturedLength: r.capturedLength,
    originalLength: r.originalLength,
    ...(r.interfaceName === undefined ? {} : { interfaceName: r.interfaceName }),
    summary: summarizePacket(r.packet),
    layers: r.packet.layers.map((l) => ({ protocol: l.protocol, summary: l.summary, ...(l.fields ? { fields: l.fields } : {}), ...(l.error ? { error: l.error.toString() } : {}) })),
    ...(r.packet.undecoded === undefined ? {} : { undecoded: r.packet.undecoded }),
  }));
  return JSON.stringify(packets, jsonReplacer, 2) + "\n";
}

export async function decode(file: string, options: DecodeOptions): Promise<void> {
  const decoded = await decodeCaptureFile(file, options.espKeys === undefined ? {} : { espKeys: options.espKeys });
  if (!decoded.ok) return fail(decoded.message);
  const { records } = decoded;
  process.stdout.write(options.json ? decodedJson(records) : formatDecoded(records, options.verbose === true));
  const failed = records.filter((r) => r.packet.error !== undefined).length;
  if (failed > 0) fail(`${file}: ${failed} of ${records.length} packet${records.length === 1 ? "" : "s"} with a layer that failed to parse`);
}
