// `ping` and `traceroute`, printed as IOS prints them while they run: the header first, one
// character per probe as each completes, then the success rate (or one line per hop).
import { ping, formatPingHeader, formatPingSummary, type PingResult } from "../../net/ping";
import { traceroute, formatTracerouteHop } from "../../net/traceroute";
import { formatIpv4, type Ipv4 } from "../../wire/addr";
import { BOTH, exec, type ExecCommand } from "../exec-command";

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
    run: async ({ router, args, print, write, signal }) => {
      const target = args.ip("target");
      const repeat = args.optNum("repeat") ?? 5;
      const size = args.optNum("size") ?? 100;
      const timeoutMs = (args.optNum("timeout") ?? 2) * 1000;
      const source: Ipv4 | string | undefined = args.optIp("srcip") ?? args.optStr("srcif");
      const sourceAddress = typeof source === "string" ? router.stack.interface(source)?.sourceAddress : source;
      let started = false;
      let column = 0;
      const header = (): void => {
        if (started) return;
        started = true;
        const preview: PingResult = { vrf: args.optStr("vrf") ?? "", target, source: sourceAddress, repeat, size, timeoutMs, probes: [], rttsMs: [] };
        print(formatPingHeader(preview));
      };
      const result = await ping(router.stack, {
        vrf: args.optStr("vrf"),
        dst: target,
        source,
        repeat,
        size,
        timeoutMs,
        dontFragment: args.has("df"),
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
    run: async ({ router, args, print, signal }) => {
      const target = args.ip("target");
      const vrf = args.optStr("vrf");
      print("Type escape sequence to abort.");
      print(`Tracing the route to ${formatIpv4(target)}`);
      print("VRF info: (vrf in name/id, vrf out name/id)");
      const result = await traceroute(router.stack, {
        vrf,
        dst: target,
        source: args.optIp("srcip") ?? args.optStr("srcif"),
        minTtl: args.optNum("minTtl"),
        maxTtl: args.optNum("maxTtl"),
        probes: args.optNum("probes"),
        timeoutMs: args.has("timeout") ? args.num("timeout") * 1000 : undefined,
        onHop: (hop) => print(formatTracerouteHop(hop)),
        signal,
      });
      if (result.error !== undefined) print(result.error);
    },
  }),
];
