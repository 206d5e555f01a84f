// A learning bridge for one lab link in the process runtime: each endpoint (a router
// interface speaking frames-as-UDP, see core/router/io/udp.ts) gets its own UDP port on
// 127.0.0.1. A frame arriving on one port is flooded to the others unless its destination
// MAC was learnt: then it goes to that one port only (IEEE 802.1D learning and filtering,
// with the 300 s default ageing time: the MAC table is io/mac-table.ts, shared with the
// simulation's hubs). An impairment (io/impair.ts, netem's meaning) applies to what each
// endpoint receives, as in the simulation; a pulled cable forwards nothing and tells every
// node, whose interface then loses carrier.
import { createSocket, type Socket } from "node:dgram";
import { ImpairedPath, isNoImpairment, type Impairment, type ImpairmentScheduler } from "../router/io/impair";
import { DEFAULT_AGEING_MS, FLOOD, MacTable } from "../router/io/mac-table";
import { ETHERNET_HEADER_LENGTH } from "../router/wire/ethernet";
import { emitCarrierMessage } from "../router/wire/udp-carrier";

export interface BridgeEndpoint {
  /** The node's UDP port on 127.0.0.1, where the bridge sends this endpoint's frames. */
  readonly nodePort: number;
  /** The bridge's port for this endpoint; 0 (default) lets the kernel pick. */
  readonly bridgePort?: number;
}

export interface BridgeCounters {
  framesIn: number;
  framesOut: number;
  /** Datagrams from somewhere other than the endpoint's node, or too short for Ethernet. */
  dropped: number;
}

const LOOPBACK = "127.0.0.1";

/** Real time for the impairment: milliseconds with fractions, and timers. */
const REAL_TIME: ImpairmentScheduler = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

export class UdpBridge {
  private readonly table: MacTable;
  private readonly sockets: Socket[] = [];
  private readonly nodePorts: number[];
  private closed = false;
  /** Per endpoint, what it receives goes through; absent until the link is first impaired. */
  private paths: ImpairedPath[] | undefined;
  private impairment: Impairment | undefined;
  private plugged = true;
  private readonly emit = (frame: Uint8Array, to: number): void => {
    if (this.closed) return;
    this.sockets[to].send(frame, this.nodePorts[to], LOOPBACK);
    this.counters.framesOut++;
  };
  readonly counters: BridgeCounters = { framesIn: 0, framesOut: 0, dropped: 0 };

  private constructor(
    readonly name: string,
    endpoints: readonly BridgeEndpoint[],
    ageingMs: number,
  ) {
    this.table = new MacTable({ ageingMs, now: Date.now });
    this.nodePorts = endpoints.map((e) => e.nodePort);
  }

  /** Binds one socket per endpoint on 127.0.0.1 and starts relaying. */
  static async open(name: string, endpoints: readonly BridgeEndpoint[], ageingMs = DEFAULT_AGEING_MS): Promise<UdpBridge> {
    const bridge = new UdpBridge(name, endpoints, ageingMs);
    try {
      for (let i = 0; i < endpoints.length; i++) bridge.sockets.push(await bridge.bind(i, endpoints[i].bridgePort ?? 0));
    } catch (err) {
      bridge.close();
      throw err;
    }
    return bridge;
  }

  /** The bridge-side port of each endpoint, in the order given to `open`. */
  get ports(): number[] {
    return this.sockets.map((s) => s.address().port);
  }

  /** The node of one endpoint moved to another UDP port (its old one was taken). */
  setNodePort(index: number, nodePort: number): void {
    this.nodePorts[index] = nodePort;
  }

  /** Sets (undefined: clears) the impairment of what every endpoint receives. */
  setImpairment(impairment: Impairment | undefined): void {
    this.impairment = isNoImpairment(impairment) ? undefined : impairment;
    if (!this.paths && !this.impairment) return;
    this.paths ??= this.nodePorts.map(() => new ImpairedPath(undefined, { scheduler: REAL_TIME, random: Math.random }, this.emit));
    for (const path of this.paths) path.set(this.impairment);
  }

  /** Pulls the cable (false) or plugs it back (true), telling every node. */
  setCarrier(up: boolean): void {
    this.plugged = up;
    for (let p = 0; p < this.sockets.length; p++) this.sockets[p].send(emitCarrierMessage(up), this.nodePorts[p], LOOPBACK);
  }

  /** Forget the MACs learnt from one endpoint (its node restarted). */
  flushEndpoint(index: number): void {
    this.table.flushPort(index);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const path of this.paths ?? []) path.close();
    for (const socket of this.sockets) {
      socket.removeAllListeners("message");
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  private bind(index: number, port: number): Promise<Socket> {
    const socket = createSocket({ type: "udp4" });
    return new Promise((resolve, reject) => {
      socket.once("error", (err) => {
        socket.close();
        reject(new Error(`bridge ${this.name}: cannot bind ${LOOPBACK}:${port}: ${err.message}`, { cause: err }));
      });
      socket.bind({ port, address: LOOPBACK }, () => {
        socket.removeAllListeners("error");
        // A node that is down makes the kernel answer "port unreachable"; the frame is lost, as on a wire.
        socket.on("error", () => {});
        socket.on("message", (msg, from) => this.receive(index, msg, from.address, from.port));
        resolve(socket);
      });
    });
  }

  private receive(index: number, msg: Buffer, host: string, port: number): void {
    // Only the endpoint's own node may send on its port: anything else is noise on the loopback.
    if (host !== LOOPBACK || port !== this.nodePorts[index]) {
      this.counters.dropped++;
      return;
    }
    const frame = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    if (frame.length < ETHERNET_HEADER_LENGTH) {
      this.counters.dropped++;
      return;
    }
    this.counters.framesIn++;
    if (!this.plugged) {
      // A node that came up after the cable was pulled learns it from its first frame.
      this.sockets[index].send(emitCarrierMessage(false), this.nodePorts[index], LOOPBACK);
      return;
    }
    this.table.learn(frame, 0, index);
    const to = this.table.destination(frame, 0);
    if (to === index) return; // filtered: the destination is on the port it came in on
    // Each node's UdpNic is connected to its own bridge port: that port's socket must send to it.
    const paths = this.paths;
    for (let p = 0; p < this.sockets.length; p++) {
      if (p === index || (to !== FLOOD && p !== to)) continue;
      if (paths === undefined || paths[p].passthrough) this.emit(frame, p);
      else paths[p].accept(frame, p);
    }
  }
}
