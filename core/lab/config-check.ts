// `flexlab config check FILE...`: parses IOS configs with the router's own grammar and reports
// each rejected line as FILE:LINE:COL: <IOS error>. Lines the router accepts but gives no
// behaviour in a lab are warnings, listed on request, never errors.
import { parseConfig } from "../router/config/parse";
import { readConfigFile } from "./config-file";

export interface CheckProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: "error" | "warning";
  readonly message: string;
}

/** Lines accepted but not simulated, of one family (with --warnings). */
export interface InertFamily {
  readonly family: string;
  readonly lines: number;
  /** Why the lab ignores them, each reason once. */
  readonly reasons: readonly string[];
}

export interface CheckResult {
  readonly file: string;
  readonly lines: number;
  readonly problems: readonly CheckProblem[];
  /** With --warnings: what the lab will ignore, by family, largest first. */
  readonly families?: readonly InertFamily[];
}

export function checkConfigText(file: string, text: string, withWarnings: boolean): CheckResult {
  const result = parseConfig(text);
  const source = text.split(/\r?\n/);
  const problems: CheckProblem[] = result.diagnostics.map((d) => ({ file, line: d.line, column: d.column, severity: "error", message: d.message }));
  if (withWarnings) {
    for (const w of result.warnings) {
      const command = source[w.line - 1]?.trim() ?? w.command;
      problems.push({ file, line: w.line, column: w.column, severity: "warning", message: `"${command}" has no effect in a lab: ${w.message}` });
    }
    // What IOS would print taking a line (`mpls ip` on a FlexVPN tunnel, an address removed).
    for (const n of result.notes) problems.push({ file, line: n.line, column: n.column, severity: "warning", message: n.message });
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (!withWarnings) return { file, lines: source.length, problems };
  const byFamily = new Map<string, { lines: number; reasons: Set<string> }>();
  for (const w of result.warnings) {
    const f = byFamily.get(w.family) ?? { lines: 0, reasons: new Set<string>() };
    f.lines++;
    f.reasons.add(w.message);
    byFamily.set(w.family, f);
  }
  const families = [...byFamily].map(([family, f]) => ({ family, lines: f.lines, reasons: [...f.reasons] })).sort((a, b) => b.lines - a.lines || (a.family < b.family ? -1 : 1));
  return { file, lines: source.length, problems, families };
}

export async function checkConfigFiles(files: readonly string[], withWarnings: boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const file of files) {
    const read = await readConfigFile(file);
    if (!read.ok) {
      results.push({ file, lines: 0, problems: [{ file, line: read.line, column: read.column, severity: "error", message: `% ${read.reason}` }] });
      continue;
    }
    results.push(checkConfigText(file, read.text, withWarnings));
  }
  return results;
}

/** The summary of --warnings: what the lab will ignore in a file, family by family. */
export function formatInertFamilies(r: CheckResult): string[] {
  if (!r.families?.length) return [];
  return [`${r.file}: accepted but not simulated:`, ...r.families.map((f) => `  ${f.family}: ${f.lines} line${f.lines === 1 ? "" : "s"} (${f.reasons.join("; ")})`)];
}

export function formatCheckProblem(p: CheckProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
}
