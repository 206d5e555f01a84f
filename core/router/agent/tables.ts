// Builds the mgmt API's tables (core/api/tables.ts) from a running router: the same rows its
// `show` commands format, every VRF in one table, addresses as text. One builder per table;
// the mapped type makes the compiler ask for a builder when core/api gains a table.
import type { TableName, TableRow } from "../../api/tables";
import type { Interface } from "../net/interface";
import { interfaceBriefRows, type AddressMethod } from "../net/show";
import type { Router } from "../node/router";
import { routeRows } from "../routing/show-route";
import { formatIpv4, formatMacIos, formatPrefix } from "../wire/addr";

type TableBuilders = { readonly [T in TableName]: (router: Router) => TableRow<T>[] };

export const TABLE_BUILDERS: TableBuilders = {
  interfaces: (router) => interfaceBriefRows(router.stack.interfaces(), addressMethod(router)),

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
        // `show vrf detail` lists the VRF's own targets and its IPv4 address family's together.
        const af = v.addressFamilies.ipv4?.routeTargets;
        return {
          name: v.name,
          rd: v.rd,
          importTargets: [...v.routeTargets.import, ...(af?.import ?? [])],
          exportTargets: [...v.routeTargets.export, ...(af?.export ?? [])],
          interfaces: router.stack
            .interfaces()
            .filter((i) => i.vrf.name === v.name)
            .map((i) => i.name),
        };
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

/** NVRAM when the address came from the startup-config unchanged, manual when typed since:
 * the same rule as `show ip interface brief` (cli/commands/show-ip.ts). */
function addressMethod(router: Router): (iface: Interface) => AddressMethod {
  return (iface) => {
    const c = router.running.interfaces[iface.name];
    if (!c) return "unset";
    if (c.ipv4.kind === "negotiated") return "manual";
    return router.bootAddress(iface.name) === JSON.stringify(c.ipv4) ? "NVRAM" : "manual";
  };
}
