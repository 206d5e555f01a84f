// The forwarding information base of one VRF, in the spirit of Cisco Express Forwarding:
// an LpmTable of entries the routing layer computes, each already resolved down to
// (interface, next hop) paths, so forwarding is one lookup and no recursion. Entries:
//   receive  — one of our addresses (or a connected subnet's network/broadcast address)
//   forward  — one path or several (ECMP); a path with no next hop is "attached" (ARP for
//              the destination itself); a path may carry an MPLS label stack to impose
//   drop     — Null0 (and routes whose paths all failed to resolve)
import type { Ipv4, Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import type { Interface } from "./interface";
import { LpmTable } from "./lpm";

export type FibEntryKind = "receive" | "forward" | "drop";

export interface FibPath {
  readonly interface: Interface;
  /** The adjacency's address; undefined for an attached path (ARP for each destination). */
  readonly nextHop: Ipv4 | undefined;
  /** Labels to push, outermost first (implicit null already removed); undefined for none. */
  readonly labels: readonly Label[] | undefined;
}

export interface FibEntry {
  readonly prefix: Prefix;
  readonly kind: FibEntryKind;
  /** Forward: at least one path (more for ECMP). Receive: the interface owning the address. */
  readonly paths: readonly FibPath[];
  /** Who installed it, as `show ip cef` says: "connected", "static", "bgp", "receive"… */
  readonly source: string;
}

export type FibListener = (prefix: Prefix) => void;

export class Fib {
  private readonly table = new LpmTable<FibEntry>();
  private readonly listeners: FibListener[] = [];
  /** Bumped on every change; cheap staleness checks for caches built from the FIB. */
  version = 0;

  get size(): number {
    return this.table.size;
  }

  /** The longest-prefix entry for `dst`: the forwarding hot path. */
  lookup(dst: Ipv4 | number): FibEntry | undefined {
    return this.table.lookup(dst);
  }

  get(prefix: Prefix): FibEntry | undefined {
    return this.table.get(prefix);
  }

  set(entry: FibEntry): void {
    this.table.set(entry.prefix, entry);
    this.changed(entry.prefix);
  }

  delete(prefix: Prefix): boolean {
    const had = this.table.delete(prefix);
    if (had) this.changed(prefix);
    return had;
  }

  /** Every entry, in address order then shorter prefix first. */
  entries(): FibEntry[] {
    const out: FibEntry[] = [];
    for (const entry of this.table.values()) out.push(entry);
    return out;
  }

  /** Called after each change (the stack re-checks tunnel line protocol from it). */
  onChange(listener: FibListener): void {
    this.listeners.push(listener);
  }

  private changed(prefix: Prefix): void {
    this.version++;
    for (const listener of this.listeners) listener(prefix);
  }
}

/** A one-path entry; the common case for connected and static routes. */
export function singlePath(iface: Interface, nextHop: Ipv4 | undefined, labels?: readonly Label[]): FibPath {
  return { interface: iface, nextHop, labels: labels !== undefined && labels.length > 0 ? labels : undefined };
}
