// The desktop window: the renderer loaded from dist/renderer/ in a sandboxed, context-isolated
// page without Node, under a strict Content-Security-Policy, that can neither navigate away nor
// open windows nor get permissions; and LabApi over one IPC channel (ipc.ts), each message
// checked by the same zod schemas as web mode's (the LabApiSession parses every request).
import { join } from "node:path";
import { LabApiSession } from "../core/lab/lab-api-server";
import type { LabWorkspace } from "../core/lab/lab-workspace";
import type { BrowserWindowLike, BrowserWindowOptionsLike, ElectronMainLike, IpcMainEventLike } from "./electron-api";
import { LAB_CHANNEL, ipcMessageSchema } from "./ipc";

/** The window's page may load only its own files; it talks to the lab over IPC only. */
export const DESKTOP_CSP = ["default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "font-src 'self' data:", "img-src 'self' data:", "worker-src 'self'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join("; ");

export function windowOptions(preload: string): BrowserWindowOptionsLike {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: "FlexLab",
    backgroundColor: "#f6f7f9",
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

export interface LabWindowOptions {
  readonly workspace: LabWorkspace;
  /** dist/renderer/. */
  readonly appDir: string;
  /** The bundled preload script. */
  readonly preload: string;
}

export async function openLabWindow(electron: ElectronMainLike, options: LabWindowOptions): Promise<BrowserWindowLike> {
  const win = new electron.BrowserWindow(windowOptions(options.preload));
  const contents = win.webContents;
  contents.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, "Content-Security-Policy": [DESKTOP_CSP] } });
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
  contents.on("will-navigate", (event) => event.preventDefault());

  const session = new LabApiSession(options.workspace, (text) => contents.send(LAB_CHANNEL, text));
  const onMessage = (event: IpcMainEventLike, ...args: unknown[]): void => {
    if (event.sender.id !== contents.id) return; // another window's, not this lab's
    const text = ipcMessageSchema.safeParse(args[0]);
    if (!text.success || args.length !== 1) return;
    session.receive(text.data);
  };
  electron.ipcMain.on(LAB_CHANNEL, onMessage);
  win.on("closed", () => {
    electron.ipcMain.removeListener(LAB_CHANNEL, onMessage);
    session.close();
  });
  win.once("ready-to-show", () => win.show());
  await win.loadFile(join(options.appDir, "index.html"));
  return win;
}
