// One codec fuzzed by itself, the way a libFuzzer/Jazzer target would: mutated messages from a
// corpus go through the codec's parse, which must never throw; whatever it accepts must survive
// emit and parse back to the same value, and emitting that again must give the same bytes. A
// failure keeps the input that caused it, as hex. nhrp-codec.ts and cdp-codec.ts name the codec.
import { isDeepStrictEqual } from "node:util";
import { isWireError, type WireError } from "../../core/router/wire/errors";
import type { CorpusFrame } from "./corpus";
import { Mutator, Random } from "./mutator";

export interface Codec<T> {
  readonly parse: (bytes: Uint8Array) => T | WireError;
  readonly emit: (value: T) => Uint8Array;
}

export interface CodecFuzzReport {
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
export function checkRoundTrip<T>(codec: Codec<T>, input: Uint8Array): string | undefined {
  const first = codec.parse(input);
  if (isWireError(first)) return undefined;
  const bytes = codec.emit(first);
  const second = codec.parse(bytes);
  if (isWireError(second)) return `emit of an accepted message does not parse: ${second.toString()}`;
  if (!isDeepStrictEqual(second, first)) return "parse(emit(p)) differs from p";
  if (!isDeepStrictEqual(codec.emit(second), bytes)) return "emit(parse(emit(p))) differs from emit(p)";
  return undefined;
}

/** `inputs` mutations of `corpus`; `prepare` may fix each input up (a checksum) before parsing. */
export function fuzzCodec<T>(codec: Codec<T>, corpus: readonly CorpusFrame[], inputs: number, seed: number, prepare?: (input: Uint8Array) => void): CodecFuzzReport {
  const started = performance.now();
  const m = new Mutator(new Random(seed), corpus);
  const rejected: Record<string, number> = {};
  const failures: { input: string; message: string }[] = [];
  let accepted = 0;
  for (let i = 0; i < inputs; i++) {
    m.next();
    const input = m.buf.subarray(0, m.length);
    prepare?.(input);
    let message: string | undefined;
    try {
      const parsed = codec.parse(input);
      if (isWireError(parsed)) {
        rejected[parsed.field] = (rejected[parsed.field] ?? 0) + 1;
        continue;
      }
      accepted++;
      message = checkRoundTrip(codec, input);
    } catch (err) {
      message = `threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    }
    if (message !== undefined && failures.length < FAILURES_KEPT) failures.push({ input: hex(input), message });
  }
  return { inputs, accepted, rejected, failures, elapsedMs: performance.now() - started };
}
