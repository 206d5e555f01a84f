// The module the Electron binary provides to its main process and preload scripts, typed by
// the structural subset in electron-api.ts (the electron package itself is not installed).
declare module "electron" {
  import type { BrowserWindowLike, BrowserWindowOptionsLike, ContextBridgeLike, ElectronMainLike, IpcMainLike, IpcRendererLike } from "./electron-api";
  export const app: ElectronMainLike["app"];
  export const BrowserWindow: new (options: BrowserWindowOptionsLike) => BrowserWindowLike;
  export const ipcMain: IpcMainLike;
  export const contextBridge: ContextBridgeLike;
  export const ipcRenderer: IpcRendererLike;
}
