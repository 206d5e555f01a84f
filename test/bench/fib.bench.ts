// FIB longest-prefix-match speed with a million routes (issue: router core).
import { prefix } from "../../core/router/wire/addr";
import { LpmTable } from "../../core/router/net/lpm";
import { opsPerSecond, type Benchmark } from "./bench";

/** A small deterministic PRNG so every run measures the same table. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const benchmarks: Benchmark[] = [
  {
    name: "net.fib.lookup-1m-routes",
    run() {
      const rand = xorshift(42);
      const table = new LpmTable<number>();
      const buildStart = process.hrtime.bigint();
      for (let i = 0; table.size < 1_000_000; i++) {
        const r = rand() % 100;
        const len = r < 60 ? 24 : r < 80 ? 22 + (r % 3) : r < 95 ? 16 + (r % 8) : 25 + (r % 8);
        table.set(prefix(rand(), len), i);
      }
      const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
      const probes = new Uint32Array(1 << 16);
      for (let i = 0; i < probes.length; i++) probes[i] = rand();
      let sink = 0;
      const rate = opsPerSecond((n) => {
        for (let i = 0; i < n; i++) sink += table.lookup(probes[i & 0xffff]) ?? 0;
      });
      if (sink === -1) console.log(sink);
      return [
        { name: "net.fib.lookup-1m-routes", value: rate, unit: "lookups/s" },
        { name: "net.fib.build-1m-routes", value: buildMs, unit: "ms" },
      ];
    },
  },
];
export default benchmarks;
