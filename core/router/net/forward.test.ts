import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import type { Nic } from "../io/nic";
import { parseIpv4 as parseAddress, prefix, type Ipv4, type Mac } from "../wire/addr";
import { EtherType, buildEthernet, parseEthernet } from "../wire/ethernet";
import { isWireError } from "../wire/errors";
import { buildIcmp, parseIcmp } from "../wire/icmp";
import { buildIpv4, parseIpv4, type Ipv4Repr } from "../wire/ipv4";
import { parseMpls, type Label } from "../wire/mpls";
import { buildUdp } from "../wire/udp";
import { clearInterfaceCounters } from "./counters";
import type { EthernetInterface } from "./ethernet-port";
import type { UdpSocket } from "./sockets";
import { NetStack } from "./stack";

const R_IN = 0xaabbcc000100 as Mac;
const R_OUT = 0xaabbcc000110 as Mac;
const HOST = 0x020000000001 as Mac;
const NEXT = 0x020000000002 as Mac;

function ip(text: string): Ipv4 {
  return parseAddress(text) as Ipv4;
}

function ipv4(overrides: Partial<Ipv4Repr>, payload: Uint8Array): Uint8Array {
  const repr: Ipv4Repr = {
    dscp: 0,
    ecn: 0,
    identification: 1,
    dontFragment: false,
    moreFragments: false,
    fragmentOffsetBytes: 0,
    ttl: 64,
    protocol: 17,
    src: ip("10.1.0.2"),
    dst: ip("10.2.0.2"),
    payloadLength: payload.length,
    ...overrides,
  };
  return buildIpv4(repr, payload);
}

function udp(to: Ipv4, port: number, length = 8): Uint8Array {
  return buildUdp({ srcPort: 40000, dstPort: port, payloadLength: length }, new Uint8Array(length), ip("10.1.0.2"), to);
}

let clock: VirtualClock;
let stack: NetStack;
let e0: EthernetInterface;
let e1: EthernetInterface;
let host: Nic;
let fromRouter: Uint8Array[];
let toNext: Uint8Array[];

beforeEach(() => {
  clock = new VirtualClock();
  stack = new NetStack({ clock });
  const [a, hostEnd] = memoryPair({ clock });
  const [b, nextEnd] = memoryPair({ clock });
  host = hostEnd;
  fromRouter = [];
  toNext = [];
  host.onReceive((f) => fromRouter.push(f));
  nextEnd.onReceive((f) => toNext.push(f));
  e0 = stack.addEthernet("Ethernet0/0", a, { mac: R_IN, adminUp: true });
  e1 = stack.addEthernet("Ethernet0/1", b, { mac: R_OUT, adminUp: true });
  e0.setAddress(ip("10.1.0.1"), 24);
  e1.setAddress(ip("10.2.0.1"), 24);
  e0.arp.addStatic(ip("10.1.0.2"), HOST);
  e1.arp.addStatic(ip("10.2.0.2"), NEXT);
  const fib = stack.globalVrf.fib;
  const attached = (iface: EthernetInterface) => [{ interface: iface, nextHop: undefined, labels: undefined }];
  fib.set({ prefix: prefix(ip("10.1.0.0"), 24), kind: "forward", paths: attached(e0), source: "connected" });
  fib.set({ prefix: prefix(ip("10.2.0.0"), 24), kind: "forward", paths: attached(e1), source: "connected" });
  fib.set({ prefix: prefix(ip("10.1.0.1"), 32), kind: "receive", paths: attached(e0), source: "receive" });
  fib.set({ prefix: prefix(ip("10.2.0.1"), 32), kind: "receive", paths: attached(e1), source: "receive" });
  clock.settle(100);
  fromRouter.length = 0;
  toNext.length = 0;
  clearInterfaceCounters(e0.counters); // the gratuitous ARPs of bring-up
  clearInterfaceCounters(e1.counters);
});

function hostSends(packet: Uint8Array): void {
  host.send(buildEthernet({ dst: R_IN, src: HOST, etherType: EtherType.Ipv4 }, packet));
  clock.runDeferred();
}

function hostSendsFrame(frame: Uint8Array): void {
  host.send(frame);
  clock.runDeferred();
}

function ipPayloadOf(frame: Uint8Array): ReturnType<typeof parseIpv4> {
  const eth = parseEthernet(frame);
  if (isWireError(eth)) return eth;
  return parseIpv4(eth.payload);
}

/** The ICMP messages the router sent back to the host, as "type/code from a.b.c.d". */
function icmpBack(): { type: number; code: number; from: Ipv4; mtu: number }[] {
  return fromRouter.flatMap((f) => {
    const p = ipPayloadOf(f);
    if (isWireError(p) || p.repr.protocol !== 1) return [];
    const m = parseIcmp(p.payload);
    if (isWireError(m)) return [];
    const mtu = m.repr.kind === "dst-unreachable" ? m.repr.nextHopMtu : 0;
    const type = p.payload[0];
    return [{ type, code: p.payload[1], from: p.repr.src, mtu }];
  });
}

describe("IPv4 forwarding", () => {
  it("forwards with the TTL decremented and the header checksum still valid", () => {
    hostSends(ipv4({}, udp(ip("10.2.0.2"), 9)));
    expect(toNext).toHaveLength(1);
    const out = ipPayloadOf(toNext[0]);
    if (isWireError(out)) throw new Error(String(out));
    expect(out.repr.ttl).toBe(63);
    expect(parseEthernet(toNext[0])).toMatchObject({ repr: { dst: NEXT, src: R_OUT } });
    expect(e1.counters.outPackets).toBe(1);
  });

  it("answers TTL 1 with time exceeded from the incoming interface's address", () => {
    hostSends(ipv4({ ttl: 1 }, udp(ip("10.2.0.2"), 9)));
    expect(toNext).toHaveLength(0);
    expect(icmpBack()).toEqual([{ type: 11, code: 0, from: ip("10.1.0.1"), mtu: 0 }]);
    expect(e0.counters.drops["ttl-expired"]).toBe(1);
  });

  it("answers a destination with no route with net unreachable (RFC 1812 §4.3.3.1), rate-limited to one per 500 ms", () => {
    hostSends(ipv4({ dst: ip("192.0.2.1") }, udp(ip("192.0.2.1"), 9)));
    hostSends(ipv4({ dst: ip("192.0.2.1") }, udp(ip("192.0.2.1"), 9)));
    clock.advance(500);
    hostSends(ipv4({ dst: ip("192.0.2.1") }, udp(ip("192.0.2.1"), 9)));
    expect(icmpBack()).toEqual([
      { type: 3, code: 0, from: ip("10.1.0.1"), mtu: 0 },
      { type: 3, code: 0, from: ip("10.1.0.1"), mtu: 0 },
    ]);
    expect(e0.counters.drops["no-route"]).toBe(3);
    expect(stack.icmp.suppressed).toBe(1);
  });

  it("stays silent about unroutable packets with `no ip unreachables` on the incoming interface", () => {
    e0.ipUnreachables = false;
    hostSends(ipv4({ dst: ip("192.0.2.1") }, udp(ip("192.0.2.1"), 9)));
    expect(icmpBack()).toEqual([]);
  });

  it("never sends an ICMP error about an ICMP error", () => {
    const error = buildIcmp({ kind: "dst-unreachable", code: 1, nextHopMtu: 0, payloadLength: 28 }, new Uint8Array(28));
    hostSends(ipv4({ dst: ip("192.0.2.1"), protocol: 1, ttl: 1 }, error));
    expect(icmpBack()).toEqual([]);
  });

  it("refuses a DF packet too big for the outgoing IP MTU with fragmentation needed and that MTU", () => {
    e1.setIpMtu(576);
    hostSends(ipv4({ dontFragment: true }, udp(ip("10.2.0.2"), 9, 1000)));
    expect(toNext).toHaveLength(0);
    expect(icmpBack()).toEqual([{ type: 3, code: 4, from: ip("10.1.0.1"), mtu: 576 }]);
  });

  it("fragments a packet without DF into pieces that fit, offsets in 8-byte units", () => {
    e1.setIpMtu(576);
    hostSends(ipv4({ identification: 77 }, udp(ip("10.2.0.2"), 9, 1000)));
    const pieces = toNext.map((f) => ipPayloadOf(f)).map((p) => (isWireError(p) ? undefined : p.repr));
    expect(pieces.map((r) => [r?.fragmentOffsetBytes, r?.moreFragments, r?.payloadLength, r?.identification, r?.ttl])).toEqual([
      [0, true, 552, 77, 63],
      [552, false, 456, 77, 63],
    ]);
  });

  it("imposes an MPLS label stack from the FIB path: TTL from the IP header, bottom of stack on the last", () => {
    stack.globalVrf.fib.set({
      prefix: prefix(ip("172.16.0.0"), 16),
      kind: "forward",
      paths: [{ interface: e1, nextHop: ip("10.2.0.2"), labels: [102 as Label, 406 as Label] }],
      source: "bgp",
    });
    hostSends(ipv4({ dst: ip("172.16.1.1") }, udp(ip("172.16.1.1"), 9)));
    const eth = parseEthernet(toNext[0]);
    if (isWireError(eth)) throw new Error(String(eth));
    expect(eth.repr.etherType).toBe(EtherType.MplsUnicast);
    const mpls = parseMpls(eth.payload);
    if (isWireError(mpls)) throw new Error(String(mpls));
    expect(mpls.repr.stack.map((e) => [e.label, e.bottom, e.ttl])).toEqual([
      [102, false, 63],
      [406, true, 63],
    ]);
  });

  it("sends a packet for a Null0 route to the bit bucket with host unreachable", () => {
    stack.globalVrf.fib.set({ prefix: prefix(ip("198.51.100.0"), 24), kind: "drop", paths: [{ interface: stack.null0, nextHop: undefined, labels: undefined }], source: "static" });
    hostSends(ipv4({ dst: ip("198.51.100.7") }, udp(ip("198.51.100.7"), 9)));
    expect(icmpBack()).toEqual([{ type: 3, code: 1, from: ip("10.1.0.1"), mtu: 0 }]);
    expect(stack.null0.counters.drops.null0).toBe(1);
  });
});

describe("local delivery", () => {
  it("answers an echo request to any of its addresses", () => {
    const echo = buildIcmp({ kind: "echo-request", identifier: 9, sequenceNumber: 1, payloadLength: 4 }, new Uint8Array([1, 2, 3, 4]));
    hostSends(ipv4({ dst: ip("10.2.0.1"), protocol: 1 }, echo));
    const reply = ipPayloadOf(fromRouter[0]);
    if (isWireError(reply)) throw new Error(String(reply));
    expect(reply.repr.src).toBe(ip("10.2.0.1"));
    expect(parseIcmp(reply.payload)).toMatchObject({ repr: { kind: "echo-reply", identifier: 9, sequenceNumber: 1 } });
  });

  it("answers a protocol nobody handles with protocol unreachable, and a closed UDP port with port unreachable", () => {
    hostSends(ipv4({ dst: ip("10.1.0.1"), protocol: 89 }, new Uint8Array(20)));
    clock.advance(1000);
    hostSends(ipv4({ dst: ip("10.1.0.1") }, udp(ip("10.1.0.1"), 500)));
    expect(icmpBack().map((m) => [m.type, m.code])).toEqual([
      [3, 2],
      [3, 3],
    ]);
  });

  it("delivers UDP to a bound socket and sends its answer from the address it was asked on", () => {
    const got: string[] = [];
    const replies: UdpSocket[] = [];
    const socket = stack.udp.bind({ vrf: stack.globalVrf, port: 500 }, (d) => {
      got.push(`${d.srcPort}->${d.dstPort} ${d.payload.length}`);
      replies[0].send(d.src, d.srcPort, new Uint8Array(3), { src: d.dst });
    });
    if (typeof socket === "string") throw new Error(socket);
    replies.push(socket);
    hostSends(ipv4({ dst: ip("10.2.0.1") }, udp(ip("10.2.0.1"), 500, 5)));
    clock.runDeferred();
    expect(got).toEqual(["40000->500 5"]);
    const answer = ipPayloadOf(fromRouter[0]);
    expect(answer).toMatchObject({ repr: { src: ip("10.2.0.1"), dst: ip("10.1.0.2"), protocol: 17 } });
  });

  it("reassembles fragments addressed to it before delivery", () => {
    const got: number[] = [];
    stack.udp.bind({ vrf: stack.globalVrf, port: 4500 }, (d) => got.push(d.payload.length));
    const whole = udp(ip("10.1.0.1"), 4500, 1200);
    hostSends(ipv4({ dst: ip("10.1.0.1"), identification: 5, moreFragments: true }, whole.subarray(0, 600)));
    expect(got).toEqual([]);
    hostSends(ipv4({ dst: ip("10.1.0.1"), identification: 5, fragmentOffsetBytes: 600 }, whole.subarray(600)));
    expect(got).toEqual([1200]);
  });

  it("gives up on a datagram whose fragments stop coming, with time exceeded code 1", () => {
    const whole = udp(ip("10.1.0.1"), 4500, 1200);
    hostSends(ipv4({ dst: ip("10.1.0.1"), identification: 6, moreFragments: true }, whole.subarray(0, 600)));
    clock.advance(15_000);
    expect(icmpBack().map((m) => [m.type, m.code])).toEqual([[11, 1]]);
    expect(e0.counters.drops["reassembly-timeout"]).toBe(1);
  });

  it("counts the crafted fragments (0, 1480, MF), (1480, 8, MF), (8, 16, last) as dropped instead of throwing", () => {
    const whole = udp(ip("10.1.0.1"), 4500, 1480);
    const piece = (offset: number, length: number, more: boolean) =>
      ipv4({ dst: ip("10.1.0.1"), identification: 7, moreFragments: more, fragmentOffsetBytes: offset }, whole.subarray(offset, offset + length));
    hostSends(piece(0, 1480, true));
    hostSends(piece(1480, 8, true));
    hostSends(piece(8, 16, false));
    expect(e0.counters.drops).toMatchObject({ "reassembly-malformed": 3 });
    expect(stack.local.reassembly.inProgress).toBe(0);
    clock.advance(15_000);
    expect(icmpBack()).toEqual([]);
  });
});

describe("malformed input", () => {
  const cases: [string, Uint8Array, string][] = [
    ["IP version 6", ((b) => ((b[0] = 0x65), b))(ipv4({}, udp(ip("10.2.0.2"), 9))), "ipv4-version"],
    ["IHL below 5", ((b) => ((b[0] = 0x44), b))(ipv4({}, udp(ip("10.2.0.2"), 9))), "ipv4-header-length"],
    ["total length below the header", ((b) => ((b[2] = 0), (b[3] = 10), b))(ipv4({}, udp(ip("10.2.0.2"), 9))), "ipv4-total-length"],
    ["total length past the frame", ((b) => ((b[2] = 0x05), b))(ipv4({}, udp(ip("10.2.0.2"), 9))), "ipv4-truncated"],
    ["a bad header checksum", ((b) => ((b[10] ^= 0xff), b))(ipv4({}, udp(ip("10.2.0.2"), 9))), "ipv4-checksum"],
    ["10 bytes of header", new Uint8Array([0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17]), "ipv4-truncated"],
  ];
  for (const [what, packet, reason] of cases) {
    it(`drops a packet with ${what} and counts it as ${reason}`, () => {
      hostSends(packet);
      expect(e0.counters.drops[reason as keyof typeof e0.counters.drops]).toBe(1);
      expect(toNext).toHaveLength(0);
    });
  }

  it("drops a tagged frame for a VLAN it has no subinterface for", () => {
    hostSendsFrame(new Uint8Array([...[0xaa, 0xbb, 0xcc, 0, 1, 0], ...[2, 0, 0, 0, 0, 1], 0x81, 0, 0, 99, 0x08, 0, ...new Array(46).fill(0)]));
    expect(e0.counters.drops["unknown-vlan"]).toBe(1);
  });

  it("never throws on random bytes, with or without a valid Ethernet header in front", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.constantFrom(0x0800, 0x0806, 0x8100, 0x8847, 0x1234), (bytes, etherType) => {
        const frame = new Uint8Array(14 + bytes.length);
        frame.set([0xaa, 0xbb, 0xcc, 0, 1, 0, 2, 0, 0, 0, 0, 1, etherType >>> 8, etherType & 0xff]);
        frame.set(bytes, 14);
        hostSendsFrame(frame);
        hostSendsFrame(bytes.length >= 14 ? bytes : frame);
        clock.advance(1000);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on random IPv4 payloads behind a valid header, for every protocol it handles", () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 6, 17, 47, 50, 89), fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.boolean(), (protocol, payload, toUs) => {
        hostSends(ipv4({ protocol, dst: toUs ? ip("10.1.0.1") : ip("10.2.0.2") }, payload));
        clock.advance(600);
      }),
      { numRuns: 500 },
    );
  });
});
