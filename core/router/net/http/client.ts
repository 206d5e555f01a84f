// The router's HTTP client: one request over its own TCP, in a VRF, answered by one
// response. Callback-driven, on the router's Clock, so it runs the same in an agent and in
// the simulation harness (where promises would not advance virtual time).
import { emitHttpRequest, parseHttpResponseHead, type HttpResponseHead } from "../../wire/http";
import { formatIpv4, type Ipv4 } from "../../wire/addr";
import type { TcpSockets } from "../tcp/sockets";
import type { Vrf } from "../vrf";
import { HttpMessageReader } from "./message";

/** How long a request may take, connection included (IOS's SCEP client gives up after a minute). */
export const HTTP_CLIENT_TIMEOUT_MS = 60_000;

export interface HttpClientRequest {
  readonly vrf: Vrf;
  readonly remote: Ipv4;
  readonly port: number;
  readonly method: "GET" | "POST";
  readonly target: string;
  /** The Host field's value (the URL's authority). */
  readonly host: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly timeoutMs?: number;
}

export interface HttpClientResponse extends HttpResponseHead {
  readonly body: Uint8Array;
}

/** Sends the request; `done` runs once with the response or a string saying what failed.
 * The returned function abandons it (done is not called then). */
export function httpRequest(tcp: TcpSockets, req: HttpClientRequest, done: (result: HttpClientResponse | string) => void): () => void {
  const c = tcp.connect({ vrf: req.vrf, remote: req.remote, port: req.port });
  if (typeof c === "string") {
    tcp.clock.defer(() => done(c));
    return () => {};
  }
  const peer = `${formatIpv4(req.remote)}:${req.port}`;
  let finished = false;
  const finish = (result: HttpClientResponse | string) => {
    if (finished) return;
    finished = true;
    timer.cancel();
    done(result);
  };
  const timer = tcp.clock.after(req.timeoutMs ?? HTTP_CLIENT_TIMEOUT_MS, () => {
    c.abort();
    finish(`% Timed out talking to ${peer}`);
  });
  const reader = new HttpMessageReader(parseHttpResponseHead, false);
  const got = (r: ReturnType<typeof reader.push>) => {
    if (!r) return;
    if ("error" in r) {
      c.abort();
      finish(`% Bad HTTP response from ${peer}: ${r.error}`);
      return;
    }
    c.close();
    finish({ ...r.head, body: r.body });
  };
  c.onConnect(() => c.write(emitHttpRequest(req.method, req.target, { Host: req.host, ...req.headers }, req.body)));
  c.onData((bytes) => got(reader.push(bytes)));
  c.onEnd(() => got(reader.end(true)));
  c.onClose((reason) => finish(reason === "refused" ? `% Connection to ${peer} refused` : `% Connection to ${peer} closed (${reason})`));
  return () => {
    finished = true;
    timer.cancel();
    c.abort();
  };
}
