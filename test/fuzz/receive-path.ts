// Fuzzes a whole Router's receive path: the seed lab's hub, booted from its config text, gets
// mutated frames of one protocol on Ethernet0/0 through a memory link, one at a time, with
// virtual time moving on so timers (reassembly, ARP, IKE, BGP) fire in between. Every bug
// the router catches (a handler that threw, counted as an internal-error drop) is recorded
// with the frame that set it off; an exception escaping the router ends the run. At the
// end the neighbour pings the hub, which must still answer.
import { readFileSync } from "node:fs";
import { guardedClock } from "../../core/router/clock/guarded";
import { VirtualClock } from "../../core/router/clock/virtual";
import { memoryPair } from "../../core/router/io/memory";
import { nonZeroDrops, type DropCounters } from "../../core/router/net/counters";
import type { EthernetInterface } from "../../core/router/net/ethernet-port";
import { iolMacBase } from "../../core/router/net/iol-mac";
import { Router } from "../../core/router/node/router";
import type { Mac } from "../../core/router/wire/addr";
import { ArpOperation, arpOperation, arpTargetIp, buildArp } from "../../core/router/wire/arp";
import { EtherType, buildEthernet, ethernetType, parseEthernet } from "../../core/router/wire/ethernet";
import { isWireError } from "../../core/router/wire/errors";
import { buildIcmp, parseIcmp } from "../../core/router/wire/icmp";
import { IpProtocol, buildIpv4, parseIpv4 } from "../../core/router/wire/ipv4";
import { corpus, HUB_EXTRA_CONFIG, HUB_IP, NEIGHBOUR_IP, NEIGHBOUR_MAC, type FuzzProtocol } from "./corpus";
import { Mutator, Random } from "./mutator";

const HUB_CONFIG_PATH = new URL("../../labs/mpls-over-flexvpn/R1-HUB.cfg", import.meta.url);
const HUB_MAC_BASE = iolMacBase(1);
/** Virtual time moves this much every FRAMES_PER_TICK frames: a million frames span ~5 minutes, so reassembly and ARP timers cycle. */
const FRAMES_PER_TICK = 64;
const TICK_MS = 20;
/** Bugs kept in full per run; more are only counted. */
const BUGS_KEPT = 10;
const PING_IDENTIFIER = 0xf00d;

export interface FuzzOptions {
  readonly protocol: FuzzProtocol;
  readonly frames: number;
  readonly seed: number;
}

export interface FuzzBug {
  /** Index of the frame being handled (-1: after the last, while time ran on). */
  readonly frame: number;
  readonly context: string;
  readonly message: string;
  readonly stack: string;
  /** The frame, as hex. */
  readonly hex: string;
}

export interface FuzzReport {
  readonly protocol: FuzzProtocol;
  readonly seed: number;
  readonly frames: number;
  readonly elapsedMs: number;
  readonly bugCount: number;
  readonly bugs: readonly FuzzBug[];
  /** Frames the hub sent back to the neighbour during the run. */
  readonly replies: number;
  readonly drops: Partial<DropCounters>;
  readonly pingAnswered: boolean;
}

/** The seed for one protocol's run, derived from the suite's seed so each protocol differs. */
export function seedFor(seed: number, protocol: FuzzProtocol): number {
  let h = seed >>> 0;
  for (let i = 0; i < protocol.length; i++) h = Math.imul(h ^ protocol.charCodeAt(i), 0x01000193) >>> 0;
  return h || 1;
}

export function hubConfig(): string {
  const text = readFileSync(HUB_CONFIG_PATH, "utf8");
  const end = text.lastIndexOf("\nend");
  return (end < 0 ? text : text.slice(0, end + 1)) + HUB_EXTRA_CONFIG + "end\n";
}

function hex(buf: Uint8Array, length: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset, length).toString("hex");
}

export function fuzzReceivePath(options: FuzzOptions): FuzzReport {
  const started = performance.now();
  const clock = new VirtualClock();
  const [neighbour, hubPort] = memoryPair({ clock });
  const bugs: FuzzBug[] = [];
  let bugCount = 0;
  // The frame being handled, for a bug report: its index and the mutator holding it.
  const now: { frame: number; mutator?: Mutator } = { frame: -1 };
  const report = (context: string, err: unknown): void => {
    bugCount++;
    if (bugs.length >= BUGS_KEPT) return;
    const message = err instanceof Error ? err.message : String(err);
    const stack = err instanceof Error ? (err.stack ?? "") : "";
    bugs.push({ frame: now.frame, context, message, stack, hex: now.mutator && now.frame >= 0 ? hex(now.mutator.buf, now.mutator.length) : "" });
  };
  const router = new Router({ clock: guardedClock(clock, report), ports: { "Ethernet0/0": hubPort }, macBase: HUB_MAC_BASE, reportBug: report });
  router.boot(hubConfig());
  clock.settle(5_000);
  const e0 = router.stack.interface("Ethernet0/0") as EthernetInterface;
  const hubMac = e0.mac;

  // The neighbour answers the hub's ARP for it, and watches for the final ping's reply.
  const arpReply = buildEthernet(
    { dst: hubMac, src: NEIGHBOUR_MAC, etherType: EtherType.Arp },
    buildArp({ operation: ArpOperation.Reply, senderMac: NEIGHBOUR_MAC, senderIp: NEIGHBOUR_IP, targetMac: hubMac, targetIp: HUB_IP }),
  );
  let replies = 0;
  let watching = false;
  let pingAnswered = false;
  neighbour.onReceive((frame) => {
    replies++;
    const type = ethernetType(frame, 0);
    if (type === EtherType.Arp && frame.length >= 42 && arpOperation(frame, 14) === ArpOperation.Request && arpTargetIp(frame, 14) === NEIGHBOUR_IP) {
      neighbour.send(arpReply);
    } else if (watching && type === EtherType.Ipv4 && isEchoReply(frame)) {
      pingAnswered = true;
    }
  });

  const frames = corpus(hubMac)[options.protocol];
  const m = new Mutator(new Random(options.seed), frames);
  now.mutator = m;
  try {
    for (let i = 0; i < options.frames; i++) {
      now.frame = i;
      m.next();
      neighbour.send(m.buf.subarray(0, m.length)); // the link copies it: the frame's one allocation
      clock.runDeferred();
      if (i % FRAMES_PER_TICK === FRAMES_PER_TICK - 1) clock.advance(TICK_MS);
    }
    now.frame = -1;
    clock.advance(60_000); // let every timer the frames started run out
  } catch (err) {
    const where = now.frame >= 0 ? `frame ${now.frame} (${hex(m.buf, m.length)})` : "after the last frame";
    throw new Error(`fuzz ${options.protocol} seed ${options.seed}: an exception escaped the router at ${where}`, { cause: err });
  }

  // The neighbour tells the hub its MAC again (fuzzed ARP may have changed it), then pings.
  neighbour.send(buildEthernet({ dst: 0xffffffffffff as Mac, src: NEIGHBOUR_MAC, etherType: EtherType.Arp }, buildArp({ operation: ArpOperation.Request, senderMac: NEIGHBOUR_MAC, senderIp: NEIGHBOUR_IP, targetMac: 0 as Mac, targetIp: HUB_IP })));
  clock.runDeferred();
  watching = true;
  const echo = buildIcmp({ kind: "echo-request", identifier: PING_IDENTIFIER, sequenceNumber: 1, payloadLength: 8 }, new Uint8Array(8));
  const request = buildIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: IpProtocol.Icmp, src: NEIGHBOUR_IP, dst: HUB_IP, payloadLength: echo.length }, echo);
  neighbour.send(buildEthernet({ dst: hubMac, src: NEIGHBOUR_MAC, etherType: EtherType.Ipv4 }, request));
  clock.advance(2_000);
  router.close();
  return {
    protocol: options.protocol,
    seed: options.seed,
    frames: options.frames,
    elapsedMs: performance.now() - started,
    bugCount,
    bugs,
    replies,
    drops: allDrops(router),
    pingAnswered,
  };
}

/** Drops by reason, summed over every interface of the hub. */
function allDrops(router: Router): Partial<DropCounters> {
  const sum: Partial<DropCounters> = {};
  for (const iface of router.stack.interfaces()) {
    for (const [reason, count] of Object.entries(nonZeroDrops(iface.counters)) as [keyof DropCounters, number][]) sum[reason] = (sum[reason] ?? 0) + count;
  }
  return sum;
}

/** Whether `frame` is the hub's echo reply to the final ping. */
function isEchoReply(frame: Uint8Array): boolean {
  const eth = parseEthernet(frame);
  if (isWireError(eth)) return false;
  const ip = parseIpv4(eth.payload);
  if (isWireError(ip) || ip.repr.protocol !== IpProtocol.Icmp || ip.repr.src !== HUB_IP) return false;
  const icmp = parseIcmp(ip.payload);
  return !isWireError(icmp) && icmp.repr.kind === "echo-reply" && icmp.repr.identifier === PING_IDENTIFIER;
}
