// `npm run bench [-- FILTER...]`: loads every test/bench/*.bench.ts, runs the benchmarks
// whose name (or any figure's name) contains one of the filters, prints `bench NAME VALUE UNIT`.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatValue, type Benchmark, type Figure } from "./bench";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => a !== "--");

const files = readdirSync(here).filter((f) => f.endsWith(".bench.ts")).sort();
let ran = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Benchmark[] };
  for (const bench of mod.default) {
    if (filters.length && !filters.some((f) => bench.name.includes(f))) continue;
    ran++;
    try {
      const result = await bench.run();
      const figures: Figure[] = Array.isArray(result) ? result : [result];
      for (const fig of figures) console.log(`bench ${fig.name} ${formatValue(fig.value)} ${fig.unit}`);
    } catch (err) {
      console.error(`bench ${bench.name} failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 1;
    }
  }
}
if (ran === 0) {
  console.error(`no benchmark matches ${filters.join(", ") || "(no filter)"}`);
  process.exitCode = 1;
}
