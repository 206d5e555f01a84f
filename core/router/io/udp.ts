// Frames over UDP on the loopback: each datagram carries one whole Ethernet frame. The process
// runtime connects each router interface this way to a learning bridge in the lab daemon.
// Only 127.0.0.0/8 is allowed at either end, so lab traffic never leaves the machine.
import { createSocket, type Socket } from "node:dgram";
import { parseIpv4 } from "../wire/addr";
import { CARRIER_MESSAGE_LENGTH, parseCarrierMessage } from "../wire/udp-carrier";
import { NicBase, microtaskDeferrer } from "./base";
import { copyFrame } from "./frame";
import { bindUdpSocket, closeUdpSocket } from "./udp-socket";
import type { Deferrer } from "./nic";

export interface UdpNicOptions {
  readonly name: string;
  /** Local UDP port; 0 (the default) lets the kernel pick one, which `open` returns. */
  readonly localPort?: number;
  /** Local address to bind; a 127.0.0.0/8 address, default 127.0.0.1. */
  readonly localHost?: string;
  /** The bridge's end: a 127.0.0.0/8 address and a port. Datagrams from anywhere else are ignored. */
  readonly remote: { readonly host: string; readonly port: number };
  readonly maxFrameBytes?: number;
  /** Datagrams waiting in the socket's send queue before `send` refuses. Default 1024. */
  readonly queueFrames?: number;
  /** Schedules link-change reports; default a microtask. */
  readonly clock?: Deferrer;
}

const DEFAULT_QUEUE_FRAMES = 1024;

export class UdpNic extends NicBase {
  private socket: Socket | undefined;
  private bound = false;
  /** The bridge's cable: it says when the lab pulls it (`flexlab link … down`). */
  private bridgeCarrier = true;
  private readonly localHost: string;
  private readonly localPort: number;
  private readonly remoteHost: string;
  private readonly remotePort: number;
  private readonly queueFrames: number;
  // Node gives each datagram its own memory; hand it on as a plain Uint8Array (Buffer#slice shares).
  private readonly onMessage = (msg: Buffer): void => {
    const datagram = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    if (datagram.length === CARRIER_MESSAGE_LENGTH) {
      const up = parseCarrierMessage(datagram);
      if (up !== undefined) {
        this.bridgeCarrier = up;
        this.linkMayHaveChanged();
        return;
      }
    }
    this.deliver(datagram);
  };
  private readonly onError = (err: NodeJS.ErrnoException): void => {
    // On a connected socket, ICMP port unreachable (no bridge listening) comes back as ECONNREFUSED:
    // a datagram we sent was lost. Anything else went wrong receiving.
    if (err.code === "ECONNREFUSED" || err.syscall === "send") this.counters.txDrops++;
    else this.counters.rxDrops++;
  };

  constructor(options: UdpNicOptions) {
    super(options.name, options.clock ?? microtaskDeferrer, options.maxFrameBytes);
    this.localHost = loopbackOnly(options.localHost ?? "127.0.0.1", `UdpNic ${options.name}: local host`);
    this.remoteHost = loopbackOnly(options.remote.host, `UdpNic ${options.name}: remote host`);
    this.localPort = portNumber(options.localPort ?? 0, 0, `UdpNic ${options.name}: localPort`);
    this.remotePort = portNumber(options.remote.port, 1, `UdpNic ${options.name}: remote port`);
    this.queueFrames = options.queueFrames ?? DEFAULT_QUEUE_FRAMES;
  }

  /** Binds and connects the socket; resolves to the local port. */
  async open(): Promise<number> {
    if (this.closed) throw new Error(`UdpNic ${this.name}: closed`);
    if (this.socket) throw new Error(`UdpNic ${this.name}: already open`);
    const socket = createSocket({ type: "udp4" });
    this.socket = socket;
    try {
      await bindUdpSocket(socket, `UdpNic ${this.name}`, this.localHost, this.localPort, { host: this.remoteHost, port: this.remotePort });
    } catch (err) {
      this.socket = undefined;
      throw err;
    }
    if (this.closed) {
      socket.close();
      throw new Error(`UdpNic ${this.name}: closed while opening`);
    }
    socket.on("message", this.onMessage);
    socket.on("error", this.onError);
    this.bound = true;
    this.linkMayHaveChanged();
    return socket.address().port;
  }

  /** The bound local port, or undefined before `open`. */
  get port(): number | undefined {
    return this.bound && this.socket ? this.socket.address().port : undefined;
  }

  send(frame: Uint8Array): boolean {
    if (!this.sendable(frame)) return false;
    const socket = this.socket as Socket; // carrier() implies an open socket
    if (socket.getSendQueueCount() >= this.queueFrames) {
      this.counters.txDrops++;
      return false;
    }
    // dgram may hold the bytes until the kernel takes them, so it gets a copy.
    socket.send(copyFrame(frame));
    this.countSent(frame.length);
    return true;
  }

  protected carrier(): boolean {
    return this.bound && this.bridgeCarrier;
  }

  protected closeBackend(): void {
    this.bound = false;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) closeUdpSocket(socket, this.onMessage);
  }
}

/** Accepts a dotted IPv4 address in 127.0.0.0/8; anything else (names included) is refused. */
function loopbackOnly(host: string, what: string): string {
  const addr = parseIpv4(host);
  if (addr === undefined || addr >>> 24 !== 127) {
    throw new Error(`${what} ${JSON.stringify(host)} refused: only 127.0.0.0/8 addresses are allowed, lab traffic must stay on this machine`);
  }
  return host;
}

function portNumber(port: number, min: number, what: string): number {
  if (!Number.isInteger(port) || port < min || port > 65535) throw new RangeError(`${what} must be an integer ${min}..65535, not ${port}`);
  return port;
}
