import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlServer } from "./daemon-control";

const token = "feedfacefeedfacefeedfacefeedface";
let server: Server;
let base = "";

beforeAll(async () => {
  const started = await startControlServer(token, async (op, req) =>
    op === "status" ? { ok: true, nodes: [{ name: req.node ?? "R1", state: "running", host: "127.0.0.1", consolePort: 1, mgmtPort: 2 }] } : { ok: false, error: { code: "no-such-node", message: "no" } },
  );
  server = started.server;
  base = `http://127.0.0.1:${started.port}`;
});
afterAll(() => {
  server.close();
});

const post = (path: string, auth?: string): Promise<Response> =>
  fetch(`${base}${path}`, { method: "POST", headers: auth ? { authorization: auth } : {}, body: "{}" });

describe("lab daemon control channel", () => {
  it("answers an operation given the lab token", async () => {
    const res = await post("/status", `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, nodes: [{ name: "R1", state: "running" }] });
  });

  it("refuses a missing or wrong token, and unknown operations", async () => {
    expect((await post("/status")).status).toBe(401);
    expect((await post("/status", `Bearer ${token.replace("f", "0")}`)).status).toBe(401);
    expect((await post("/reboot-everything", `Bearer ${token}`)).status).toBe(404);
  });

  it("passes a handler's error through as a value", async () => {
    const res = await post("/down", `Bearer ${token}`);
    expect(await res.json()).toEqual({ ok: false, error: { code: "no-such-node", message: "no" } });
  });
});
