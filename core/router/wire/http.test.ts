import { describe, expect, it } from "vitest";
import { isWireError } from "./errors";
import { emitHttpRequest, emitHttpResponse, httpContentLength, httpHeadEnd, parseHttpRequestHead, parseHttpResponseHead } from "./http";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("HTTP/1.x messages", () => {
  it("round-trips a request: request line, fields (names lower-cased), Content-Length", () => {
    const msg = emitHttpRequest("POST", "/cgi-bin/pkiclient.exe?operation=PKIOperation", { Host: "172.16.0.2:80", "Content-Type": "application/x-pki-message" }, bytes("abc"));
    const end = httpHeadEnd(msg);
    const head = parseHttpRequestHead(msg.subarray(0, end));
    if (isWireError(head)) throw new Error(head.toString());
    expect(head).toEqual({ method: "POST", target: "/cgi-bin/pkiclient.exe?operation=PKIOperation", version: "HTTP/1.0", headers: { host: "172.16.0.2:80", "content-type": "application/x-pki-message", "content-length": "3" } });
    expect(new TextDecoder().decode(msg.subarray(end))).toBe("abc");
  });

  it("round-trips a response", () => {
    const msg = emitHttpResponse(200, "OK", { "Content-Type": "application/x-x509-ca-cert" }, bytes("xy"));
    const head = parseHttpResponseHead(msg.subarray(0, httpHeadEnd(msg)));
    expect(head).toMatchObject({ status: 200, reason: "OK", headers: { "content-length": "2" } });
  });

  it("waits for the empty line, and names the field at fault in a bad head", () => {
    expect(httpHeadEnd(bytes("GET / HTTP/1.1\r\nHost: x\r\n"))).toBe(-1);
    expect(String(parseHttpRequestHead(bytes("GET / HTTP/2\r\n\r\n")))).toMatch(/HTTP-version/);
    expect(String(parseHttpRequestHead(bytes("GET http://x/ HTTP/1.1\r\n\r\n")))).toMatch(/request-target/);
    expect(String(parseHttpRequestHead(bytes("GET / HTTP/1.1\r\nno colon\r\n\r\n")))).toMatch(/field-line/);
    expect(String(parseHttpResponseHead(bytes("ICY 200 OK\r\n\r\n")))).toMatch(/status-line/);
    expect(String(httpContentLength({ "content-length": "-1" }))).toMatch(/Content-Length/);
  });
});
