import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import { parseIpv4 as parseAddress, prefix, type Ipv4, type Mac } from "../wire/addr";
import { EtherType, buildEthernet, parseEthernet } from "../wire/ethernet";
import { isWireError } from "../wire/errors";
import { buildIcmp } from "../wire/icmp";
import { buildIpv4, parseIpv4 } from "../wire/ipv4";
import type { Label } from "../wire/mpls";
import { formatPing, ping, type PingResult } from "./ping";
import { NetStack } from "./stack";
import { formatTraceroute, traceroute } from "./traceroute";

function ip(text: string): Ipv4 {
  return parseAddress(text) as Ipv4;
}

function result(overrides: Partial<PingResult>): PingResult {
  return { vrf: "", target: ip("192.168.114.1"), source: undefined, repeat: 5, size: 100, timeoutMs: 2000, probes: [], rttsMs: [], ...overrides };
}

describe("formatPing", () => {
  it("prints IOS's header, the probe marks and the success rate with round-trip times", () => {
    expect(formatPing(result({ source: ip("192.168.113.1"), probes: ["!", "!", "!", "!", "!"], rttsMs: [1, 2, 4, 1, 3] }))).toBe(
      [
        "Type escape sequence to abort.",
        "Sending 5, 100-byte ICMP Echos to 192.168.114.1, timeout is 2 seconds:",
        "Packet sent with a source address of 192.168.113.1",
        "!!!!!",
        "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/2/4 ms",
      ].join("\n"),
    );
  });

  it("leaves out the round-trip part when nothing came back", () => {
    expect(formatPing(result({ probes: [".", ".", ".", ".", "."] })).split("\n").at(-1)).toBe("Success rate is 0 percent (0/5)");
  });

  it("wraps the probe marks at 70 a line, as IOS does for long pings", () => {
    const probes = new Array<"!">(100).fill("!");
    const lines = formatPing(result({ repeat: 100, probes, rttsMs: new Array<number>(100).fill(0) })).split("\n");
    expect(lines[2]).toBe("!".repeat(70));
    expect(lines[3]).toBe("!".repeat(30));
  });

  it("refuses a source address that is not on an up interface", async () => {
    const clock = new VirtualClock();
    const stack = new NetStack({ clock });
    expect(formatPing(await ping(stack, { dst: ip("10.0.0.1"), source: ip("10.9.9.9") }))).toBe("% Invalid source address- IP address not on any of our up interfaces");
  });
});

describe("traceroute through an MPLS network", () => {
  it("shows the label stack an LSR quoted in its time exceeded (RFC 4950)", async () => {
    const clock = new VirtualClock();
    const stack = new NetStack({ clock });
    const [routerEnd, lsr] = memoryPair({ clock });
    const e0 = stack.addEthernet("Ethernet0/0", routerEnd, { mac: 0xaabbcc000100 as Mac, adminUp: true });
    e0.setAddress(ip("10.0.0.1"), 24);
    e0.arp.addStatic(ip("10.0.0.2"), 0x020000000002 as Mac);
    const fib = stack.globalVrf.fib;
    fib.set({ prefix: prefix(ip("0.0.0.0"), 0), kind: "forward", paths: [{ interface: e0, nextHop: ip("10.0.0.2"), labels: undefined }], source: "static" });
    fib.set({ prefix: prefix(ip("10.0.0.1"), 32), kind: "receive", paths: [{ interface: e0, nextHop: undefined, labels: undefined }], source: "receive" });
    // The far side plays an LSR at hop 1 and the destination at hop 2.
    lsr.onReceive((frame) => {
      const eth = parseEthernet(frame);
      if (isWireError(eth) || eth.repr.etherType !== EtherType.Ipv4) return;
      const probe = parseIpv4(eth.payload);
      if (isWireError(probe)) return;
      const quoted = eth.payload.subarray(0, 28);
      const hop1 = probe.repr.ttl === 1;
      const icmp = hop1
        ? buildIcmp({ kind: "time-exceeded", code: 0, payloadLength: 0, extensions: [{ kind: "mpls-label-stack", entries: [{ label: 19 as Label, tc: 0, bottom: true, ttl: 1 }] }] }, quoted)
        : buildIcmp({ kind: "dst-unreachable", code: 3, nextHopMtu: 0, payloadLength: 0 }, quoted);
      const from = hop1 ? ip("10.0.0.2") : ip("192.168.114.1");
      const reply = buildIpv4(
        { dscp: 0, ecn: 0, identification: 0, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 255, protocol: 1, src: from, dst: probe.repr.src, payloadLength: icmp.length },
        icmp,
      );
      lsr.send(buildEthernet({ dst: 0xaabbcc000100 as Mac, src: 0x020000000002 as Mac, etherType: EtherType.Ipv4 }, reply));
    });
    clock.settle(100);

    const run = traceroute(stack, { dst: ip("192.168.114.1") });
    clock.settle(600_000);

    expect(formatTraceroute(await run)).toBe(
      [
        "Type escape sequence to abort.",
        "Tracing the route to 192.168.114.1",
        "VRF info: (vrf in name/id, vrf out name/id)",
        "  1 10.0.0.2 [MPLS: Label 19 Exp 0] 0 msec 0 msec 0 msec",
        "  2 192.168.114.1 0 msec 0 msec 0 msec",
      ].join("\n"),
    );
  });
});
