// The lab daemon's side of its control channel: a small HTTP server on 127.0.0.1 that
// accepts `POST /<op>` with the lab token as bearer token (see daemon-protocol.ts).
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { CONTROL_OPS, controlRequestSchema, type ControlOp, type ControlRequest, type ControlResponse } from "./daemon-protocol";

export type ControlHandler = (op: ControlOp, request: ControlRequest) => Promise<ControlResponse>;

const MAX_BODY_BYTES = 64 * 1024;

function authorised(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? "");
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY_BYTES) throw new Error("request too large");
  }
  return text;
}

function fail(code: string, message: string): ControlResponse {
  return { ok: false, error: { code, message } };
}

/** Listens on 127.0.0.1 (port 0: the kernel picks); resolves to the server and its port. */
export async function startControlServer(token: string, handler: ControlHandler): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: ControlResponse): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const op = (req.url ?? "").replace(/^\//, "") as ControlOp;
    if (req.method !== "POST" || !CONTROL_OPS.includes(op)) return reply(404, fail("internal", `no such operation: ${req.method} ${req.url}`));
    if (!authorised(req, token)) return reply(401, fail("internal", "wrong or missing lab token"));
    readBody(req)
      .then((text) => {
        const parsed = controlRequestSchema.safeParse(text ? JSON.parse(text) : {});
        if (!parsed.success) return fail("internal", `bad request: ${parsed.error.issues[0].message}`);
        return handler(op, parsed.data);
      })
      .then(
        (body) => reply(200, body),
        (err: unknown) => reply(400, fail("internal", err instanceof Error ? err.message : String(err))),
      );
  });
  server.keepAliveTimeout = 1000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return { server, port };
}
