// `debug` flags of one router and the output they produce. Debug lines go out as log lines,
// so they reach the console and `terminal monitor` sessions with a timestamp, as on IOS.
// The flags themselves are declared by whoever produces the output: the core's here, a
// subsystem's on its Subsystem (debugFlags), watched from its own folder.
import type { NetStack } from "../net/stack";
import { formatIpv4 } from "../wire/addr";
import type { DebugFlagSpec, DebugSwitches } from "./subsystem";

const ICMP_TYPES: Readonly<Record<number, string>> = { 3: "dst", 11: "time exceeded", 12: "parameter problem" };
const UNREACH_CODES: Readonly<Record<number, string>> = { 0: "net unreachable", 1: "host unreachable", 2: "protocol unreachable", 3: "port unreachable", 4: "frag. needed and DF set", 13: "administratively prohibited" };

/** The core's own flags (the data plane in net/). */
export const CORE_DEBUG_FLAGS: readonly DebugFlagSpec[] = [{ flag: "ip icmp", help: ["IP information", "ICMP transactions"], heading: "IP", description: "ICMP packet debugging is on" }];

export class Debugging implements DebugSwitches {
  private readonly on = new Set<string>();

  constructor(
    stack: NetStack,
    private readonly emitLine: (text: string) => void,
  ) {
    stack.icmp.onError((report) => {
      if (!this.on.has("ip icmp")) return;
      const what = report.type === 3 ? `dst (${formatIpv4(report.quotedDst)}) ${UNREACH_CODES[report.code] ?? `code ${report.code}`}` : (ICMP_TYPES[report.type] ?? `type ${report.type}`) + ` (${formatIpv4(report.quotedDst)})`;
      this.emit(`ICMP: ${what} rcv from ${formatIpv4(report.from)}`);
    });
  }

  isOn(flag: string): boolean {
    return this.on.has(flag);
  }

  emit(text: string): void {
    this.emitLine(text);
  }

  enable(flag: string): void {
    this.on.add(flag);
  }

  disableAll(): void {
    this.on.clear();
  }

  enabledFlags(): string[] {
    return [...this.on].sort();
  }
}
