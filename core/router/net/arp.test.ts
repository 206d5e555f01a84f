import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import type { Nic } from "../io/nic";
import { parseIpv4, prefix, type Ipv4, type Mac } from "../wire/addr";
import { ArpOperation, buildArp, parseArp } from "../wire/arp";
import { EtherType, buildEthernet, parseEthernet } from "../wire/ethernet";
import { isWireError } from "../wire/errors";
import type { EthernetInterface } from "./ethernet-port";
import { formatArpTable } from "./show";
import { NetStack } from "./stack";

const ROUTER_MAC = 0xaabbcc000100 as Mac;
const HOST_MAC = 0x020000000002 as Mac;
const BROADCAST = 0xffffffffffff as Mac;

function ip(text: string): Ipv4 {
  return parseIpv4(text) as Ipv4;
}

interface Seen {
  readonly etherType: number;
  readonly dst: Mac;
  readonly arp?: { operation: number; senderIp: Ipv4; targetIp: Ipv4; senderMac: Mac };
}

let clock: VirtualClock;
let stack: NetStack;
let e0: EthernetInterface;
let host: Nic;
let seen: Seen[];
let logs: string[];

beforeEach(() => {
  clock = new VirtualClock();
  stack = new NetStack({ clock });
  logs = [];
  stack.onLog((m) => logs.push(m.text));
  const [routerEnd, hostEnd] = memoryPair({ clock });
  host = hostEnd;
  seen = [];
  host.onReceive((frame) => {
    const eth = parseEthernet(frame);
    if (isWireError(eth)) throw new Error(String(eth));
    const arp = eth.repr.etherType === EtherType.Arp ? parseArp(eth.payload) : undefined;
    seen.push({ etherType: eth.repr.etherType, dst: eth.repr.dst, arp: arp === undefined || isWireError(arp) ? undefined : arp.repr });
  });
  e0 = stack.addEthernet("Ethernet0/0", routerEnd, { mac: ROUTER_MAC, adminUp: true });
  e0.setAddress(ip("10.0.0.1"), 24);
  // The routing layer normally writes these; here the FIB is set by hand.
  const fib = stack.globalVrf.fib;
  fib.set({ prefix: prefix(ip("10.0.0.0"), 24), kind: "forward", paths: [{ interface: e0, nextHop: undefined, labels: undefined }], source: "connected" });
  fib.set({ prefix: prefix(ip("10.0.0.1"), 32), kind: "receive", paths: [{ interface: e0, nextHop: undefined, labels: undefined }], source: "receive" });
  clock.settle(100);
  seen.length = 0;
});

function hostSendsArp(operation: number, senderIp: string, targetIp: string, dst: Mac = BROADCAST): void {
  const arp = buildArp({ operation, senderMac: HOST_MAC, senderIp: ip(senderIp), targetMac: operation === ArpOperation.Reply ? ROUTER_MAC : (0 as Mac), targetIp: ip(targetIp) });
  host.send(buildEthernet({ dst, src: HOST_MAC, etherType: EtherType.Arp }, arp));
  clock.runDeferred();
}

function routerSendsUdp(to: string): void {
  stack.forwarding.originate(stack.globalVrf, undefined, ip(to), 17, new Uint8Array(8));
  clock.runDeferred();
}

describe("ARP", () => {
  it("resolves a next hop with one broadcast request and holds the packet until the reply", () => {
    routerSendsUdp("10.0.0.2");
    expect(seen).toEqual([{ etherType: EtherType.Arp, dst: BROADCAST, arp: expect.objectContaining({ operation: ArpOperation.Request, senderIp: ip("10.0.0.1"), targetIp: ip("10.0.0.2") }) }]);

    hostSendsArp(ArpOperation.Reply, "10.0.0.2", "10.0.0.1", ROUTER_MAC);

    expect(seen[1]).toEqual({ etherType: EtherType.Ipv4, dst: HOST_MAC, arp: undefined });
    expect(stack.arpRows().map((r) => [r.address, r.mac])).toEqual([
      ["10.0.0.1", "aabb.cc00.0100"],
      ["10.0.0.2", "0200.0000.0002"],
    ]);
  });

  it("asks once a second, five times, then gives up and counts the held packet as an encapsulation failure", () => {
    routerSendsUdp("10.0.0.9");
    clock.advance(10_000);
    const requestTimes = seen.length;
    expect(requestTimes).toBe(5);
    expect(e0.counters.drops["encapsulation-failed"]).toBe(1);
    expect(stack.arpRows().map((r) => r.address)).toEqual(["10.0.0.1"]);
  });

  it("holds at most three packets per unresolved address and drops the rest", () => {
    for (let i = 0; i < 5; i++) routerSendsUdp("10.0.0.9");
    expect(e0.counters.drops["arp-queue-full"]).toBe(2);
    expect(seen.filter((s) => s.arp !== undefined)).toHaveLength(1); // one request, not five
  });

  it("answers a request for its own address and learns the asker", () => {
    hostSendsArp(ArpOperation.Request, "10.0.0.2", "10.0.0.1");
    expect(seen).toEqual([
      { etherType: EtherType.Arp, dst: HOST_MAC, arp: { operation: ArpOperation.Reply, senderMac: ROUTER_MAC, senderIp: ip("10.0.0.1"), targetIp: ip("10.0.0.2"), targetMac: HOST_MAC } },
    ]);
    expect(e0.arp.entries.get(ip("10.0.0.2"))?.mac).toBe(HOST_MAC);
  });

  it("neither answers nor learns from a request for someone else (RFC 826)", () => {
    hostSendsArp(ArpOperation.Request, "10.0.0.2", "10.0.0.3");
    expect(seen).toEqual([]);
    expect(e0.arp.entries.size).toBe(0);
  });

  it("announces a new address with a gratuitous request", () => {
    e0.addSecondaryAddress(ip("10.0.1.1"), 24);
    clock.runDeferred();
    expect(seen.map((s) => s.arp)).toEqual([{ operation: ArpOperation.Request, senderMac: ROUTER_MAC, senderIp: ip("10.0.1.1"), targetMac: 0, targetIp: ip("10.0.1.1") }]);
  });

  it("announces every address when the line protocol comes up", () => {
    host.setUp(false);
    clock.runDeferred();
    host.setUp(true);
    clock.runDeferred();
    expect(seen.map((s) => s.arp?.targetIp)).toEqual([ip("10.0.0.1")]);
  });

  it("forgets an entry four hours after it was last confirmed (IOS `arp timeout 14400`)", () => {
    hostSendsArp(ArpOperation.Request, "10.0.0.2", "10.0.0.1");
    clock.advance(3 * 3600_000 + 59 * 60_000);
    expect(formatArpTable(stack.arpRows())).toContain("Internet  10.0.0.2              239   0200.0000.0002  ARPA   Ethernet0/0");
    clock.advance(2 * 60_000);
    expect(e0.arp.entries.has(ip("10.0.0.2"))).toBe(false);
  });

  it("shows an unresolved address as Incomplete, without an interface", () => {
    routerSendsUdp("10.0.0.9");
    expect(formatArpTable(stack.arpRows())).toBe(
      [
        "Protocol  Address          Age (min)  Hardware Addr   Type   Interface",
        "Internet  10.0.0.1                -   aabb.cc00.0100  ARPA   Ethernet0/0",
        "Internet  10.0.0.9                0   Incomplete      ARPA",
      ].join("\n"),
    );
  });

  it("logs a duplicate address when another station claims ours", () => {
    hostSendsArp(ArpOperation.Request, "10.0.0.1", "10.0.0.1");
    expect(logs).toEqual(["%IP-4-DUPADDR: Duplicate address 10.0.0.1 on Ethernet0/0, sourced by 0200.0000.0002"]);
  });

  it("keeps a static entry (`arp A H ARPA`) without age, and sends to it without asking", () => {
    expect(stack.addStaticArp(undefined, ip("10.0.0.7"), HOST_MAC)).toBeUndefined();
    expect(stack.addStaticArp(undefined, ip("10.9.0.7"), HOST_MAC)).toBe("% No matching interface for 10.9.0.7");
    routerSendsUdp("10.0.0.7");
    expect(seen.map((s) => s.etherType)).toEqual([EtherType.Ipv4]);
    clock.advance(5 * 3600_000);
    expect(formatArpTable(stack.arpRows()).split("\n").at(-1)).toBe("Internet  10.0.0.7                -   0200.0000.0002  ARPA   Ethernet0/0");
  });

  it("flushes the cache when the line protocol goes down", () => {
    hostSendsArp(ArpOperation.Request, "10.0.0.2", "10.0.0.1");
    host.setUp(false);
    clock.runDeferred();
    expect(e0.isUp).toBe(false);
    expect(e0.arp.entries.size).toBe(0);
    expect(stack.arpRows()).toEqual([]);
  });
});
