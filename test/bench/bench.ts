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

/** Calls `body(n)` with growing n until a run takes at least `minMs`, then reports ops/s. */
export function opsPerSecond(body: (iterations: number) => void, minMs = 1000): number {
  let n = 1000;
  body(n); // warm up the JIT
  for (;;) {
    const start = process.hrtime.bigint();
    body(n);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (ms >= minMs) return (n / ms) * 1000;
    n = Math.ceil(n * Math.min(10, Math.max(2, (minMs * 1.2) / Math.max(ms, 1))));
  }
}

/** Formats a value the way the bench lines show it: 3 significant digits, e-notation for large. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e5) return value.toExponential(2).replace("e+", "e");
  return String(Number(value.toPrecision(3)));
}
