// The router's console as a TCP server speaking telnet, so `telnet 127.0.0.1 PORT` and the
// app's xterm both reach it. Each connection gets its own ConsoleSession (and Shell); several
// may be open at once, all seeing the router's log.
import { createServer, type Server, type Socket } from "node:net";
import type { Router } from "../node/router";
import { ConsoleSession } from "./console-session";

export interface ConsoleServerOptions {
  readonly router: Router;
  /** Address to listen on: 127.0.0.1 (default) or 0.0.0.0 inside a container. */
  readonly host?: string;
  /** 0 lets the kernel pick. */
  readonly port: number;
  /** A bug thrown while handling a connection's input; the connection and the router go on. */
  readonly onBug: (context: string, err: unknown) => void;
}

export interface ConsoleServer {
  readonly port: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const session = new ConsoleSession(
      options.router,
      {
        write: (bytes) => void socket.write(bytes),
        end: () => socket.end(),
      },
      (err) => options.onBug("console command", err),
    );
    socket.on("data", (chunk: Buffer) => {
      try {
        session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      } catch (err) {
        options.onBug("console input", err);
      }
    });
    socket.on("close", () => {
      sockets.delete(socket);
      session.close();
    });
    socket.on("error", () => {
      // A reset by the client: "close" follows and cleans up.
    });
    session.start();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
