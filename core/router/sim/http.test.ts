// The router's HTTP server and client over its own TCP, in virtual time: one request, one
// response, closed; a malformed request answered 400 and counted; a silent connection
// dropped; a refused connection reported. Framing details are in wire/http.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { formatIpv4, ipv4 } from "../wire/addr";
import { HttpServer, HTTP_IDLE_MS } from "../net/http/server";
import { httpRequest, type HttpClientResponse } from "../net/http/client";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = "hostname R1\ninterface Ethernet0/0\n ip address 10.0.12.1 255.255.255.0\n";
const R2 = "hostname R2\ninterface Ethernet0/0\n ip address 10.0.12.2 255.255.255.0\n";

function start(): Simulation {
  sim = new Simulation({ nodes: { R1, R2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  sim.settle();
  return sim;
}

function serve(s: Simulation): HttpServer {
  const r1 = s.node("R1").router.stack;
  const server = HttpServer.listen(r1.tcp, r1.globalVrf, 80, (req) => ({
    status: 200,
    reason: "OK",
    headers: { "Content-Type": "text/plain" },
    body: new TextEncoder().encode(`${req.method} ${req.target} ${req.body.length} from ${formatIpv4(req.remote)}`),
  }));
  if (typeof server === "string") throw new Error(server);
  return server;
}

function request(s: Simulation, method: "GET" | "POST", target: string, body?: Uint8Array, port = 80): HttpClientResponse | string | undefined {
  const r2 = s.node("R2").router.stack;
  let result: HttpClientResponse | string | undefined;
  httpRequest(r2.tcp, { vrf: r2.globalVrf, remote: ipv4(10, 0, 12, 1), port, method, target, host: "10.0.12.1", body }, (r) => (result = r));
  s.settle();
  return result;
}

describe("HTTP on the router's TCP", () => {
  it("answers a GET and a POST with a body, one per connection", () => {
    const s = start();
    const server = serve(s);
    const got = request(s, "GET", "/cgi-bin/pkiclient.exe?operation=GetCACaps&message=CA") as HttpClientResponse;
    expect(got.status).toBe(200);
    expect(got.headers["content-type"]).toBe("text/plain");
    expect(new TextDecoder().decode(got.body)).toBe("GET /cgi-bin/pkiclient.exe?operation=GetCACaps&message=CA 0 from 10.0.12.2");
    const posted = request(s, "POST", "/x", new Uint8Array(5000).fill(7)) as HttpClientResponse;
    expect(new TextDecoder().decode(posted.body)).toBe("POST /x 5000 from 10.0.12.2");
    expect(server.counters).toEqual({ requests: 2, malformed: 0, timedOut: 0 });
  });

  it("takes a request without Content-Length as one without a body (RFC 9112 §6.3), as Go's and curl's GETs are", () => {
    const s = start();
    serve(s);
    const r2 = s.node("R2").router.stack;
    const c = r2.tcp.connect({ vrf: r2.globalVrf, remote: ipv4(10, 0, 12, 1), port: 80 });
    if (typeof c === "string") throw new Error(c);
    let reply = "";
    c.onData((b) => (reply += new TextDecoder().decode(b)));
    c.onConnect(() => c.write(new TextEncoder().encode("GET /cgi-bin/pkiclient.exe?operation=GetCACert HTTP/1.1\r\nHost: 10.0.12.1\r\nUser-Agent: Go-http-client/1.1\r\n\r\n")));
    s.settle();
    expect(reply).toMatch(/^HTTP\/1\.0 200 OK\r\n[^]*\r\n\r\nGET \/cgi-bin\/pkiclient\.exe\?operation=GetCACert 0 from 10\.0\.12\.2$/);
  });

  it("answers garbage with 400 and counts it; drops a connection that sends nothing", () => {
    const s = start();
    const server = serve(s);
    const r2 = s.node("R2").router.stack;
    const c = r2.tcp.connect({ vrf: r2.globalVrf, remote: ipv4(10, 0, 12, 1), port: 80 });
    if (typeof c === "string") throw new Error(c);
    let reply = "";
    c.onData((b) => (reply += new TextDecoder().decode(b)));
    c.onConnect(() => c.write(new TextEncoder().encode("HELLO THERE\r\n\r\n")));
    s.settle();
    expect(reply).toMatch(/^HTTP\/1\.0 400 Bad Request\r\n/);
    expect(server.counters.malformed).toBe(1);
    const idle = r2.tcp.connect({ vrf: r2.globalVrf, remote: ipv4(10, 0, 12, 1), port: 80 });
    if (typeof idle === "string") throw new Error(idle);
    let closed = "";
    idle.onClose((why) => (closed = why));
    s.advance(HTTP_IDLE_MS + 1000);
    expect(closed).toBe("reset");
    expect(server.counters.timedOut).toBe(1);
  });

  it("says so when nothing listens", () => {
    const s = start();
    expect(request(s, "GET", "/")).toBe("% Connection to 10.0.12.1:80 refused");
  });
});
