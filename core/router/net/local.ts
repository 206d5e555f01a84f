// Local delivery: an IPv4 packet addressed to the router (one of its addresses in the VRF it
// arrived in, a broadcast, or a multicast group) is reassembled if it is a fragment, then
// handed to the handler registered for its protocol number: ICMP (1), TCP (6), UDP (17),
// GRE (47); later ESP (50) for IPsec. A protocol nobody handles gets ICMP protocol
// unreachable (RFC 1122 §3.2.2.1), except TCP, which a TCP stack answers with a reset.
import type { Clock } from "../clock/clock";
import type { IcmpService } from "./icmp";
import type { Interface } from "./interface";
import { Reassembly } from "./reassembly";
import { ipv4Dst, ipv4IsFragment, ipv4Protocol, IpProtocol } from "../wire/ipv4";

/** Receives the whole IPv4 packet at `buf[ipOffset, end)`, which it may keep or rewrite.
 * `inIf` is the interface it counts as received on (its VRF is the packet's); `arrivedOn`,
 * where it really came in: another, in the global table, for a packet a VPN label disposed
 * into the VRF. ICMP errors come from `arrivedOn`'s address, as IOS sends them. */
export type ProtocolHandler = (inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, arrivedOn: Interface) => void;

const PROTOCOL_UNREACHABLE = 2;
const TIME_EXCEEDED_REASSEMBLY = 1;

export class LocalDelivery {
  private readonly handlers: (ProtocolHandler | undefined)[] = new Array<ProtocolHandler | undefined>(256).fill(undefined);
  readonly reassembly: Reassembly<Interface>;

  constructor(
    clock: Clock,
    private readonly icmp: IcmpService,
  ) {
    this.reassembly = new Reassembly<Interface>(clock, (first, inIf, fragments) => {
      inIf.drop("reassembly-timeout", fragments);
      // RFC 792: time exceeded, code 1, quoting the first fragment (offset 0, so RFC 1812's
      // "never about a non-initial fragment" does not stop it); without it, nothing is sent.
      if (first !== undefined) this.icmp.timeExceeded(inIf, first, 0, first.length, TIME_EXCEEDED_REASSEMBLY);
    });
  }

  /** Registers the handler for an IP protocol number; returns a function that removes it. */
  register(protocol: number, handler: ProtocolHandler): () => void {
    if (this.handlers[protocol] !== undefined) throw new Error(`IP protocol ${protocol} already has a handler`);
    this.handlers[protocol] = handler;
    return () => {
      if (this.handlers[protocol] === handler) this.handlers[protocol] = undefined;
    };
  }

  hasHandler(protocol: number): boolean {
    return this.handlers[protocol] !== undefined;
  }

  deliver(inIf: Interface, buf: Uint8Array, ipOffset: number, end: number, arrivedOn: Interface = inIf): void {
    if (ipv4IsFragment(buf, ipOffset)) {
      const result = this.reassembly.add(inIf.vrf.id, buf, ipOffset, end, inIf);
      if (result.kind === "dropped") inIf.drop(result.reason, result.fragments);
      if (result.kind !== "complete") return;
      buf = result.buf;
      ipOffset = result.start;
      end = result.end;
    }
    const protocol = ipv4Protocol(buf, ipOffset);
    const handler = this.handlers[protocol];
    if (handler !== undefined) {
      handler(inIf, buf, ipOffset, end, arrivedOn);
      return;
    }
    if (ipv4Dst(buf, ipOffset) >= 0xe0000000) {
      inIf.drop("multicast-unsupported"); // a group nobody here has joined
    } else if (protocol === IpProtocol.Tcp) {
      inIf.drop("no-tcp-listener");
    } else {
      this.icmp.unreachable(arrivedOn, buf, ipOffset, end, PROTOCOL_UNREACHABLE, 0, arrivedOn, inIf.vrf);
      inIf.drop("protocol-unreachable");
    }
  }
}
