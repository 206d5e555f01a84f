// Runs an exercise's checks against a lab, whatever runs it: a CheckTarget gives exec,
// tables, the running-config and time (real for a deployed lab through the nodes' mgmt API,
// virtual for `flexlab sim`). A check that may wait for convergence is looked at again every
// POLL_MS until it passes or its time is up; what it saw the last time is its result.
import type { CheckReport, CheckResult } from "../../api/checks";
import type { Result } from "../../api/result";
import type { TableName } from "../../api/tables";
import { rejectedCommand } from "../rejected";
import type { Check, FieldCondition } from "./spec";

/** How a lab is looked at. Failures (a node down, a timeout) are values: the check fails with them. */
export interface CheckTarget {
  /** "process", "docker" or "sim". */
  readonly runtime: string;
  /** Checks run at once; 1 when looking moves a shared clock (sim). */
  readonly parallel: number;
  exec(node: string, command: string): Promise<Result<{ output: string }>>;
  table(node: string, table: TableName): Promise<Result<{ rows: readonly unknown[] }>>;
  runningConfig(node: string): Promise<Result<{ text: string }>>;
  /** The lab's time in milliseconds. */
  now(): number;
  /** Lets `ms` of the lab's time pass. */
  sleep(ms: number): Promise<void>;
}

/** How often a waiting check is looked at again. */
export const POLL_MS = 1000;
/** A ping's or traceroute's probe timeout in a check: a lost probe costs a second, not two. */
const PROBE_TIMEOUT_S = 1;
/** IOS sends at most one ICMP unreachable per 500 ms: a traceroute that met a silent hop is
 * run once more after this, in case the silence was that limit and not the path. */
const ICMP_UNREACHABLE_INTERVAL_MS = 600;
/** The longest "seen" text a result carries: a student reads a line, not a page. */
const MAX_SEEN_CHARS = 300;

interface Verdict {
  readonly passed: boolean;
  readonly seen: string;
}

/** Runs every check, `target.parallel` at a time; results in the checks' order. */
export async function runChecks(lab: string, checks: readonly Check[], target: CheckTarget): Promise<CheckReport> {
  const results: CheckResult[] = new Array<CheckResult>(checks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < checks.length; i = next++) results[i] = await runCheck(checks[i], target);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(target.parallel, checks.length)) }, worker));
  const passed = results.filter((r) => r.passed).length;
  return {
    lab,
    runtime: target.runtime,
    results,
    passed,
    failed: results.length - passed,
    points: results.reduce((sum, r) => sum + r.points, 0),
    earned: results.reduce((sum, r) => sum + r.earned, 0),
  };
}

export async function runCheck(check: Check, target: CheckTarget): Promise<CheckResult> {
  const started = target.now();
  let attempts = 0;
  let verdict: Verdict;
  for (;;) {
    attempts++;
    verdict = await look(check, target);
    const waited = target.now() - started;
    if (verdict.passed || waited + POLL_MS > check.waitMs) break;
    await target.sleep(POLL_MS);
  }
  return {
    index: check.index,
    title: check.title,
    node: check.node,
    kind: check.kind,
    passed: verdict.passed,
    points: check.points,
    earned: verdict.passed ? check.points : 0,
    expected: expected(check),
    seen: clip(verdict.seen),
    ...(check.hint !== undefined && !verdict.passed ? { hint: check.hint } : {}),
    attempts,
    elapsedMs: target.now() - started,
  };
}

/** What the check wants, in words. */
export function expected(check: Check): string {
  switch (check.kind) {
    case "exec":
      return `${check.mustMatch ? "a" : "no"} line of \`${check.command}\` matches ${check.pattern.source}`;
    case "table":
      return `${check.present ? "a" : "no"} row of \`${check.table}\`${check.where.length ? ` with ${check.where.map(([f, c]) => describeCondition(f, c)).join(", ")}` : ""}`;
    case "ping": {
      const range = check.maxSuccess < 100 ? (check.minSuccess > 0 ? `${check.minSuccess}–${check.maxSuccess}%` : `at most ${check.maxSuccess}%`) : `at least ${check.minSuccess}%`;
      return `ping ${vrfWords(check.vrf)}${check.target}${check.source ? ` source ${check.source}` : ""} succeeds ${range} of ${check.repeat}`;
    }
    case "traceroute":
      return `traceroute ${vrfWords(check.vrf)}${check.target} reaches it ${check.hops !== undefined ? `at hop ${check.hops}` : `within ${check.maxHops} hops`}`;
    case "config":
      return `running-config ${check.present ? "has" : "has no"} "${check.line}"${check.under ? ` under "${check.under}"` : ""}`;
  }
}

function vrfWords(vrf: string | undefined): string {
  return vrf ? `vrf ${vrf} ` : "";
}

function describeCondition(field: string, c: FieldCondition): string {
  if (c.kind === "equals") return `${field} ${c.value}`;
  if (c.kind === "matches") return `${field} matching ${c.pattern.source}`;
  return c.exists ? `${field} set` : `no ${field}`;
}

async function look(check: Check, target: CheckTarget): Promise<Verdict> {
  switch (check.kind) {
    case "exec": {
      const out = await target.exec(check.node, check.command);
      if (!out.ok) return { passed: false, seen: out.message };
      const rejected = rejectedCommand(out.output);
      if (rejected) return { passed: false, seen: `${check.node} rejected \`${check.command}\`: ${rejected}` };
      const line = firstMatchingLine(out.output, (l) => check.pattern.test(l));
      if (check.mustMatch) return line !== undefined ? { passed: true, seen: line.trim() } : { passed: false, seen: `no line matches (${lineCount(out.output)} lines of output)` };
      return line === undefined ? { passed: true, seen: `no line matches (${lineCount(out.output)} lines of output)` } : { passed: false, seen: line.trim() };
    }
    case "table": {
      const got = await target.table(check.node, check.table);
      if (!got.ok) return { passed: false, seen: got.message };
      const row = got.rows.find((r) => check.where.every(([field, c]) => holds(valuesAt(r, field), c)));
      if (row !== undefined) return { passed: check.present, seen: describeRow(row, check.where) };
      return { passed: !check.present, seen: `no such row among ${got.rows.length} row${got.rows.length === 1 ? "" : "s"} of \`${check.table}\`` };
    }
    case "ping":
      return lookPing(check, target);
    case "traceroute":
      return lookTraceroute(check, target);
    case "config": {
      const got = await target.runningConfig(check.node);
      if (!got.ok) return { passed: false, seen: got.message };
      const found = configHas(got.text, check.line, check.under);
      const where = check.under ? ` under "${check.under}"` : "";
      if (found === "no-section") return { passed: !check.present, seen: `no "${check.under}" in the running-config` };
      return found ? { passed: check.present, seen: `"${normalizeLine(check.line)}" is there${where}` } : { passed: !check.present, seen: `no "${normalizeLine(check.line)}"${where}` };
    }
  }
}

const SUCCESS_RATE = /^Success rate is (\d{1,3}) percent \((\d+)\/(\d+)\)/m;

async function lookPing(check: Extract<Check, { kind: "ping" }>, target: CheckTarget): Promise<Verdict> {
  const command = `ping ${vrfWords(check.vrf)}${check.target} repeat ${check.repeat} timeout ${PROBE_TIMEOUT_S}${check.source ? ` source ${check.source}` : ""}`;
  const out = await target.exec(check.node, command);
  if (!out.ok) return { passed: false, seen: out.message };
  const m = SUCCESS_RATE.exec(out.output);
  if (!m) return { passed: false, seen: lastLine(out.output) || `no answer to \`${command}\`` };
  const answered = Number(m[2]);
  const sent = Number(m[3]);
  const rate = sent ? (100 * answered) / sent : 0;
  const end = out.output.indexOf("\n", m.index);
  return { passed: rate >= check.minSuccess && rate <= check.maxSuccess, seen: out.output.slice(m.index, end < 0 ? undefined : end) };
}

/** A hop line of IOS's traceroute: "  1 10.0.12.2 1 msec"; continuation lines have no number. */
const HOP_LINE = /^ {0,2}(\d{1,2}) (.*)$/;
/** IOS's marks for a probe answered by an unreachable other than the port's. */
const UNREACHABLE_MARK = / !(?:H|N|P|A) | \? /;

async function lookTraceroute(check: Extract<Check, { kind: "traceroute" }>, target: CheckTarget): Promise<Verdict> {
  const first = await traceOnce(check, target);
  if (first.passed || !first.silentHop) return first;
  await target.sleep(ICMP_UNREACHABLE_INTERVAL_MS);
  return traceOnce(check, target);
}

/** One traceroute, one probe per hop; `silentHop` when a hop did not answer at all. */
async function traceOnce(check: Extract<Check, { kind: "traceroute" }>, target: CheckTarget): Promise<Verdict & { silentHop?: boolean }> {
  // Two hops past the bound, so a path one hop too long shows as such rather than "not reached".
  const maxTtl = Math.min(30, check.maxHops + 2);
  const command = `traceroute ${vrfWords(check.vrf)}${check.target} probe 1 timeout ${PROBE_TIMEOUT_S} ttl 1 ${maxTtl}`;
  const out = await target.exec(check.node, command);
  if (!out.ok) return { passed: false, seen: out.message };
  const rejected = rejectedCommand(out.output);
  if (rejected) return { passed: false, seen: rejected };
  let hop = 0;
  let silentHop = false;
  let reachedAt: number | undefined;
  let reachedLine = "";
  let last = "";
  for (const line of out.output.split("\n")) {
    const m = HOP_LINE.exec(line);
    if (m) {
      hop = Number(m[1]);
      last = line.trim();
      if (/^\d+\s+\*\s*$/.test(last)) silentHop = true;
    } else if (hop > 0 && line.startsWith("   ")) last += ` ${line.trim()}`;
    if (hop > 0 && reachedAt === undefined && line.split(/\s+/).includes(check.target)) {
      reachedAt = hop;
      reachedLine = line.trim();
    }
  }
  // The target answers from the address it sends out of, not always the one traced to; the
  // trace stops early only at a destination unreachable: a port unreachable (no mark) is the
  // target, a marked one (!H, !N, !P, !A, ?) is a router refusing the way.
  if (reachedAt === undefined && hop > 0 && hop < maxTtl && /\d+ msec/.test(last) && !UNREACHABLE_MARK.test(last)) {
    reachedAt = hop;
    reachedLine = last;
  }
  if (reachedAt === undefined) return { passed: false, silentHop, seen: hop ? `did not reach ${check.target} in ${hop} hop${hop === 1 ? "" : "s"} (last: ${last})` : lastLine(out.output) || "no hops" };
  const passed = check.hops !== undefined ? reachedAt === check.hops : reachedAt <= check.maxHops;
  return { passed, silentHop, seen: `reached ${check.target} at hop ${reachedAt} (${reachedLine})` };
}

/** The values at a dotted path; arrays on the way contribute each element. */
export function valuesAt(row: unknown, path: string): unknown[] {
  let values: unknown[] = [row];
  for (const key of path.split(".")) {
    const next: unknown[] = [];
    for (const v of values) {
      if (v === null || typeof v !== "object" || !Object.hasOwn(v, key)) continue;
      const child = (v as Record<string, unknown>)[key];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined) next.push(child);
    }
    values = next;
  }
  return values;
}

function holds(values: readonly unknown[], c: FieldCondition): boolean {
  switch (c.kind) {
    case "exists":
      return values.length > 0 === c.exists;
    case "equals":
      return values.some((v) => scalarText(v) === c.value);
    case "matches":
      return values.some((v) => {
        const text = scalarText(v);
        return text !== undefined && c.pattern.test(text);
      });
  }
}

function scalarText(v: unknown): string | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/** A row as the fields the check asked about (or its first few), "prefix=10.1.0.0/24 labels=16". */
function describeRow(row: unknown, where: readonly (readonly [string, FieldCondition])[]): string {
  const fields = where.length ? where.map(([f]) => f) : Object.keys(row as object).slice(0, 4);
  return fields.map((f) => `${f}=${valuesAt(row, f).map((v) => scalarText(v) ?? JSON.stringify(v)).join(",") || "-"}`).join(" ");
}

/** One running-config line, as compared: trimmed, runs of blanks as one space. */
function normalizeLine(line: string): string {
  return line.trim().replace(/\s+/g, " ");
}

function indentOf(line: string): number {
  let n = 0;
  while (n < line.length && line.charCodeAt(n) === 32) n++;
  return n;
}

/** Whether the config has `line` (under the section headed `under`, at any depth); a linear scan. */
export function configHas(text: string, line: string, under?: string): boolean | "no-section" {
  const want = normalizeLine(line);
  const lines = text.split("\n");
  if (under === undefined) return lines.some((l) => normalizeLine(l) === want);
  const header = normalizeLine(under);
  let sawSection = false;
  let sectionIndent = -1;
  for (const l of lines) {
    const text = normalizeLine(l);
    if (text === "" || text === "!") continue;
    const indent = indentOf(l);
    if (sectionIndent >= 0) {
      if (indent > sectionIndent) {
        if (text === want) return true;
        continue;
      }
      sectionIndent = -1;
    }
    if (text === header) {
      sawSection = true;
      sectionIndent = indent;
    }
  }
  return sawSection ? false : "no-section";
}

function firstMatchingLine(output: string, test: (line: string) => boolean): string | undefined {
  for (const line of output.split("\n")) if (test(line)) return line;
  return undefined;
}

function lineCount(output: string): number {
  return output.split("\n").filter((l) => l !== "").length;
}

function lastLine(output: string): string {
  const lines = output.split("\n").filter((l) => l.trim() !== "");
  return lines.length ? lines[lines.length - 1].trim() : "";
}

function clip(text: string): string {
  return text.length > MAX_SEEN_CHARS ? `${text.slice(0, MAX_SEEN_CHARS - 1)}…` : text;
}
