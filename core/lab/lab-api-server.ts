// The lab's side of LabApi, for one connected app (a WebSocket in web mode, a window's IPC in
// Electron): parses each request with lab-api.ts's schemas, runs it on the open lab's
// LabService (the workspace's), and pushes the lab's status, deploy progress, console output
// and table rows as events. Whatever the connection opened (consoles, table watches) closes
// with it, and when another lab is opened.
import type { z } from "zod";
import { LAB_EVENTS, LAB_METHODS, isLabMethod, labRequestSchema, type LabError, type LabEvent, type LabEventData, type LabMethod, type LabParams, type LabResult } from "../api/lab-api";
import type { ConsoleStream } from "./console-stream";
import { LabServiceError, type LabService } from "./lab-service";
import type { LabWorkspace } from "./lab-workspace";

type Handlers = { [M in LabMethod]: (params: LabParams<M>) => Promise<LabResult<M>> };

/** Requests and streams one connection may have at once: a runaway client cannot exhaust the lab. */
const MAX_STREAMS = 64;

export class LabApiSession {
  private nextStream = 1;
  private readonly consoles = new Map<number, ConsoleStream>();
  private readonly watches = new Map<number, { stop(): void }>();
  private readonly unsubscribe: (() => void)[] = [];
  private offService: (() => void)[] = [];
  private readonly captures = new Map<number, { stop(): void; done: Promise<{ frames: number; reason: string }>; file: string }>();
  /** The lab's event log, once the app asked for it. */
  private logWatch: { stop(): void } | undefined;
  /** Events of streams whose opening call has not been answered yet: the app learns the
   * stream's id from that answer, so its first rows or output wait for it. */
  private readonly held = new Map<number, object[]>();
  private closed = false;
  private readonly handlers: Handlers;

  constructor(
    private readonly workspace: LabWorkspace,
    /** Sends one text message to the app. */
    private readonly sendText: (text: string) => void,
  ) {
    this.follow(workspace.service);
    this.unsubscribe.push(
      workspace.onSwitch((next) => {
        this.closeStreams("another lab was opened");
        this.follow(next);
        this.emit("lab.status", next.view());
      }),
    );
    // The open lab's service, whichever it is when the call arrives.
    const service = (): LabService => workspace.service;
    this.handlers = {
      "lab.get": async () => {
        await service().refresh();
        return service().view();
      },
      "labs.list": () => workspace.list(),
      "labs.open": ({ dir }) => workspace.openLab(dir),
      "labs.create": ({ name, template }) => workspace.create(name, template),
      "lab.save": () => service().saveAll(),
      "lab.deploy": () => service().deploy(),
      "lab.destroy": () => service().destroy(),
      "lab.layout": async ({ nodes, links }) => {
        await service().edit({ kind: "layout", nodes, links });
        return {};
      },
      "lab.addNode": ({ node, position }) => service().edit({ kind: "add-node", name: node, config: `${node}.cfg`, ...(position ? { position } : {}) }),
      "lab.removeNode": ({ node }) => service().edit({ kind: "remove-node", name: node }),
      "lab.addLink": ({ endpoints }) => service().edit({ kind: "add-link", endpoints }),
      "lab.removeLink": ({ index }) => service().edit({ kind: "remove-link", index }),
      "lab.labelPath": ({ from, vrf, prefix }) => service().labelPath(from, vrf, prefix),
      "node.start": ({ node }) => service().nodeOp("startNode", node),
      "node.stop": ({ node }) => service().nodeOp("stopNode", node),
      "node.restart": ({ node }) => service().nodeOp("restartNode", node),
      "node.exec": async ({ node, command }) => this.mgmt(await (await service().client(node)).exec(command)),
      "config.get": async ({ node, which }) => this.mgmt(await (await service().client(node)).call("config.get", { which })),
      "config.apply": async ({ node, text, mode }) => this.mgmt(await (await service().client(node)).call("config.apply", { text, mode })),
      "console.open": async ({ node, columns, rows }) => {
        const streamId = this.streamId();
        const stream = await this.opening(streamId, () =>
          service().openConsole(
            node,
            { columns, rows },
            {
              onData: (data) => this.emit("console.data", { streamId, data }, streamId),
              onClose: (reason) => {
                this.consoles.delete(streamId);
                this.emit("console.closed", { streamId, reason }, streamId);
              },
            },
          ),
        );
        if (this.closed) stream.close();
        else this.consoles.set(streamId, stream);
        return { streamId };
      },
      "console.input": async ({ streamId, data }) => {
        this.console(streamId).input(data);
        return {};
      },
      "console.resize": async ({ streamId, columns, rows }) => {
        this.console(streamId).resize(columns, rows);
        return {};
      },
      "console.close": async ({ streamId }) => {
        this.consoles.get(streamId)?.close();
        this.consoles.delete(streamId);
        return {};
      },
      "tables.watch": async ({ node, table }) => {
        const streamId = this.streamId();
        const watch = await this.opening(streamId, () =>
          service().watchTable(
            node,
            table,
            (rows) => this.emit("tables.rows", { streamId, table, rows }, streamId),
            (reason) => {
              this.watches.delete(streamId);
              this.emit("tables.closed", { streamId, reason }, streamId);
            },
          ),
        );
        if (this.closed) watch.stop();
        else this.watches.set(streamId, watch);
        return { streamId };
      },
      "lab.check": (params) => service().check(params),
      "link.set": ({ index, ...change }) => service().changeLink(index, change),
      "capture.start": async ({ node, iface }) => {
        const captureId = this.streamId();
        const capture = await this.opening(captureId, () => service().startCapture(node, iface, (p) => this.emit("capture.packet", { captureId, ...p }, captureId)));
        this.captures.set(captureId, capture);
        void capture.done.then(({ frames, reason }) => {
          this.captures.delete(captureId);
          this.emit("capture.ended", { captureId, frames, file: capture.file, reason });
        });
        if (this.closed) capture.stop();
        return { captureId, file: capture.file };
      },
      "capture.stop": async ({ captureId }) => {
        const capture = this.captures.get(captureId);
        if (!capture) throw new LabServiceError("not-found", `no capture ${captureId} (it ended)`);
        capture.stop();
        const { frames } = await capture.done;
        return { frames, file: capture.file };
      },
      "events.watch": async () => {
        this.logWatch?.stop();
        const watch = service().watchLog((entry) => this.emit("events.entry", entry));
        this.logWatch = watch;
        return { entries: watch.entries };
      },
      "events.unwatch": async () => {
        this.logWatch?.stop();
        this.logWatch = undefined;
        return {};
      },
      "tables.unwatch": async ({ streamId }) => {
        this.watches.get(streamId)?.stop();
        this.watches.delete(streamId);
        return {};
      },
    };
  }

  /** Takes one message from the app; answers it when its work is done. */
  receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.reply(null, { code: "bad-request", message: "not JSON" });
    }
    const request = labRequestSchema.safeParse(json);
    if (!request.success) return this.reply(null, { code: "bad-request", message: `not a request: ${request.error.issues[0].message}` });
    const { id, method, params } = request.data;
    if (!isLabMethod(method)) return this.reply(id, { code: "unknown-method", message: `no method ${method}` });
    const parsed = (LAB_METHODS[method].params as z.ZodType).safeParse(params);
    if (!parsed.success) return this.reply(id, { code: "bad-request", message: `${method}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; ")}` });
    const handler = this.handlers[method] as (p: unknown) => Promise<unknown>;
    handler(parsed.data).then(
      (result) => {
        this.send({ id, result: (LAB_METHODS[method].result as z.ZodType).parse(result) });
        const opened = result as { streamId?: unknown; captureId?: unknown };
        const stream = method === "capture.start" ? opened.captureId : opened.streamId;
        if (typeof stream === "number") this.release(stream);
      },
      (err: unknown) => {
        if (err instanceof LabServiceError) return this.reply(id, { code: err.code, message: err.message });
        this.reply(id, { code: "internal", message: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  /** The connection went: close its consoles and watches, stop listening to the lab. */
  close(): void {
    this.closed = true;
    for (const off of [...this.unsubscribe, ...this.offService]) off();
    this.logWatch?.stop();
    for (const c of this.captures.values()) c.stop();
    for (const c of this.consoles.values()) c.close();
    for (const w of this.watches.values()) w.stop();
    this.consoles.clear();
    this.watches.clear();
  }

  /** Listens to `service`'s status and progress instead of the last lab's. */
  private follow(service: LabService): void {
    for (const off of this.offService) off();
    this.offService = [
      service.onView((view) => this.emit("lab.status", view)),
      service.onProgress((node, step, detail) => this.emit("lab.progress", { node, step, ...(detail ? { detail } : {}) })),
    ];
  }

  /** Ends this connection's consoles and watches, telling the app why. */
  private closeStreams(reason: string): void {
    for (const c of this.captures.values()) c.stop();
    this.logWatch?.stop();
    this.logWatch = undefined;
    for (const [streamId, c] of this.consoles) {
      c.close();
      this.emit("console.closed", { streamId, reason });
    }
    for (const [streamId, w] of this.watches) {
      w.stop();
      this.emit("tables.closed", { streamId, reason });
    }
    this.consoles.clear();
    this.watches.clear();
  }

  private emit<E extends LabEvent>(event: E, data: LabEventData<E>, stream?: number): void {
    const message = { event, data: (LAB_EVENTS[event] as z.ZodType).parse(data) };
    const held = stream === undefined ? undefined : this.held.get(stream);
    if (held) held.push(message);
    else this.send(message);
  }

  /** Runs the opening of a stream; if it fails, nothing is held for it any more. */
  private async opening<T>(streamId: number, open: () => Promise<T>): Promise<T> {
    try {
      return await open();
    } catch (err) {
      this.held.delete(streamId);
      throw err;
    }
  }

  /** The stream's opening call has been answered: send what waited for it. */
  private release(stream: number): void {
    const held = this.held.get(stream) ?? [];
    this.held.delete(stream);
    for (const message of held) this.send(message);
  }

  private reply(id: number | null, error: LabError): void {
    this.send({ id, error });
  }

  private send(message: object): void {
    if (!this.closed) this.sendText(JSON.stringify(message));
  }

  private streamId(): number {
    if (this.consoles.size + this.watches.size + this.captures.size >= MAX_STREAMS) throw new LabServiceError("failed", `at most ${MAX_STREAMS} consoles and table watches per connection`);
    const id = this.nextStream++;
    this.held.set(id, []);
    return id;
  }

  private console(streamId: number): ConsoleStream {
    const stream = this.consoles.get(streamId);
    if (!stream) throw new LabServiceError("not-found", `no console ${streamId} (it closed)`);
    return stream;
  }

  private mgmt<T>(reply: { ok: true; result: T } | { ok: false; error: { message: string } }): T {
    if (!reply.ok) throw new LabServiceError("failed", reply.error.message);
    return reply.result;
  }
}
