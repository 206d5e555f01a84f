// The mgmt API's WebSocket server (contract: core/api/mgmt.ts). It checks the lab's token,
// reads request envelopes, validates params with the method's schema, runs the handler and
// answers; pushes from watches go out on the same socket. Every failure is an answer: bad
// JSON or params are "bad-request" naming the zod issue, a thrown bug is "internal" (logged,
// and the agent goes on).
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { WebSocketServer, WebSocket, type RawData } from "ws";
import {
  CLOSE_UNAUTHORIZED,
  CLOSE_UNAUTHORIZED_REASON,
  MGMT_METHODS,
  MGMT_METHOD_NAMES,
  describeIssues,
  isMgmtMethod,
  mgmtRequestSchema,
  type MgmtMethod,
  type MgmtParams,
  type MgmtResponse,
} from "../../api/mgmt";
import { mgmtHandlers, type MgmtHandlers, type MgmtPeer, type NodeContext, type Outcome } from "./mgmt-handlers";

export interface MgmtServerOptions {
  readonly node: NodeContext;
  /** 127.0.0.1 (default) or 0.0.0.0 inside a container. */
  readonly host?: string;
  /** 0 lets the kernel pick. */
  readonly port: number;
  /** The lab's secret; clients put it on the URL as `?token=`. */
  readonly token: string;
}

export interface MgmtServer {
  readonly port: number;
  /** Stops listening, ends every watch and closes every connection. */
  close(): Promise<void>;
}

/** Past this much unsent data on a socket, captures drop frames. */
const CONGESTED_BYTES = 4 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export async function startMgmtServer(options: MgmtServerOptions): Promise<MgmtServer> {
  const handlers = mgmtHandlers(options.node);
  const report = options.node.reportBug;
  const tokenDigest = digest(options.token);
  const wss = new WebSocketServer({ host: options.host ?? "127.0.0.1", port: options.port, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    wss.once("error", reject);
    wss.once("listening", () => {
      wss.off("error", reject);
      resolve();
    });
  });
  wss.on("error", (err) => report("mgmt server", err));

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    socket.on("error", () => {
      // A broken connection: "close" follows and ends its watches.
    });
    if (!authorized(request, tokenDigest)) {
      socket.close(CLOSE_UNAUTHORIZED, CLOSE_UNAUTHORIZED_REASON);
      return;
    }
    const peer: MgmtPeer = {
      push: (params) => send(socket, { method: "push", params }),
      get congested() {
        return socket.bufferedAmount > CONGESTED_BYTES;
      },
      watches: new Map(),
    };
    socket.on("message", (data: RawData, isBinary: boolean) => {
      void answer(handlers, peer, data, isBinary, report).then(({ response, afterReply }) => {
        send(socket, response);
        if (afterReply) {
          try {
            afterReply();
          } catch (err) {
            report("mgmt push", err);
          }
        }
      });
    });
    socket.on("close", () => {
      for (const watch of peer.watches.values()) watch.stop();
      peer.watches.clear();
    });
  });

  const address = wss.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate(); // "close" ends each one's watches
        wss.close(() => resolve());
      }),
  };
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares digests so the comparison takes the same time whatever the token's length. */
function authorized(request: IncomingMessage, expected: Buffer): boolean {
  const token = new URL(request.url ?? "/", "http://agent").searchParams.get("token");
  return token !== null && timingSafeEqual(digest(token), expected);
}

/** One request in, one response out (never throws). */
async function answer(
  handlers: MgmtHandlers,
  peer: MgmtPeer,
  data: RawData,
  isBinary: boolean,
  report: (context: string, err: unknown) => void,
): Promise<{ response: MgmtResponse; afterReply?: () => void }> {
  if (isBinary) return { response: { id: null, error: { code: "bad-request", message: "binary message: requests are JSON text" } } };
  let json: unknown;
  try {
    json = JSON.parse(rawText(data));
  } catch (err) {
    return { response: { id: null, error: { code: "bad-request", message: `not JSON: ${err instanceof Error ? err.message : String(err)}` } } };
  }
  const envelope = mgmtRequestSchema.safeParse(json);
  if (!envelope.success) return { response: { id: idOf(json), error: { code: "bad-request", message: describeIssues("", envelope.error) } } };
  const { id, method, params } = envelope.data;
  if (!isMgmtMethod(method)) {
    return { response: { id, error: { code: "unknown-method", message: `unknown method "${method}" (known: ${MGMT_METHOD_NAMES.join(", ")})` } } };
  }
  const parsed = MGMT_METHODS[method].params.safeParse(params);
  if (!parsed.success) return { response: { id, error: { code: "bad-request", message: `${method}: ${describeIssues("params", parsed.error)}` } } };
  let outcome: Outcome<unknown>;
  try {
    // The compiler cannot tie `method` to its handler's params through the lookup; the
    // schema of that same method has just produced them.
    const handler = handlers[method] as (p: MgmtParams<MgmtMethod>, peer: MgmtPeer) => Outcome<unknown> | Promise<Outcome<unknown>>;
    outcome = await handler(parsed.data, peer);
  } catch (err) {
    report(`mgmt ${method}`, err);
    return { response: { id, error: { code: "internal", message: `${method}: ${err instanceof Error ? err.message : String(err)}` } } };
  }
  if ("error" in outcome) return { response: { id, error: outcome.error } };
  return { response: { id, result: outcome.result }, afterReply: outcome.afterReply };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString("utf8");
}

/** The id of a request whose envelope is wrong, when it has a usable one. */
function idOf(json: unknown): number | null {
  if (typeof json !== "object" || json === null || !("id" in json)) return null;
  const id = (json as { id: unknown }).id;
  return typeof id === "number" && Number.isInteger(id) && id >= 0 ? id : null;
}
