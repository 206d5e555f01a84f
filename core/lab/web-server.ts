// Web mode (`flexlab serve`): the app's files and LabApi over a WebSocket, on 127.0.0.1 only,
// behind a per-run token. The URL printed carries the token; the page's first request trades
// it for a same-site, HTTP-only cookie so its scripts and the WebSocket need not repeat it.
// Anything without the token (query or cookie) gets 401; a Host other than this address gets
// 403 (a DNS-rebinding page cannot borrow the server); a WebSocket from another origin is
// refused. Files are served with a strict Content-Security-Policy.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { LAB_API_PATH, LAB_CAPTURES_PATH } from "../api/lab-api";
import { CAPTURES_DIR } from "./lab-service";
import { LabApiSession } from "./lab-api-server";
import type { LabWorkspace } from "./lab-workspace";

/** The cookie's name carries the port: browsers keep cookies per host, not per port, so two
 * servers (or another program on 127.0.0.1) would otherwise share, and overwrite, one token. */
export function tokenCookieName(port: number): string {
  return `flexlab_token_${port}`;
}
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".ttf": "font/ttf",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};
/** A frame larger than this from the app is refused (a pasted config fits many times over). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface WebServerOptions {
  /** The labs served; the open one is its service. */
  readonly workspace: LabWorkspace;
  /** The built renderer (index.html and its assets). */
  readonly appDir: string;
  /** 0: the kernel picks. */
  readonly port?: number;
  /** Default: a fresh random one. */
  readonly token?: string;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  close(): Promise<void>;
}

/** The Content-Security-Policy of every page: only this server's scripts, styles (Monaco and
 * the canvas set inline styles), fonts, workers and WebSocket; nothing else anywhere. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "worker-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString("base64url");
  let port = 0;
  const hostOk = (req: IncomingMessage): boolean => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const authorised = (req: IncomingMessage, url: URL): { ok: boolean; fromQuery: boolean } => {
    if (sameSecret(url.searchParams.get("token") ?? undefined, token)) return { ok: true, fromQuery: true };
    return { ok: sameSecret(cookieToken(req, tokenCookieName(port)), token), fromQuery: false };
  };

  const serveFile = async (res: ServerResponse, path: string, extra: Record<string, string>): Promise<void> => {
    const relative = normalize(decodeURIComponent(path)).replace(/^[/\\]+/, "") || "index.html";
    const file = join(options.appDir, relative);
    if (!file.startsWith(options.appDir + sep) || relative.split(sep).includes("..")) {
      res.writeHead(404).end("not found\n");
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "content-security-policy": contentSecurityPolicy(port),
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      ...extra,
    });
    res.end(body);
  };

  /** A capture the app made, from the open lab's captures/ folder, as a download. */
  const serveCapture = async (res: ServerResponse, name: string): Promise<void> => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*\.pcapng$/.test(name)) return void res.writeHead(404).end("not found\n");
    let body: Buffer;
    try {
      body = await readFile(join(options.workspace.service.dir, CAPTURES_DIR, name));
    } catch {
      return void res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
    res.writeHead(200, { "content-type": "application/vnd.tcpdump.pcap", "content-disposition": `attachment; filename="${name}"`, "x-content-type-options": "nosniff", "cache-control": "no-store" });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    if (!hostOk(req)) return void res.writeHead(403, { "content-type": "text/plain" }).end("forbidden: wrong Host\n");
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    const auth = authorised(req, url);
    if (!auth.ok) return void res.writeHead(401, { "content-type": "text/plain" }).end("unauthorized: open the URL `flexlab serve` printed (it carries the token)\n");
    if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405).end();
    const extra: Record<string, string> = auth.fromQuery ? { "set-cookie": `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/` } : {};
    if (url.pathname.startsWith(LAB_CAPTURES_PATH)) return void serveCapture(res, url.pathname.slice(LAB_CAPTURES_PATH.length));
    void serveFile(res, url.pathname, extra);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    const origin = req.headers.origin;
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostOk(req)) return refuse("403 Forbidden");
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return refuse("403 Forbidden");
    if (url.pathname !== LAB_API_PATH) return refuse("404 Not Found");
    if (!authorised(req, url).ok) return refuse("401 Unauthorized");
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new LabApiSession(options.workspace, (text) => ws.send(text));
      ws.on("message", (data, isBinary) => {
        if (!isBinary) session.receive(data.toString());
      });
      ws.on("close", () => session.close());
      ws.on("error", () => session.close());
    });
  });

  port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: options.port ?? 0 }, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
