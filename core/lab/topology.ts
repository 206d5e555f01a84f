// The lab file, `lab.yaml`: nodes, links and the runtime, close to containerlab's so its
// users feel at home. Parsed with `yaml` (keeping source positions) and validated with zod;
// every problem names the file, the line and column, and the field.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { canonicalInterfaceName } from "../router/config/grammar/interface-name";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const ENDPOINT = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,62}):([A-Za-z][A-Za-z-]*\d+(?:\/\d+)*)$/;

export const RUNTIMES = ["auto", "docker", "process", "sim"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

const nodeSchema = z
  .object({
    kind: z.literal("router", { error: 'kind must be "router"' }),
    config: z.string({ error: "config must name the node's startup-config file" }).min(1),
  })
  .strict();

const linkSchema = z
  .object({
    endpoints: z
      .array(z.string().regex(ENDPOINT, { error: 'an endpoint is "NODE:INTERFACE", e.g. "R1:Ethernet0/0"' }))
      .min(2, { error: "a link joins at least two endpoints" }),
  })
  .strict();

const labSchema = z
  .object({
    name: z.string({ error: "name is required" }).regex(NAME, { error: "name: letters, digits, '.', '_' or '-' (at most 63)" }),
    runtime: z.enum(RUNTIMES, { error: `runtime is one of ${RUNTIMES.join(", ")}` }).default("auto"),
    nodes: z.record(
      z.string().regex(NAME, { error: "node names: letters, digits, '.', '_' or '-' (at most 63)" }),
      nodeSchema,
    ),
    links: z.array(linkSchema).default([]),
  })
  .strict();

export interface LabEndpoint {
  readonly node: string;
  readonly iface: string;
}

export interface LabLink {
  /** Position in the file's `links` list, 0-based: the link's stable id. */
  readonly index: number;
  readonly endpoints: readonly LabEndpoint[];
}

export interface LabNode {
  readonly name: string;
  readonly kind: "router";
  /** The startup-config file, relative to the lab folder. */
  readonly config: string;
}

export interface Lab {
  /** The folder holding lab.yaml. */
  readonly dir: string;
  readonly name: string;
  readonly runtime: RuntimeName;
  readonly nodes: readonly LabNode[];
  readonly links: readonly LabLink[];
}

export interface LabProblem {
  readonly file: string;
  readonly line: number; // 1-based
  readonly column: number; // 1-based
  readonly field: string; // e.g. "links[2].endpoints[0]"
  readonly message: string;
}

export class LabFileError extends Error {
  constructor(readonly problems: readonly LabProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "LabFileError";
  }
}

export function formatProblem(p: LabProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? p.field + ": " : ""}${p.message}`;
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

/** Line and column of the YAML node at `path`, or of its nearest existing ancestor. */
function positionOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

/** Parses and validates lab.yaml text; `file` is only used in messages. */
export function parseLab(text: string, file: string, dir: string): Lab {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new LabFileError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { file, line: pos.line, column: pos.col, field: "", message: e.message.split("\n")[0] };
      }),
    );
  }
  const parsed = labSchema.safeParse(doc.toJS());
  const problems: LabProblem[] = [];
  const at = (path: readonly PropertyKey[], message: string): void => {
    problems.push({ file, ...positionOf(doc, lines, path), field: fieldName(path), message });
  };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) at(issue.path, issue.message);
    throw new LabFileError(problems);
  }
  const data = parsed.data;
  const nodes: LabNode[] = Object.entries(data.nodes).map(([name, n]) => ({ name, kind: n.kind, config: n.config }));
  if (nodes.length === 0) at(["nodes"], "a lab needs at least one node");
  const used = new Map<string, string>();
  const links: LabLink[] = data.links.map((link, index) => {
    const endpoints = link.endpoints.map((text, e) => {
      const [, node, typed] = ENDPOINT.exec(text)!;
      const path = ["links", index, "endpoints", e];
      if (!(node in data.nodes)) at(path, `node "${node}" is not defined under nodes`);
      // Canonical here, once, so every runtime sees "Ethernet0/1" however it was abbreviated.
      const iface = canonicalInterfaceName(typed);
      if (iface === undefined) {
        at(path, `"${typed}" is not an interface name a router knows (e.g. Ethernet0/1)`);
        return { node, iface: typed };
      }
      const key = `${node}:${iface}`;
      const first = used.get(key);
      if (first) at(path, `${node}:${iface} is already used by ${first}`);
      else used.set(key, fieldName(path));
      return { node, iface };
    });
    return { index, endpoints };
  });
  if (problems.length) throw new LabFileError(problems);
  return { dir, name: data.name, runtime: data.runtime, nodes, links };
}

/** Reads `DIR/lab.yaml` (or the file itself when given a .yaml/.yml path). */
export async function loadLab(dirOrFile: string): Promise<Lab> {
  const isFile = /\.ya?ml$/i.test(dirOrFile);
  const file = isFile ? dirOrFile : join(dirOrFile, "lab.yaml");
  const dir = isFile ? join(dirOrFile, "..") : dirOrFile;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LabFileError([{ file, line: 1, column: 1, field: "", message: code === "ENOENT" ? "no lab file here (expected lab.yaml)" : String(err) }]);
  }
  return parseLab(text, file, dir);
}
