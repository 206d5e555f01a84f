// A typed client of the mgmt API over any message transport: the lab's Node client wraps a
// `ws` socket in one (core/lab/mgmt-client.ts), the renderer a browser WebSocket
// (`browserTransport`). Calls resolve to values, never reject: a failed call is
// `{ ok: false, error }`, whether the agent refused it or the connection went away.
import type { z } from "zod";
import {
  MGMT_METHODS,
  describeIssues,
  mgmtServerMessageSchema,
  type CapturedFrame,
  type LogEvent,
  type MgmtErrorCode,
  type MgmtMethod,
  type MgmtParamsInput,
  type MgmtPushParams,
  type MgmtResult,
} from "./mgmt";
import { parseTableRows, type TableName, type TableRow } from "./tables";
import type { Result } from "./result";

/** What the client needs from a socket: text frames both ways and a close notice. */
export interface MgmtTransport {
  send(text: string): void;
  close(): void;
  /** Sets the handler for each text message received. */
  onMessage(handler: (text: string) => void): void;
  /** Sets the handler for the connection ending (code 4001: unauthorized). */
  onClose(handler: (code: number, reason: string) => void): void;
}

export interface MgmtClientError {
  /** The agent's code, or what happened on this side. */
  readonly code: MgmtErrorCode | "disconnected" | "bad-response";
  readonly message: string;
}

export type MgmtReply<T> = Result<{ result: T }, { error: MgmtClientError }>;

/** A watch or capture the agent is streaming; `stop` unwatches it. */
export interface MgmtWatch {
  readonly watchId: number;
  /** A capture's pcap link type (absent from agents before tunnel captures: Ethernet). */
  readonly linkType?: number;
  stop(): Promise<MgmtReply<Record<string, never>>>;
}

interface Pending {
  readonly method: MgmtMethod;
  readonly resolve: (reply: MgmtReply<unknown>) => void;
  /** For watches: registered before the reply resolves, so no push slips past. */
  readonly onWatch?: (watchId: number) => void;
}

export class MgmtClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly watches = new Map<number, (push: MgmtPushParams) => void>();
  private closed: { code: number; reason: string } | undefined;
  private readonly closeListeners = new Set<(code: number, reason: string) => void>();

  constructor(private readonly transport: MgmtTransport) {
    transport.onMessage((text) => this.receive(text));
    transport.onClose((code, reason) => this.ended(code, reason));
  }

  /** Whether the connection has ended, and how. */
  get closeInfo(): { code: number; reason: string } | undefined {
    return this.closed;
  }

  onClose(listener: (code: number, reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  call<M extends MgmtMethod>(method: M, params: MgmtParamsInput<M>): Promise<MgmtReply<MgmtResult<M>>> {
    return this.send(method, params) as Promise<MgmtReply<MgmtResult<M>>>;
  }

  exec(command: string, timeoutMs?: number): Promise<MgmtReply<MgmtResult<"exec">>> {
    return this.call("exec", timeoutMs === undefined ? { command } : { command, timeoutMs });
  }

  /** The rows of one table, validated against its schema. */
  async table<T extends TableName>(table: T): Promise<MgmtReply<TableRow<T>[]>> {
    const reply = await this.call("tables.get", { table });
    if (!reply.ok) return reply;
    const rows = parseTableRows(table, reply.result.rows);
    return rows.ok ? { ok: true, result: rows.rows } : { ok: false, error: { code: "bad-response", message: rows.message } };
  }

  /** Calls `onRows` with the table's full rows now and whenever they change. */
  watchTable<T extends TableName>(table: T, onRows: (rows: TableRow<T>[]) => void, intervalMs?: number): Promise<MgmtReply<MgmtWatch>> {
    return this.watch("tables.watch", intervalMs === undefined ? { table } : { table, intervalMs }, (push) => {
      if (push.stream !== "tables" || push.data.table !== table) return;
      const rows = parseTableRows(table, push.data.rows);
      if (rows.ok) onRows(rows.rows);
    });
  }

  /** Calls `onEvent` for each log line the router produces from now on. */
  watchEvents(onEvent: (event: LogEvent) => void): Promise<MgmtReply<MgmtWatch>> {
    return this.watch("events.watch", {}, (push) => {
      if (push.stream === "events") onEvent(push.data);
    });
  }

  /** Calls `onFrame` for each frame received or sent on `iface` from now on. */
  capture(iface: string, onFrame: (frame: CapturedFrame) => void): Promise<MgmtReply<MgmtWatch>> {
    return this.watch("capture.start", { iface }, (push) => {
      if (push.stream === "capture") onFrame(push.data);
    });
  }

  close(): void {
    this.transport.close();
  }

  private async watch(method: "tables.watch" | "events.watch" | "capture.start", params: MgmtParamsInput<typeof method>, onPush: (push: MgmtPushParams) => void): Promise<MgmtReply<MgmtWatch>> {
    const reply = await this.send(method, params, (watchId) => this.watches.set(watchId, onPush));
    if (!reply.ok) return reply;
    const { watchId, linkType } = reply.result as { watchId: number; linkType?: number };
    const stopMethod = method === "capture.start" ? "capture.stop" : "unwatch";
    return {
      ok: true,
      result: {
        watchId,
        ...(linkType === undefined ? {} : { linkType }),
        stop: () => {
          this.watches.delete(watchId);
          return this.call(stopMethod, { watchId });
        },
      },
    };
  }

  private send(method: MgmtMethod, params: unknown, onWatch?: (watchId: number) => void): Promise<MgmtReply<unknown>> {
    if (this.closed) return Promise.resolve({ ok: false, error: { code: "disconnected", message: `connection closed (${this.closed.code} ${this.closed.reason})` } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { method, resolve, onWatch });
      try {
        this.transport.send(JSON.stringify({ id, method, params }));
      } catch (err) {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: "disconnected", message: err instanceof Error ? err.message : String(err) } });
      }
    });
  }

  private receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // not ours to answer: the agent only sends JSON
    }
    const parsed = mgmtServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    if ("method" in message) {
      this.watches.get(message.params.watchId)?.(message.params);
      return;
    }
    if (message.id === null) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if ("error" in message) {
      pending.resolve({ ok: false, error: message.error });
      return;
    }
    const schema: z.ZodType = MGMT_METHODS[pending.method].result;
    const result = schema.safeParse(message.result);
    if (!result.success) {
      pending.resolve({ ok: false, error: { code: "bad-response", message: describeIssues("result", result.error) } });
      return;
    }
    const watchId = (result.data as { watchId?: unknown }).watchId;
    if (pending.onWatch && typeof watchId === "number") pending.onWatch(watchId);
    pending.resolve({ ok: true, result: result.data });
  }

  private ended(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    const error: MgmtClientError = { code: "disconnected", message: `connection closed (${code}${reason ? " " + reason : ""})` };
    for (const p of this.pending.values()) p.resolve({ ok: false, error });
    this.pending.clear();
    this.watches.clear();
    for (const listener of this.closeListeners) listener(code, reason);
  }
}

/** A browser WebSocket (already created, open or opening) as a transport. */
export function browserTransport(socket: WebSocket): MgmtTransport {
  const queued: string[] = [];
  socket.addEventListener("open", () => {
    for (const text of queued.splice(0)) socket.send(text);
  });
  return {
    send: (text) => (socket.readyState === WebSocket.CONNECTING ? void queued.push(text) : socket.send(text)),
    close: () => socket.close(),
    onMessage: (handler) => socket.addEventListener("message", (ev) => typeof ev.data === "string" && handler(ev.data)),
    onClose: (handler) => socket.addEventListener("close", (ev) => handler(ev.code, ev.reason)),
  };
}
