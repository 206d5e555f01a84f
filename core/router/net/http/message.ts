// Reading one HTTP message off a TCP connection: the head up to the empty line, then a body
// of Content-Length bytes (or, for a response without one, until the peer's FIN). Shared by
// the server (a request) and the client (a response); bounded so a peer cannot make the
// router buffer without limit.
import { HTTP_MAX_HEAD_BYTES, httpContentLength, httpHeadEnd, type HttpHeaders } from "../../wire/http";
import { isWireError, type WireError } from "../../wire/errors";
import { concatBytes } from "../../wire/bytes";

/** A body longer than this is refused: SCEP messages are a few kilobytes. */
export const HTTP_MAX_BODY_BYTES = 256 * 1024;

export type ReadResult<H> = { readonly head: H; readonly body: Uint8Array } | { readonly error: string };

/** Collects bytes until one message is whole; `push` returns the message or an error once
 * it can tell, undefined while more is needed. `end` (the peer's FIN) finishes a body
 * that had no Content-Length. */
export class HttpMessageReader<H extends { readonly headers: HttpHeaders }> {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private head: H | undefined;
  private bodyStart = 0;
  private bodyLength: number | undefined;
  private done = false;

  /** `request`: a request without Content-Length has no body (RFC 9112 §6.3 rule 6); a
   * response without one runs to the connection's close (rule 8). */
  constructor(
    private readonly parseHead: (bytes: Uint8Array) => H | WireError,
    private readonly request: boolean,
  ) {}

  push(bytes: Uint8Array): ReadResult<H> | undefined {
    if (this.done) return undefined;
    this.chunks.push(bytes);
    this.size += bytes.length;
    if (!this.head) {
      const all = this.joined();
      const end = httpHeadEnd(all);
      if (end < 0) return this.size > HTTP_MAX_HEAD_BYTES ? this.fail("head too long") : undefined;
      const head = this.parseHead(all.subarray(0, end));
      if (isWireError(head)) return this.fail(head.toString());
      const length = httpContentLength(head.headers);
      if (isWireError(length)) return this.fail(length.toString());
      if (head.headers["transfer-encoding"] !== undefined) return this.fail("transfer codings are not supported");
      if (length !== undefined && length > HTTP_MAX_BODY_BYTES) return this.fail(`body of ${length} bytes is too long`);
      this.head = head;
      this.bodyStart = end;
      this.bodyLength = length ?? (this.request ? 0 : undefined);
    }
    if (this.bodyLength !== undefined && this.size - this.bodyStart >= this.bodyLength) return this.finish(this.bodyLength);
    if (this.size - this.bodyStart > HTTP_MAX_BODY_BYTES) return this.fail("body too long");
    return undefined;
  }

  /** The peer closed its side. */
  end(readToClose: boolean): ReadResult<H> | undefined {
    if (this.done) return undefined;
    if (this.head && readToClose && this.bodyLength === undefined) return this.finish(this.size - this.bodyStart);
    if (this.head && this.bodyLength === undefined) return this.finish(0);
    return this.fail("connection closed before the message was whole");
  }

  private finish(length: number): ReadResult<H> {
    this.done = true;
    const all = this.joined();
    return { head: this.head!, body: all.slice(this.bodyStart, this.bodyStart + length) };
  }

  private fail(error: string): ReadResult<H> {
    this.done = true;
    this.chunks = [];
    return { error };
  }

  private joined(): Uint8Array {
    if (this.chunks.length > 1) this.chunks = [concatBytes(this.chunks)];
    return this.chunks[0];
  }
}
