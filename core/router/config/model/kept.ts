// What the lab keeps of commands it does not simulate (commands/kept.ts): each line as the
// arguments its syntax bound, so running-config renders it back; blocks (`router ospf 1`,
// `policy-map X`) with their own lines and nested blocks. Plain JSON, in insertion order.

import type { ArgRecord } from "../grammar/args";

export interface KeptLine {
  /** The declaring command's id. */
  command: string;
  /** Kept as its `no` form (`no cdp enable`). */
  no: boolean;
  args: ArgRecord;
}

export interface KeptStore {
  /** By key: the command's id, plus the line's own key for commands kept several times. */
  lines: Record<string, KeptLine>;
  blocks: Record<string, KeptBlock>;
}

export interface KeptBlock extends KeptStore {
  command: string;
  args: ArgRecord;
}
