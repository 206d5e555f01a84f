// LabApi: what the desktop app (renderer) asks of a lab, over WebSocket in web mode
// (`flexlab serve`) or Electron IPC. One JSON object per message, the mgmt API's envelope
// shapes: requests `{ id, method, params }`, answers `{ id, result }` or `{ id, error }`, and
// events `{ event, data }` pushed by the lab. Every method and event is one entry below with
// its zod schemas; the server parses params with them, the client parses results and events,
// so both ends agree by construction. Pure zod: the renderer imports it.
import { z } from "zod";
import { checkReportSchema } from "./checks";
import { carrierSchema, impairmentSchema } from "./link";
import { tableNameSchema } from "./tables";

/** What the renderer shows of a node: the runtime's states, "starting" shown as booting. */
export const NODE_VIEW_STATES = ["stopped", "booting", "running", "crashed"] as const;
export type NodeViewState = (typeof NODE_VIEW_STATES)[number];

const nodeName = z.string().min(1).max(63);
/** Canvas pixels, as lab.yaml keeps them. */
export const canvasPositionSchema = z.object({ x: z.number().min(-1_000_000).max(1_000_000), y: z.number().min(-1_000_000).max(1_000_000) });
export type CanvasPosition = z.infer<typeof canvasPositionSchema>;
const ifaceName = z.string().min(1).max(63);
const streamId = z.number().int().positive();

export const nodeViewSchema = z.object({
  name: z.string(),
  state: z.enum(NODE_VIEW_STATES),
  /** The startup-config file, relative to the lab folder. */
  config: z.string(),
  /** The last stderr lines of a crashed node. */
  detail: z.string().optional(),
  /** Where lab.yaml says to draw it; absent: the canvas lays it out. */
  position: canvasPositionSchema.optional(),
});
export type NodeView = z.infer<typeof nodeViewSchema>;

export const linkViewSchema = z.object({
  /** Position in lab.yaml's links list. */
  index: z.number().int().nonnegative(),
  endpoints: z.array(z.object({ node: z.string(), iface: z.string() })),
  /** Where lab.yaml says to draw a multi-end link's bridge dot. */
  position: canvasPositionSchema.optional(),
  /** While the lab runs: the impairment in force (lab.yaml's or `link.set`'s), and "down"
   * while its cable is pulled. */
  impair: impairmentSchema.optional(),
  carrier: z.literal("down").optional(),
});
export type LinkView = z.infer<typeof linkViewSchema>;

/** The lab as the canvas draws it. */
export const labViewSchema = z.object({
  name: z.string(),
  dir: z.string(),
  /** lab.yaml's runtime, or the one running the lab once it is deployed. */
  runtime: z.string(),
  /** Whether the lab is deployed (its state file names a runtime that answers). */
  deployed: z.boolean(),
  /** A deploy or destroy is under way. */
  busy: z.boolean(),
  nodes: z.array(nodeViewSchema),
  links: z.array(linkViewSchema),
  /** The last lab-wide failure (deploy, destroy), for the user. */
  error: z.string().optional(),
});
export type LabView = z.infer<typeof labViewSchema>;

/** The labs the app can open: the open lab's sibling folders, and templates to make new ones from. */
export const labListingSchema = z.object({
  /** The open lab's folder. */
  current: z.string(),
  /** Where the labs are, and where a new one is made. */
  labsDir: z.string(),
  labs: z.array(z.object({ name: z.string(), dir: z.string(), routers: z.number().int(), running: z.boolean(), problem: z.string().optional() })),
  templates: z.array(z.object({ name: z.string(), summary: z.string().optional() })),
});
export type LabListing = z.infer<typeof labListingSchema>;

/** A lab, a node: a letter or digit, then letters, digits, '.', '_' or '-' (topology.ts's rule). */
const labName = z.string().min(1).max(63).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a name is a letter or digit, then letters, digits, '.', '_' or '-'");

/** One line of the lab's event log: a lab event (deploy step, state change) or a router's syslog line. */
export const labLogEntrySchema = z.object({
  /** Increasing across the log: the order lines arrived in. */
  seq: z.number().int().positive(),
  /** Milliseconds since the Unix epoch (the router's clock for its syslog lines). */
  timeMs: z.number(),
  /** The router it is about, or "lab". */
  source: z.string(),
  kind: z.enum(["lab", "syslog"]),
  /** Syslog severity 0–7; lab events use 3 for failures, 5 for state changes, 6 for steps. */
  severity: z.number().int().min(0).max(7),
  text: z.string(),
});
export type LabLogEntry = z.infer<typeof labLogEntrySchema>;

/** One router on a label path: what it does to the packet and where it sends it. */
export const labelHopSchema = z.object({
  node: z.string(),
  /** push: labels imposed on an IP packet; swap, pop: an LFIB entry; ip: unlabelled forwarding; deliver: a connected route. */
  action: z.enum(["push", "swap", "pop", "ip", "deliver"]),
  /** The label stack arriving and leaving, outermost first. */
  labelsIn: z.array(z.number().int().nonnegative()),
  labelsOut: z.array(z.number().int().nonnegative()),
  interface: z.string().optional(),
  nextHop: z.string().optional(),
  /** The router the packet goes to. */
  next: z.string().optional(),
  /** The table entry used, in IOS's words. */
  detail: z.string(),
});
export type LabelHop = z.infer<typeof labelHopSchema>;

export const labelPathSchema = z.object({
  from: z.string(),
  vrf: z.string(),
  prefix: z.string(),
  hops: z.array(labelHopSchema),
  /** Why the path stops short of a router that delivers it. */
  problem: z.string().optional(),
});
export type LabelPath = z.infer<typeof labelPathSchema>;

export const diagnosticSchema = z.object({ line: z.number().int(), column: z.number().int(), message: z.string() });
export type ConfigDiagnostic = z.infer<typeof diagnosticSchema>;

const empty = z.object({}).optional().default({});
const ok = z.object({});

/** What each method takes and gives. */
export const LAB_METHODS = {
  "lab.get": { params: empty, result: labViewSchema },
  "labs.list": { params: empty, result: labListingSchema },
  /** Opens another lab (one `labs.list` gives); the one open before keeps running if it was. */
  "labs.open": { params: z.object({ dir: z.string().min(1).max(4096) }), result: labViewSchema },
  /** Makes a new lab folder from a template, named NAME, and opens it. */
  "labs.create": { params: z.object({ name: labName, template: labName }), result: labViewSchema },
  /** Saves every running router's config as its startup-config (write memory), so the lab folder holds the lab as it runs. */
  "lab.save": { params: empty, result: z.object({ saved: z.array(z.string()), failed: z.array(z.object({ node: z.string(), message: z.string() })) }) },
  /** Deploys every node; resolves once all are running (status events follow the way). */
  "lab.deploy": { params: empty, result: labViewSchema },
  /** Stops every node and removes what the lab made. */
  "lab.destroy": { params: empty, result: labViewSchema },
  /** Saves dragged positions into lab.yaml (nodes by name, bridge dots by link index). */
  "lab.layout": {
    params: z.object({ nodes: z.record(nodeName, canvasPositionSchema).default({}), links: z.array(z.object({ index: z.number().int().nonnegative(), position: canvasPositionSchema })).max(10_000).default([]) }),
    result: ok,
  },
  /** Adds a router to lab.yaml with a startup-config of its own (an existing file of that name is kept). The lab must be stopped. */
  "lab.addNode": { params: z.object({ node: labName, position: canvasPositionSchema.optional() }), result: labViewSchema },
  /** Removes a router and its link ends from lab.yaml; its config file stays on disk. The lab must be stopped. */
  "lab.removeNode": { params: z.object({ node: nodeName }), result: labViewSchema },
  "lab.addLink": { params: z.object({ endpoints: z.array(z.object({ node: nodeName, iface: ifaceName })).min(2).max(64) }), result: labViewSchema },
  "lab.removeLink": { params: z.object({ index: z.number().int().nonnegative() }), result: labViewSchema },
  /** The label path of a VRF prefix from one router, from every running router's routes, LFIB and interfaces. */
  "lab.labelPath": { params: z.object({ from: nodeName, vrf: z.string().max(32), prefix: z.string().min(1).max(18) }), result: labelPathSchema },
  "node.start": { params: z.object({ node: nodeName }), result: nodeViewSchema },
  "node.stop": { params: z.object({ node: nodeName }), result: nodeViewSchema },
  "node.restart": { params: z.object({ node: nodeName }), result: nodeViewSchema },
  /** Exec lines in privileged mode (as `flexlab exec`). */
  "node.exec": { params: z.object({ node: nodeName, command: z.string().min(1).max(100_000) }), result: z.object({ output: z.string() }) },
  "config.get": { params: z.object({ node: nodeName, which: z.enum(["running", "startup"]) }), result: z.object({ text: z.string() }) },
  "config.apply": {
    params: z.object({ node: nodeName, text: z.string().max(1_000_000), mode: z.enum(["merge", "replace"]) }),
    result: z.object({ diagnostics: z.array(diagnosticSchema) }),
  },
  /** Opens the node's console; its output arrives as `console.data` events. */
  "console.open": {
    params: z.object({ node: nodeName, columns: z.number().int().min(10).max(1000), rows: z.number().int().min(2).max(1000) }),
    result: z.object({ streamId }),
  },
  "console.input": { params: z.object({ streamId, data: z.string().max(100_000) }), result: ok },
  "console.resize": { params: z.object({ streamId, columns: z.number().int().min(10).max(1000), rows: z.number().int().min(2).max(1000) }), result: ok },
  "console.close": { params: z.object({ streamId }), result: ok },
  /** Streams a node's table as `tables.rows` events: all rows now, then on every change. */
  "tables.watch": { params: z.object({ node: nodeName, table: tableNameSchema }), result: z.object({ streamId }) },
  "tables.unwatch": { params: z.object({ streamId }), result: ok },
  /** Impairs (null: clears) or pulls and plugs link `index` of the running lab, as `flexlab
   * link` does; the link as it is now. */
  "link.set": {
    params: z.object({ index: z.number().int().nonnegative(), impair: impairmentSchema.nullable().optional(), carrier: carrierSchema.optional() }),
    result: linkViewSchema,
  },
  /** Grades the running lab against its checks, as `flexlab check` does; `maxWaitMs` caps
   * every check's wait for convergence (0: as the lab is now). */
  "lab.check": {
    params: z.object({ maxWaitMs: z.number().int().min(0).max(3_600_000).optional() }).optional().default({}),
    result: checkReportSchema,
  },
  /** Captures a router interface's frames into LABDIR/captures/FILE.pcapng; each frame's summary comes as a `capture.packet` event. */
  "capture.start": { params: z.object({ node: nodeName, iface: ifaceName }), result: z.object({ captureId: streamId, file: z.string() }) },
  "capture.stop": { params: z.object({ captureId: streamId }), result: z.object({ frames: z.number().int().nonnegative(), file: z.string() }) },
  /** Starts `events.entry` events (every router's syslog and the lab's own events); answers with the log so far. */
  "events.watch": { params: empty, result: z.object({ entries: z.array(labLogEntrySchema) }) },
  "events.unwatch": { params: empty, result: ok },
} as const;

export type LabMethod = keyof typeof LAB_METHODS;
export type LabParamsInput<M extends LabMethod> = z.input<(typeof LAB_METHODS)[M]["params"]>;
export type LabParams<M extends LabMethod> = z.output<(typeof LAB_METHODS)[M]["params"]>;
export type LabResult<M extends LabMethod> = z.output<(typeof LAB_METHODS)[M]["result"]>;

export function isLabMethod(name: string): name is LabMethod {
  return Object.hasOwn(LAB_METHODS, name);
}

/** What the lab pushes. */
export const LAB_EVENTS = {
  /** The whole lab view, whenever a node's state or the lab's changes. */
  "lab.status": labViewSchema,
  /** A deploy step of one node ("network", "starting", "ready", "failed"). */
  "lab.progress": z.object({ node: z.string(), step: z.string(), detail: z.string().optional() }),
  /** Console output, as text. */
  "console.data": z.object({ streamId, data: z.string() }),
  /** The console connection ended (the node stopped or restarted). */
  "console.closed": z.object({ streamId, reason: z.string() }),
  /** A watched table's full rows; parse them with parseTableRows. */
  "tables.rows": z.object({ streamId, table: tableNameSchema, rows: z.array(z.unknown()) }),
  /** A captured frame, decoded as `flexlab decode` does. */
  "capture.packet": z.object({ captureId: streamId, number: z.number().int().positive(), timeMs: z.number(), length: z.number().int().nonnegative(), summary: z.string() }),
  /** A capture ended (stopped, or the node went away); its file is complete. */
  "capture.ended": z.object({ captureId: streamId, frames: z.number().int().nonnegative(), file: z.string(), reason: z.string() }),
  /** A line of the lab's event log, after `events.watch`. */
  "events.entry": labLogEntrySchema,
  /** A watch ended (the node went away); the renderer may watch again. */
  "tables.closed": z.object({ streamId, reason: z.string() }),
} as const;

export type LabEvent = keyof typeof LAB_EVENTS;
export type LabEventData<E extends LabEvent> = z.output<(typeof LAB_EVENTS)[E]>;

export const LAB_ERROR_CODES = ["bad-request", "unknown-method", "not-found", "not-running", "failed", "internal"] as const;
export type LabErrorCode = (typeof LAB_ERROR_CODES)[number];
export const labErrorSchema = z.object({ code: z.enum(LAB_ERROR_CODES), message: z.string() });
export type LabError = z.infer<typeof labErrorSchema>;

export const labRequestSchema = z.object({ id: z.number().int().nonnegative(), method: z.string(), params: z.unknown().optional() });
export type LabRequest = z.infer<typeof labRequestSchema>;

export const labResponseSchema = z.union([
  z.object({ id: z.number().int().nonnegative(), result: z.unknown() }),
  z.object({ id: z.number().int().nonnegative().nullable(), error: labErrorSchema }),
]);

export const labEventMessageSchema = z.object({ event: z.string(), data: z.unknown() });

/** Anything the lab side sends. */
export const labServerMessageSchema = z.union([labEventMessageSchema, labResponseSchema]);

/** Where the WebSocket of web mode listens, beside the app's files. */
export const LAB_API_PATH = "/api";
/** Where web mode serves the open lab's capture files: `/captures/FILE.pcapng`. */
export const LAB_CAPTURES_PATH = "/captures/";
/** WebSocket close code for a wrong or missing token. */
export const LAB_CLOSE_UNAUTHORIZED = 4001;
