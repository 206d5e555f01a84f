// UDP sockets for the router's own protocols (IKE on 500 and 4500, traceroute's probes, later
// anything else): bind a port in a VRF, optionally to one local address, receive datagrams,
// send to an address and port with the source chosen as IOS would (the outgoing interface's
// address) unless given. A datagram for a port nobody bound gets ICMP port unreachable
// (RFC 1122 §4.1.3.1), which is what ends a traceroute.
//
// TCP sockets are in tcp/sockets.ts.
import type { Ipv4 } from "../wire/addr";
import { isWireError } from "../wire/errors";
import { UDP_HEADER_LENGTH, emitUdp, parseUdp } from "../wire/udp";
import type { IcmpService, Ipv4Output, SendResult } from "./icmp";
import type { Interface } from "./interface";
import type { Vrf } from "./vrf";
import { IpProtocol, ipv4Dst, ipv4HeaderLengthAt, ipv4Src, ipv4Ttl } from "../wire/ipv4";

const PORT_UNREACHABLE = 3;
const FIRST_EPHEMERAL_PORT = 49152;

export interface UdpDatagram {
  readonly vrf: Vrf;
  readonly inInterface: Interface;
  readonly src: Ipv4;
  readonly srcPort: number;
  readonly dst: Ipv4;
  readonly dstPort: number;
  readonly ttl: number;
  /** The payload (a view into the received buffer, which the receiver may keep). */
  readonly payload: Uint8Array;
}

export type UdpReceiver = (datagram: UdpDatagram) => void;

export interface UdpBindOptions {
  readonly vrf: Vrf;
  /** 0 picks a free ephemeral port. */
  readonly port: number;
  /** Receive only datagrams to this address; undefined for any of ours. */
  readonly address?: Ipv4;
}

export interface UdpSendOptions {
  readonly src?: Ipv4;
  readonly ttl?: number;
  readonly tos?: number;
  readonly dontFragment?: boolean;
}

export class UdpSocket {
  private open = true;

  constructor(
    private readonly owner: UdpSockets,
    readonly vrf: Vrf,
    readonly localPort: number,
    readonly localAddress: Ipv4 | undefined,
    readonly receiver: UdpReceiver,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Sends `payload` to `dst:dstPort`; the source is the bound address, the option, or IOS's choice. */
  send(dst: Ipv4, dstPort: number, payload: Uint8Array, options: UdpSendOptions = {}): SendResult {
    if (!this.open) return "dropped";
    return this.owner.sendFrom(this, dst, dstPort, payload, options);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.owner.unbind(this);
  }
}

export class UdpSockets {
  /** (VRF id, port) → sockets, address-specific ones first. */
  private readonly bound = new Map<number, UdpSocket[]>();
  private nextEphemeral = FIRST_EPHEMERAL_PORT;

  constructor(
    private readonly output: Ipv4Output,
    private readonly icmp: IcmpService,
  ) {}

  /** Binds a socket; returns an error text when the port (and address) is taken. */
  bind(options: UdpBindOptions, receiver: UdpReceiver): UdpSocket | string {
    const port = options.port === 0 ? this.freePort(options.vrf) : options.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `% Invalid UDP port ${options.port}`;
    const key = options.vrf.id * 65536 + port;
    const list = this.bound.get(key) ?? [];
    if (list.some((s) => s.localAddress === options.address || s.localAddress === undefined || options.address === undefined)) {
      return `% UDP port ${port} is already in use`;
    }
    const socket = new UdpSocket(this, options.vrf, port, options.address, receiver);
    list.push(socket);
    list.sort((a, b) => (a.localAddress === undefined ? 1 : 0) - (b.localAddress === undefined ? 1 : 0));
    this.bound.set(key, list);
    return socket;
  }

  unbind(socket: UdpSocket): void {
    const key = socket.vrf.id * 65536 + socket.localPort;
    const list = this.bound.get(key);
    if (list === undefined) return;
    const rest = list.filter((s) => s !== socket);
    if (rest.length) this.bound.set(key, rest);
    else this.bound.delete(key);
  }

  sendFrom(socket: UdpSocket, dst: Ipv4, dstPort: number, payload: Uint8Array, options: UdpSendOptions): SendResult {
    const src = options.src ?? socket.localAddress ?? this.output.sourceToward(socket.vrf, dst);
    if (src === undefined) return "no-route";
    const datagram = new Uint8Array(UDP_HEADER_LENGTH + payload.length);
    datagram.set(payload, UDP_HEADER_LENGTH);
    emitUdp({ srcPort: socket.localPort, dstPort, payloadLength: payload.length }, datagram, 0, src, dst);
    return this.output.originate(socket.vrf, src, dst, IpProtocol.Udp, datagram, options.ttl, options.tos, options.dontFragment);
  }

  /** The handler for IP protocol 17. */
  receive(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, arrivedOn: Interface = inIf): void {
    const udp = ipOffset + ipv4HeaderLengthAt(buf, ipOffset);
    const src = ipv4Src(buf, ipOffset);
    const dst = ipv4Dst(buf, ipOffset);
    const parsed = parseUdp(buf.subarray(udp, end), src, dst);
    if (isWireError(parsed)) {
      inIf.drop("udp-malformed");
      return;
    }
    const { srcPort, dstPort } = parsed.repr;
    const list = this.bound.get(inIf.vrf.id * 65536 + dstPort);
    if (list !== undefined) {
      for (const socket of list) {
        if (socket.localAddress !== undefined && socket.localAddress !== dst) continue;
        socket.receiver({ vrf: inIf.vrf, inInterface: inIf, src, srcPort, dst, dstPort, ttl: ipv4Ttl(buf, ipOffset), payload: parsed.payload });
        return;
      }
    }
    this.icmp.unreachable(arrivedOn, buf, ipOffset, end, PORT_UNREACHABLE, 0, arrivedOn, inIf.vrf);
    inIf.drop("port-unreachable");
  }

  private freePort(vrf: Vrf): number {
    for (let tries = 0; tries < 16384; tries++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port >= 65535 ? FIRST_EPHEMERAL_PORT : port + 1;
      if (!this.bound.has(vrf.id * 65536 + port)) return port;
    }
    return 0;
  }
}
