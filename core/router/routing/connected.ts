// Connected and local routes (IOS codes C and L) from interface addresses: for each address
// of an interface whose line protocol is up, the subnet as "directly connected" and, unless
// the subnet is a /32 already, the address itself as a /32 local route. They come and go
// with the interface's state, addresses and VRF. Unnumbered interfaces add none.
import { prefix as makePrefix } from "../wire/addr";
import type { Interface } from "../net/interface";
import type { NetStack } from "../net/stack";
import { AdminDistance, prefixKey, type RouteInput } from "./route";
import type { Rib } from "./rib";

interface Announced {
  readonly vrf: string;
  readonly route: RouteInput;
}

export class ConnectedRoutes {
  /** Interface name → what it announced, so a VRF move or removal withdraws the right ones. */
  private readonly announced = new Map<string, Announced[]>();

  constructor(
    private readonly stack: NetStack,
    private readonly rib: Rib,
  ) {
    stack.onInterfaceChange(({ interface: iface, change }) => {
      if (change === "removed") this.update(iface, false);
      else if (change === "state" || change === "addresses" || change === "vrf" || change === "added") this.update(iface, true);
    });
    for (const iface of stack.interfaces()) this.update(iface, true);
  }

  private update(iface: Interface, present: boolean): void {
    const vrf = iface.vrf.name;
    const wanted: Announced[] = [];
    if (present && iface.isUp && iface.unnumbered === undefined) {
      for (const a of iface.addresses) {
        const subnet = makePrefix(a.address, a.prefixLength);
        const nextHops = [{ interface: iface.name }];
        wanted.push({ vrf, route: { prefix: subnet, protocol: "connected", instance: iface.name, distance: AdminDistance.connected, metric: 0, nextHops } });
        if (a.prefixLength < 32) {
          const host = makePrefix(a.address, 32);
          wanted.push({ vrf, route: { prefix: host, protocol: "local", instance: iface.name, distance: AdminDistance.connected, metric: 0, nextHops } });
        }
      }
    }
    const before = this.announced.get(iface.name) ?? [];
    const keyOf = (x: Announced): string => `${x.vrf}|${x.route.protocol}|${prefixKey(x.route.prefix)}`;
    const keep = new Set(wanted.map(keyOf));
    this.rib.batch(() => {
      for (const old of before) if (!keep.has(keyOf(old))) this.rib.withdraw(old.vrf, old.route.prefix, old.route.protocol, iface.name);
      for (const w of wanted) this.rib.upsert(w.vrf, w.route);
    });
    if (wanted.length) this.announced.set(iface.name, wanted);
    else this.announced.delete(iface.name);
  }
}
