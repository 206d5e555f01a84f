// An exercise's checks, as written under `checks:` in lab.yaml or in checks.yaml beside it:
// the zod schema, and the checks as the engine (run.ts) takes them. Each check names a node
// and says one thing that must hold there: an exec command's output does (not) have a line
// matching an IOS regex; a table (`flexlab tables` names) has (no) row meeting field
// conditions; a ping succeeds often enough; a traceroute reaches its target in so many hops;
// the running-config has (not) a line. Patterns compile here, with the router's linear IOS
// regex, so a bad one is a positioned error before anything runs, and no pattern can make
// matching backtrack.
import { z } from "zod";
import { TABLE_NAMES, TABLE_ROWS, type TableName } from "../../api/tables";
import { compileIosRegex, isRegexError, type IosRegex } from "../../router/cli/regex";
import type { LabProblem } from "../topology";

/** A duration as lab files write it: "500ms", "30s", "2m"; a bare number is seconds. */
const DURATION = /^(\d{1,6}(?:\.\d{1,3})?)\s*(ms|s|m)?$/;
const SCALE_MS = { ms: 1, s: 1000, m: 60_000 } as const;
/** The longest a check may wait for convergence. */
export const MAX_WAIT_MS = 600_000;
/** Probes one ping may send; a check is a test, not a load generator. */
const MAX_PING_REPEAT = 1000;
const MAX_CHECKS = 1000;

/** Milliseconds of a lab-file duration, or undefined when malformed. */
export function parseLabDuration(value: string | number): number | undefined {
  const m = DURATION.exec(String(value).trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SCALE_MS[(m[2] ?? "s") as keyof typeof SCALE_MS]);
}

const durationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseLabDuration(v);
  if (ms === undefined || ms > MAX_WAIT_MS) {
    ctx.addIssue({ code: "custom", message: `a duration is e.g. 500ms, 30s or 2m (at most ${MAX_WAIT_MS / 60_000}m)` });
    return z.NEVER;
  }
  return ms;
});

/** "80%", "80 %" or 80: a percentage 0–100. */
const percentSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const m = /^(\d{1,3}(?:\.\d+)?)\s*%?$/.exec(String(v).trim());
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 100)) {
    ctx.addIssue({ code: "custom", message: "a success rate is a percentage, e.g. 80%" });
    return z.NEVER;
  }
  return n;
});

/** A dotted quad (the target of a ping or traceroute). */
const ipv4Schema = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, { error: "an IPv4 address, e.g. 10.0.12.2" });
/** A VRF name, as the router's grammar takes one word. */
const vrfSchema = z.string().regex(/^\S{1,32}$/, { error: "a VRF name is one word" });

/** An IOS regex, compiled; its error says where IOS would have refused it. */
const patternSchema = z.string().transform((source, ctx) => {
  const compiled = compileIosRegex(source);
  if (isRegexError(compiled)) {
    ctx.addIssue({ code: "custom", message: `% Invalid regular expression: ${compiled.error} at character ${compiled.at + 1}` });
    return z.NEVER;
  }
  return compiled;
});

/** One field condition: a plain value is "equals"; or one of equals / matches / exists. */
const conditionSchema = z.union([
  z.union([z.string(), z.number(), z.boolean()]).transform((equals) => ({ kind: "equals" as const, value: String(equals) })),
  z
    .object({ equals: z.union([z.string(), z.number(), z.boolean()]) })
    .strict()
    .transform((c) => ({ kind: "equals" as const, value: String(c.equals) })),
  z
    .object({ matches: patternSchema })
    .strict()
    .transform((c) => ({ kind: "matches" as const, pattern: c.matches })),
  z
    .object({ exists: z.boolean() })
    .strict()
    .transform((c) => ({ kind: "exists" as const, exists: c.exists })),
]);
export type FieldCondition = { readonly kind: "equals"; readonly value: string } | { readonly kind: "matches"; readonly pattern: IosRegex } | { readonly kind: "exists"; readonly exists: boolean };

const execSchema = z
  .object({
    command: z.string().min(1, { error: "the exec command to run, e.g. show ip route" }),
    match: patternSchema.optional(),
    notMatch: patternSchema.optional(),
  })
  .strict()
  .refine((e) => (e.match === undefined) !== (e.notMatch === undefined), { error: "exec takes one of match (a line must match) or notMatch (no line may)" });

const tableSchema = z
  .object({
    name: z.enum(TABLE_NAMES, { error: `a table is one of ${TABLE_NAMES.join(", ")}` }),
    where: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, { error: "a field name, or a dotted path like paths.labels" }), conditionSchema).default({}),
    /** Whether such a row must be there (default) or must not. */
    present: z.boolean().default(true),
  })
  .strict();

const pingSchema = z
  .object({
    target: ipv4Schema,
    vrf: vrfSchema.optional(),
    source: z.string().regex(/^\S{1,40}$/, { error: "a source address or interface" }).optional(),
    repeat: z.number().int().min(1).max(MAX_PING_REPEAT).default(5),
    /** At least this share of the probes answered (default 80%: the first may wait for ARP). */
    minSuccess: percentSchema.default(80),
    /** At most this share: `maxSuccess: 0%` checks that something is blocked. */
    maxSuccess: percentSchema.default(100),
  })
  .strict();

const tracerouteSchema = z
  .object({
    target: ipv4Schema,
    vrf: vrfSchema.optional(),
    /** The target answers at exactly this hop. */
    hops: z.number().int().min(1).max(30).optional(),
    /** The target answers at this hop or sooner (default 30). */
    maxHops: z.number().int().min(1).max(30).optional(),
  })
  .strict();

const configSchema = z
  .object({
    line: z.string().min(1, { error: "the running-config line, e.g. ip nhrp shortcut virtual-template 1" }),
    /** The section it belongs to ("interface Tunnel0"); absent: anywhere. */
    under: z.string().min(1).optional(),
    present: z.boolean().default(true),
  })
  .strict();

const KINDS = ["exec", "table", "ping", "traceroute", "config"] as const;
export type CheckKind = (typeof KINDS)[number];

const checkSchema = z
  .object({
    title: z.string().min(1, { error: "a check needs a title, what a student reads" }),
    node: z.string().min(1, { error: "a check names the node it runs on" }),
    points: z.number().int().min(0).max(1000).default(1),
    hint: z.string().optional(),
    /** Poll until it passes, for at most this long (convergence). */
    wait: durationSchema.optional(),
    exec: execSchema.optional(),
    table: tableSchema.optional(),
    ping: pingSchema.optional(),
    traceroute: tracerouteSchema.optional(),
    config: configSchema.optional(),
  })
  .strict();

const checksSchema = z.array(checkSchema, { error: "checks is a list, each item a check with a title, a node and one of exec, table, ping, traceroute, config" }).max(MAX_CHECKS, { error: `at most ${MAX_CHECKS} checks` });

interface CheckBase {
  /** Position in the checks list, 0-based. */
  readonly index: number;
  readonly title: string;
  readonly node: string;
  readonly points: number;
  readonly hint?: string;
  /** Keep trying until this many milliseconds have passed; 0: once. */
  readonly waitMs: number;
}

export type Check = CheckBase &
  (
    | { readonly kind: "exec"; readonly command: string; readonly pattern: IosRegex; readonly mustMatch: boolean }
    | { readonly kind: "table"; readonly table: TableName; readonly where: readonly (readonly [string, FieldCondition])[]; readonly present: boolean }
    | { readonly kind: "ping"; readonly target: string; readonly vrf?: string; readonly source?: string; readonly repeat: number; readonly minSuccess: number; readonly maxSuccess: number }
    | { readonly kind: "traceroute"; readonly target: string; readonly vrf?: string; readonly hops?: number; readonly maxHops: number }
    | { readonly kind: "config"; readonly line: string; readonly under?: string; readonly present: boolean }
  );

/** Whether `path` (dotted) names a field of the table's rows: through objects, arrays and
 * optionals; past a union, anything goes. */
function fieldExists(schema: z.ZodType, path: readonly string[]): boolean {
  let s: z.ZodType = schema;
  for (const key of path) {
    for (;;) {
      if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
      else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
      else break;
    }
    if (s instanceof z.ZodUnion) return true;
    if (!(s instanceof z.ZodObject)) return false;
    const next = (s.shape as Record<string, z.ZodType>)[key];
    if (!Object.hasOwn(s.shape, key) || next === undefined) return false;
    s = next;
  }
  return true;
}

/**
 * Validates the checks of a lab (`data` as read from YAML, `base` the path of the list in
 * that file) against its node names. Problems are positioned by `at`; none means the list.
 */
export function parseChecks(
  data: unknown,
  nodeNames: readonly string[],
  at: (path: readonly PropertyKey[], message: string) => LabProblem,
  base: readonly PropertyKey[],
): { ok: true; checks: Check[] } | { ok: false; problems: LabProblem[] } {
  const parsed = checksSchema.safeParse(data ?? []);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => at([...base, ...i.path], i.message)) };
  const problems: LabProblem[] = [];
  const checks: Check[] = [];
  parsed.data.forEach((c, index) => {
    const path = [...base, index];
    if (!nodeNames.includes(c.node)) problems.push(at([...path, "node"], `node "${c.node}" is not defined under nodes (nodes: ${nodeNames.join(", ")})`));
    const kinds = KINDS.filter((k) => c[k] !== undefined);
    if (kinds.length !== 1) {
      problems.push(at(path, kinds.length ? `a check does one thing: ${kinds.join(" and ")} are given` : `a check needs one of ${KINDS.join(", ")}`));
      return;
    }
    const common: CheckBase = { index, title: c.title, node: c.node, points: c.points, ...(c.hint !== undefined ? { hint: c.hint } : {}), waitMs: c.wait ?? 0 };
    if (c.exec) {
      const mustMatch = c.exec.match !== undefined;
      checks.push({ ...common, kind: "exec", command: c.exec.command, pattern: (c.exec.match ?? c.exec.notMatch)!, mustMatch });
    } else if (c.table) {
      const table = c.table.name;
      for (const field of Object.keys(c.table.where)) {
        if (!fieldExists(TABLE_ROWS[table], field.split("."))) {
          problems.push(at([...path, "table", "where", field], `${table} rows have no field "${field}" (fields: ${Object.keys(TABLE_ROWS[table].shape).join(", ")})`));
        }
      }
      checks.push({ ...common, kind: "table", table, where: Object.entries(c.table.where), present: c.table.present });
    } else if (c.ping) {
      const p = c.ping;
      if (p.minSuccess > p.maxSuccess) problems.push(at([...path, "ping"], `minSuccess ${p.minSuccess}% is above maxSuccess ${p.maxSuccess}%`));
      checks.push({ ...common, kind: "ping", target: p.target, ...(p.vrf ? { vrf: p.vrf } : {}), ...(p.source ? { source: p.source } : {}), repeat: p.repeat, minSuccess: p.minSuccess, maxSuccess: p.maxSuccess });
    } else if (c.traceroute) {
      const t = c.traceroute;
      if (t.hops !== undefined && t.maxHops !== undefined) problems.push(at([...path, "traceroute"], "traceroute takes hops (exactly) or maxHops (at most), not both"));
      checks.push({ ...common, kind: "traceroute", target: t.target, ...(t.vrf ? { vrf: t.vrf } : {}), ...(t.hops !== undefined ? { hops: t.hops } : {}), maxHops: t.hops ?? t.maxHops ?? 30 });
    } else if (c.config) {
      checks.push({ ...common, kind: "config", line: c.config.line, ...(c.config.under ? { under: c.config.under } : {}), present: c.config.present });
    }
  });
  return problems.length ? { ok: false, problems } : { ok: true, checks };
}
