// IOS `interface Null0`: the bit bucket. Routes to it (`ip route P M Null0`) discard traffic;
// forwarding answers with ICMP host unreachable while `ip unreachables` is on (IOS's default
// for Null0), since RFC 1812 §4.3.3.1 says a router that cannot deliver should say so.
import type { Ipv4 } from "../wire/addr";
import { Interface } from "./interface";

export class NullInterface extends Interface {
  readonly kind = "null" as const;
  readonly hardware = "Unknown";
  readonly mtuBytes = 1500;

  protected carrier(): boolean {
    return true;
  }

  protected override get logsStateChanges(): boolean {
    return false;
  }

  transmit(_buf: Uint8Array, _start: number, _end: number, _nextHop: Ipv4, _etherType: number): boolean {
    this.drop("null0");
    return false;
  }
}
