// The public IOS / IOS XE configs under test/fixtures/ios-configs/ (sources in the README
// beside them), measured through `flexlab config check`'s own code path: how many of their
// command lines the router's grammar accepts. A command line is one that is neither blank nor
// a `!` comment; a line is refused when config check reports an error for it (its own
// `% Invalid input`, or skipped as the child of a refused line).
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkConfigFiles } from "../../core/lab/config-check";

export const CORPUS_DIR = resolve(import.meta.dirname, "../fixtures/ios-configs");

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".cfg"))
    .sort()
    .map((f) => join(CORPUS_DIR, f));
}

export interface CorpusFileShare {
  readonly file: string;
  /** Command lines (not blank, not `!`). */
  readonly lines: number;
  /** Command lines config check reports no error for. */
  readonly accepted: number;
  /** The refused lines as `LINE: text  <- message`. */
  readonly refused: readonly string[];
}

export function isCommandLine(line: string): boolean {
  const t = line.trim();
  return t !== "" && !t.startsWith("!");
}

export async function measureCorpus(files = corpusFiles()): Promise<{ files: CorpusFileShare[]; lines: number; accepted: number; percent: number }> {
  const results = await checkConfigFiles(files, false);
  const { readFile } = await import("node:fs/promises");
  const shares: CorpusFileShare[] = [];
  for (const r of results) {
    const source = (await readFile(r.file, "utf8")).split(/\r?\n/);
    const bad = new Map<number, string>();
    for (const p of r.problems) if (p.severity === "error" && !bad.has(p.line)) bad.set(p.line, p.message);
    let lines = 0;
    let accepted = 0;
    const refused: string[] = [];
    source.forEach((text, i) => {
      if (!isCommandLine(text)) return;
      lines++;
      const message = bad.get(i + 1);
      if (message === undefined) accepted++;
      else refused.push(`${i + 1}: ${text.trim()}  <- ${message}`);
    });
    shares.push({ file: r.file, lines, accepted, refused });
  }
  const lines = shares.reduce((n, s) => n + s.lines, 0);
  const accepted = shares.reduce((n, s) => n + s.accepted, 0);
  return { files: shares, lines, accepted, percent: lines === 0 ? 0 : (accepted / lines) * 100 };
}
