// The socket both UDP NICs hold (udp.ts on the loopback, udp-tunnel.ts between Pods): bound,
// and connected where there is one far end, before carrier; closed without late errors.
import type { Socket } from "node:dgram";

/** Binds `socket` to host:port and connects it to `remote` when given. On failure the socket
 * is closed and the error names `what` (the NIC) and the address. */
export async function bindUdpSocket(socket: Socket, what: string, host: string, port: number, remote?: { readonly host: string; readonly port: number }): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ port, address: host }, () => {
        const bound = (): void => {
          socket.off("error", reject);
          resolve();
        };
        if (remote) socket.connect(remote.port, remote.host, bound);
        else bound();
      });
    });
  } catch (err) {
    socket.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${what}: cannot bind ${host}:${port}: ${reason}`, { cause: err });
  }
}

/** Stops delivering to `onMessage` and closes the socket; later errors are of no interest. */
export function closeUdpSocket(socket: Socket, onMessage: Parameters<Socket["off"]>[1]): void {
  socket.off("message", onMessage);
  socket.on("error", () => {});
  try {
    socket.close();
  } catch {
    // already closed by Node (a failed bind)
  }
}
