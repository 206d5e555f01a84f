// TCP over a link that loses, duplicates, delays and reorders frames: two routers built from
// config text on one virtual clock, their ports joined by a memory pair behind an impairment.
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import { NicDecorator } from "../io/nic-decorator";
import type { Nic } from "../io/nic";
import { Router } from "../node/router";
import { ipv4 } from "../wire/addr";
import { concatBytes } from "../wire/bytes";
import { parseEthernet } from "../wire/ethernet";
import { isWireError } from "../wire/errors";
import { parseIpv4, IpProtocol } from "../wire/ipv4";
import { buildTcp, parseTcp, TcpFlag } from "../wire/tcp";
import { iolMacBase } from "../net/iol-mac";
import type { TcpConnection } from "../net/tcp/connection";

interface Segment {
  readonly timeMs: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly length: number;
  readonly window: number;
}

/** A Nic that impairs what it sends: a seeded PRNG decides loss, duplication and delay. */
class ImpairedNic extends NicDecorator {
  lossRate = 0;
  duplicateRate = 0;
  /** Each frame is delayed by a random 0..jitterMs, so frames overtake each other. */
  jitterMs = 0;
  /** Frames for which this returns true are lost (after being recorded). */
  dropIf: (segment: Segment) => boolean = () => false;
  readonly sent: Segment[] = [];
  private seed = 12345;

  constructor(
    inner: Nic,
    private readonly clock: VirtualClock,
  ) {
    super(inner);
  }

  private random(): number {
    // mulberry32
    let t = (this.seed = (this.seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  override send(frame: Uint8Array): boolean {
    const segment = tcpSegmentOf(frame, this.clock.now());
    if (segment !== undefined) {
      this.sent.push(segment);
      if (this.dropIf(segment)) return true;
    }
    if (this.random() < this.lossRate) return true;
    const copies = this.random() < this.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.jitterMs > 0) {
        const copy = frame.slice();
        this.clock.after(this.random() * this.jitterMs, () => this.inner.send(copy));
      } else this.inner.send(frame);
    }
    return true;
  }
}

function tcpSegmentOf(frame: Uint8Array, timeMs: number): Segment | undefined {
  const eth = parseEthernet(frame);
  if (isWireError(eth) || eth.repr.etherType !== 0x0800) return undefined;
  const ip = parseIpv4(eth.payload);
  if (isWireError(ip) || ip.repr.protocol !== IpProtocol.Tcp) return undefined;
  const tcp = parseTcp(ip.payload, ip.repr.src, ip.repr.dst);
  if (isWireError(tcp)) return undefined;
  return { timeMs, seq: tcp.repr.seq, ack: tcp.repr.ack, flags: tcp.repr.flags, length: tcp.payload.length, window: tcp.repr.window };
}

const config = (n: number) => `hostname R${n}
interface Ethernet0/0
 ip address 10.0.0.${n} 255.255.255.0
`;

let routers: Router[] = [];
afterEach(() => {
  for (const r of routers) r.close();
  routers = [];
});

function build() {
  const clock = new VirtualClock();
  const [a, b] = memoryPair({ clock }, ["R1:Ethernet0/0", "R2:Ethernet0/0"]);
  const nic1 = new ImpairedNic(a, clock);
  const nic2 = new ImpairedNic(b, clock);
  const r1 = new Router({ clock, ports: { "Ethernet0/0": nic1 }, macBase: iolMacBase(1) });
  const r2 = new Router({ clock, ports: { "Ethernet0/0": nic2 }, macBase: iolMacBase(2) });
  routers = [r1, r2];
  r1.boot(config(1));
  r2.boot(config(2));
  clock.settle(10_000);
  const accepted: TcpConnection[] = [];
  const listener = r2.stack.tcp.listen({ vrf: r2.stack.globalVrf, port: 179 }, (c) => accepted.push(c));
  if (typeof listener === "string") throw new Error(listener);
  const client = r1.stack.tcp.connect({ vrf: r1.stack.globalVrf, remote: ipv4(10, 0, 0, 2), port: 179 });
  if (typeof client === "string") throw new Error(client);
  clock.advance(5000);
  expect(client.state).toBe("ESTABLISHED");
  return { clock, nic1, nic2, client, server: accepted[0], r1 };
}

function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function collect(c: TcpConnection): { bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  c.onData((b) => chunks.push(b.slice()));
  return {
    bytes: () => concatBytes(chunks),
  };
}

const MB = 1024 * 1024;

/** Data segments sent again (a sequence number seen before). */
function retransmissions(nic: ImpairedNic): number {
  const seen = new Set<number>();
  let again = 0;
  for (const s of nic.sent) {
    if (s.length === 0) continue;
    if (seen.has(s.seq)) again++;
    seen.add(s.seq);
  }
  return again;
}

describe("TCP on an impaired link", () => {
  it("moves 1 MB each way intact through 5% loss, 5% duplication and reordering", () => {
    const { clock, nic1, nic2, client, server } = build();
    for (const nic of [nic1, nic2]) {
      nic.lossRate = 0.05;
      nic.duplicateRate = 0.05;
      nic.jitterMs = 4;
    }
    const up = pattern(MB);
    const down = pattern(MB).reverse();
    const atServer = collect(server);
    const atClient = collect(client);
    for (let at = 0; at < MB; at += 64 * 1024) {
      client.write(up.subarray(at, at + 64 * 1024));
      server.write(down.subarray(at, at + 64 * 1024));
    }
    clock.advance(600_000);
    expect(atServer.bytes().length).toBe(MB);
    expect(Buffer.from(atServer.bytes()).equals(Buffer.from(up))).toBe(true);
    expect(Buffer.from(atClient.bytes()).equals(Buffer.from(down))).toBe(true);
    expect(client.bufferedBytes).toBe(0);
    expect(server.bufferedBytes).toBe(0);
    expect(retransmissions(nic1)).toBeGreaterThan(20); // the loss was real, and recovered from
    expect(retransmissions(nic2)).toBeGreaterThan(20);
    client.close();
    server.close();
    clock.advance(120_000);
    expect(client.state).toBe("CLOSED");
    expect(server.state).toBe("CLOSED");
  });

  it("retransmits a lost segment on three duplicate ACKs, long before the RTO", () => {
    const { clock, nic1, client, server } = build();
    nic1.jitterMs = 1;
    const received = collect(server);
    let lostSeq: number | undefined;
    let dataSegments = 0;
    nic1.dropIf = (s) => {
      if (s.length === 0) return false;
      if (++dataSegments === 5) lostSeq = s.seq;
      return dataSegments === 5;
    };
    const start = clock.now();
    client.write(pattern(64_000));
    clock.advance(200);
    expect(received.bytes().length).toBe(64_000);
    expect(lostSeq).toBeDefined();
    const resent = nic1.sent.filter((s) => s.seq === lostSeq && s.length > 0);
    expect(resent).toHaveLength(2);
    expect(resent[1].timeMs - start).toBeLessThan(100); // the RTO is at least 1 s
  });

  it("backs off exponentially while the peer is unreachable (RFC 6298 §5.5), then times out with RST", () => {
    const { clock, nic1, nic2, client, server } = build();
    nic1.lossRate = 1;
    nic2.lossRate = 1;
    const closed: string[] = [];
    client.onClose((r) => closed.push(r));
    const start = clock.now();
    client.write(Uint8Array.of(1, 2, 3));
    clock.advance(3_600_000);
    const sends = nic1.sent.filter((s) => s.length === 3).map((s) => s.timeMs - start);
    const gaps = sends.slice(1).map((t, i) => t - sends[i]);
    expect(gaps.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(Math.max(...gaps)).toBe(60_000);
    expect(closed).toEqual(["timeout"]);
    expect((nic1.sent.at(-1)?.flags ?? 0) & TcpFlag.Rst).toBe(TcpFlag.Rst);
    expect(server.state).toBe("ESTABLISHED");
  });

  it("honours a closed window: the receiver pauses, the sender probes, and resuming opens it again", () => {
    const { clock, nic1, nic2, client, server } = build();
    server.pauseReading();
    const received = collect(server);
    client.write(pattern(200_000));
    clock.advance(10_000);
    expect(received.bytes().length).toBe(0);
    expect(nic2.sent.at(-1)?.window).toBe(0);
    expect(client.bufferedBytes).toBe(200_000 - 65_535);
    const probes = nic1.sent.filter((s) => s.length === 1);
    expect(probes.length).toBeGreaterThan(0);
    server.resumeReading();
    clock.advance(60_000);
    expect(Buffer.from(received.bytes()).equals(Buffer.from(pattern(200_000)))).toBe(true);
    expect(client.state).toBe("ESTABLISHED");
  });

  it("answers an in-window RST that misses RCV.NXT with a challenge ACK, and resets on an exact one (RFC 5961 §3)", () => {
    const { clock, nic1, nic2, client, server, r1 } = build();
    const closed: string[] = [];
    server.onClose((r) => closed.push(r));
    const rcvNxt = (nic1.sent.at(-1) as Segment).seq; // the handshake's final ACK
    const forge = (seq: number) => {
      const { localAddress, remoteAddress, localPort, remotePort } = client.endpoint;
      const segment = buildTcp({ srcPort: localPort, dstPort: remotePort, seq, ack: 0, flags: TcpFlag.Rst, window: 0, urgentPointer: 0, options: [] }, new Uint8Array(0), localAddress, remoteAddress);
      r1.stack.forwarding.originate(r1.stack.globalVrf, localAddress, remoteAddress, IpProtocol.Tcp, segment);
      clock.advance(10);
    };
    const before = nic2.sent.length;
    forge((rcvNxt + 1000) >>> 0);
    expect(server.state).toBe("ESTABLISHED");
    const challenge = nic2.sent.slice(before).find((s) => s.flags === TcpFlag.Ack);
    expect(challenge?.ack).toBe(rcvNxt);
    forge(rcvNxt);
    expect(server.state).toBe("CLOSED");
    expect(closed).toEqual(["reset"]);
  });

  it("answers a stray ACK to a listening port with RST carrying that ACK as its sequence (RFC 9293 §3.10.7.2)", () => {
    const { clock, nic2, r1 } = build();
    const local = ipv4(10, 0, 0, 1);
    const remote = ipv4(10, 0, 0, 2);
    const segment = buildTcp({ srcPort: 40000, dstPort: 179, seq: 5, ack: 123456, flags: TcpFlag.Ack, window: 1000, urgentPointer: 0, options: [] }, new Uint8Array(0), local, remote);
    const before = nic2.sent.length;
    r1.stack.forwarding.originate(r1.stack.globalVrf, local, remote, IpProtocol.Tcp, segment);
    clock.advance(10);
    expect(nic2.sent.slice(before)).toEqual([expect.objectContaining({ seq: 123456, flags: TcpFlag.Rst, length: 0 })]);
  });
});
