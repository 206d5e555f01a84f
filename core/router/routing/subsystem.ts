// IP routing's subsystem: `ip route` (static routes) reconciled from the running config into
// the RIB, and `debug ip routing`, which reports what the RIB installs and withdraws.
import type { RouterConfig } from "../config/model/router";
import type { StaticRoute } from "../config/model/routing";
import type { Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";
import { formatIpv4, formatPrefix } from "../wire/addr";
import type { StaticRouteConfig } from "./static";

const DEBUG_ROUTING = "ip routing";

class IpRoutingInstance implements SubsystemInstance {
  constructor(private readonly router: SubsystemHost) {
    const debug = router.debug;
    router.routing.rib.onChange((vrf, prefix, installed) => {
      if (!debug.isOn(DEBUG_ROUTING)) return;
      const table = vrf ? ` (${vrf})` : "";
      if (!installed) {
        debug.emit(`RT${table}: del ${formatPrefix(prefix)}`);
        return;
      }
      const r = installed.route;
      const via = installed.usable.map((h) => (h.address !== undefined ? `via ${formatIpv4(h.address)}` : `via ${h.interface ?? "?"}`)).join(", ");
      debug.emit(`RT${table}: add ${formatPrefix(prefix)} ${via}, ${r.protocol} metric [${r.distance}/${r.metric}]`);
    });
  }

  /** Static routes by identity: the ones no longer configured go, the new ones are offered. */
  reconcile(before: RouterConfig | undefined, after: RouterConfig): void {
    const statics = this.router.routing.statics;
    const had = new Map((before?.staticRoutes ?? []).map((r) => [staticKey(r), r]));
    const want = new Map(after.staticRoutes.map((r) => [staticKey(r), r]));
    for (const [key, r] of had) if (!want.has(key)) statics.remove(toStatic(r));
    for (const [key, r] of want) {
      if (had.has(key)) continue;
      const problem = statics.add(toStatic(r));
      if (problem) this.router.warn(problem);
    }
  }
}

function staticKey(r: StaticRoute): string {
  return JSON.stringify([r.vrf ?? "", r.prefix.addr, r.prefix.len, r.interface ?? "", r.nextHop ?? -1, r.distance ?? 1, r.tag ?? 0, r.name ?? "", r.permanent]);
}

function toStatic(r: StaticRoute): StaticRouteConfig {
  return { vrf: r.vrf, prefix: r.prefix, interface: r.interface, nextHop: r.nextHop, distance: r.distance, tag: r.tag, name: r.name, permanent: r.permanent };
}

export const ipRoutingSubsystem: Subsystem<IpRoutingInstance> = {
  name: "ip-routing",
  attach: (router) => new IpRoutingInstance(router),
  debugFlags: [{ flag: DEBUG_ROUTING, help: ["IP information", "Routing table events"], heading: "IP", description: "IP routing debugging is on" }],
};
