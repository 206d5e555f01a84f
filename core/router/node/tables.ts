// A router's tables, one entry each (ARCHITECTURE "Tables are data"): the row schema from
// core/api/tables.ts (the one definition of the rows), the builder that reads them off a
// running router, and the formatter its `show` command prints them with. The `show` commands
// and the mgmt API's `tables.get` both go through the entry, so adding a table is one schema,
// one builder and one formatter, joined here — or, for a protocol's table, on its Subsystem
// (`tables`), which TABLES picks up from the registration list.
import { TABLE_NAMES, TABLE_ROWS, type InterfaceRow, type TableName, type TableRow } from "../../api/tables";
import { formatIpv4 } from "../wire/addr";
import { formatArpTable, formatInterfaceBrief, interfaceBriefRows } from "../net/show";
import { formatRouteTable, routeRows } from "../routing/show-route";
import type { Router } from "./router";
import type { Subsystem } from "./subsystem";
import { SUBSYSTEMS } from "./subsystems";
import { formatVrfBrief, formatVrfDetail, vrfRows } from "./show-vrf";
import { byCharCode } from "../config/names";

/** What a `show` command narrows a table to or varies its text by; the mgmt API passes none. */
export interface TableArgs {
  /** One VRF ("" = the global table); absent: every VRF. */
  readonly vrf?: string;
  /** One entry by name (`show vrf NAME`). */
  readonly name?: string;
  /** The detailed view (`show vrf detail`). */
  readonly detail?: boolean;
}

/** One table: how its rows are built and how IOS prints them. `S` is what the rows are read
 * from: the Router, or the narrower view a subsystem gets of it. Methods (not function-typed
 * fields) so an entry of one table is also a `TableEntry` of them all. */
export interface TableEntry<N extends TableName = TableName, S = Router> {
  readonly name: N;
  readonly schema: (typeof TABLE_ROWS)[N];
  /** The rows, in IOS's order. Without args, the whole table as the mgmt API serves it. */
  rows(source: S, args?: TableArgs): TableRow<N>[];
  /** IOS's text for these rows (`args` as given to `rows`). */
  format(rows: readonly TableRow<N>[], args?: TableArgs): string;
}

/** Every table, by name. */
export type TableRegistry = { readonly [N in TableName]: TableEntry<N> };

/**
 * Virtual-Templates exist only in the configuration (each Virtual-Access is cloned from one),
 * yet IOS lists them in `show ip interface brief`, after the interfaces that forward: the
 * address they lend, up unless shut down, and line protocol down, since a template carries
 * no traffic itself.
 */
function virtualTemplateRows(router: Router): InterfaceRow[] {
  const number = (name: string): number => Number(name.slice("Virtual-Template".length));
  return Object.values(router.running.interfaces)
    .filter((c) => c.name.startsWith("Virtual-Template"))
    .sort((a, b) => number(a.name) - number(b.name))
    .map((c): InterfaceRow => {
      const v4 = c.ipv4;
      const address = v4.kind === "static" ? v4.primary.address : v4.kind === "unnumbered" ? router.stack.interface(v4.interface)?.sourceAddress : undefined;
      return {
        interface: c.name,
        ipAddress: address === undefined ? "unassigned" : formatIpv4(address),
        ok: "YES",
        method: v4.kind === "static" ? router.addressMethodOf(c.name) : "unset",
        status: c.shutdown ? "administratively down" : "up",
        protocol: "down",
      };
    });
}

/** The core's tables (interfaces, routes, ARP, VRFs). */
export const CORE_TABLES: { readonly [N in TableName]?: TableEntry<N> } = {
  interfaces: {
    name: "interfaces",
    schema: TABLE_ROWS.interfaces,
    rows: (router) => [...interfaceBriefRows(router.stack.interfaces(), (i) => router.addressMethod(i)), ...virtualTemplateRows(router)],
    format: (rows) => formatInterfaceBrief(rows),
  },
  routes: {
    name: "routes",
    schema: TABLE_ROWS.routes,
    rows: (router, args) => {
      const now = router.clock.now();
      return inVrfs(router, args, (vrf) => routeRows(router.routing.rib, vrf, now));
    },
    format: (rows, args) => formatRouteTable(rows, args?.vrf || undefined),
  },
  arp: {
    name: "arp",
    schema: TABLE_ROWS.arp,
    rows: (router, args) => inVrfs(router, args, (vrf) => router.stack.arpRows(vrf)),
    format: (rows) => formatArpTable(rows),
  },
  vrf: {
    name: "vrf",
    schema: TABLE_ROWS.vrf,
    rows: (router, args) => vrfRows(router, args?.name),
    format: (rows, args) => (args?.detail ? formatVrfDetail(rows) : formatVrfBrief(rows)),
  },
};

/** The core's tables and each subsystem's, checked when the router code loads: a table
 * core/api/tables.ts names must have exactly one entry. */
export function collectTables(core: { readonly [N in TableName]?: TableEntry<N> }, subsystems: readonly Subsystem<object>[]): TableRegistry {
  const all: Partial<Record<TableName, TableEntry>> = { ...core };
  for (const s of subsystems) {
    for (const entry of s.tables ?? []) {
      if (all[entry.name]) throw new Error(`table ${entry.name} has two entries (subsystem ${s.name})`);
      all[entry.name] = entry;
    }
  }
  const missing = TABLE_NAMES.filter((n) => !all[n]);
  if (missing.length) throw new Error(`no entry for table ${missing.join(", ")}: add one to CORE_TABLES or to its subsystem's tables`);
  return all as TableRegistry;
}

export const TABLES: TableRegistry = collectTables(CORE_TABLES, SUBSYSTEMS);

/** A table's IOS text, as its `show` command prints it. */
export function showTable<N extends TableName>(router: Router, entry: TableEntry<N>, args: TableArgs = {}): string {
  return entry.format(entry.rows(router, args), args);
}

/** Rows of one VRF when `args.vrf` names it, else of every VRF: the global table ("") first,
 * then the VRFs by name. */
function inVrfs<R>(router: Router, args: TableArgs | undefined, rowsOf: (vrf: string) => R[]): R[] {
  if (args?.vrf !== undefined) return rowsOf(args.vrf);
  return router.stack
    .vrfs()
    .map((v) => v.name)
    .sort((a, b) => (a === "" ? -1 : b === "" ? 1 : byCharCode(a, b)))
    .flatMap(rowsOf);
}
