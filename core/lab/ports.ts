// Free ports on 127.0.0.1 for the process runtime: ask the kernel for an ephemeral port by
// binding port 0, note it, and close. Another program may take it before the node binds it;
// the node then fails with EADDRINUSE, which the daemon reports as "port in use". Ports
// handed out by one allocator are never handed out twice, even once released by the kernel.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

const LOOPBACK = "127.0.0.1";

export class PortAllocator {
  private readonly given = new Set<number>();

  async tcp(): Promise<number> {
    return this.unique(freeTcpPort);
  }

  async udp(): Promise<number> {
    return this.unique(freeUdpPort);
  }

  private async unique(probe: () => Promise<number>): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = await probe();
      if (!this.given.has(port)) {
        this.given.add(port);
        return port;
      }
    }
    throw new Error("no free port on 127.0.0.1 after 50 attempts");
  }
}

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: LOOPBACK, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: "udp4" });
    socket.once("error", reject);
    socket.bind({ port: 0, address: LOOPBACK, exclusive: true }, () => {
      const port = socket.address().port;
      socket.close(() => resolve(port));
    });
  });
}
