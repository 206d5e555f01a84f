// A few lines of glue for this layer's tests: routers made of a NetStack and its IpRouting,
// memory cables between their Ethernet ports, and a way to run an async engine (ping,
// traceroute) to completion in virtual time. The lead's simulation harness (core/router/sim)
// builds whole routers from config; this is the minimum below it.
import type { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import type { EthernetInterface } from "../net/ethernet-port";
import type { Interface } from "../net/interface";
import { iolMacBase } from "../net/iol-mac";
import { NetStack } from "../net/stack";
import { parsePrefix, type Ipv4 } from "../wire/addr";
import { IpRouting } from "./ip-routing";

export class TestRouter {
  readonly stack: NetStack;
  readonly routing: IpRouting;
  /** Every log line the router printed, in order. */
  readonly logs: string[] = [];

  constructor(
    readonly name: string,
    readonly clock: VirtualClock,
    routerNumber: number,
  ) {
    this.stack = new NetStack({ clock, macBase: iolMacBase(routerNumber) });
    this.stack.onLog((m) => this.logs.push(m.text));
    this.routing = new IpRouting(this.stack);
  }

  /** `ip address A.B.C.D/LEN` on an interface; throws on IOS's refusal (tests want it loud). */
  address(iface: Interface, cidr: string, secondary = false): void {
    const slash = cidr.indexOf("/");
    const p = parsePrefix(`${cidr.slice(0, slash)}/32`);
    const len = Number(cidr.slice(slash + 1));
    if (p === undefined) throw new Error(`bad address ${cidr}`);
    const error = secondary ? iface.addSecondaryAddress(p.addr, len) : iface.setAddress(p.addr, len);
    if (error !== undefined) throw new Error(error);
  }

  loopback(name: string, cidr: string): Interface {
    const lo = this.stack.addLoopback(name);
    this.address(lo, cidr);
    return lo;
  }

  ethernet(name: string): EthernetInterface {
    const iface = this.stack.interface(name);
    if (iface === undefined) throw new Error(`${this.name} has no ${name}`);
    return iface as EthernetInterface;
  }
}

/** Cables `a:aPort` to `b:bPort`, brings both up (`no shutdown`) and addresses them. */
export function cable(a: TestRouter, aPort: string, aCidr: string | undefined, b: TestRouter, bPort: string, bCidr: string | undefined): [EthernetInterface, EthernetInterface] {
  const [na, nb] = memoryPair({ clock: a.clock }, [`${a.name}:${aPort}`, `${b.name}:${bPort}`]);
  const ia = a.stack.addEthernet(aPort, na);
  const ib = b.stack.addEthernet(bPort, nb);
  if (aCidr !== undefined) a.address(ia, aCidr);
  if (bCidr !== undefined) b.address(ib, bCidr);
  ia.setShutdown(false);
  ib.setShutdown(false);
  a.clock.runDeferred();
  return [ia, ib];
}

/** Runs virtual time until `promise` settles (ping, traceroute), then returns its value. */
export async function finish<T>(clock: VirtualClock, promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
  let done = false;
  const p = promise.then((v) => {
    done = true;
    return v;
  });
  for (let spent = 0; !done && spent < limitMs; ) {
    spent += clock.settle(limitMs - spent) + 1;
    await Promise.resolve();
  }
  return p;
}

export function ip(text: string): Ipv4 {
  const p = parsePrefix(`${text}/32`);
  if (p === undefined) throw new Error(`bad address ${text}`);
  return p.addr;
}
