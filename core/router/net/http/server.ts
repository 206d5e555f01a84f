// `ip http server`: a small HTTP/1.0–1.1 server on the router's own TCP (port 80 in the
// global table, as IOS). One request per connection, answered by the handler its owner
// gives, then closed. Malformed requests get a 400 and are counted; a connection that says
// nothing for HTTP_IDLE_MS is dropped.
import { emitHttpResponse, parseHttpRequestHead, type HttpHeaders, type HttpRequestHead } from "../../wire/http";
import type { Ipv4 } from "../../wire/addr";
import type { Timer } from "../../clock/clock";
import type { TcpConnection } from "../tcp/connection";
import type { TcpListener, TcpSockets } from "../tcp/sockets";
import type { Vrf } from "../vrf";
import { HttpMessageReader } from "./message";

export const HTTP_PORT = 80;
/** How long a connection may sit without a whole request (IOS's `ip http timeout-policy idle` default is 180 s; a SCEP request needs far less). */
export const HTTP_IDLE_MS = 30_000;

export interface HttpRequest extends HttpRequestHead {
  readonly body: Uint8Array;
  readonly remote: Ipv4;
}

export interface HttpResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers?: HttpHeaders;
  readonly body?: Uint8Array;
}

export type HttpHandler = (request: HttpRequest) => HttpResponse;

export interface HttpServerCounters {
  requests: number;
  malformed: number;
  timedOut: number;
}

export class HttpServer {
  readonly counters: HttpServerCounters = { requests: 0, malformed: 0, timedOut: 0 };
  private listener: TcpListener | undefined;

  private constructor(
    private readonly tcp: TcpSockets,
    private readonly handler: HttpHandler,
  ) {}

  /** Listens on `port` in `vrf`; a string says why not (port in use). */
  static listen(tcp: TcpSockets, vrf: Vrf, port: number, handler: HttpHandler): HttpServer | string {
    const server = new HttpServer(tcp, handler);
    const l = tcp.listen({ vrf, port }, (c) => server.accept(c));
    if (typeof l === "string") return l;
    server.listener = l;
    return server;
  }

  close(): void {
    this.listener?.close();
  }

  private accept(c: TcpConnection): void {
    const reader = new HttpMessageReader(parseHttpRequestHead, true);
    let idle: Timer | undefined = this.tcp.clock.after(HTTP_IDLE_MS, () => {
      this.counters.timedOut++;
      c.abort();
    });
    const stop = () => {
      idle?.cancel();
      idle = undefined;
    };
    const answer = (res: HttpResponse) => {
      stop();
      c.write(emitHttpResponse(res.status, res.reason, { Connection: "close", ...res.headers }, res.body));
      c.close();
    };
    const got = (r: ReturnType<typeof reader.push>) => {
      if (!r) return;
      if ("error" in r) {
        this.counters.malformed++;
        answer({ status: 400, reason: "Bad Request", headers: { "Content-Type": "text/plain" }, body: new TextEncoder().encode(r.error + "\n") });
        return;
      }
      this.counters.requests++;
      answer(this.handler({ ...r.head, body: r.body, remote: c.endpoint.remoteAddress }));
    };
    c.onData((bytes) => got(reader.push(bytes)));
    c.onEnd(() => got(reader.end(false)));
    c.onClose(stop);
  }
}
