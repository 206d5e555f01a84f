// Frames over UDP between hosts: each datagram carries one whole Ethernet frame, as GNS3's
// UDP tunnels do. The kubernetes runtime links routers this way between Pod IPs, which any
// CNI plugin routes. Unlike UdpNic (loopback only, one bridge), the far ends are set while
// the port runs (`setPeers`): a Pod's address is known only once it is scheduled, so the lab
// tells each router its peers through the mgmt API (`link.peers`) after every Pod has one.
// A link of more than two ends has several peers: a frame goes to each of them, as on a
// hub. Datagrams from anyone but a peer are counted and dropped.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { parseIpv4 } from "../wire/addr";
import { NicBase, microtaskDeferrer } from "./base";
import { copyFrame } from "./frame";
import { bindUdpSocket, closeUdpSocket } from "./udp-socket";
import type { Deferrer } from "./nic";

export interface TunnelPeer {
  /** A dotted IPv4 address. */
  readonly host: string;
  readonly port: number;
}

export interface UdpTunnelNicOptions {
  readonly name: string;
  /** Local address to bind, dotted IPv4; default 0.0.0.0 (a Pod's every address). */
  readonly localHost?: string;
  /** Local UDP port; 0 lets the kernel pick one, which `open` returns. */
  readonly localPort: number;
  readonly maxFrameBytes?: number;
  /** Datagrams waiting in the socket's send queue before `send` refuses. Default 1024. */
  readonly queueFrames?: number;
  readonly clock?: Deferrer;
}

const DEFAULT_QUEUE_FRAMES = 1024;
/** More ends than any lab link has; bounds the per-frame fan-out. */
export const MAX_TUNNEL_PEERS = 64;

/** Checks a peer list; a string says what is wrong. */
export function checkPeers(peers: readonly TunnelPeer[]): string | undefined {
  if (peers.length > MAX_TUNNEL_PEERS) return `at most ${MAX_TUNNEL_PEERS} peers, not ${peers.length}`;
  for (const p of peers) {
    if (parseIpv4(p.host) === undefined) return `peer host ${JSON.stringify(p.host)} is not a dotted IPv4 address`;
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) return `peer port ${p.port} is not 1..65535`;
  }
  return undefined;
}

export class UdpTunnelNic extends NicBase {
  private socket: Socket | undefined;
  private bound = false;
  private peerList: readonly TunnelPeer[] = [];
  /** "host:port" of every peer, for the receive check. */
  private peerKeys = new Set<string>();
  private readonly localHost: string;
  private readonly localPort: number;
  private readonly queueFrames: number;
  private readonly onMessage = (msg: Buffer, from: RemoteInfo): void => {
    if (!this.peerKeys.has(`${from.address}:${from.port}`)) {
      this.counters.rxDrops++;
      return;
    }
    this.deliver(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
  };
  private readonly onError = (err: NodeJS.ErrnoException): void => {
    if (err.syscall === "send") this.counters.txDrops++;
    else this.counters.rxDrops++;
  };

  constructor(options: UdpTunnelNicOptions) {
    super(options.name, options.clock ?? microtaskDeferrer, options.maxFrameBytes);
    this.localHost = options.localHost ?? "0.0.0.0";
    if (parseIpv4(this.localHost) === undefined) throw new Error(`UdpTunnelNic ${options.name}: local host ${JSON.stringify(this.localHost)} is not a dotted IPv4 address`);
    if (!Number.isInteger(options.localPort) || options.localPort < 0 || options.localPort > 65535) {
      throw new RangeError(`UdpTunnelNic ${options.name}: localPort must be 0..65535, not ${options.localPort}`);
    }
    this.localPort = options.localPort;
    this.queueFrames = options.queueFrames ?? DEFAULT_QUEUE_FRAMES;
  }

  /** Binds the socket; resolves to the local port. Carrier comes once there is a peer. */
  async open(): Promise<number> {
    if (this.closed) throw new Error(`UdpTunnelNic ${this.name}: closed`);
    if (this.socket) throw new Error(`UdpTunnelNic ${this.name}: already open`);
    const socket = createSocket({ type: "udp4" });
    this.socket = socket;
    try {
      await bindUdpSocket(socket, `UdpTunnelNic ${this.name}`, this.localHost, this.localPort);
    } catch (err) {
      this.socket = undefined;
      throw err;
    }
    socket.on("message", this.onMessage);
    socket.on("error", this.onError);
    this.bound = true;
    this.linkMayHaveChanged();
    return socket.address().port;
  }

  get port(): number | undefined {
    return this.bound && this.socket ? this.socket.address().port : undefined;
  }

  get peers(): readonly TunnelPeer[] {
    return this.peerList;
  }

  /** Replaces the far ends (an empty list pulls the carrier); throws on a malformed list. */
  setPeers(peers: readonly TunnelPeer[]): void {
    const problem = checkPeers(peers);
    if (problem) throw new Error(`UdpTunnelNic ${this.name}: ${problem}`);
    this.peerList = peers.map((p) => ({ host: p.host, port: p.port }));
    this.peerKeys = new Set(this.peerList.map((p) => `${p.host}:${p.port}`));
    this.linkMayHaveChanged();
  }

  send(frame: Uint8Array): boolean {
    if (!this.sendable(frame)) return false;
    const socket = this.socket as Socket; // carrier() implies an open socket
    if (socket.getSendQueueCount() >= this.queueFrames) {
      this.counters.txDrops++;
      return false;
    }
    // dgram may hold the bytes until the kernel takes them: one copy, shared by every peer.
    const bytes = copyFrame(frame);
    for (const peer of this.peerList) socket.send(bytes, peer.port, peer.host);
    this.countSent(frame.length);
    return true;
  }

  protected carrier(): boolean {
    return this.bound && this.peerList.length > 0;
  }

  protected closeBackend(): void {
    this.bound = false;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) closeUdpSocket(socket, this.onMessage);
  }
}
