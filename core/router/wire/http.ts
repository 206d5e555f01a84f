// HTTP/1.0 and 1.1 messages (RFC 9112) as a router's small HTTP server and client use them
// (SCEP, RFC 8894 §4): the request line or status line and the header fields, parsed from the
// bytes before the empty line; bodies framed by Content-Length. No chunked coding, no
// pipelining: each side closes after one exchange, as IOS's SCEP client and server do.
import { WireError } from "./errors";

/** A head longer than this is refused (RFC 9112 leaves the limit to the server). */
export const HTTP_MAX_HEAD_BYTES = 8192;

export interface HttpHeaders {
  /** Field names lower-cased; a repeated field keeps its last value. */
  readonly [name: string]: string;
}

export interface HttpRequestHead {
  readonly method: string;
  /** The request-target as sent: "/cgi-bin/pkiclient.exe?operation=GetCACert&message=CA". */
  readonly target: string;
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  readonly headers: HttpHeaders;
}

export interface HttpResponseHead {
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  readonly status: number;
  readonly reason: string;
  readonly headers: HttpHeaders;
}

/** Offset just past the CRLF CRLF that ends the head, or -1 while it has not arrived. */
export function httpHeadEnd(buf: Uint8Array, length = buf.length): number {
  for (let i = 3; i < length; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
  }
  return -1;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function headLines(head: Uint8Array): string[] {
  // Field values are ASCII in practice; latin1 keeps every byte one character (RFC 9110 §5.5).
  let text = "";
  for (let i = 0; i < head.length; i++) text += String.fromCharCode(head[i]);
  return text.replace(/\r\n\r\n$/, "").split("\r\n");
}

function parseHeaders(lines: readonly string[], protocol: string): HttpHeaders | WireError {
  const headers: Record<string, string> = {};
  let offset = lines[0].length + 2;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) return new WireError(protocol, "field-line", offset, `not "name: value": ${JSON.stringify(line.slice(0, 40))}`);
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
    offset += line.length + 2;
  }
  return headers;
}

function version(text: string): "HTTP/1.0" | "HTTP/1.1" | undefined {
  return text === "HTTP/1.0" || text === "HTTP/1.1" ? text : undefined;
}

/** Parses a request head (up to and including the empty line). */
export function parseHttpRequestHead(head: Uint8Array): HttpRequestHead | WireError {
  const lines = headLines(head);
  const parts = lines[0].split(" ");
  if (parts.length !== 3) return new WireError("http", "request-line", 0, `not "method target version": ${JSON.stringify(lines[0].slice(0, 60))}`);
  const [method, target, v] = parts;
  if (!TOKEN.test(method)) return new WireError("http", "method", 0, `not a token: ${JSON.stringify(method.slice(0, 20))}`);
  const ver = version(v);
  if (!ver) return new WireError("http", "HTTP-version", method.length + target.length + 2, `unsupported ${JSON.stringify(v.slice(0, 20))}`);
  if (!target.startsWith("/")) return new WireError("http", "request-target", method.length + 1, "not in origin-form");
  const headers = parseHeaders(lines, "http");
  if (headers instanceof WireError) return headers;
  return { method, target, version: ver, headers };
}

/** Parses a response head (up to and including the empty line). */
export function parseHttpResponseHead(head: Uint8Array): HttpResponseHead | WireError {
  const lines = headLines(head);
  const m = /^(HTTP\/1\.[01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) return new WireError("http", "status-line", 0, `not "version status reason": ${JSON.stringify(lines[0].slice(0, 60))}`);
  const headers = parseHeaders(lines, "http");
  if (headers instanceof WireError) return headers;
  return { version: version(m[1])!, status: Number(m[2]), reason: m[3] ?? "", headers };
}

/** Content-Length as a number; undefined when absent; a WireError when it is not one. */
export function httpContentLength(headers: HttpHeaders): number | undefined | WireError {
  const v = headers["content-length"];
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) return new WireError("http", "Content-Length", 0, `not a length: ${JSON.stringify(v.slice(0, 20))}`);
  return Number(v);
}

function emit(startLine: string, headers: Readonly<Record<string, string>>, body: Uint8Array): Uint8Array {
  let head = startLine + "\r\n";
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${body.length}\r\n\r\n`;
  const out = new Uint8Array(head.length + body.length);
  for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i) & 0xff;
  out.set(body, head.length);
  return out;
}

export function emitHttpRequest(method: string, target: string, headers: Readonly<Record<string, string>>, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return emit(`${method} ${target} HTTP/1.0`, headers, body);
}

export function emitHttpResponse(status: number, reason: string, headers: Readonly<Record<string, string>>, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return emit(`HTTP/1.0 ${status} ${reason}`, headers, body);
}
