// IP access lists as running-config holds them: numbered (`access-list 101 …`) or named
// (`ip access-list extended WEB`), standard or extended, each entry with its sequence number
// and the arguments its syntax bound (commands/acl.ts reads them into matches: node/acl.ts).

import type { ArgRecord } from "../grammar/args";

export interface AclEntryConfig {
  seq: number;
  /** A `remark` line, or a permit/deny rule with its bound arguments. */
  remark?: string;
  args?: ArgRecord;
}

export interface AccessListConfig {
  name: string;
  kind: "standard" | "extended";
  /** Declared with `ip access-list` (a block) rather than `access-list N` lines. */
  named: boolean;
  /** In sequence order. */
  entries: AclEntryConfig[];
}

/** `ip access-group NAME in|out` on an interface. */
export interface AccessGroups {
  in?: string;
  out?: string;
}
