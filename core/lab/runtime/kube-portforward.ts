// Consoles and mgmt APIs of Pods reached through the API server's port-forward, as `kubectl
// port-forward` does but over WebSocket (the `v4.channel.k8s.io` subprotocol, which the
// kubelet's streaming server has always spoken, and which the API server upgrades to itself
// from 1.31 with the PortForwardWebsockets gate on by default): one WebSocket per TCP
// connection (GET …/pods/NAME/portforward?ports=PORT). Every binary message is one channel
// byte then data; for `ports=P` channel 0 carries P's bytes both ways and channel 1 the
// server's error text. The server's first bytes on each channel are the port, two bytes
// little-endian (kubelet portforward/websocket.go), which the client drops.
//
// A forwarder listens on 127.0.0.1 only, one port per (Pod, port), so the console (telnet)
// and mgmt clients of every other runtime work unchanged against the state file's ports.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import WebSocket from "ws";
import type { KubeApi } from "./kube-api";

export const PORT_FORWARD_PROTOCOL = "v4.channel.k8s.io";
/** What the forwarder process (kubernetes-forward-main.ts) prints once it listens. */
export const FORWARDER_READY_LINE = "flexlab-forward ready";
const DATA_CHANNEL = 0;
const ERROR_CHANNEL = 1;
const PORT_HEADER_BYTES = 2;
/** Messages the WebSocket may hold unsent before the TCP side is paused. */
const HIGH_WATER_MESSAGES = 64;

/** One binary message to the server: data for the first (only) port. */
export function dataFrame(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = DATA_CHANNEL;
  out.set(data, 1);
  return out;
}

export type PortForwardChunk = { readonly kind: "data"; readonly bytes: Buffer } | { readonly kind: "error"; readonly text: string } | { readonly kind: "port"; readonly channel: number; readonly port: number };

/**
 * Reads the server's messages for one forwarded port: strips each channel's two-byte port
 * header (across messages if the server splits it), then hands data and error text on.
 * A message on a channel it does not know is counted and dropped.
 */
export class PortForwardReader {
  private readonly header = new Map<number, number[]>([
    [DATA_CHANNEL, []],
    [ERROR_CHANNEL, []],
  ]);
  dropped = 0;

  read(message: Buffer): PortForwardChunk[] {
    if (message.length === 0) {
      this.dropped++;
      return [];
    }
    const channel = message[0];
    const got = this.header.get(channel);
    if (got === undefined) {
      this.dropped++;
      return [];
    }
    let body = message.subarray(1);
    const out: PortForwardChunk[] = [];
    if (got.length < PORT_HEADER_BYTES) {
      const take = Math.min(PORT_HEADER_BYTES - got.length, body.length);
      got.push(...body.subarray(0, take));
      body = body.subarray(take);
      if (got.length === PORT_HEADER_BYTES) out.push({ kind: "port", channel, port: got[0] | (got[1] << 8) });
    }
    if (body.length === 0) return out;
    out.push(channel === DATA_CHANNEL ? { kind: "data", bytes: body } : { kind: "error", text: body.toString("utf8") });
    return out;
  }
}

export interface ForwardRoute {
  /** 127.0.0.1 port the forwarder listens on. */
  readonly localPort: number;
  readonly pod: string;
  readonly port: number;
}

export interface Forwarder {
  readonly ports: readonly number[];
  close(): Promise<void>;
}

/** Joins one accepted TCP connection to `pod`:`port` through a fresh port-forward WebSocket. */
export function forwardConnection(api: KubeApi, pod: string, port: number, socket: Socket, onError: (text: string) => void): void {
  const ws = api.webSocket(`/api/v1/namespaces/${encodeURIComponent(api.namespace)}/pods/${encodeURIComponent(pod)}/portforward`, { ports: port }, [PORT_FORWARD_PROTOCOL]);
  const reader = new PortForwardReader();
  let unsent = 0;
  let open = false;
  const early: Buffer[] = [];
  const send = (chunk: Buffer): void => {
    unsent++;
    if (unsent >= HIGH_WATER_MESSAGES) socket.pause();
    ws.send(dataFrame(chunk), () => {
      unsent--;
      if (unsent < HIGH_WATER_MESSAGES / 2) socket.resume();
    });
  };
  socket.on("data", (chunk: Buffer) => (open ? send(chunk) : early.push(chunk)));
  socket.on("end", () => ws.close(1000));
  socket.on("error", () => ws.terminate());
  socket.on("close", () => ws.readyState === WebSocket.OPEN && ws.close(1000));
  ws.on("open", () => {
    if (ws.protocol !== PORT_FORWARD_PROTOCOL) {
      onError(`${pod}:${port}: the API server answered the port-forward with subprotocol "${ws.protocol}", not ${PORT_FORWARD_PROTOCOL}`);
      ws.terminate();
      socket.destroy();
      return;
    }
    open = true;
    for (const chunk of early.splice(0)) send(chunk);
  });
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    // v4.channel.k8s.io is binary; a text frame is not ours.
    if (!isBinary) return;
    for (const chunk of reader.read(data)) {
      if (chunk.kind === "data") {
        if (!socket.write(chunk.bytes)) {
          ws.pause();
          socket.once("drain", () => ws.resume());
        }
      } else if (chunk.kind === "error") {
        onError(`${pod}:${port}: ${chunk.text}`);
        socket.destroy();
      }
    }
  });
  ws.on("unexpected-response", (_req, res) => {
    let body = "";
    res.on("data", (c: Buffer) => (body += c.toString("utf8")));
    res.on("end", () => {
      onError(`${pod}:${port}: the API server refused the port-forward (HTTP ${res.statusCode}): ${body.slice(0, 300).trim()}`);
      socket.destroy();
    });
  });
  ws.on("error", (err) => {
    onError(`${pod}:${port}: ${err.message}`);
    socket.destroy();
  });
  ws.on("close", () => socket.end());
}

/** Listens on 127.0.0.1 for every route; each connection goes through its own port-forward. */
export async function startForwarder(api: KubeApi, routes: readonly ForwardRoute[], onError: (text: string) => void): Promise<Forwarder> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  try {
    for (const route of routes) {
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        forwardConnection(api, route.pod, route.port, socket, onError);
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ port: route.localPort, host: "127.0.0.1", exclusive: true }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      servers.push(server);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }
  return {
    ports: servers.map((s) => (s.address() as AddressInfo).port),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
