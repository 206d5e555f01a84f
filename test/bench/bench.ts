// What a benchmark file exports. Each `*.bench.ts` under test/bench/ default-exports a list
// of these; `npm run bench -- FILTER` runs those whose name contains FILTER and prints one
// line `bench NAME VALUE UNIT` per figure (DEVELOPERS.md).

export interface Figure {
  /** Dotted name, e.g. "wire.gre-mpls.parse-emit". */
  readonly name: string;
  readonly value: number;
  /** e.g. "frames/s", "ms", "MB". */
  readonly unit: string;
}

export interface Benchmark {
  /** The name of its main figure; the filter matches it (and the figures it reports). */
  readonly name: string;
  /** Runs the measurement and returns one figure or several (e.g. ours, a peer's, a ratio). */
  run(): Promise<Figure | Figure[]> | Figure | Figure[];
}

/**
 * Calls `body(n)` with growing n until a run takes at least `minMs`, then runs that size
 * `trials` times and reports the best rate in ops/s. On a shared machine other work only
 * ever slows a run down, so the fastest trial is the one closest to the code's own speed.
 */
export function opsPerSecond(body: (iterations: number) => void, minMs = 300, trials = 5): number {
  let n = 1000;
  body(n); // warm up the JIT
  for (;;) {
    const ms = timeMs(() => body(n));
    if (ms >= minMs) break;
    n = Math.ceil(n * Math.min(10, Math.max(2, (minMs * 1.2) / Math.max(ms, 1))));
  }
  let best = 0;
  for (let t = 0; t < trials; t++) best = Math.max(best, (n / timeMs(() => body(n))) * 1000);
  return best;
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Formats a value the way the bench lines show it: 3 significant digits, e-notation for large. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e5) return value.toExponential(2).replace("e+", "e");
  return String(Number(value.toPrecision(3)));
}
