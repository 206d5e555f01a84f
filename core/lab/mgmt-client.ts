// Connects to a node agent's mgmt API from Node (the lab daemon, the CLI) with the `ws`
// package, and hands back the typed MgmtClient of core/api. Connection failures, including
// a refused token, are values.
import WebSocket from "ws";
import { MgmtClient, type MgmtTransport } from "../api/mgmt-client";
import { CLOSE_UNAUTHORIZED } from "../api/mgmt";
import type { Result } from "../api/result";

export interface MgmtConnectOptions {
  /** 127.0.0.1 unless the agent is elsewhere. */
  readonly host?: string;
  readonly port: number;
  readonly token: string;
  /** Give up connecting after this long. Default 5 s. */
  readonly timeoutMs?: number;
}

export type MgmtConnectResult = Result<{ client: MgmtClient }, { reason: "unauthorized" | "unreachable" | "timeout"; message: string }>;

/** The agent's URL; the token rides in the query string, as the API wants. */
export function mgmtUrl(host: string, port: number, token: string): string {
  return `ws://${host.includes(":") ? `[${host}]` : host}:${port}/?token=${encodeURIComponent(token)}`;
}

/**
 * Opens the connection and waits until the agent has accepted the token. The agent checks
 * the token after the WebSocket handshake and closes with 4001 when it is wrong, so the
 * client is handed over only once a first call has been answered.
 */
export async function connectMgmt(options: MgmtConnectOptions): Promise<MgmtConnectResult> {
  const socket = new WebSocket(mgmtUrl(options.host ?? "127.0.0.1", options.port, options.token));
  const client = new MgmtClient(wsTransport(socket));
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const failed = new Promise<string>((resolve) => socket.once("error", (err) => resolve(err.message)));
  const outcome = await Promise.race([client.call("node.info", {}), timeout, failed]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    socket.terminate();
    return { ok: false, reason: "timeout", message: `no answer from ${options.host ?? "127.0.0.1"}:${options.port} in ${timeoutMs} ms` };
  }
  if (typeof outcome === "string") return { ok: false, reason: "unreachable", message: outcome };
  if (!outcome.ok) {
    const unauthorized = client.closeInfo?.code === CLOSE_UNAUTHORIZED;
    socket.terminate();
    return { ok: false, reason: unauthorized ? "unauthorized" : "unreachable", message: outcome.error.message };
  }
  return { ok: true, client };
}

/** A `ws` socket as the client's transport; sends made while connecting wait for the open. */
export function wsTransport(socket: WebSocket): MgmtTransport {
  const queued: string[] = [];
  socket.once("open", () => {
    for (const text of queued.splice(0)) socket.send(text);
  });
  return {
    send: (text) => {
      if (socket.readyState === WebSocket.CONNECTING) queued.push(text);
      else if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else throw new Error("connection closed");
    },
    close: () => socket.close(),
    onMessage: (handler) => socket.on("message", (data, isBinary) => !isBinary && handler(data.toString())),
    onClose: (handler) => socket.on("close", (code, reason) => handler(code, reason.toString())),
  };
}
