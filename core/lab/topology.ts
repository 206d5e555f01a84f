// The lab file, `lab.yaml`: nodes, links and the runtime, close to containerlab's so its
// users feel at home. Parsed with `yaml` (keeping source positions) and validated with zod;
// every problem, a YAML syntax error included, is one line naming the file, the line and
// column, and the field, and nothing is deployed.
//
// Names: the lab and each node are named by one rule, NAME_RULE (they become folder names,
// container names and hostnames). Paths: every file a lab names is inside the lab folder,
// after following symlinks, so `write memory` can only ever write there.
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { isAlias, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from "yaml";
import { z } from "zod";
import { formatInterfaceName, isPhysicalPort, parseInterfaceName } from "../router/config/grammar/interface-name";
import { PLATFORM_NAMES, PLATFORMS, type PlatformName } from "../router/config/platform";
import { MAX_CONFIG_BYTES, readConfigFile } from "./config-file";
import { isNoImpairment, type Impairment } from "../router/io/impair";
import { impairSchema } from "./link-impair";

/** A letter or digit, then letters, digits, '.', '_' or '-'; at most 63 (a DNS label's length). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const NAME_RULE = "a letter or digit, then letters, digits, '.', '_' or '-', at most 63 in all";
/** An image registry: HOST[:PORT] and an optional path, as `docker push` takes it. */
const REGISTRY = /^[A-Za-z0-9][A-Za-z0-9.-]*(?::\d{1,5})?(?:\/[a-z0-9][a-z0-9._-]*)*$/;
/** A cluster node label's key (Docker's and Kubernetes' label keys both fit it). */
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/;
const ENDPOINT = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,62}):([A-Za-z][A-Za-z-]*\d+(?:\/\d+)*(?:\.\d+)?)$/;
/** A lab file is a few kilobytes; aliases beyond this are an expansion bomb, not a lab. */
const MAX_ALIASES = 100;
const MAX_LAB_FILE_BYTES = 1024 * 1024;

export const RUNTIMES = ["auto", "docker", "process", "sim", "kubernetes", "swarm"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** Where the app drew a node or a link's bridge dot, in canvas pixels (saved by dragging it). */
const positionSchema = z
  .object({
    x: z.number({ error: "x is a number" }).min(-1_000_000).max(1_000_000),
    y: z.number({ error: "y is a number" }).min(-1_000_000).max(1_000_000),
  }, { error: "position is { x: NUMBER, y: NUMBER }" })
  .strict();
export type CanvasPosition = z.infer<typeof positionSchema>;

const nodeSchema = z
  .object({
    kind: z.literal("router", { error: 'kind must be "router"' }),
    config: z.string({ error: "config must name the node's startup-config file, in the lab folder" }).min(1, { error: "config must name the node's startup-config file, in the lab folder" }),
    platform: z.enum(PLATFORM_NAMES, { error: `platform is one of ${PLATFORM_NAMES.join(", ")}` }).default("iol"),
    ports: z.number({ error: "ports is a number of ports" }).int({ error: "ports is a whole number" }).min(1, { error: "ports is at least 1" }).optional(),
    /** `false`: this node runs in a process of its own even when the lab is `hosted:`. */
    hosted: z.boolean({ error: "hosted is true or false (false: this node gets a process of its own)" }).optional(),
    position: positionSchema.optional(),
    /** Pins the node to cluster nodes carrying these labels (swarm: node.labels.KEY==VALUE). */
    placement: z
      .record(z.string().regex(LABEL_KEY, { error: "a placement label key is letters, digits, '.', '_', '/' or '-'" }), z.string({ error: "a placement label value is text" }).min(1).max(63), {
        error: "placement maps node label keys to values, e.g. { site: lab2 }",
      })
      .optional(),
  })
  .strict();

/** The most routers one router host holds. */
export const MAX_HOSTED = 1000;
export const HOSTED_RULE = `hosted is how many routers share one process, 1 to ${MAX_HOSTED}`;
const hostedSchema = z.number({ error: HOSTED_RULE }).int({ error: HOSTED_RULE }).min(1, { error: HOSTED_RULE }).max(MAX_HOSTED, { error: HOSTED_RULE });

const linkSchema = z
  .object({
    endpoints: z
      .array(z.string().regex(ENDPOINT, { error: 'an endpoint is "NODE:INTERFACE", e.g. "R1:Ethernet0/0"' }))
      .min(2, { error: "a link joins at least two endpoints" }),
    /** netem-style impairment of what each endpoint receives (link-impair.ts). */
    impair: impairSchema.optional(),
    /** Where the app drew the bridge dot of a link of more than two ends. */
    position: positionSchema.optional(),
  })
  .strict();

const labSchema = z
  .object({
    name: z.string({ error: (issue) => (issue.input === undefined ? "name is required" : `name must be text (${NAME_RULE}); quote a number: "123"`) }).regex(NAME, { error: `name: ${NAME_RULE}` }),
    runtime: z.enum(RUNTIMES, { error: `runtime is one of ${RUNTIMES.join(", ")}` }).default("auto"),
    /** process runtime: up to this many routers per process (router hosts) instead of one each. */
    hosted: hostedSchema.optional(),
    /** Where a runtime spanning machines (swarm) pushes the router image for its nodes to pull. */
    registry: z.string({ error: "registry is HOST[:PORT][/PATH], e.g. registry.lab:5000" }).regex(REGISTRY, { error: "registry is HOST[:PORT][/PATH], e.g. registry.lab:5000" }).optional(),
    nodes: z.record(z.string().regex(NAME, { error: `a node name is ${NAME_RULE}` }), nodeSchema, {
      error: (issue) =>
        issue.code === "invalid_type" ? "nodes maps each node's name to { kind: router, config: FILE }" : issue.code === "invalid_key" ? `a node name is ${NAME_RULE}` : undefined,
    }),
    links: z.array(linkSchema).default([]),
    /** The lab's exercise checks: validated by checks/spec.ts when they run (`flexlab check`). */
    checks: z.unknown().optional(),
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
  /** The impairment the link starts with; absent: none. */
  readonly impair?: Impairment;
  readonly position?: CanvasPosition;
}

export interface LabNode {
  readonly name: string;
  readonly kind: "router";
  /** The startup-config file, relative to the lab folder. */
  readonly config: string;
  /** The hardware it pretends to be: its port names, `show version`. */
  readonly platform: PlatformName;
  /** Its port count, when lab.yaml gives one (else the platform's default). */
  readonly ports?: number;
  /** false: a process of its own even in a `hosted:` lab (lab.yaml's per-node `hosted: false`). */
  readonly hosted?: boolean;
  /** Where the app drew it, once someone dragged it there. */
  readonly position?: CanvasPosition;
  /** Cluster node labels it must run on (swarm). */
  readonly placement?: Readonly<Record<string, string>>;
}

export interface Lab {
  /** The folder holding lab.yaml. */
  readonly dir: string;
  readonly name: string;
  readonly runtime: RuntimeName;
  /** process runtime: how many routers share one process (router host); absent: one each. */
  readonly hosted?: number;
  /** lab.yaml's `registry:` (swarm pushes the router image there). */
  readonly registry?: string;
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

/** A lab as parsed, with where in the file each field was, for the checks that need the disk. */
interface ParsedLab {
  readonly lab: Lab;
  at(path: readonly PropertyKey[], message: string): LabProblem;
}

/** A YAML file FlexLab reads (lab.yaml, checks.yaml) as plain data, and where in the file
 * each field was, to point a problem at it. */
export interface YamlData {
  readonly data: unknown;
  at(path: readonly PropertyKey[], message: string): LabProblem;
}

/** Parses YAML text with the lab file's guards (no `__proto__` key, few aliases); a syntax
 * error or a guard is a LabFileError pointing at its place. */
export function readYamlDocument(text: string, file: string): YamlData {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const pointAt = (offset: number, message: string): LabProblem => {
    const pos = lines.linePos(offset);
    return { file, line: pos.line, column: pos.col, field: "", message };
  };
  if (doc.errors.length) throw new LabFileError(doc.errors.map((e) => pointAt(e.pos[0], e.message.split("\n")[0])));
  const at = (path: readonly PropertyKey[], message: string): LabProblem => ({ file, ...positionOf(doc, lines, path), field: fieldName(path), message });
  // toJS would turn a `__proto__` key into the object's prototype: the entry would vanish.
  let proto: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "__proto__") proto = pair.key.range?.[0] ?? 0;
      return proto === undefined ? undefined : visit.BREAK;
    },
  });
  if (proto !== undefined) throw new LabFileError([pointAt(proto, `"__proto__" is not a name a lab file can use (${NAME_RULE})`)]);
  let aliases = 0;
  let tooMany: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (++aliases > MAX_ALIASES && tooMany === undefined) tooMany = node.range?.[0] ?? 0;
      return tooMany === undefined ? undefined : visit.BREAK;
    },
  });
  if (tooMany !== undefined) throw new LabFileError([pointAt(tooMany, `more than ${MAX_ALIASES} aliases (*name): a lab file needs few, and this many can expand without bound`)]);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // An alias to an anchor that expands too far (yaml counts the expansion too).
    let first = 0;
    visit(doc, { Node: (_, node) => (isAlias(node) ? ((first = node.range?.[0] ?? 0), visit.BREAK) : undefined) });
    throw new LabFileError([pointAt(first, `aliases expand too far (${(err as Error).message})`)]);
  }
  return { data, at };
}

function parseLabDocument(text: string, file: string, dir: string): ParsedLab {
  const { data, at } = readYamlDocument(text, file);
  const parsed = labSchema.safeParse(data);
  const problems: LabProblem[] = [];
  const report = (path: readonly PropertyKey[], message: string): void => void problems.push(at(path, message));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(issue.path, issue.message);
    throw new LabFileError(problems);
  }
  const parsedData = parsed.data;
  const nodes: LabNode[] = Object.entries(parsedData.nodes).map(([name, n]) => ({ name, kind: n.kind, config: n.config, platform: n.platform, ...(n.ports === undefined ? {} : { ports: n.ports }), ...(n.hosted === undefined ? {} : { hosted: n.hosted }), ...(n.position ? { position: n.position } : {}), ...(n.placement ? { placement: n.placement } : {}) }));
  if (nodes.length === 0) report(["nodes"], "a lab needs at least one node");
  // Names become folders and container names: two that differ only in case would collide.
  const byFolded = new Map<string, string>();
  for (const n of nodes) {
    const other = byFolded.get(n.name.toLowerCase());
    if (other !== undefined) report(["nodes", n.name], `node "${n.name}" differs from node "${other}" only in case`);
    else byFolded.set(n.name.toLowerCase(), n.name);
    const problem = configPathProblem(n.config);
    if (problem) report(["nodes", n.name, "config"], problem);
    const max = PLATFORMS[n.platform].maxPorts;
    if (n.ports !== undefined && n.ports > max) report(["nodes", n.name, "ports"], `a node of platform ${n.platform} has at most ${max} ports`);
  }
  const names = new Set(nodes.map((n) => n.name));
  const used = new Map<string, string>();
  const links: LabLink[] = parsedData.links.map((link, index) => {
    const endpoints = link.endpoints.map((text, e) => {
      const [, node, typed] = ENDPOINT.exec(text)!;
      const path = ["links", index, "endpoints", e];
      if (!names.has(node)) report(path, `node "${node}" is not defined under nodes`);
      // Canonical here, once, so every runtime sees "Ethernet0/1" however it was abbreviated.
      const parsedName = parseInterfaceName(typed);
      if (parsedName === undefined) {
        report(path, `"${typed}" is not an interface name a router knows (e.g. Ethernet0/1)`);
        return { node, iface: typed };
      }
      const iface = formatInterfaceName(parsedName);
      // A link is a wire: only a physical port has one to plug in. Any the node ends up with
      // will do, its platform's or one its startup-config adds (a CSR config on an IOL node).
      if (!isPhysicalPort(iface)) {
        report(path, `${iface} cannot be a link endpoint: links join physical ports (e.g. Ethernet0/1, GigabitEthernet1)`);
        return { node, iface };
      }
      const key = `${node}:${iface}`;
      const first = used.get(key);
      if (first) report(path, `${node}:${iface} is already used by ${first}`);
      else used.set(key, fieldName(path));
      return { node, iface };
    });
    return { index, endpoints, ...(link.impair && !isNoImpairment(link.impair) ? { impair: link.impair } : {}), ...(link.position ? { position: link.position } : {}) };
  });
  if (problems.length) throw new LabFileError(problems);
  return { lab: { dir, name: parsedData.name, runtime: parsedData.runtime, ...(parsedData.hosted === undefined ? {} : { hosted: parsedData.hosted }), ...(parsedData.registry ? { registry: parsedData.registry } : {}), nodes, links }, at };
}

/** The agent's arguments for a node's hardware (none for IOL with its four ports). */
export function platformArgs(n: { readonly platform?: PlatformName; readonly ports?: number }): string[] {
  return [...(n.platform !== undefined && n.platform !== "iol" ? ["--platform", n.platform] : []), ...(n.ports === undefined ? [] : ["--ports", String(n.ports)])];
}

/** Why a config path written in lab.yaml cannot be inside the lab folder, or undefined. */
function configPathProblem(config: string): string | undefined {
  if (config.includes("\0")) return "config cannot contain a NUL character";
  if (isAbsolute(config)) return `config "${config}" is an absolute path: a node's config is a file in the lab folder`;
  const normal = normalize(config);
  if (normal === ".." || normal.startsWith(`..${sep}`)) return `config "${config}" is outside the lab folder: a node's config is a file in it`;
  if (normal === "." || normal.endsWith(sep)) return `config "${config}" names a folder, not a config file`;
  return undefined;
}

/** Whether `inside`, a path relative to a folder (path.relative), names something below it. */
export function isBelow(inside: string): boolean {
  return inside !== "" && inside !== ".." && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

/** Parses and validates lab.yaml text; `file` is only used in messages. */
export function parseLab(text: string, file: string, dir: string): Lab {
  return parseLabDocument(text, file, dir).lab;
}

/** Every node's config exists, is a file, and is inside the lab folder once symlinks are
 * followed; the lab returned names each by its real path, relative to the folder. */
async function checkConfigFiles(parsed: ParsedLab): Promise<Lab> {
  const { lab } = parsed;
  const problems: LabProblem[] = [];
  const realDir = await realpath(lab.dir);
  const nodes: LabNode[] = [];
  for (const n of lab.nodes) {
    const field = ["nodes", n.name, "config"];
    let real: string;
    try {
      real = await realpath(join(realDir, n.config));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(parsed.at(field, code === "ENOENT" ? `${n.config}: no such file in ${lab.dir}` : `${n.config}: ${(err as Error).message}`));
      continue;
    }
    const inside = relative(realDir, real);
    if (!isBelow(inside)) {
      problems.push(parsed.at(field, `config "${n.config}" leads outside the lab folder (to ${real}): a node's config is a file in it`));
      continue;
    }
    const info = await stat(real);
    if (!info.isFile()) {
      problems.push(parsed.at(field, `config "${n.config}" is not a file`));
      continue;
    }
    // Every runtime reads it whole: bound it here, once, for all of them.
    if (info.size > MAX_CONFIG_BYTES) {
      problems.push(parsed.at(field, `config "${n.config}" is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB; not a router config`));
      continue;
    }
    nodes.push({ ...n, config: inside });
  }
  if (problems.length) throw new LabFileError(problems);
  return { ...lab, nodes };
}
/** Reads `DIR/lab.yaml` (or the file itself when given a .yaml/.yml path) and checks that
 * every config it names is a file inside the lab folder. */
export async function loadLab(dirOrFile: string): Promise<Lab> {
  const isFile = /\.ya?ml$/i.test(dirOrFile);
  const file = isFile ? dirOrFile : join(dirOrFile, "lab.yaml");
  const dir = isFile ? join(dirOrFile, "..") : dirOrFile;
  const read = await readConfigFile(file, MAX_LAB_FILE_BYTES);
  if (!read.ok) {
    const message = read.reason === "no such file" ? "no lab file here (expected lab.yaml)" : read.reason.replace("not a router config", "not a lab file");
    throw new LabFileError([{ file, line: read.line, column: read.column, field: "", message }]);
  }
  return checkConfigFiles(parseLabDocument(read.text, file, dir));
}
