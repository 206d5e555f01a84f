// Builds the mgmt API's tables (core/api/tables.ts) from a running router: the same rows its
// `show` commands format, every VRF in one table, addresses as text. One builder per table;
// the mapped type makes the compiler ask for a builder when core/api gains a table.
import type { TableName, TableRow } from "../../api/tables";
import { interfaceBriefRows } from "../net/show";
import { allRouteTargets } from "../config/model/vrf";
import type { Router } from "../node/router";
import { routeRows } from "../routing/show-route";
import { formatIpv4, formatMacIos, formatPrefix } from "../wire/addr";

type TableBuilders = { readonly [T in TableName]: (router: Router) => TableRow<T>[] };

export const TABLE_BUILDERS: TableBuilders = {
  interfaces: (router) => interfaceBriefRows(router.stack.interfaces(), (i) => router.addressMethod(i)),

  routes: (router) => {
    const now = router.clock.now();
    return vrfNames(router).flatMap((vrf) =>
      routeRows(router.routing.rib, vrf, now).map((r) => ({
        vrf,
        code: r.code,
        protocol: r.protocol,
        prefix: formatPrefix(r.prefix),
        distance: r.distance,
        metric: r.metric,
        paths: r.paths.map((p) => ({
          nextHop: p.nextHop === undefined ? undefined : formatIpv4(p.nextHop),
          interface: p.interface,
          nextHopVrf: p.nextHopVrf,
          labels: p.labels === undefined ? undefined : [...p.labels],
        })),
        ageSeconds: r.ageSeconds,
        tag: r.tag,
        knownVia: r.knownVia,
        from: r.from === undefined ? undefined : formatIpv4(r.from),
      })),
    );
  },

  arp: (router) =>
    vrfNames(router).flatMap((vrf) =>
      router.stack.arpRows(vrf).map((r) => ({
        vrf,
        protocol: r.protocol,
        address: formatIpv4(r.address),
        ageMinutes: r.ageMinutes,
        mac: r.mac === undefined ? undefined : formatMacIos(r.mac),
        type: r.type,
        interface: r.interface,
      })),
    ),

  vrfs: (router) =>
    Object.values(router.running.vrfs)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((v) => {
        const rt = allRouteTargets(v);
        return { name: v.name, rd: v.rd, importTargets: rt.import, exportTargets: rt.export, interfaces: router.interfacesInVrf(v.name) };
      }),
};

/** Builds one table's rows. */
export function tableRows<T extends TableName>(router: Router, table: T): TableRow<T>[] {
  return TABLE_BUILDERS[table](router);
}

/** The global table ("") first, then the VRFs by name. */
function vrfNames(router: Router): string[] {
  return router.stack
    .vrfs()
    .map((v) => v.name)
    .sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)));
}

