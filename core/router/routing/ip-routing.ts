// The routing layer of one router, assembled: the RIB (which keeps the FIBs in sync), the
// connected/local routes from interface addresses, and static routes. BGP and NHRP, when they
// come, are further sources calling `rib.upsert` / `rib.withdraw`.
import type { NetStack } from "../net/stack";
import { ConnectedRoutes } from "./connected";
import { Rib } from "./rib";
import { routeRows, formatRouteTable } from "./show-route";
import { formatRouteLookup } from "./show-route-entry";
import { StaticRoutes } from "./static";
import type { Ipv4 } from "../wire/addr";

export class IpRouting {
  readonly rib: Rib;
  readonly connected: ConnectedRoutes;
  readonly statics: StaticRoutes;

  constructor(readonly stack: NetStack) {
    this.rib = new Rib(stack);
    this.connected = new ConnectedRoutes(stack, this.rib);
    this.statics = new StaticRoutes(stack, this.rib);
  }

  /** `no vrf definition NAME`: routes, static routes and the VRF itself go. */
  removeVrf(name: string): string | undefined {
    this.statics.removeVrf(name);
    this.rib.removeVrf(name);
    return this.stack.removeVrf(name);
  }

  /** `show ip route [vrf X]`. */
  showIpRoute(vrf?: string): string {
    return formatRouteTable(routeRows(this.rib, vrf, this.stack.clock.now()), vrf);
  }

  /** `show ip route [vrf X] A.B.C.D [M.M.M.M]`. */
  showIpRouteEntry(vrf: string | undefined, address: Ipv4, prefixLength?: number): string {
    return formatRouteLookup(this.rib, vrf, address, prefixLength, this.stack.clock.now());
  }
}
