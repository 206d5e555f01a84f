import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import type { Nic } from "../io/nic";
import { Lfib } from "../mpls/lfib";
import { parseIpv4 as parseAddress, prefix, type Ipv4, type Mac } from "../wire/addr";
import { EtherType, buildEthernet, parseEthernet } from "../wire/ethernet";
import { isWireError } from "../wire/errors";
import { buildIpv4, parseIpv4 } from "../wire/ipv4";
import { buildMpls, parseMpls, type Label } from "../wire/mpls";
import type { EthernetInterface } from "./ethernet-port";
import type { Interface } from "./interface";
import { MplsForwarding, type NetLfib } from "./mpls-forward";
import { NetStack } from "./stack";
import type { Vrf } from "./vrf";

const R_IN = 0xaabbcc000100 as Mac;
const R_OUT = 0xaabbcc000110 as Mac;
const P = 0x020000000001 as Mac;
const CE = 0x020000000002 as Mac;
const ip = (t: string) => parseAddress(t) as Ipv4;
const L = (n: number) => n as Label;

let clock: VirtualClock;
let stack: NetStack;
let lfib: NetLfib;
let e0: EthernetInterface;
let e1: EthernetInterface;
let vrfA: Vrf;
let p: Nic;
let out: Uint8Array[];

beforeEach(() => {
  clock = new VirtualClock();
  stack = new NetStack({ clock });
  const [a, pEnd] = memoryPair({ clock });
  const [b, ceEnd] = memoryPair({ clock });
  p = pEnd;
  out = [];
  p.onReceive(() => {});
  ceEnd.onReceive((f) => out.push(f));
  lfib = new Lfib<Vrf, Interface>();
  const mpls = new MplsForwarding(lfib, stack.forwarding, stack.icmp);
  stack.registerEtherType(EtherType.MplsUnicast, mpls.receive);
  vrfA = stack.addVrf("A");
  e0 = stack.addEthernet("Ethernet0/0", a, { mac: R_IN, adminUp: true });
  e1 = stack.addEthernet("Ethernet0/1", b, { mac: R_OUT, adminUp: true });
  stack.setInterfaceVrf(e1, "A");
  e0.setAddress(ip("10.0.0.1"), 24);
  e1.setAddress(ip("192.168.1.1"), 24);
  e1.arp.addStatic(ip("192.168.1.2"), CE);
  vrfA.fib.set({ prefix: prefix(ip("192.168.1.0"), 24), kind: "forward", paths: [{ interface: e1, nextHop: undefined, labels: undefined }], source: "connected" });
  clock.settle(100);
  out.length = 0;
});

function packet(ttl: number): Uint8Array {
  return buildIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl, protocol: 17, src: ip("10.9.9.9"), dst: ip("192.168.1.2"), payloadLength: 8 }, new Uint8Array(8));
}

function sendLabelled(stack: readonly { label: number; ttl: number }[], ipTtl: number): void {
  const labelled = buildMpls({ stack: stack.map((e, i) => ({ label: L(e.label), tc: 0, bottom: i === stack.length - 1, ttl: e.ttl })) }, packet(ipTtl));
  p.send(buildEthernet({ dst: R_IN, src: P, etherType: EtherType.MplsUnicast }, labelled));
  clock.runDeferred();
}

function ipOut(): ReturnType<typeof parseIpv4> {
  expect(out).toHaveLength(1);
  const eth = parseEthernet(out[0]);
  if (isWireError(eth)) throw eth;
  expect(eth.repr.etherType).toBe(EtherType.Ipv4);
  return parseIpv4(eth.payload);
}

describe("MPLS disposition and label switching", () => {
  it("disposes into the VRF with the label's TTL in the IP header, less this hop (uniform model)", () => {
    lfib.set(L(16), undefined, { kind: "vrf-lookup", vrf: vrfA, aggregate: true });
    sendLabelled([{ label: 16, ttl: 10 }], 64);
    const pkt = ipOut();
    if (isWireError(pkt)) throw pkt;
    expect(pkt.repr.ttl).toBe(9);
    expect(pkt.repr.dst).toBe(ip("192.168.1.2"));
  });

  it("keeps a smaller IP TTL than the label's", () => {
    lfib.set(L(16), undefined, { kind: "vrf-lookup", vrf: vrfA, aggregate: true });
    sendLabelled([{ label: 16, ttl: 200 }], 30);
    const pkt = ipOut();
    if (isWireError(pkt)) throw pkt;
    expect(pkt.repr.ttl).toBe(29);
  });

  it("pops toward an implicit-null downstream, with the label's TTL less one in the IP header", () => {
    lfib.set(L(21), undefined, { kind: "pop", out: e1, nextHop: ip("192.168.1.2") });
    sendLabelled([{ label: 21, ttl: 5 }], 64);
    const pkt = ipOut();
    if (isWireError(pkt)) throw pkt;
    expect(pkt.repr.ttl).toBe(4);
  });

  it("swaps a label in place, TTL less one, and keeps the rest of the stack", () => {
    lfib.set(L(20), undefined, { kind: "swap", out: e1, nextHop: ip("192.168.1.2"), outLabel: L(3000) });
    sendLabelled([{ label: 20, ttl: 50 }, { label: 77, ttl: 60 }], 64);
    expect(out).toHaveLength(1);
    const eth = parseEthernet(out[0]);
    if (isWireError(eth)) throw eth;
    expect(eth.repr.etherType).toBe(EtherType.MplsUnicast);
    const mpls = parseMpls(eth.payload);
    if (isWireError(mpls)) throw mpls;
    expect(mpls.repr.stack.map((e) => [e.label, e.ttl, e.bottom])).toEqual([
      [3000, 49, false],
      [77, 60, true],
    ]);
    expect(lfib.lookup(20)?.bytes).toBe(8 + 28);
  });

  it("counts a stack cut short and a payload that is not IPv4 as drops", () => {
    lfib.set(L(16), undefined, { kind: "vrf-lookup", vrf: vrfA, aggregate: true });
    // S=0 on the only entry: the stack runs past the end of the frame.
    p.send(buildEthernet({ dst: R_IN, src: P, etherType: EtherType.MplsUnicast }, new Uint8Array([0, 1, 0, 64])));
    p.send(buildEthernet({ dst: R_IN, src: P, etherType: EtherType.MplsUnicast }, buildMpls({ stack: [{ label: L(16), tc: 0, bottom: true, ttl: 64 }] }, new Uint8Array(40).fill(0x60))));
    clock.runDeferred();
    expect(e0.counters.drops["mpls-truncated"]).toBe(1);
    expect(e0.counters.drops["ipv4-version"]).toBe(1);
    expect(out).toHaveLength(0);
  });
});
