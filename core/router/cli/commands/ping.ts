// `ping` and `traceroute`, printed as IOS prints them while they run: the header first, one
// character per probe as each completes, then the success rate (or one line per hop). A bare
// `ping` asks its questions first, IOS's extended ping dialogue.
import { ping, formatPingHeader, formatPingSummary, type PingResult } from "../../net/ping";
import { traceroute, formatTracerouteHop, type TracerouteOptions } from "../../net/traceroute";
import { canonicalInterfaceName } from "../../config/grammar/interface-name";
import type { Router } from "../../node/router";
import { formatIpv4, parseIpv4, type Ipv4 } from "../../wire/addr";
import { BOTH, PRIV, exec, type ExecCommand, type ExecContext } from "../exec-command";
import type { Shell } from "../shell";

const PING_OPTIONS =
  "{repeat <1-2147483647>$repeat|size <36-18024>$size|source (A.B.C.D$srcip|INTERFACE$srcif)|timeout <0-3600>$timeout|df-bit$df}";
const PING_HELP = [
  "Send echo messages",
  "Specify repeat count",
  "Repeat count",
  "Specify datagram size",
  "Datagram size",
  "Specify source address or name",
  "Source address",
  "Source interface",
  "Specify timeout interval",
  "Timeout in seconds",
  "Enable do not fragment bit in IP header",
];

export const pingCommands: readonly ExecCommand[] = [
  exec({
    id: "ping",
    mode: BOTH,
    syntax: `ping [vrf WORD$vrf] [ip] A.B.C.D$target ${PING_OPTIONS}`,
    help: ["Send echo messages", "Select VPN routing instance", "VPN routing instance name", "IP echo", "Ping destination address or hostname", ...PING_HELP.slice(1)],
    run: (ctx) => {
      const { args } = ctx;
      return runPing(ctx, {
        vrf: args.optStr("vrf"),
        target: args.ip("target"),
        repeat: args.optNum("repeat") ?? 5,
        size: args.optNum("size") ?? 100,
        timeoutMs: (args.optNum("timeout") ?? 2) * 1000,
        source: args.optIp("srcip") ?? args.optStr("srcif"),
        dontFragment: args.has("df"),
      });
    },
  }),
  exec({
    id: "ping.dialogue",
    mode: PRIV,
    syntax: "ping [vrf WORD$vrf] [ip]",
    help: ["Send echo messages", "Select VPN routing instance", "VPN routing instance name", "IP echo"],
    run: async (ctx) => {
      const request = await pingDialogue(ctx.shell, ctx.router, ctx.args.optStr("vrf"), ctx.print);
      if (request !== undefined) await runPing(ctx, request);
    },
  }),
  exec({
    id: "traceroute",
    mode: BOTH,
    syntax: "traceroute [vrf WORD$vrf] [ip] A.B.C.D$target {source (A.B.C.D$srcip|INTERFACE$srcif)|timeout <0-3600>$timeout|probe <1-65535>$probes|ttl <1-255>$minTtl <1-255>$maxTtl}",
    help: [
      "Trace route to destination",
      "Select VPN routing instance",
      "VPN routing instance name",
      "IP Trace",
      "Trace route to destination address or hostname",
      "Specify source address or name",
      "Source address",
      "Source interface",
      "Specify time out",
      "Timeout in seconds",
      "Specify number of probes per hop",
      "Number of probes",
      "Specify minimum and maximum ttl",
      "Minimum ttl",
      "Maximum ttl",
    ],
    run: (ctx) => {
      const { args } = ctx;
      return runTraceroute(ctx, {
        vrf: args.optStr("vrf"),
        dst: args.ip("target"),
        source: args.optIp("srcip") ?? args.optStr("srcif"),
        minTtl: args.optNum("minTtl"),
        maxTtl: args.optNum("maxTtl"),
        probes: args.optNum("probes"),
        timeoutMs: args.has("timeout") ? args.num("timeout") * 1000 : undefined,
      });
    },
  }),
  exec({
    id: "traceroute.dialogue",
    mode: PRIV,
    syntax: "traceroute [vrf WORD$vrf] [ip]",
    help: ["Trace route to destination", "Select VPN routing instance", "VPN routing instance name", "IP Trace"],
    run: async (ctx) => {
      const request = await tracerouteDialogue(ctx.shell, ctx.router, ctx.args.optStr("vrf"), ctx.print);
      if (request !== undefined) await runTraceroute(ctx, request);
    },
  }),
];

/** Traces and prints each hop as it completes, under IOS's three header lines. */
async function runTraceroute({ router, print, signal }: ExecContext, request: Omit<TracerouteOptions, "onHop" | "signal">): Promise<void> {
  print("Type escape sequence to abort.");
  print(`Tracing the route to ${formatIpv4(request.dst)}`);
  print("VRF info: (vrf in name/id, vrf out name/id)");
  const result = await traceroute(router.stack, { ...request, onHop: (hop) => print(formatTracerouteHop(hop)), signal });
  if (result.error !== undefined) print(result.error);
}

/** The dialogue of a bare `traceroute` in privileged exec, as IOS asks it. */
async function tracerouteDialogue(shell: Shell, router: Router, vrf: string | undefined, print: (text: string) => void): Promise<Omit<TracerouteOptions, "onHop" | "signal"> | undefined> {
  const protocol = (await shell.ask("Protocol [ip]: ")).trim().toLowerCase();
  if (protocol !== "" && protocol !== "ip") {
    print(`% Unknown protocol - "${protocol}", type "traceroute ?" for help`);
    return undefined;
  }
  const dst = parseIpv4((await shell.ask("Target IP address: ")).trim());
  if (dst === undefined) {
    print("% Bad IP address");
    return undefined;
  }
  const src = (await shell.ask("Source address: ")).trim();
  let source: Ipv4 | string | undefined;
  if (src !== "") {
    const address = parseIpv4(src);
    const iface = address === undefined ? router.stack.interface(canonicalInterfaceName(src) ?? src) : undefined;
    if (address === undefined && iface === undefined) {
      print("% Invalid source address- IP address not on any of our up interfaces");
      return undefined;
    }
    source = address ?? iface?.name;
  }
  // Hops are printed as addresses in any case: the lab resolves no names.
  if (yesNo(await shell.ask("Numeric display [n]: "), false) === undefined) {
    print("% Please answer 'yes' or 'no'.");
    return undefined;
  }
  const numbers: [string, number, number, number][] = [
    ["Timeout in seconds", 3, 0, 3600],
    ["Probe count", 3, 1, 65535],
    ["Minimum Time to Live", 1, 1, 255],
    ["Maximum Time to Live", 30, 1, 255],
    ["Port Number", 33434, 1025, 65535],
  ];
  const values: number[] = [];
  for (const [question, fallback, min, max] of numbers) {
    const n = numberAnswer(await shell.ask(`${question} [${fallback}]: `), fallback, min, max);
    if (typeof n === "string") {
      print(n);
      return undefined;
    }
    values.push(n);
  }
  const [timeout, probes, minTtl, maxTtl, port] = values;
  if (maxTtl < minTtl) {
    print("% Maximum TTL must be at least the minimum");
    return undefined;
  }
  const options = (await shell.ask("Loose, Strict, Record, Timestamp, Verbose[none]: ")).trim().toLowerCase();
  if (options !== "" && options !== "none") {
    print("% IP options are not available on a FlexLab router");
    return undefined;
  }
  return { vrf, dst, source, timeoutMs: timeout * 1000, probes, minTtl, maxTtl, port };
}

interface PingRequest {
  readonly vrf: string | undefined;
  readonly target: Ipv4;
  readonly repeat: number;
  readonly size: number;
  readonly timeoutMs: number;
  readonly source: Ipv4 | string | undefined;
  readonly dontFragment: boolean;
  readonly tos?: number;
}

/** Sends the pings and prints them as IOS does: header, one mark per probe, success rate. */
async function runPing({ router, print, write, signal }: ExecContext, request: PingRequest): Promise<void> {
  const sourceAddress = typeof request.source === "string" ? router.stack.interface(request.source)?.sourceAddress : request.source;
  let started = false;
  let column = 0;
  const header = (): void => {
    if (started) return;
    started = true;
    const preview: PingResult = { vrf: request.vrf ?? "", target: request.target, source: sourceAddress, repeat: request.repeat, size: request.size, timeoutMs: request.timeoutMs, probes: [], rttsMs: [], dontFragment: request.dontFragment };
    print(formatPingHeader(preview));
  };
  const result = await ping(router.stack, {
    vrf: request.vrf,
    dst: request.target,
    source: request.source,
    repeat: request.repeat,
    size: request.size,
    timeoutMs: request.timeoutMs,
    dontFragment: request.dontFragment,
    tos: request.tos,
    signal,
    onProbe: (mark) => {
      header();
      if (column === 70) {
        print("");
        column = 0;
      }
      write(mark);
      column++;
    },
  });
  if (result.error !== undefined) {
    print(result.error);
    return;
  }
  header();
  if (column > 0) print("");
  print(formatPingSummary(result));
}

/** A whole number in [min, max] from an answer, the default for an empty one. */
function numberAnswer(answer: string, fallback: number, min: number, max: number): number | string {
  const t = answer.trim();
  if (t === "") return fallback;
  const n = /^\d{1,10}$/.test(t) ? Number(t) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : `% A decimal number between ${min} and ${max}.`;
}

/** yes/no questions take any abbreviation of either word. */
function yesNo(answer: string, fallback: boolean): boolean | undefined {
  const t = answer.trim().toLowerCase();
  if (t === "") return fallback;
  if ("yes".startsWith(t)) return true;
  if ("no".startsWith(t)) return false;
  return undefined;
}

/**
 * The dialogue of a bare `ping` in privileged exec, question by question as IOS asks them,
 * each default in brackets. A wrong answer ends it with IOS's message, as IOS does. What a lab
 * router cannot do (other protocols, IP options, a data pattern of its own, size sweeps) is
 * refused rather than silently ignored.
 */
async function pingDialogue(shell: Shell, router: Router, vrf: string | undefined, print: (text: string) => void): Promise<PingRequest | undefined> {
  const protocol = (await shell.ask("Protocol [ip]: ")).trim().toLowerCase();
  if (protocol !== "" && protocol !== "ip") {
    print(`% Unknown protocol - "${protocol}", type "ping ?" for help`);
    return undefined;
  }
  const target = parseIpv4((await shell.ask("Target IP address: ")).trim());
  if (target === undefined) {
    print("% Bad IP address");
    return undefined;
  }
  const number = async (question: string, fallback: number, min: number, max: number): Promise<number | undefined> => {
    const n = numberAnswer(await shell.ask(`${question} [${fallback}]: `), fallback, min, max);
    if (typeof n === "number") return n;
    print(n);
    return undefined;
  };
  const flag = async (question: string, fallback: boolean, suffix = ""): Promise<boolean | undefined> => {
    const f = yesNo(await shell.ask(`${question} [${fallback ? (suffix ? "yes" : "y") : suffix ? "no" : "n"}]: `), fallback);
    if (f === undefined) print("% Please answer 'yes' or 'no'.");
    return f;
  };
  const repeat = await number("Repeat count", 5, 1, 2147483647);
  if (repeat === undefined) return undefined;
  const size = await number("Datagram size", 100, 36, 18024);
  if (size === undefined) return undefined;
  const timeout = await number("Timeout in seconds", 2, 0, 3600);
  if (timeout === undefined) return undefined;
  const extended = await flag("Extended commands", false);
  if (extended === undefined) return undefined;
  let source: Ipv4 | string | undefined;
  let tos = 0;
  let dontFragment = false;
  if (extended) {
    const src = (await shell.ask("Source address or interface: ")).trim();
    if (src !== "") {
      const address = parseIpv4(src);
      const iface = address === undefined ? router.stack.interface(canonicalInterfaceName(src) ?? src) : undefined;
      if (address === undefined && iface === undefined) {
        print("% Invalid source address- IP address not on any of our up interfaces");
        return undefined;
      }
      source = address ?? iface?.name;
    }
    const t = await number("Type of service", 0, 0, 255);
    if (t === undefined) return undefined;
    tos = t;
    const df = await flag("Set DF bit in IP header?", false, "long");
    if (df === undefined) return undefined;
    dontFragment = df;
    const validate = await flag("Validate reply data?", false, "long");
    if (validate === undefined) return undefined;
    if (validate) {
      print("% Reply data validation is not available on a FlexLab router");
      return undefined;
    }
    const pattern = (await shell.ask("Data pattern [0x0000ABCD]: ")).trim();
    if (pattern !== "" && pattern.toLowerCase() !== "0x0000abcd") {
      print("% A data pattern other than 0x0000ABCD is not available on a FlexLab router");
      return undefined;
    }
    const options = (await shell.ask("Loose, Strict, Record, Timestamp, Verbose[none]: ")).trim().toLowerCase();
    if (options !== "" && options !== "none") {
      print("% IP options are not available on a FlexLab router");
      return undefined;
    }
  }
  const sweep = await flag("Sweep range of sizes", false);
  if (sweep === undefined) return undefined;
  if (sweep) {
    print("% A sweep of sizes is not available on a FlexLab router");
    return undefined;
  }
  return { vrf, target, repeat, size, timeoutMs: timeout * 1000, source, dontFragment, tos };
}
