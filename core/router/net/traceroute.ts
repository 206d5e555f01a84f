// The `traceroute` engine and IOS's text for it (ios-output.md §11): UDP probes to port
// 33434 and up (one port per probe), TTL 1 to 30, three probes per hop, one at a time. A time
// exceeded names a hop (with the RFC 4950 label stack when the LSR sent one); a port
// unreachable from the target ends the trace; a timeout is `*`.
import type { Timer } from "../clock/clock";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { IcmpType, IcmpUnreachableCode } from "../wire/icmp";
import { IpProtocol } from "../wire/ipv4";
import type { MplsEntry } from "../wire/mpls";
import { udpDstPort, udpSrcPort } from "../wire/udp";
import type { IcmpErrorReport } from "./icmp";
import { probeSource } from "./ping";
import { UdpSocket } from "./sockets";
import type { NetStack } from "./stack";

export interface TracerouteOptions {
  readonly vrf?: string;
  readonly dst: Ipv4;
  /** `source A.B.C.D` or `source INTERFACE`. */
  readonly source?: Ipv4 | string;
  readonly minTtl?: number;
  readonly maxTtl?: number;
  readonly probes?: number;
  readonly timeoutMs?: number;
  /** First destination port (IOS default 33434). */
  readonly port?: number;
  /** Called as each hop completes, so a console can print rows as they come. */
  readonly onHop?: (hop: TracerouteHop) => void;
  /** Stop after the probe in flight (Ctrl-C); the result holds the hops so far. */
  readonly signal?: AbortSignal;
}

export interface TracerouteProbe {
  /** Who answered; undefined for a timeout. */
  readonly address: Ipv4 | undefined;
  readonly rttMs: number | undefined;
  /** The label stack the answering LSR received (RFC 4950). */
  readonly labels: readonly MplsEntry[] | undefined;
  /** IOS's mark for an unreachable other than "port": "!H", "!N", "!P", "!A", "?". */
  readonly mark: string | undefined;
}

export interface TracerouteHop {
  readonly ttl: number;
  readonly probes: readonly TracerouteProbe[];
}

export interface TracerouteResult {
  readonly vrf: string;
  readonly target: Ipv4;
  readonly hops: readonly TracerouteHop[];
  readonly error?: string;
}

const TIMED_OUT: TracerouteProbe = { address: undefined, rttMs: undefined, labels: undefined, mark: undefined };

export function traceroute(stack: NetStack, options: TracerouteOptions): Promise<TracerouteResult> {
  const vrfName = options.vrf ?? "";
  const vrf = stack.vrf(vrfName);
  const minTtl = options.minTtl ?? 1;
  const maxTtl = options.maxTtl ?? 30;
  const perHop = options.probes ?? 3;
  const timeoutMs = options.timeoutMs ?? 3000;
  const base = { vrf: vrfName, target: options.dst };
  if (vrf === undefined) return Promise.resolve({ ...base, hops: [], error: `% VRF ${vrfName} does not have a valid IP address family` });
  const { source, error } = probeSource(stack, vrf, options.source);
  if (error !== undefined) return Promise.resolve({ ...base, hops: [], error });
  const bound = stack.udp.bind({ vrf, port: 0 }, () => {});
  if (!(bound instanceof UdpSocket)) return Promise.resolve({ ...base, hops: [], error: bound });
  const socket = bound;
  const clock = stack.clock;
  const hops: TracerouteHop[] = [];
  let ttl = minTtl;
  let current: TracerouteProbe[] = [];
  let dstPort = (options.port ?? 33434) - 1;
  let sentAt = 0;
  let timer: Timer | undefined;
  let reached = false;

  return new Promise<TracerouteResult>((resolve) => {
    const stopErrors = stack.icmp.onError((report) => {
      if (report.vrf !== vrf || timer === undefined || !isOurs(report)) return;
      const portUnreachable = report.type === IcmpType.DestinationUnreachable && report.code === IcmpUnreachableCode.PortUnreachable;
      if (report.type === IcmpType.DestinationUnreachable) reached = true;
      const mark = report.type === IcmpType.TimeExceeded || portUnreachable ? undefined : unreachableMark(report);
      complete({ address: report.from, rttMs: clock.now() - sentAt, labels: report.mplsLabels, mark });
    });

    function isOurs(r: IcmpErrorReport): boolean {
      const t = r.quotedTransport;
      return r.quotedProtocol === IpProtocol.Udp && udpSrcPort(t, 0) === socket.localPort && udpDstPort(t, 0) === dstPort && r.quotedDst === options.dst;
    }

    function complete(probe: TracerouteProbe): void {
      timer?.cancel();
      timer = undefined;
      current.push(probe);
      if (current.length < perHop) {
        clock.defer(send);
        return;
      }
      const hop = { ttl, probes: current };
      hops.push(hop);
      options.onHop?.(hop);
      current = [];
      ttl++;
      if (reached || ttl > maxTtl || options.signal?.aborted) {
        end();
        return;
      }
      clock.defer(send);
    }

    function end(): void {
      options.signal?.removeEventListener("abort", onAbort);
      stopErrors();
      socket.close();
      resolve({ ...base, hops });
    }

    function onAbort(): void {
      if (timer === undefined) return;
      timer.cancel();
      timer = undefined;
      end();
    }
    options.signal?.addEventListener("abort", onAbort);

    function send(): void {
      dstPort = dstPort >= 65535 ? 1 : dstPort + 1;
      sentAt = clock.now();
      timer = clock.after(timeoutMs, () => {
        timer = undefined;
        complete(TIMED_OUT);
      });
      socket.send(options.dst, dstPort, new Uint8Array(0), { src: source, ttl });
    }

    send();
  });
}

function unreachableMark(r: IcmpErrorReport): string {
  switch (r.code) {
    case IcmpUnreachableCode.NetUnreachable:
      return "!N";
    case IcmpUnreachableCode.HostUnreachable:
      return "!H";
    case IcmpUnreachableCode.ProtocolUnreachable:
      return "!P";
    case 9:
    case 10:
    case IcmpUnreachableCode.AdminProhibited:
      return "!A";
    default:
      return "?";
  }
}

/** `[MPLS: Label 19 Exp 0]` or `[MPLS: Labels 18/21 Exp 0]` (the top entry's EXP). */
export function formatMplsLabels(labels: readonly MplsEntry[]): string {
  const word = labels.length === 1 ? "Label" : "Labels";
  return `[MPLS: ${word} ${labels.map((l) => l.label).join("/")} Exp ${labels[0]?.tc ?? 0}]`;
}

/** One hop row: number right-aligned in 3, the address when it changes, then each probe. */
export function formatTracerouteHop(hop: TracerouteHop): string {
  let line = String(hop.ttl).padStart(3);
  let last: Ipv4 | undefined;
  let first = true;
  for (const p of hop.probes) {
    if (p.address === undefined) {
      line += " * ";
      continue;
    }
    if (p.address !== last) {
      if (!first && last !== undefined) line += "\n   ";
      line += ` ${formatIpv4(p.address)}`;
      if (p.labels !== undefined && p.labels.length > 0) line += ` ${formatMplsLabels(p.labels)}`;
      last = p.address;
    }
    line += p.mark !== undefined ? ` ${p.mark} ` : ` ${p.rttMs} msec`;
    first = false;
  }
  return line;
}

/** The whole of IOS's traceroute output. */
export function formatTraceroute(r: TracerouteResult): string {
  if (r.error !== undefined) return r.error;
  const lines = ["Type escape sequence to abort.", `Tracing the route to ${formatIpv4(r.target)}`, "VRF info: (vrf in name/id, vrf out name/id)"];
  for (const hop of r.hops) lines.push(formatTracerouteHop(hop));
  return lines.join("\n");
}
