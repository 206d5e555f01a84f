// The window's preload script (bundled to dist/electron/preload.cjs: a sandboxed preload may
// require only "electron"): exposes the LabApi bridge and nothing else.
import { contextBridge, ipcRenderer } from "electron";
import { exposeLabBridge } from "./preload-bridge";

exposeLabBridge(contextBridge, ipcRenderer);
