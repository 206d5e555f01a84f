// Web mode's server: the token guards every request and the WebSocket, only this address is
// served, and LabApi answers over the socket with validated values and errors. The lab here is
// never deployed (the browser e2e test, test/e2e/ui.test.ts, runs one).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LabClient } from "../api/lab-client";
import { LabService } from "./lab-service";
import { LabWorkspace } from "./lab-workspace";
import { wsTransport } from "./mgmt-client";
import { startWebServer, type WebServer } from "./web-server";

const scratch = mkdtempSync(join(tmpdir(), "flexlab-web-"));
const labDir = join(scratch, "lab");
const appDir = join(scratch, "app");
let server: WebServer;
let service: LabService;

beforeAll(async () => {
  cpSync(resolve(import.meta.dirname, "../../labs/two-routers"), labDir, { recursive: true });
  mkdirSync(appDir);
  writeFileSync(join(appDir, "index.html"), "<!doctype html><title>FlexLab</title>");
  writeFileSync(join(appDir, "app.js"), "export {};");
  writeFileSync(join(scratch, "secret.txt"), "outside the app folder");
  service = await LabService.open(labDir, { runtime: "process" });
  server = await startWebServer({ workspace: new LabWorkspace(service), appDir });
});

afterAll(async () => {
  service?.close();
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

/** Opens the LabApi socket; resolves to the client, or to the HTTP status that refused it. */
function connect(query: string, headers: Record<string, string> = {}): Promise<LabClient | number> {
  return new Promise((done) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    socket.once("open", () => done(new LabClient(wsTransport(socket))));
    socket.once("unexpected-response", (_req, res) => done(res.statusCode ?? 0));
    socket.once("error", () => done(0));
  });
}

describe("web mode's server", () => {
  it("offers one URL on 127.0.0.1 carrying the token", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(server.url).toContain(server.token);
  });

  it("answers 401 without the token or with a wrong one, and serves the page with it, trading it for a cookie", async () => {
    expect((await get("/")).status).toBe(401);
    expect((await get("/app.js")).status).toBe(401);
    expect((await get("/?token=wrong")).status).toBe(401);
    // Another server's cookie (another port) is not this one's.
    expect((await get("/app.js", { cookie: `flexlab_token_1=${server.token}` })).status).toBe(401);
    const page = await get(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>FlexLab</title>");
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'; script-src 'self'");
    const cookie = String(page.headers["set-cookie"]).split(";")[0];
    expect(cookie).toBe(`flexlab_token_${server.port}=${server.token}`);
    expect(String(page.headers["set-cookie"])).toMatch(/HttpOnly; SameSite=Strict/);
    const script = await get("/app.js", { cookie });
    expect(script).toMatchObject({ status: 200, body: "export {};" });
    expect(script.headers["content-type"]).toMatch(/^text\/javascript/);
  });

  it("serves nothing outside the app folder and nothing to another Host name", async () => {
    const cookie = `flexlab_token_${server.port}=${server.token}`;
    expect((await get("/../secret.txt", { cookie })).status).toBe(404);
    expect((await get("/%2e%2e/secret.txt", { cookie })).status).toBe(404);
    expect((await get(`/?token=${server.token}`, { host: "evil.example:80" })).status).toBe(403);
  });

  it("refuses the LabApi socket without the token or from another origin", async () => {
    expect(await connect("")).toBe(401);
    expect(await connect("?token=nope")).toBe(401);
    expect(await connect(`?token=${server.token}`, { origin: "http://evil.example" })).toBe(403);
  });

  it("answers LabApi calls over the socket: the lab's view, and errors as values", async () => {
    const client = await connect("", { cookie: `flexlab_token_${server.port}=${server.token}`, origin: `http://127.0.0.1:${server.port}` });
    expect(client).toBeInstanceOf(LabClient);
    const lab = client as LabClient;
    const view = await lab.call("lab.get", {});
    expect(view).toMatchObject({
      ok: true,
      result: {
        name: "two-routers",
        runtime: "process",
        deployed: false,
        busy: false,
        nodes: [
          { name: "R1", state: "stopped" },
          { name: "R2", state: "stopped" },
        ],
        links: [{ index: 0, endpoints: [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }] }],
      },
    });
    expect(await lab.call("node.start", { node: "R1" })).toMatchObject({ ok: false, error: { code: "not-running", message: "lab two-routers is not running: start it first" } });
    expect(await lab.call("lab.check", {})).toMatchObject({ ok: false, error: { code: "not-running", message: "lab two-routers is not running: start it first" } });
    expect(await lab.call("lab.check", { maxWaitMs: -1 })).toMatchObject({ ok: false, error: { code: "bad-request", message: expect.stringMatching(/^lab\.check: maxWaitMs: /) } });
    expect(await lab.call("console.input", { streamId: 7, data: "x" })).toMatchObject({ ok: false, error: { code: "not-found" } });
    // A call the client's types would not let through: the server's own schema refuses it.
    expect(await lab.call("config.apply", { node: "R1", text: "x", mode: "sideways" } as never)).toMatchObject({ ok: false, error: { code: "bad-request", message: expect.stringMatching(/^config\.apply: mode: /) } });
    expect(await lab.call("no.such" as never, {} as never)).toMatchObject({ ok: false, error: { code: "unknown-method" } });
    lab.close();
  });
});
