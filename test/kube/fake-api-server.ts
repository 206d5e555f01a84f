// A Kubernetes API server that replays a recorded conversation, for tests of the kubernetes
// runtime where no cluster can run. It listens on 127.0.0.1 (TLS with a CA the test makes,
// or plain HTTP) and answers each request with the first unused recorded exchange of the
// same method, path and query whose recorded body (a subset: every field it names must be
// equal) the request's body matches; a request that matches nothing gets a 500 Status and is
// kept in `unexpected`, which the test checks is empty (as it checks every exchange was used).
// A recorded watch answer is a stream of events, one JSON line each, sent `gapMs` apart.
//
// Port-forward (GET …/pods/NAME/portforward?ports=P, WebSocket, v4.channel.k8s.io) is
// answered live: a recorded session (bytes expected from the client, bytes to send back)
// or, for an end-to-end test, a bridge to 127.0.0.1:<port> that the test names for (Pod,
// port) — a stand-in for the kubelet dialling localhost inside the Pod.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { WebSocketServer, type WebSocket } from "ws";

export type RecordedResponse =
  | { readonly status: number; readonly body?: unknown }
  | { readonly status: 200; readonly watch: readonly { readonly type: string; readonly object: unknown }[]; readonly gapMs?: number };

export interface Exchange {
  readonly request: { readonly method: string; readonly path: string; readonly query?: Readonly<Record<string, string>>; readonly body?: unknown };
  readonly response: RecordedResponse;
  /** Called when the exchange is used, with the request's parsed body (the fake kubelet's hook). */
  readonly onUse?: (body: unknown) => void;
}

export interface PortForwardSession {
  /** Bytes the client must send on the data channel (compared when given). */
  readonly expect?: Buffer;
  readonly reply: Buffer;
}

export interface FakeApiServerOptions {
  /** With `clientCa`, a client certificate from that CA is required instead of a token. */
  readonly tls?: { readonly key: string; readonly cert: string; readonly clientCa?: string };
  /** The bearer token every request must carry (unless a client certificate is required). */
  readonly token: string;
  readonly conversation: readonly Exchange[];
  /** Live answer to a port-forward: a recorded session, a 127.0.0.1 port to bridge to, or
   * undefined (refused with the kubelet's error text on the error channel). */
  readonly portForward?: (pod: string, port: number) => PortForwardSession | number | undefined;
}

export interface FakeApiServer {
  readonly url: string;
  readonly unexpected: string[];
  readonly portForwards: string[];
  unused(): string[];
  close(): Promise<void>;
}

/** Whether every field `expected` names is equal in `actual` (arrays: same length, each a subset). */
export function subsetMatches(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== "object") return expected === actual;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => subsetMatches(e, actual[i]));
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([k, v]) => subsetMatches(v, (actual as Record<string, unknown>)[k]));
}

function status(code: number, reason: string, message: string): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function sameQuery(recorded: Readonly<Record<string, string>> | undefined, actual: URLSearchParams): boolean {
  const want = recorded ?? {};
  const keys = new Set([...Object.keys(want), ...actual.keys()]);
  for (const k of keys) if ((want[k] ?? null) !== actual.get(k)) return false;
  return true;
}

function portHeader(channel: number, port: number): Buffer {
  return Buffer.from([channel, port & 0xff, port >> 8]);
}

export async function startFakeApiServer(options: FakeApiServerOptions): Promise<FakeApiServer> {
  const used = new Array<boolean>(options.conversation.length).fill(false);
  const unexpected: string[] = [];
  const portForwards: string[] = [];
  const open = new Set<ServerResponse>();

  // The TLS layer already refused a connection without a client certificate from clientCa.
  const authenticated = (req: IncomingMessage): boolean => (options.tls?.clientCa ? (req.socket as TLSSocket).authorized === true : req.headers.authorization === `Bearer ${options.token}`);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const text = Buffer.concat(chunks).toString("utf8");
      const body: unknown = text ? JSON.parse(text) : undefined;
      const describe = `${req.method} ${url.pathname}${url.search}${text ? ` ${text.slice(0, 400)}` : ""}`;
      res.setHeader("Content-Type", "application/json");
      if (!authenticated(req)) {
        unexpected.push(`unauthenticated: ${describe}`);
        res.writeHead(401).end(JSON.stringify(status(401, "Unauthorized", "Unauthorized")));
        return;
      }
      const index = options.conversation.findIndex(
        (e, i) => !used[i] && e.request.method === req.method && e.request.path === url.pathname && sameQuery(e.request.query, url.searchParams) && (e.request.body === undefined || subsetMatches(e.request.body, body)),
      );
      if (index === -1) {
        unexpected.push(describe);
        res.writeHead(500).end(JSON.stringify(status(500, "InternalError", `the recorded conversation has no answer to ${req.method} ${url.pathname}${url.search}`)));
        return;
      }
      used[index] = true;
      const exchange = options.conversation[index];
      exchange.onUse?.(body);
      const answer = exchange.response;
      if ("watch" in answer) {
        res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
        open.add(res);
        res.on("close", () => open.delete(res));
        let i = 0;
        const next = (): void => {
          if (res.destroyed) return;
          if (i >= answer.watch.length) return void res.end();
          res.write(JSON.stringify(answer.watch[i++]) + "\n");
          setTimeout(next, answer.gapMs ?? 20);
        };
        next();
        return;
      }
      res.writeHead(answer.status).end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  };

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, ...(options.tls.clientCa ? { ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, handle)
    : createHttpServer(handle);
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has("v4.channel.k8s.io") ? "v4.channel.k8s.io" : false) });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const m = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const port = Number(url.searchParams.get("ports"));
    if (!authenticated(req) || !m || !Number.isInteger(port) || port < 1) {
      unexpected.push(`upgrade ${url.pathname}${url.search}`);
      socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    const pod = decodeURIComponent(m[1]);
    portForwards.push(`${pod}:${port}`);
    wss.handleUpgrade(req, socket, head, (ws) => serveForward(ws, pod, port));
  });

  const serveForward = (ws: WebSocket, pod: string, port: number): void => {
    // The kubelet's first bytes on each channel: the port, little-endian.
    ws.send(portHeader(0, port));
    ws.send(portHeader(1, port));
    const target = options.portForward?.(pod, port);
    if (target === undefined) {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${pod}: connection refused`)]));
      ws.close();
      return;
    }
    if (typeof target === "object") {
      ws.on("message", (data: Buffer) => {
        if (data[0] !== 0) return void unexpected.push(`port-forward ${pod}:${port}: a message on channel ${data[0]}`);
        if (target.expect && !data.subarray(1).equals(target.expect)) unexpected.push(`port-forward ${pod}:${port}: unexpected bytes ${data.subarray(1).toString("hex")}`);
        ws.send(Buffer.concat([Buffer.from([0]), target.reply]));
      });
      return;
    }
    const tcp = connect(target, "127.0.0.1");
    tcp.on("data", (d: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([0]), d])));
    tcp.on("error", (err) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${pod}: ${err.message}`)]));
      ws.close();
    });
    tcp.on("close", () => ws.close());
    ws.on("message", (data: Buffer) => data[0] === 0 && tcp.write(data.subarray(1)));
    ws.on("close", () => tcp.destroy());
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    unexpected,
    portForwards,
    unused: () => options.conversation.flatMap((e, i) => (used[i] ? [] : [`${e.request.method} ${e.request.path}${e.request.query ? `?${new URLSearchParams(e.request.query as Record<string, string>).toString()}` : ""}`])),
    close: async () => {
      for (const res of open) res.destroy();
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
