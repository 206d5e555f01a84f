// What the preload script puts in the page (contextBridge, so the page never touches
// ipcRenderer): `window.flexlabLab` with send and onMessage, the renderer's LabBridge. Every
// message the page sends is checked before it leaves: text of bounded size holding a LabApi
// request whose params fit its method's schema; anything else throws in the page.
import type { z } from "zod";
import { LAB_METHODS, isLabMethod, labRequestSchema } from "../core/api/lab-api";
import type { ContextBridgeLike, IpcRendererLike } from "./electron-api";
import { LAB_CHANNEL, ipcMessageSchema } from "./ipc";

export function checkRequest(text: unknown): string {
  const message = ipcMessageSchema.parse(text);
  const request = labRequestSchema.parse(JSON.parse(message));
  if (!isLabMethod(request.method)) throw new Error(`no LabApi method ${request.method}`);
  (LAB_METHODS[request.method].params as z.ZodType).parse(request.params);
  return message;
}

export function exposeLabBridge(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike): void {
  contextBridge.exposeInMainWorld("flexlabLab", {
    send: (text: unknown) => ipcRenderer.send(LAB_CHANNEL, checkRequest(text)),
    onMessage: (handler: unknown) => {
      if (typeof handler !== "function") throw new TypeError("onMessage takes a function");
      ipcRenderer.on(LAB_CHANNEL, (_event, text) => {
        const parsed = ipcMessageSchema.safeParse(text);
        if (parsed.success) (handler as (text: string) => void)(parsed.data);
      });
    },
  });
}
