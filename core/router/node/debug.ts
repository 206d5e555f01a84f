// `debug` flags of one router and the output they produce. Debug lines go out as log lines,
// so they reach the console and `terminal monitor` sessions with a timestamp, as on IOS.
import type { NetStack } from "../net/stack";
import type { IpRouting } from "../routing/ip-routing";
import { formatIpv4, formatPrefix } from "../wire/addr";

export type DebugFlag = "ip routing" | "ip icmp";

const ICMP_TYPES: Readonly<Record<number, string>> = { 3: "dst", 11: "time exceeded", 12: "parameter problem" };
const UNREACH_CODES: Readonly<Record<number, string>> = { 0: "net unreachable", 1: "host unreachable", 2: "protocol unreachable", 3: "port unreachable", 4: "frag. needed and DF set", 13: "administratively prohibited" };

export class Debugging {
  private readonly on = new Set<DebugFlag>();

  constructor(stack: NetStack, routing: IpRouting, emit: (text: string) => void) {
    routing.rib.onChange((vrf, prefix, installed) => {
      if (!this.on.has("ip routing")) return;
      const table = vrf ? ` (${vrf})` : "";
      if (!installed) {
        emit(`RT${table}: del ${formatPrefix(prefix)}`);
        return;
      }
      const r = installed.route;
      const via = installed.usable.map((h) => (h.address !== undefined ? `via ${formatIpv4(h.address)}` : `via ${h.interface ?? "?"}`)).join(", ");
      emit(`RT${table}: add ${formatPrefix(prefix)} ${via}, ${r.protocol} metric [${r.distance}/${r.metric}]`);
    });
    stack.icmp.onError((report) => {
      if (!this.on.has("ip icmp")) return;
      const what = report.type === 3 ? `dst (${formatIpv4(report.quotedDst)}) ${UNREACH_CODES[report.code] ?? `code ${report.code}`}` : (ICMP_TYPES[report.type] ?? `type ${report.type}`) + ` (${formatIpv4(report.quotedDst)})`;
      emit(`ICMP: ${what} rcv from ${formatIpv4(report.from)}`);
    });
  }

  enable(flag: DebugFlag): void {
    this.on.add(flag);
  }

  disableAll(): void {
    this.on.clear();
  }

  enabledFlags(): DebugFlag[] {
    return [...this.on].sort();
  }
}
