// `flexlab console NODE`: the terminal joined to the node's telnet console in raw mode, as
// `telnet HOST PORT` would (the node's endpoint, from the lab state). Ctrl-] then q leaves, like telnet's escape.
import { connect } from "node:net";
import { findNode } from "../../lab/running-lab";
import { TelnetClient } from "../../lab/telnet";
import type { LabOption } from "../options";
import { fail, runningLab } from "./lab-context";

const ESCAPE = 0x1d; // Ctrl-]

export async function consoleCommand(node: string, options: LabOption): Promise<void> {
  const lab = await runningLab(options);
  if (!lab) return;
  const found = findNode(lab.state, node);
  if (!found.ok) return fail(found.message, 2);
  const { host, consolePort: port } = found.value;
  const stdin = process.stdin;
  const stdout = process.stdout;
  const socket = connect({ host, port });
  const telnet = new TelnetClient(
    (bytes) => void socket.write(bytes),
    () => ({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 }),
  );
  const connected = await new Promise<Error | undefined>((resolve) => {
    socket.once("connect", () => resolve(undefined));
    socket.once("error", resolve);
  });
  if (connected) return fail(`cannot reach the console of ${node} on ${host}:${port}: ${connected.message} (is it running? flexlab status)`);
  console.error(`Connected to ${node} (${host}:${port}). Escape character is '^]', then q to quit.`);
  socket.setNoDelay(true);
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  let escaped = false;
  const onInput = (chunk: Buffer): void => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (escaped) {
        escaped = false;
        if (b === 0x71 || b === 0x51) return void socket.end(); // q
        stdout.write("\r\n");
        continue; // anything else: back to the session
      }
      if (b === ESCAPE) {
        escaped = true;
        stdout.write("\r\ntelnet> ");
        continue;
      }
      socket.write(TelnetClient.escape(Uint8Array.of(b)));
    }
  };
  const onResize = (): void => telnet.resized();
  stdin.on("data", onInput);
  stdout.on("resize", onResize);
  socket.on("data", (chunk: Buffer) => stdout.write(telnet.receive(chunk)));
  await new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    socket.once("error", () => resolve());
    // Piped input (a script): when it ends, give the console a moment to answer, then leave.
    stdin.once("end", () => setTimeout(() => socket.end(), 500));
  });
  stdin.off("data", onInput);
  stdout.off("resize", onResize);
  if (raw) stdin.setRawMode(false);
  stdin.pause();
  console.error(`\r\nConnection to ${node} closed.`);
}
