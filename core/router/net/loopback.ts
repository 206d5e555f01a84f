// IOS `interface LoopbackN`: always up unless shut down, never on a wire. A packet routed to
// a loopback's subnet (other than its own address, which the FIB answers with "receive") has
// nowhere to go and is dropped, as IOS does.
import type { Ipv4 } from "../wire/addr";
import { Interface } from "./interface";

export class LoopbackInterface extends Interface {
  readonly kind = "loopback" as const;
  readonly hardware = "Loopback";
  /** IOS gives loopbacks a 1514-byte MTU. */
  readonly mtuBytes = 1514;

  protected carrier(): boolean {
    return true;
  }

  protected override get announcesLineProtocolOnCreate(): boolean {
    return true;
  }

  transmit(_buf: Uint8Array, _start: number, _end: number, _nextHop: Ipv4, _etherType: number): boolean {
    this.drop("encapsulation-failed");
    return false;
  }
}
