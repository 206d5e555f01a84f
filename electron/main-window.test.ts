// The desktop window against fakes of BrowserWindow and ipcMain: a locked-down page, and
// LabApi over the one IPC channel with every message checked, answered only to its window.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LabService } from "../core/lab/lab-service";
import { LabWorkspace } from "../core/lab/lab-workspace";
import type { BrowserWindowOptionsLike, ElectronMainLike, HeadersDetails, IpcMainEventLike } from "./electron-api";
import { LAB_CHANNEL } from "./ipc";
import { DESKTOP_CSP, openLabWindow, windowOptions } from "./main-window";

type Listener = (event: IpcMainEventLike, ...args: unknown[]) => void;

class FakeElectron {
  readonly listeners = new Map<string, Set<Listener>>();
  readonly windows: FakeWindow[] = [];
  readonly api: ElectronMainLike;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    this.api = {
      app: { isPackaged: false, whenReady: async () => {}, on: () => {}, quit: () => {} },
      BrowserWindow: class {
        constructor(options: BrowserWindowOptionsLike) {
          const win = new FakeWindow(options, fake.windows.length + 1);
          fake.windows.push(win);
          return win;
        }
      } as unknown as ElectronMainLike["BrowserWindow"],
      ipcMain: {
        on: (channel, listener) => this.listeners.set(channel, (this.listeners.get(channel) ?? new Set()).add(listener)),
        removeListener: (channel, listener) => void this.listeners.get(channel)?.delete(listener),
      },
    };
  }

  /** What the page of window `senderId` sends over IPC. */
  sendFrom(senderId: number, ...args: unknown[]): void {
    for (const l of this.listeners.get(LAB_CHANNEL) ?? []) l({ sender: { id: senderId } }, ...args);
  }
}

class FakeWindow {
  loaded = "";
  shown = false;
  readonly sent: unknown[] = [];
  headersHook?: (details: HeadersDetails, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
  openHandler?: (d: { url: string }) => { action: string };
  navigate?: (event: { preventDefault(): void }, url: string) => void;
  permission?: (c: unknown, p: string, cb: (granted: boolean) => void) => void;
  readonly closedListeners: (() => void)[] = [];
  readonly webContents;

  constructor(
    readonly options: BrowserWindowOptionsLike,
    id: number,
  ) {
    this.webContents = {
      id,
      send: (channel: string, text: unknown) => channel === LAB_CHANNEL && this.sent.push(JSON.parse(String(text))),
      setWindowOpenHandler: (h: typeof this.openHandler) => (this.openHandler = h),
      on: (_e: string, l: typeof this.navigate) => (this.navigate = l),
      session: {
        webRequest: { onHeadersReceived: (l: typeof this.headersHook) => (this.headersHook = l) },
        setPermissionRequestHandler: (h: typeof this.permission) => (this.permission = h),
      },
    };
  }

  async loadFile(path: string): Promise<void> {
    this.loaded = path;
  }
  once(_e: string, l: () => void): void {
    l();
  }
  on(_e: string, l: () => void): void {
    this.closedListeners.push(l);
  }
  show(): void {
    this.shown = true;
  }
}

const scratch = mkdtempSync(join(tmpdir(), "flexlab-electron-"));
let service: LabService;
beforeAll(async () => {
  cpSync(resolve(import.meta.dirname, "../labs/two-routers"), join(scratch, "lab"), { recursive: true });
  service = await LabService.open(join(scratch, "lab"), { runtime: "process" });
});
afterAll(() => {
  service?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe("the desktop window", () => {
  it("is sandboxed and context-isolated, without Node in the page", () => {
    expect(windowOptions("/p/preload.cjs").webPreferences).toEqual({
      preload: "/p/preload.cjs",
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });

  it("loads the app's files under a strict CSP, and refuses navigation, new windows and permissions", async () => {
    const electron = new FakeElectron();
    await openLabWindow(electron.api, { workspace: new LabWorkspace(service), appDir: "/app", preload: "/p/preload.cjs" });
    const win = electron.windows[0];
    expect(win.loaded).toBe("/app/index.html");
    expect(win.shown).toBe(true);
    let headers: Record<string, string[]> = {};
    win.headersHook!({ url: "file:///app/index.html", responseHeaders: { "X-Other": ["1"] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ "X-Other": ["1"], "Content-Security-Policy": [DESKTOP_CSP] });
    expect(DESKTOP_CSP).toContain("default-src 'none'");
    expect(DESKTOP_CSP).toContain("connect-src 'none'");
    expect(win.openHandler!({ url: "https://example.com" })).toEqual({ action: "deny" });
    let prevented = false;
    win.navigate!({ preventDefault: () => (prevented = true) }, "https://example.com");
    expect(prevented).toBe(true);
    let granted = true;
    win.permission!(null, "media", (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it("answers LabApi requests from its own page over IPC, checked by the LabApi schemas", async () => {
    const electron = new FakeElectron();
    await openLabWindow(electron.api, { workspace: new LabWorkspace(service), appDir: "/app", preload: "/p" });
    const win = electron.windows[0];
    electron.sendFrom(1, JSON.stringify({ id: 1, method: "lab.get", params: {} }));
    electron.sendFrom(1, JSON.stringify({ id: 2, method: "config.apply", params: { node: "R1", text: "x", mode: "sideways" } }));
    electron.sendFrom(1, JSON.stringify({ id: 3, method: "node.exec", params: { node: "R1", command: "show version" } }));
    await settle();
    expect(win.sent).toContainEqual({ id: 1, result: expect.objectContaining({ name: "two-routers", deployed: false, nodes: expect.arrayContaining([expect.objectContaining({ name: "R1", state: "stopped" })]) }) });
    expect(win.sent).toContainEqual({ id: 2, error: { code: "bad-request", message: expect.stringMatching(/^config\.apply: mode: /) } });
    expect(win.sent).toContainEqual({ id: 3, error: { code: "not-running", message: "lab two-routers is not running: start it first" } });
  });

  it("ignores other windows' messages and anything that is not one LabApi text", async () => {
    const electron = new FakeElectron();
    await openLabWindow(electron.api, { workspace: new LabWorkspace(service), appDir: "/app", preload: "/p" });
    const win = electron.windows[0];
    electron.sendFrom(2, JSON.stringify({ id: 1, method: "lab.get", params: {} }));
    electron.sendFrom(1, { id: 1, method: "lab.get" });
    electron.sendFrom(1, JSON.stringify({ id: 1, method: "lab.get" }), "extra");
    electron.sendFrom(1, "x".repeat(5 * 1024 * 1024));
    await settle();
    expect(win.sent.filter((m) => typeof m === "object" && m !== null && "id" in m)).toEqual([]);
  });

  it("lets go of the channel and the lab session when the window closes", async () => {
    const electron = new FakeElectron();
    await openLabWindow(electron.api, { workspace: new LabWorkspace(service), appDir: "/app", preload: "/p" });
    expect(electron.listeners.get(LAB_CHANNEL)?.size).toBe(1);
    for (const l of electron.windows[0].closedListeners) l();
    expect(electron.listeners.get(LAB_CHANNEL)?.size).toBe(0);
  });
});
