// Fuzzes the NHRP codec by itself, the way a libFuzzer/Jazzer target would: mutated NHRP
// packets (the receive-path corpus's, with the mutator repairing their checksums so edits
// reach the fields behind it) go through parseNhrp, which must never throw; whatever it
// accepts must survive emitNhrp and parse back to the same value, and emitting that again
// must give the same bytes. A failure keeps the input that caused it, as hex.
import { isDeepStrictEqual } from "node:util";
import { isWireError } from "../../core/router/wire/errors";
import { emitNhrp, parseNhrp } from "../../core/router/wire/nhrp";
import { nhrpPackets } from "./corpus";
import { Mutator, Random } from "./mutator";

export interface NhrpCodecFuzzReport {
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
export function checkNhrpInput(input: Uint8Array): string | undefined {
  const first = parseNhrp(input);
  if (isWireError(first)) return undefined;
  const bytes = emitNhrp(first);
  const second = parseNhrp(bytes);
  if (isWireError(second)) return `emit of an accepted packet does not parse: ${second.toString()}`;
  if (!isDeepStrictEqual(second, first)) return "parse(emit(p)) differs from p";
  const again = emitNhrp(second);
  if (!isDeepStrictEqual(again, bytes)) return "emit(parse(emit(p))) differs from emit(p)";
  return undefined;
}

export function fuzzNhrpCodec(inputs: number, seed: number): NhrpCodecFuzzReport {
  const started = performance.now();
  const corpus = nhrpPackets().map((bytes) => ({ bytes, ipv4At: [], nhrpAt: 0 }));
  const m = new Mutator(new Random(seed), corpus);
  const rejected: Record<string, number> = {};
  const failures: { input: string; message: string }[] = [];
  let accepted = 0;
  for (let i = 0; i < inputs; i++) {
    m.next();
    const input = m.buf.subarray(0, m.length);
    let message: string | undefined;
    try {
      const parsed = parseNhrp(input);
      if (isWireError(parsed)) {
        rejected[parsed.field] = (rejected[parsed.field] ?? 0) + 1;
        continue;
      }
      accepted++;
      message = checkNhrpInput(input);
    } catch (err) {
      message = `threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    }
    if (message !== undefined && failures.length < FAILURES_KEPT) failures.push({ input: hex(input), message });
  }
  return { inputs, accepted, rejected, failures, elapsedMs: performance.now() - started };
}
