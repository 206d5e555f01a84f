// The `ping` engine and IOS's text for it (ios-output.md §11). Probes go one at a time, as
// IOS sends them: the next leaves when the previous is answered or timed out. Each probe
// ends as one character — `!` reply, `.` timeout, `U` unreachable, `M` could not fragment,
// `&` TTL exceeded, `?` anything else — and the replies' round-trip times make the stats.
// Time comes from the stack's clock, so pings run in virtual time in the harness.
import type { Timer } from "../clock/clock";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { ICMP_HEADER_LENGTH, IcmpType, IcmpUnreachableCode, emitIcmp, icmpEchoIdentifier, icmpEchoSequenceNumber, icmpType } from "../wire/icmp";
import { IPV4_MIN_HEADER_LENGTH, IpProtocol } from "../wire/ipv4";
import type { IcmpErrorReport } from "./icmp";
import type { NetStack } from "./stack";
import type { Vrf } from "./vrf";

export type PingProbeResult = "!" | "." | "U" | "N" | "P" | "M" | "A" | "Q" | "&" | "?";

export interface PingOptions {
  /** VRF name; undefined for the global table. */
  readonly vrf?: string;
  readonly dst: Ipv4;
  /** `source A.B.C.D` or `source INTERFACE`. */
  readonly source?: Ipv4 | string;
  readonly repeat?: number;
  /** Datagram size in bytes, IP header included (IOS default 100). */
  readonly size?: number;
  readonly timeoutMs?: number;
  readonly dontFragment?: boolean;
  readonly ttl?: number;
  readonly tos?: number;
  /** Called as each probe completes, so a console can print `!` by `!`. */
  readonly onProbe?: (result: PingProbeResult) => void;
  /** The engineer's escape (Ctrl-C, Ctrl-Shift-6): stop sending; the result counts the
   * probes that completed. */
  readonly signal?: AbortSignal;
}

export interface PingResult {
  readonly vrf: string;
  readonly target: Ipv4;
  /** The source address when one was given (IOS then prints "Packet sent with a source address of"). */
  readonly source: Ipv4 | undefined;
  readonly repeat: number;
  readonly size: number;
  readonly timeoutMs: number;
  readonly probes: readonly PingProbeResult[];
  /** Round-trip times of the `!` probes, in ms. */
  readonly rttsMs: readonly number[];
  /** Sent with the DF bit (IOS then prints "Packet sent with the DF bit set"). */
  readonly dontFragment?: boolean;
  /** Set when IOS would refuse to start (bad source, unknown VRF). */
  readonly error?: string;
}

const MIN_SIZE = 36;
const MAX_SIZE = 18024;
let nextIdentifier = 0;

/** Runs a ping; the promise settles when the last probe is answered or timed out. */
/** The source address of `ping`/`traceroute … source A.B.C.D|INTERFACE` in `vrf`, or IOS's
 * refusal: an interface of another VRF or without an address, an address on no up interface. */
export function probeSource(stack: NetStack, vrf: Vrf, source: Ipv4 | string | undefined): { source: Ipv4 | undefined; error?: string } {
  if (typeof source === "string") {
    const iface = stack.interface(source);
    const address = iface?.sourceAddress;
    if (iface === undefined || address === undefined || iface.vrf !== vrf) return { source: undefined, error: "% Invalid source. Must use same-VRF IP address or full VRF interface name" };
    return { source: address };
  }
  if (source !== undefined && stack.interfaceOwning(vrf, source)?.isUp !== true) return { source, error: "% Invalid source address- IP address not on any of our up interfaces" };
  return { source };
}

export function ping(stack: NetStack, options: PingOptions): Promise<PingResult> {
  const repeat = options.repeat ?? 5;
  const size = options.size ?? 100;
  const timeoutMs = options.timeoutMs ?? 2000;
  const vrfName = options.vrf ?? "";
  const base = { vrf: vrfName, target: options.dst, repeat, size, timeoutMs };
  const vrf = stack.vrf(vrfName);
  if (vrf === undefined) return Promise.resolve({ ...base, source: undefined, probes: [], rttsMs: [], error: `% VRF ${vrfName} does not have a valid IP address family` });
  if (size < MIN_SIZE || size > MAX_SIZE) {
    return Promise.resolve({ ...base, source: undefined, probes: [], rttsMs: [], error: `% Invalid datagram size: must be between ${MIN_SIZE} and ${MAX_SIZE}` });
  }
  const chosen = probeSource(stack, vrf, options.source);
  if (chosen.error !== undefined) return Promise.resolve({ ...base, source: chosen.source, probes: [], rttsMs: [], error: chosen.error });
  const source = chosen.source;

  const identifier = (nextIdentifier = (nextIdentifier + 1) & 0xffff);
  const clock = stack.clock;
  const probes: PingProbeResult[] = [];
  const rttsMs: number[] = [];
  let sequence = 0;
  let sentAt = 0;
  let timer: Timer | undefined;

  return new Promise<PingResult>((resolve) => {
    const stopReplies = stack.icmp.onEchoReply(identifier, (reply) => {
      if (reply.vrf !== vrf || reply.sequence !== sequence || timer === undefined) return;
      rttsMs.push(clock.now() - sentAt);
      finish("!");
    });
    const stopErrors = stack.icmp.onError((report) => {
      if (report.vrf !== vrf || timer === undefined || !isOurs(report)) return;
      finish(probeCharacter(report));
    });

    function isOurs(r: IcmpErrorReport): boolean {
      const t = r.quotedTransport;
      return r.quotedProtocol === IpProtocol.Icmp && icmpType(t, 0) === IcmpType.EchoRequest && icmpEchoIdentifier(t, 0) === identifier && icmpEchoSequenceNumber(t, 0) === sequence;
    }

    function finish(result: PingProbeResult): void {
      timer?.cancel();
      timer = undefined;
      probes.push(result);
      options.onProbe?.(result);
      if (probes.length < repeat && !options.signal?.aborted) {
        clock.defer(send);
        return;
      }
      done();
    }

    function done(): void {
      options.signal?.removeEventListener("abort", onAbort);
      stopReplies();
      stopErrors();
      resolve({ ...base, repeat: probes.length < repeat ? probes.length : repeat, source: typeof options.source === "undefined" ? undefined : source, probes, rttsMs });
    }

    function onAbort(): void {
      if (timer === undefined) return; // between probes: finish() sees the signal
      timer.cancel();
      timer = undefined;
      done();
    }
    options.signal?.addEventListener("abort", onAbort);

    function send(): void {
      sequence = (sequence + 1) & 0xffff;
      const message = echoRequest(identifier, sequence, size - IPV4_MIN_HEADER_LENGTH);
      sentAt = clock.now();
      timer = clock.after(timeoutMs, () => {
        timer = undefined;
        finish(".");
      });
      const result = stack.forwarding.originate(vrf as NonNullable<typeof vrf>, source, options.dst, IpProtocol.Icmp, message, options.ttl, options.tos, options.dontFragment);
      // IOS reports "could not fragment" at once for its own packets; lost ones time out.
      if (result === "fragmentation-needed") finish("M");
    }

    if (repeat <= 0) finish(".");
    else if (options.signal?.aborted) done();
    else send();
  });
}

/** An echo request whose data is IOS's 0xABCD pattern. */
function echoRequest(identifier: number, sequence: number, icmpBytes: number): Uint8Array {
  const message = new Uint8Array(icmpBytes);
  for (let i = ICMP_HEADER_LENGTH; i < icmpBytes; i++) message[i] = i % 2 === 0 ? 0xab : 0xcd;
  emitIcmp({ kind: "echo-request", identifier, sequenceNumber: sequence, payloadLength: icmpBytes - ICMP_HEADER_LENGTH }, message, 0);
  return message;
}

/** IOS's character for an ICMP error answering a probe. */
function probeCharacter(r: IcmpErrorReport): PingProbeResult {
  if (r.type === IcmpType.TimeExceeded) return "&";
  if (r.type !== IcmpType.DestinationUnreachable) return "?";
  switch (r.code) {
    case IcmpUnreachableCode.ProtocolUnreachable:
      return "P";
    case IcmpUnreachableCode.FragmentationNeeded:
      return "M";
    case 9:
    case 10:
    case IcmpUnreachableCode.AdminProhibited:
      return "A";
    default:
      return "U";
  }
}

/** The two lines IOS prints before the probes. */
export function formatPingHeader(r: PingResult): string {
  const seconds = r.timeoutMs / 1000;
  const lines = ["Type escape sequence to abort.", `Sending ${r.repeat}, ${r.size}-byte ICMP Echos to ${formatIpv4(r.target)}, timeout is ${seconds} seconds:`];
  if (r.source !== undefined) lines.push(`Packet sent with a source address of ${formatIpv4(r.source)}`);
  if (r.dontFragment === true) lines.push("Packet sent with the DF bit set");
  return lines.join("\n");
}

/** The "Success rate" line. */
export function formatPingSummary(r: PingResult): string {
  const ok = r.rttsMs.length;
  const percent = r.repeat > 0 ? Math.floor((ok * 100) / r.repeat) : 0;
  const line = `Success rate is ${percent} percent (${ok}/${r.repeat})`;
  if (ok === 0) return line;
  const min = Math.min(...r.rttsMs);
  const max = Math.max(...r.rttsMs);
  const avg = Math.floor(r.rttsMs.reduce((a, b) => a + b, 0) / ok);
  return `${line}, round-trip min/avg/max = ${min}/${avg}/${max} ms`;
}

/** The whole of IOS's ping output (probe characters wrap at 70 per line, as IOS does). */
export function formatPing(r: PingResult): string {
  if (r.error !== undefined) return r.error;
  const marks: string[] = [];
  for (let i = 0; i < r.probes.length; i += 70) marks.push(r.probes.slice(i, i + 70).join(""));
  return [formatPingHeader(r), ...marks, formatPingSummary(r)].join("\n");
}
