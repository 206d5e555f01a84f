// A node's console as a stream of text for the app: a telnet connection to the node's console
// port (TelnetClient answers the negotiation, as `flexlab console` does), output decoded as
// UTF-8, input encoded and escaped. The LabApi server hands one to each open console tab.
import { connect, type Socket } from "node:net";
import { TelnetClient } from "./telnet";
import type { Result } from "../api/result";

export interface ConsoleStream {
  input(text: string): void;
  resize(columns: number, rows: number): void;
  close(): void;
}

export interface ConsoleHandlers {
  readonly onData: (text: string) => void;
  /** Once, when the connection ends for any reason but close(). */
  readonly onClose: (reason: string) => void;
}

/** Connects to HOST:PORT; resolves once connected, or to why not. */
export async function openConsoleStream(host: string, port: number, size: { columns: number; rows: number }, handlers: ConsoleHandlers): Promise<Result<{ stream: ConsoleStream }>> {
  const socket: Socket = connect({ host, port });
  let window = size;
  const telnet = new TelnetClient(
    (bytes) => void socket.write(bytes),
    () => window,
  );
  const failed = await new Promise<Error | undefined>((resolve) => {
    socket.once("connect", () => resolve(undefined));
    socket.once("error", resolve);
  });
  if (failed) return { ok: false, message: `cannot reach the console on ${host}:${port}: ${failed.message}` };
  socket.setNoDelay(true);
  const decoder = new TextDecoder("utf-8");
  const encoder = new TextEncoder();
  let closing = false;
  socket.on("data", (chunk: Buffer) => {
    const text = decoder.decode(telnet.receive(chunk), { stream: true });
    if (text) handlers.onData(text);
  });
  socket.on("error", () => {}); // "close" follows and says it
  socket.once("close", (hadError) => {
    if (!closing) handlers.onClose(hadError ? "connection lost" : "the node closed the console");
  });
  return {
    ok: true,
    stream: {
      input: (text) => {
        if (!socket.destroyed) socket.write(TelnetClient.escape(encoder.encode(text)));
      },
      resize: (columns, rows) => {
        window = { columns, rows };
        telnet.resized();
      },
      close: () => {
        closing = true;
        socket.destroy();
      },
    },
  };
}
