// The Kubernetes API as the kubernetes runtime speaks it: JSON over node:https with the
// kubeconfig's CA and credentials (kube-config.ts), a failed call read as the API's own v1
// Status (reason AlreadyExists, NotFound, Forbidden…), a watch read as its stream of
// newline-separated events ({"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":…}),
// and WebSocket upgrades (port-forward) opened with the same TLS and credentials.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import WebSocket from "ws";
import type { KubeTarget } from "./kube-config";

/** metav1.Status as a failed call returns it. */
export interface KubeStatus {
  readonly kind: "Status";
  readonly apiVersion?: string;
  readonly status?: "Success" | "Failure";
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: { readonly name?: string; readonly kind?: string };
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export interface WatchEvent<T> {
  readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  readonly object: T;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** A watch line larger than this is not an event of ours: the stream is given up. */
const MAX_WATCH_LINE_BYTES = 4 * 1024 * 1024;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export function pathWithQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** The API's message for a failed call: its Status when the body is one, else the body's text. */
function errorOf(status: number, body: string): KubeApiError {
  try {
    const parsed = JSON.parse(body) as Partial<KubeStatus>;
    if (parsed.kind === "Status") return new KubeApiError(parsed.code ?? status, parsed.reason ?? "Unknown", parsed.message ?? `HTTP ${status}`);
  } catch {
    // not JSON
  }
  return new KubeApiError(status, status === 404 ? "NotFound" : "Unknown", `HTTP ${status}: ${body.slice(0, 200).trim() || "(no body)"}`);
}

export class KubeApi {
  constructor(
    readonly target: KubeTarget,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  get namespace(): string {
    return this.target.namespace;
  }

  /** Headers and TLS options every call and upgrade carries. */
  private options(method: string, path: string, extraHeaders: Record<string, string> = {}): RequestOptions & { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean; servername?: string } {
    const url = new URL(path, this.target.server + "/");
    const t = this.target;
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "flexlab", ...extraHeaders };
    if (t.token) headers.Authorization = `Bearer ${t.token}`;
    else if (t.username !== undefined) headers.Authorization = `Basic ${Buffer.from(`${t.username}:${t.password ?? ""}`).toString("base64")}`;
    return {
      method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port,
      path: url.pathname + url.search,
      headers,
      ...(t.ca ? { ca: t.ca } : {}),
      ...(t.cert && t.key ? { cert: t.cert, key: t.key } : {}),
      ...(t.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
      ...(t.tlsServerName ? { servername: t.tlsServerName } : {}),
    };
  }

  private send(method: string, path: string, body: unknown, contentType: string | undefined, onResponse: (res: IncomingMessage) => void, reject: (err: Error) => void, signal?: AbortSignal): void {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = payload === undefined ? {} : { "Content-Type": contentType ?? "application/json", "Content-Length": String(Buffer.byteLength(payload)) };
    const options = this.options(method, path, headers);
    const req = (options.protocol === "http:" ? httpRequest : httpsRequest)({ ...options, ...(signal ? { signal } : {}) }, onResponse);
    req.on("error", (err) => reject(new KubeApiError(0, "Unreachable", `${this.target.server}: ${err.message}`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  }

  /** One call; resolves to the JSON body of a 2xx answer, rejects with a KubeApiError. */
  call<T>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, options: { query?: Query; body?: unknown; contentType?: string } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new KubeApiError(0, "Timeout", `${this.target.server}: no answer to ${method} ${path} in ${this.timeoutMs} ms`)), this.timeoutMs);
      const done = (f: () => void): void => {
        clearTimeout(timer);
        f();
      };
      this.send(
        method,
        pathWithQuery(path, options.query),
        options.body,
        options.contentType,
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size <= MAX_BODY_BYTES) chunks.push(c);
          });
          res.on("error", (err) => done(() => reject(new KubeApiError(0, "Unreachable", err.message))));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) return done(() => reject(errorOf(status, text)));
            try {
              done(() => resolve((text ? JSON.parse(text) : {}) as T));
            } catch {
              done(() => reject(new KubeApiError(status, "BadResponse", `${method} ${path}: the answer is not JSON`)));
            }
          });
        },
        (err) => done(() => reject(err)),
      );
    });
  }

  /**
   * Watches `path` (a list with `watch=true`), calling `onEvent` per event until it returns
   * true (done), the server ends the stream, or `signal` aborts; resolves to "done", "ended"
   * or "aborted". A line that is not an event is skipped; an ERROR event's Status rejects.
   */
  watch<T>(path: string, query: Query, onEvent: (event: WatchEvent<T>) => boolean, signal?: AbortSignal): Promise<"done" | "ended" | "aborted"> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return resolve("aborted");
      const controller = new AbortController();
      const onAbort = (): void => controller.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      let settled = false;
      const finish = (f: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        controller.abort();
        f();
      };
      this.send(
        "GET",
        pathWithQuery(path, { ...query, watch: true }),
        undefined,
        undefined,
        (res) => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString("utf8")));
            res.on("end", () => finish(() => reject(errorOf(status, text))));
            return;
          }
          let pending = "";
          res.on("data", (c: Buffer) => {
            if (settled) return;
            pending += c.toString("utf8");
            if (pending.length > MAX_WATCH_LINE_BYTES) return finish(() => reject(new KubeApiError(status, "BadResponse", `watch ${path}: an event line over ${MAX_WATCH_LINE_BYTES} bytes`)));
            let nl: number;
            while (!settled && (nl = pending.indexOf("\n")) !== -1) {
              const line = pending.slice(0, nl).trim();
              pending = pending.slice(nl + 1);
              if (!line) continue;
              let event: WatchEvent<T>;
              try {
                event = JSON.parse(line) as WatchEvent<T>;
              } catch {
                continue; // not an event: skipped
              }
              if (event.type === "ERROR") {
                const s = event.object as Partial<KubeStatus>;
                return finish(() => reject(new KubeApiError(s.code ?? 500, s.reason ?? "Unknown", s.message ?? "watch error")));
              }
              if (onEvent(event)) return finish(() => resolve("done"));
            }
          });
          res.on("end", () => finish(() => resolve("ended")));
          res.on("error", () => finish(() => resolve(signal?.aborted ? "aborted" : "ended")));
        },
        (err) => finish(() => (signal?.aborted || controller.signal.aborted ? resolve("aborted") : reject(err))),
        controller.signal,
      );
    });
  }

  /** Opens a WebSocket upgrade of `path` with the cluster's TLS and credentials. */
  webSocket(path: string, query: Query, protocols: readonly string[]): WebSocket {
    const o = this.options("GET", pathWithQuery(path, query));
    const url = `${o.protocol === "http:" ? "ws" : "wss"}://${this.target.server.replace(/^https?:\/\//, "")}${o.path}`;
    return new WebSocket(url, [...protocols], {
      headers: o.headers as Record<string, string>,
      ...(o.ca ? { ca: o.ca } : {}),
      ...(o.cert && o.key ? { cert: o.cert, key: o.key } : {}),
      ...(o.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(o.servername ? { servername: o.servername } : {}),
      handshakeTimeout: this.timeoutMs,
    });
  }
}

/** Whether a failed call's Status says `reason` (AlreadyExists, NotFound, Conflict…). */
export function isReason(err: unknown, reason: string): boolean {
  return err instanceof KubeApiError && err.reason === reason;
}
