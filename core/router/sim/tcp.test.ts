import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { ipv4, type Ipv4 } from "../wire/addr";
import type { TcpConnection } from "../net/tcp/connection";
import type { TcpCloseReason } from "../net/tcp/tcb";
import { TCP_MAX_HALF_OPEN, type TcpSockets } from "../net/tcp/sockets";
import { buildIpv4, IpProtocol } from "../wire/ipv4";
import { buildTcp, TcpFlag } from "../wire/tcp";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = `hostname R1
vrf definition BLUE
 rd 1:1
 address-family ipv4
 exit-address-family
interface Loopback0
 ip address 1.1.1.1 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
interface Ethernet0/1
 vrf forwarding BLUE
 ip address 10.0.12.1 255.255.255.0
ip route 2.2.2.2 255.255.255.255 10.0.12.2
`;
const R2 = `hostname R2
vrf definition BLUE
 rd 1:1
 address-family ipv4
 exit-address-family
interface Loopback0
 ip address 2.2.2.2 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
interface Ethernet0/1
 vrf forwarding BLUE
 ip address 10.0.12.2 255.255.255.0
ip route 1.1.1.1 255.255.255.255 10.0.12.1
`;

const R1_ADDR = ipv4(10, 0, 12, 1);
const R2_ADDR = ipv4(10, 0, 12, 2);

function start(): Simulation {
  sim = new Simulation({
    nodes: { R1, R2 },
    links: [
      [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }],
      [{ node: "R1", iface: "Ethernet0/1" }, { node: "R2", iface: "Ethernet0/1" }],
    ],
  });
  sim.settle();
  return sim;
}

function tcpOf(s: Simulation, node: string): TcpSockets {
  return s.node(node).router.stack.tcp;
}

function vrfOf(s: Simulation, node: string, name?: string) {
  const vrf = s.node(node).router.stack.vrf(name);
  if (vrf === undefined) throw new Error(`no VRF ${name}`);
  return vrf;
}

/** A connection's events, recorded. */
function watch(c: TcpConnection) {
  const seen = { data: [] as number[], ended: false, closed: undefined as TcpCloseReason | undefined, connected: false };
  c.onData((bytes) => seen.data.push(...bytes));
  c.onEnd(() => (seen.ended = true));
  c.onClose((reason) => (seen.closed = reason));
  c.onConnect(() => (seen.connected = true));
  return seen;
}

function connected(value: TcpConnection | string): TcpConnection {
  if (typeof value === "string") throw new Error(value);
  return value;
}

/** R2 listens on `port`; returns the accepted connections as they come. */
function listenOn(s: Simulation, port: number, options: { address?: Ipv4; md5?: string; vrf?: string; minTtl?: number } = {}): TcpConnection[] {
  const accepted: TcpConnection[] = [];
  const listener = tcpOf(s, "R2").listen(
    { vrf: vrfOf(s, "R2", options.vrf), port, address: options.address, md5Key: options.md5 === undefined ? undefined : () => options.md5, minTtl: options.minTtl },
    (c) => accepted.push(c),
  );
  if (typeof listener === "string") throw new Error(listener);
  return accepted;
}

describe("TCP between two harness routers", () => {
  it("completes the three-way handshake and carries data both ways", () => {
    const s = start();
    const accepted = listenOn(s, 179);
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    const c = watch(client);
    expect(client.state).toBe("SYN-SENT");
    s.advance(5000);
    expect(c.connected).toBe(true);
    expect(client.state).toBe("ESTABLISHED");
    expect(accepted).toHaveLength(1);
    const server = accepted[0];
    const sv = watch(server);
    expect(server.state).toBe("ESTABLISHED");
    expect(server.endpoint.remoteAddress).toBe(R1_ADDR);
    expect(server.endpoint.remotePort).toBe(client.endpoint.localPort);
    client.write(new TextEncoder().encode("OPEN"));
    server.write(Uint8Array.of(1, 2, 3));
    s.advance(100);
    expect(new TextDecoder().decode(Uint8Array.from(sv.data))).toBe("OPEN");
    expect(c.data).toEqual([1, 2, 3]);
    expect(client.bufferedBytes).toBe(0);
  });

  it("delivers data a listener's accept callback writes at once (BGP's OPEN) from its first byte", () => {
    const s = start();
    const got: number[] = [];
    const listener = tcpOf(s, "R2").listen({ vrf: vrfOf(s, "R2"), port: 179 }, (c) => c.write(Uint8Array.of(9, 8, 7, 6)));
    if (typeof listener === "string") throw new Error(listener);
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    client.onData((b) => got.push(...b));
    client.onConnect(() => client.write(Uint8Array.of(1, 2, 3)));
    s.advance(5000);
    expect(got).toEqual([9, 8, 7, 6]);
  });

  it("binds a connection to the chosen source address (update-source Loopback0)", () => {
    const s = start();
    const accepted = listenOn(s, 179, { address: ipv4(2, 2, 2, 2) });
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), local: ipv4(1, 1, 1, 1), remote: ipv4(2, 2, 2, 2), port: 179 }));
    s.advance(5000);
    expect(client.state).toBe("ESTABLISHED");
    expect(accepted[0].endpoint.remoteAddress).toBe(ipv4(1, 1, 1, 1));
    expect(accepted[0].endpoint.localAddress).toBe(ipv4(2, 2, 2, 2));
    expect(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), local: ipv4(9, 9, 9, 9), remote: R2_ADDR, port: 179 })).toMatch(/not one of ours/);
  });

  it("holds at most TCP_MAX_HALF_OPEN connections in SYN-RECEIVED per listener: a SYN flood beyond them is a counted drop", () => {
    const s = start();
    listenOn(s, 179);
    const tcp = tcpOf(s, "R2");
    const inIf = s.node("R2").router.stack.interface("Ethernet0/0");
    if (inIf === undefined) throw new Error("no Ethernet0/0");
    const flooder = ipv4(10, 0, 12, 99); // on the link but silent: nothing answers the SYN-ACKs
    for (let port = 1024; port < 1024 + TCP_MAX_HALF_OPEN + 10; port++) {
      const syn = buildTcp({ srcPort: port, dstPort: 179, seq: port, ack: 0, flags: TcpFlag.Syn, window: 65535, urgentPointer: 0, options: [] }, new Uint8Array(0), flooder, R2_ADDR);
      const ip = buildIpv4({ dscp: 0, ecn: 0, identification: port, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: IpProtocol.Tcp, src: flooder, dst: R2_ADDR, payloadLength: syn.length }, syn);
      tcp.receive(inIf, ip, 0, ip.length);
    }
    expect(tcp.all().filter((c) => c.state === "SYN-RECEIVED")).toHaveLength(TCP_MAX_HALF_OPEN);
    expect(inIf.counters.drops["tcp-syn-backlog-full"]).toBe(10);
    // Once they give up, the backlog is free again and a real peer gets through.
    s.advance(600_000);
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    s.advance(3000);
    expect(client.state).toBe("ESTABLISHED");
  });

  it("ignores a SYN from a broadcast, group or 0/8 source: no connection, no reset toward it, a counted drop", () => {
    const s = start();
    listenOn(s, 179);
    const tcp = tcpOf(s, "R2");
    const inIf = s.node("R2").router.stack.interface("Ethernet0/0");
    if (inIf === undefined) throw new Error("no Ethernet0/0");
    const sources = [ipv4(10, 0, 12, 255), ipv4(255, 255, 255, 255), ipv4(224, 0, 0, 5), ipv4(0, 0, 0, 0)];
    for (const [i, src] of sources.entries()) {
      for (const dstPort of [179, 23]) {
        const syn = buildTcp({ srcPort: 4000 + i, dstPort, seq: 1, ack: 0, flags: TcpFlag.Syn, window: 65535, urgentPointer: 0, options: [] }, new Uint8Array(0), src, R2_ADDR);
        const ip = buildIpv4({ dscp: 0, ecn: 0, identification: i, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: IpProtocol.Tcp, src, dst: R2_ADDR, payloadLength: syn.length }, syn);
        tcp.receive(inIf, ip, 0, ip.length);
      }
    }
    const sent = inIf.counters.outPackets;
    s.advance(1000);
    expect(tcp.all()).toHaveLength(0);
    expect(inIf.counters.drops["tcp-bad-source"]).toBe(2 * sources.length);
    expect(inIf.counters.outPackets).toBe(sent);
  });

  it("answers a SYN to a closed port with RST, so connect ends refused at once", () => {
    const s = start();
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 23 }));
    const c = watch(client);
    s.advance(3000);
    expect(c.closed).toBe("refused");
    expect(client.state).toBe("CLOSED");
    expect(s.node("R2").router.stack.interface("Ethernet0/0")?.counters.drops["no-tcp-listener"]).toBeGreaterThanOrEqual(1);
    expect(tcpOf(s, "R1").all()).toHaveLength(0);
  });

  it("closes from both sides with FIN: the active closer lingers in TIME-WAIT for 2 MSL", () => {
    const s = start();
    const accepted = listenOn(s, 179);
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    const c = watch(client);
    s.advance(5000);
    const server = accepted[0];
    const sv = watch(server);
    client.write(Uint8Array.of(7, 7, 7));
    client.close();
    expect(client.state).toBe("FIN-WAIT-1");
    s.advance(100);
    expect(sv.data).toEqual([7, 7, 7]);
    expect(sv.ended).toBe(true);
    expect(server.state).toBe("CLOSE-WAIT");
    expect(client.state).toBe("FIN-WAIT-2");
    expect(client.write(Uint8Array.of(1))).toBe(false);
    server.write(Uint8Array.of(9)); // a half-closed connection still carries the other way
    s.advance(100);
    expect(c.data).toEqual([9]);
    server.close();
    expect(server.state).toBe("LAST-ACK");
    s.advance(100);
    expect(server.state).toBe("CLOSED");
    expect(sv.closed).toBe("closed");
    expect(client.state).toBe("TIME-WAIT");
    expect(c.ended).toBe(true);
    expect(c.closed).toBe("closed");
    expect(tcpOf(s, "R1").all()).toEqual([client]);
    s.advance(59_000);
    expect(client.state).toBe("TIME-WAIT");
    s.advance(1_500);
    expect(client.state).toBe("CLOSED");
    expect(tcpOf(s, "R1").all()).toHaveLength(0);
    expect(tcpOf(s, "R2").all()).toHaveLength(0);
  });

  it("goes through CLOSING when both sides close at once", () => {
    const s = start();
    const accepted = listenOn(s, 179);
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    s.advance(5000);
    const server = accepted[0];
    client.close();
    server.close();
    s.advance(100);
    expect(client.state).toBe("TIME-WAIT");
    expect(server.state).toBe("TIME-WAIT");
    s.advance(61_000);
    expect(tcpOf(s, "R1").all()).toHaveLength(0);
    expect(tcpOf(s, "R2").all()).toHaveLength(0);
  });

  it("resets the peer on abort()", () => {
    const s = start();
    const accepted = listenOn(s, 179);
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    const c = watch(client);
    s.advance(5000);
    const sv = watch(accepted[0]);
    accepted[0].abort();
    s.advance(100);
    expect(sv.closed).toBe("aborted");
    expect(c.closed).toBe("reset");
    expect(client.state).toBe("CLOSED");
  });

  it("keeps VRFs apart: a listener in BLUE is not reached from the global table, and the reverse", () => {
    const s = start();
    const blue = listenOn(s, 179, { vrf: "BLUE" });
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    const c = watch(client);
    s.advance(3000);
    expect(c.closed).toBe("refused");
    expect(blue).toHaveLength(0);
    const blueClient = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1", "BLUE"), remote: R2_ADDR, port: 179 }));
    s.advance(3000);
    expect(blueClient.state).toBe("ESTABLISHED");
    expect(blue).toHaveLength(1);
    expect(blue[0].endpoint.vrf.name).toBe("BLUE");
  });

  it("signs every segment with the MD5 key (RFC 2385) and drops a peer with the wrong one", () => {
    const s = start();
    const accepted = listenOn(s, 179, { md5: "cisco123" });
    const good = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179, md5Key: "cisco123" }));
    s.advance(5000);
    expect(good.state).toBe("ESTABLISHED");
    const sv = watch(accepted[0]);
    good.write(new Uint8Array(3000).fill(5));
    s.advance(1000);
    expect(sv.data).toHaveLength(3000);
    const e0 = s.node("R2").router.stack.interface("Ethernet0/0");
    const wrong = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179, md5Key: "wrong" }));
    const unsigned = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179 }));
    s.advance(5000);
    expect(wrong.state).toBe("SYN-SENT"); // silently dropped: no RST either
    expect(unsigned.state).toBe("SYN-SENT");
    expect(e0?.counters.drops["tcp-md5-mismatch"]).toBeGreaterThanOrEqual(1);
    expect(e0?.counters.drops["tcp-md5-missing"]).toBeGreaterThanOrEqual(1);
    expect(accepted).toHaveLength(1);
  });

  it("sends with the TTL asked for and drops segments below a GTSM minimum (RFC 5082)", () => {
    const s = start();
    const accepted = listenOn(s, 179, { minTtl: 255 });
    const low = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179, ttl: 254 }));
    s.advance(3000);
    expect(low.state).toBe("SYN-SENT");
    expect(s.node("R2").router.stack.interface("Ethernet0/0")?.counters.drops["tcp-ttl-below-minimum"]).toBeGreaterThanOrEqual(1);
    const gtsm = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: R2_ADDR, port: 179, ttl: 255 }));
    s.advance(3000);
    expect(gtsm.state).toBe("ESTABLISHED");
    expect(accepted).toHaveLength(1);
  });

  it("refuses a second listener on a taken port, and accepts again once it is closed", () => {
    const s = start();
    const tcp = tcpOf(s, "R2");
    const first = tcp.listen({ vrf: vrfOf(s, "R2"), port: 179 }, () => undefined);
    expect(tcp.listen({ vrf: vrfOf(s, "R2"), port: 179 }, () => undefined)).toBe("% TCP port 179 is already in use");
    expect(typeof tcp.listen({ vrf: vrfOf(s, "R2", "BLUE"), port: 179 }, () => undefined)).toBe("object");
    if (typeof first !== "string") first.close();
    expect(typeof tcp.listen({ vrf: vrfOf(s, "R2"), port: 179 }, () => undefined)).toBe("object");
  });

  it("gives up a connect with exponential SYN backoff when nobody answers", () => {
    const s = start();
    const client = connected(tcpOf(s, "R1").connect({ vrf: vrfOf(s, "R1"), remote: ipv4(10, 0, 12, 9), port: 179 })); // no such host
    const c = watch(client);
    // RTOs of 1, 2, 4, 8, 16, 32 and (capped) 60 s for the first SYN and six retries.
    s.advance(122_500);
    expect(c.closed).toBeUndefined();
    expect(client.retransmissionTimeoutMs).toBe(60_000);
    s.advance(1_000);
    expect(c.closed).toBe("timeout");
  });
});
