// The mgmt API between a router node's agent and the lab: WebSocket, one JSON object per
// message. The client sends requests `{ id, method, params }`; the agent answers each with
// `{ id, result }` or `{ id, error: { code, message } }`, and streams watches and captures as
// pushes `{ method: "push", params: { stream, watchId, data } }`. The per-lab token goes on
// the URL (`ws://127.0.0.1:PORT/?token=…`); a wrong or missing one closes the socket with
// code 4001 "unauthorized".
//
// Every method is one entry in MGMT_METHODS: its params and result schemas. The agent parses
// params with them, clients parse results with them, so both ends agree by construction.
import { z } from "zod";
import { carrierSchema, impairmentSchema } from "./link";
import { tableNameSchema } from "./tables";

/** WebSocket close code for a wrong or missing token (4000–4999 are the application's). */
export const CLOSE_UNAUTHORIZED = 4001;
export const CLOSE_UNAUTHORIZED_REASON = "unauthorized";

/** Streams of pushes: watched tables, the router's log, captured frames. */
export const PUSH_STREAMS = ["tables", "events", "capture"] as const;
export type PushStream = (typeof PUSH_STREAMS)[number];

const watchId = z.number().int().positive();
const emptyParams = z.object({}).optional().default({});

/** A log line of the router (`%LINK-5-CHANGED: …`) with its time, as the console shows it. */
export const logEventSchema = z.object({
  /** Milliseconds since the Unix epoch, the router's clock. */
  timeMs: z.number(),
  /** Syslog severity 0–7 (IOS: 3 errors, 5 notifications, 7 debugging). */
  severity: z.number().int().min(0).max(7),
  /** The message without timestamp: "%LINK-5-CHANGED: Interface …". */
  text: z.string(),
  /** The whole console line: "*Mar  1 00:01:02.345: %LINK-5-CHANGED: …". */
  formatted: z.string(),
});
export type LogEvent = z.infer<typeof logEventSchema>;

/** One frame seen on an interface: a whole Ethernet II frame, as Wireshark wants it. */
export const capturedFrameSchema = z.object({
  /** Nanoseconds since the Unix epoch, as a decimal string (too large for a JSON number). */
  timestampNs: z.string().regex(/^\d+$/),
  /** "rx": received on the interface; "tx": sent out of it. */
  direction: z.enum(["rx", "tx"]),
  /** The frame bytes, base64, destination MAC first, no FCS. */
  frame: z.string(),
});
export type CapturedFrame = z.infer<typeof capturedFrameSchema>;

export const tablePushSchema = z.object({ table: tableNameSchema, rows: z.array(z.unknown()) });

/** What each method takes and gives. */
export const MGMT_METHODS = {
  /** One or more exec lines (newline-separated) in privileged exec, in a fresh Shell, no paging. */
  exec: {
    params: z.object({ command: z.string().min(1), timeoutMs: z.number().int().positive().max(3_600_000).optional() }),
    result: z.object({ output: z.string() }),
  },
  "config.get": {
    params: z.object({ which: z.enum(["running", "startup"]) }),
    /** The startup text is "" when the node has none yet. */
    result: z.object({ text: z.string() }),
  },
  /** merge: the lines go on top of the running config (`copy file running-config`).
   * replace: the text becomes the whole running config (`configure replace`); when any
   * line is rejected nothing changes, and the diagnostics say why. */
  "config.apply": {
    params: z.object({ text: z.string(), mode: z.enum(["merge", "replace"]) }),
    result: z.object({
      diagnostics: z.array(z.object({ line: z.number().int(), column: z.number().int(), message: z.string() })),
    }),
  },
  "tables.get": {
    params: z.object({ table: tableNameSchema }),
    /** Rows of the table's schema (TABLE_ROWS); clients narrow them with parseTableRows. */
    result: z.object({ rows: z.array(z.unknown()) }),
  },
  /** Pushes the full rows at once and then whenever they change (checked every intervalMs and
   * after each router log event). */
  "tables.watch": {
    params: z.object({ table: tableNameSchema, intervalMs: z.number().int().min(100).max(60_000).optional() }),
    result: z.object({ watchId }),
  },
  "events.watch": {
    params: emptyParams,
    result: z.object({ watchId }),
  },
  unwatch: {
    params: z.object({ watchId }),
    result: z.object({}),
  },
  /** Streams frames received and sent on an interface (IOS name, e.g. "Ethernet0/0"): Ethernet
   * frames on a port, or on a Tunnel or Virtual-Access the payloads in clear behind a Linux
   * cooked header for a GRE device. `linkType` is the pcap link type of the frames. */
  "capture.start": {
    params: z.object({ iface: z.string().min(1) }),
    result: z.object({ watchId, linkType: z.number().int().nonnegative().optional() }),
  },
  "capture.stop": {
    params: z.object({ watchId }),
    result: z.object({}),
  },
  /** The cable of a physical port (IOS name): the impairment of the frames it receives (null
   * clears it) and whether it is plugged. Either may be left out; the result is the port's
   * cable as it is now. The docker runtime impairs its links this way. */
  "link.set": {
    params: z.object({ iface: z.string().min(1), impair: impairmentSchema.nullable().optional(), carrier: carrierSchema.optional() }),
    result: z.object({ iface: z.string(), impair: impairmentSchema.optional(), carrier: carrierSchema }),
  },
  /** The far ends of a UDP-tunnel port (IOS name; `--port IFACE=tunnel:…`): every frame it
   * sends goes to each peer, and only datagrams from a peer are taken. The kubernetes runtime
   * sets them once the Pods have addresses, and again when a Pod is made anew. */
  "link.peers": {
    params: z.object({
      iface: z.string().min(1),
      peers: z.array(z.object({ host: z.ipv4(), port: z.number().int().min(1).max(65535) })).max(64),
    }),
    result: z.object({ iface: z.string(), peers: z.array(z.object({ host: z.string(), port: z.number().int() })) }),
  },
  "node.info": {
    params: emptyParams,
    result: z.object({ name: z.string(), hostname: z.string(), uptimeMs: z.number().nonnegative(), version: z.string() }),
  },
} as const;

export type MgmtMethod = keyof typeof MGMT_METHODS;
export const MGMT_METHOD_NAMES = Object.keys(MGMT_METHODS) as [MgmtMethod, ...MgmtMethod[]];
/** What a caller passes (defaults may be left out). */
export type MgmtParamsInput<M extends MgmtMethod> = z.input<(typeof MGMT_METHODS)[M]["params"]>;
/** What a handler receives, defaults filled in. */
export type MgmtParams<M extends MgmtMethod> = z.output<(typeof MGMT_METHODS)[M]["params"]>;
export type MgmtResult<M extends MgmtMethod> = z.output<(typeof MGMT_METHODS)[M]["result"]>;

export function isMgmtMethod(name: string): name is MgmtMethod {
  return Object.hasOwn(MGMT_METHODS, name);
}

// --- Envelopes ---------------------------------------------------------------------

export const MGMT_ERROR_CODES = [
  "bad-request", // not JSON, not an envelope, or params that do not fit the method (the zod issue is named)
  "unknown-method",
  "not-found", // no such watch, interface or table
  "timeout", // exec did not finish in time (the command may still be running)
  "internal", // a bug in the agent or the router; the agent keeps running
] as const;
export type MgmtErrorCode = (typeof MGMT_ERROR_CODES)[number];

export const mgmtErrorSchema = z.object({ code: z.enum(MGMT_ERROR_CODES), message: z.string() });
export type MgmtError = z.infer<typeof mgmtErrorSchema>;

export const mgmtRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown().optional(),
});
export type MgmtRequest = z.infer<typeof mgmtRequestSchema>;

/** `id` is null only when the request was too broken to read one. */
export const mgmtResponseSchema = z.union([
  z.object({ id: z.number().int().nonnegative(), result: z.unknown() }),
  z.object({ id: z.number().int().nonnegative().nullable(), error: mgmtErrorSchema }),
]);
export type MgmtResponse = z.infer<typeof mgmtResponseSchema>;

export const mgmtPushSchema = z.object({
  method: z.literal("push"),
  params: z.discriminatedUnion("stream", [
    z.object({ stream: z.literal("tables"), watchId, data: tablePushSchema }),
    z.object({ stream: z.literal("events"), watchId, data: logEventSchema }),
    z.object({ stream: z.literal("capture"), watchId, data: capturedFrameSchema }),
  ]),
});
export type MgmtPush = z.infer<typeof mgmtPushSchema>;
export type MgmtPushParams = MgmtPush["params"];

/** Anything the agent sends. */
export const mgmtServerMessageSchema = z.union([mgmtPushSchema, mgmtResponseSchema]);
export type MgmtServerMessage = z.infer<typeof mgmtServerMessageSchema>;

/** The zod issue of a failed parse as one readable line ("params.mode: Invalid option…"). */
export function describeIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter((p) => p !== "").join(".");
      return `${path || "message"}: ${i.message}`;
    })
    .join("; ");
}
