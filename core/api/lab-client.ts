// The one LabApi client the renderer uses, over any message transport: a browser WebSocket in
// web mode (`labSocketTransport`), Electron's preload bridge in the desktop app. Calls resolve
// to values, never reject: a failed call is `{ ok: false, error }`, whether the lab refused
// it or the connection went away. Results and events are validated with lab-api.ts's schemas.
import type { z } from "zod";
import { LAB_EVENTS, LAB_METHODS, labServerMessageSchema, type LabError, type LabEvent, type LabEventData, type LabMethod, type LabParamsInput, type LabResult } from "./lab-api";
import type { Result } from "./result";

/** Text messages both ways and a close notice: a WebSocket, or Electron IPC. */
export interface LabTransport {
  send(text: string): void;
  close(): void;
  onMessage(handler: (text: string) => void): void;
  onClose(handler: (code: number, reason: string) => void): void;
}

export interface LabClientError {
  readonly code: LabError["code"] | "disconnected" | "bad-response";
  readonly message: string;
}

export type LabReply<T> = Result<{ result: T }, { error: LabClientError }>;

type Listener = (data: unknown) => void;

export class LabClient {
  private nextId = 1;
  private readonly pending = new Map<number, { method: LabMethod; resolve: (reply: LabReply<unknown>) => void }>();
  private readonly listeners = new Map<LabEvent, Set<Listener>>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closed: string | undefined;

  constructor(private readonly transport: LabTransport) {
    transport.onMessage((text) => this.receive(text));
    transport.onClose((code, reason) => this.ended(`${code}${reason ? " " + reason : ""}`));
  }

  /** Why the connection ended, once it has. */
  get closeReason(): string | undefined {
    return this.closed;
  }

  call<M extends LabMethod>(method: M, params: LabParamsInput<M>): Promise<LabReply<LabResult<M>>> {
    if (this.closed) return Promise.resolve({ ok: false, error: { code: "disconnected", message: `connection closed (${this.closed})` } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { method, resolve: resolve as (reply: LabReply<unknown>) => void });
      try {
        this.transport.send(JSON.stringify({ id, method, params }));
      } catch (err) {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: "disconnected", message: err instanceof Error ? err.message : String(err) } });
      }
    });
  }

  /** Calls `handler` with each event of that name; returns the function that stops it. */
  on<E extends LabEvent>(event: E, handler: (data: LabEventData<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const listener = handler as Listener;
    set.add(listener);
    return () => set.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.transport.close();
  }

  private receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = labServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    if ("event" in message) {
      if (!Object.hasOwn(LAB_EVENTS, message.event)) return;
      const event = message.event as LabEvent;
      const data = (LAB_EVENTS[event] as z.ZodType).safeParse(message.data);
      if (!data.success) return;
      for (const listener of this.listeners.get(event) ?? []) listener(data.data);
      return;
    }
    if (message.id === null) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if ("error" in message) return pending.resolve({ ok: false, error: message.error });
    const result = (LAB_METHODS[pending.method].result as z.ZodType).safeParse(message.result);
    if (!result.success) return pending.resolve({ ok: false, error: { code: "bad-response", message: `${pending.method}: ${result.error.issues[0].message}` } });
    pending.resolve({ ok: true, result: result.data });
  }

  private ended(reason: string): void {
    if (this.closed) return;
    this.closed = reason;
    for (const p of this.pending.values()) p.resolve({ ok: false, error: { code: "disconnected", message: `connection closed (${reason})` } });
    this.pending.clear();
    for (const listener of this.closeListeners) listener(reason);
  }
}

/** A browser WebSocket (open or opening) as a LabApi transport; sends wait for the open. */
export function labSocketTransport(socket: WebSocket): LabTransport {
  const queued: string[] = [];
  socket.addEventListener("open", () => {
    for (const text of queued.splice(0)) socket.send(text);
  });
  return {
    send: (text) => {
      if (socket.readyState === WebSocket.CONNECTING) queued.push(text);
      else if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else throw new Error("connection closed");
    },
    close: () => socket.close(),
    onMessage: (handler) => socket.addEventListener("message", (ev) => typeof ev.data === "string" && handler(ev.data)),
    onClose: (handler) => socket.addEventListener("close", (ev) => handler(ev.code, ev.reason)),
  };
}
