// Issue 14's corpus: public IOS / IOS XE configs (test/fixtures/ios-configs/, sources and
// licences in its README) go through `flexlab config check` with at least 95 % of their
// command lines accepted, and every one of them survives show running-config: the model read
// back from its rendering is the model the file gave.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/router/config/parse";
import { renderRunningConfig } from "../../core/router/config/render";
import { corpusFiles, measureCorpus } from "../support/ios-corpus";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const files = corpusFiles();

describe("the public IOS config corpus", () => {
  it("holds at least 20 configs", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it("has at least 95 % of its command lines accepted by config check", async () => {
    const corpus = await measureCorpus(files);
    const refused = corpus.files.flatMap((f) => f.refused.map((r) => `${basename(f.file)}:${r}`));
    expect(corpus.percent, `refused:\n${refused.join("\n")}`).toBeGreaterThanOrEqual(95);
  });

  it("gets the same verdict from the flexlab command itself", async () => {
    const corpus = await measureCorpus(files);
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [join(root, "bin/flexlab.mjs"), "config", "check", "--json", ...files], { cwd: root }));
    } catch (err) {
      ({ stdout } = err as { stdout: string }); // exit 1 while any line is refused
    }
    const report = JSON.parse(stdout) as { files: { file: string; problems: { line: number; severity: string }[] }[] };
    const refusedLines = report.files.map((f) => new Set(f.problems.filter((p) => p.severity === "error").map((p) => p.line)).size);
    expect(refusedLines).toEqual(corpus.files.map((f) => f.lines - f.accepted));
  });

  for (const file of files) {
    it(`round-trips ${basename(file)} through show running-config`, () => {
      const first = parseConfig(readFileSync(file, "utf8"));
      const rendered = renderRunningConfig(first.model);
      const second = parseConfig(rendered);
      expect(second.diagnostics, rendered).toEqual([]);
      expect(second.model).toEqual(first.model);
      expect(renderRunningConfig(second.model)).toBe(rendered);
    });
  }
});
