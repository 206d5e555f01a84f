// The mgmt API's tables: each one's whole rows through its entry in the router's table
// registry (node/tables.ts), the same rows its `show` command formats.
import type { TableName, TableRow } from "../../api/tables";
import type { Router } from "../node/router";
import { TABLES } from "../node/tables";

/** Builds one table's rows, every VRF in one table. */
export function tableRows<T extends TableName>(router: Router, table: T): TableRow<T>[] {
  return TABLES[table].rows(router);
}
