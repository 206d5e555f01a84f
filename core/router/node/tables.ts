// A router's tables, one entry each (ARCHITECTURE "Tables are data"): the row schema from
// core/api/tables.ts (the one definition of the rows), the builder that reads them off a
// running router, and the formatter its `show` command prints them with. The `show` commands
// and the mgmt API's `tables.get` both go through the entry, so adding a table is one schema,
// one builder and one formatter, joined here.
import type { TABLE_ROWS, TableName, TableRow } from "../../api/tables";
import type { Router } from "./router";

/** What a `show` command narrows a table to or varies its text by; the mgmt API passes none. */
export interface TableArgs {
  /** One VRF ("" = the global table); absent: every VRF. */
  readonly vrf?: string;
  /** One entry by name (`show vrf NAME`). */
  readonly name?: string;
  /** The detailed view (`show vrf detail`). */
  readonly detail?: boolean;
}

/** One table: how its rows are built and how IOS prints them. Methods (not function-typed
 * fields) so an entry of one table is also a `TableEntry` of them all. */
export interface TableEntry<N extends TableName = TableName> {
  readonly name: N;
  readonly schema: (typeof TABLE_ROWS)[N];
  /** The rows, in IOS's order. Without args, the whole table as the mgmt API serves it. */
  rows(router: Router, args?: TableArgs): TableRow<N>[];
  /** IOS's text for these rows (`args` as given to `rows`). */
  format(rows: readonly TableRow<N>[], args?: TableArgs): string;
}

/** Every table, by name. The mapped type makes the compiler ask for an entry when
 * core/api/tables.ts gains a schema. */
export type TableRegistry = { readonly [N in TableName]: TableEntry<N> };
