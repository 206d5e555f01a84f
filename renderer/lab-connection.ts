// How the renderer reaches the lab: Electron's preload bridge when the app runs in its window
// (window.flexlabLab, see electron/preload.ts), else a WebSocket to the server that served this
// page (web mode; the page's cookie carries the token). Either way one LabClient.
import { LAB_API_PATH } from "../core/api/lab-api";
import { LabClient, labSocketTransport, type LabTransport } from "../core/api/lab-client";

/** What Electron's preload exposes: the same text messages as the WebSocket. */
export interface LabBridge {
  send(text: string): void;
  onMessage(handler: (text: string) => void): void;
}

declare global {
  interface Window {
    flexlabLab?: LabBridge;
  }
}

function bridgeTransport(bridge: LabBridge): LabTransport {
  return {
    send: (text) => bridge.send(text),
    close: () => {},
    onMessage: (handler) => bridge.onMessage(handler),
    onClose: () => {},
  };
}

export function connectLab(): LabClient {
  if (window.flexlabLab) return new LabClient(bridgeTransport(window.flexlabLab));
  const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${LAB_API_PATH}`);
  return new LabClient(labSocketTransport(socket));
}
