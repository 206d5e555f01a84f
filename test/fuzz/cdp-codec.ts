// Fuzzes the CDP codec by itself, as nhrp-codec.ts does NHRP: mutated CDP PDUs (the corpus's
// advertisements, with the checksum usually repaired so edits reach the TLVs behind it) go
// through parseCdp, which must never throw; whatever it accepts must survive emitCdp and
// parse back to the same value, and emitting that again must give the same bytes.
import { isDeepStrictEqual } from "node:util";
import { cdpChecksum, emitCdp, parseCdp } from "../../core/router/wire/cdp";
import { isWireError } from "../../core/router/wire/errors";
import { cdpPdus } from "./corpus";
import { Mutator, Random } from "./mutator";

export interface CdpCodecFuzzReport {
  readonly inputs: number;
  readonly accepted: number;
  /** Rejections by the field the WireError names. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly failures: readonly { readonly input: string; readonly message: string }[];
  readonly elapsedMs: number;
}

const FAILURES_KEPT = 10;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");
}

/** The oracle for one input: undefined when it holds, else what broke. */
export function checkCdpInput(input: Uint8Array): string | undefined {
  const first = parseCdp(input);
  if (isWireError(first)) return undefined;
  const bytes = emitCdp(first);
  const second = parseCdp(bytes);
  if (isWireError(second)) return `emit of an accepted PDU does not parse: ${second.toString()}`;
  if (!isDeepStrictEqual(second, first)) return "parse(emit(p)) differs from p";
  if (!isDeepStrictEqual(emitCdp(second), bytes)) return "emit(parse(emit(p))) differs from emit(p)";
  return undefined;
}

/** Puts a valid checksum in the PDU's header. */
export function repairCdpChecksum(pdu: Uint8Array): void {
  if (pdu.length < 4) return;
  pdu[2] = pdu[3] = 0;
  const c = cdpChecksum(pdu);
  pdu[2] = c >>> 8;
  pdu[3] = c & 0xff;
}

export function fuzzCdpCodec(inputs: number, seed: number): CdpCodecFuzzReport {
  const started = performance.now();
  const random = new Random(seed ^ 0xcd9);
  const m = new Mutator(new Random(seed), cdpPdus().map((bytes) => ({ bytes, ipv4At: [] })));
  const rejected: Record<string, number> = {};
  const failures: { input: string; message: string }[] = [];
  let accepted = 0;
  for (let i = 0; i < inputs; i++) {
    m.next();
    const input = m.buf.subarray(0, m.length);
    if (random.below(8) !== 0) repairCdpChecksum(input);
    let message: string | undefined;
    try {
      const parsed = parseCdp(input);
      if (isWireError(parsed)) {
        rejected[parsed.field] = (rejected[parsed.field] ?? 0) + 1;
        continue;
      }
      accepted++;
      message = checkCdpInput(input);
    } catch (err) {
      message = `threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    }
    if (message !== undefined && failures.length < FAILURES_KEPT) failures.push({ input: hex(input), message });
  }
  return { inputs, accepted, rejected, failures, elapsedMs: performance.now() - started };
}
