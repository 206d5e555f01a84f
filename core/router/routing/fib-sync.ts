// Keeps each VRF's FIB equal to its RIB, as CEF follows the routing table: every installed
// route becomes one FIB entry (local routes and /32 connected routes become "receive", routes
// to Null0 "drop", the rest "forward" with their resolved paths). Like CEF, it also adds
// "receive" entries for the network and broadcast addresses of each connected subnet, which
// the RIB does not show.
import { maskOf, prefix as makePrefix, type Prefix } from "../wire/addr";
import type { FibEntry } from "../net/fib";
import type { Interface } from "../net/interface";
import type { NetStack } from "../net/stack";
import type { InstalledRoute } from "./rib";
import { prefixKey } from "./route";

export class FibSync {
  /** VRF → /32 key → the receive entry made for a connected subnet's network or broadcast address. */
  private readonly synthetic = new Map<string, Map<number, FibEntry>>();
  /** VRF → keys of connected prefixes that made synthetic entries. */
  private readonly subnets = new Map<string, Set<number>>();

  constructor(
    private readonly stack: NetStack,
    /** Whether the RIB has an installed route for exactly this prefix. */
    private readonly ribHas: (vrf: string, p: Prefix) => boolean,
  ) {}

  /** The RIB's installed route for `p` in `vrf` changed to `installed` (undefined: gone). */
  apply(vrf: string, p: Prefix, installed: InstalledRoute | undefined): void {
    const fib = this.stack.vrf(vrf)?.fib;
    if (fib === undefined) return;
    if (installed !== undefined) {
      fib.set(toFibEntry(p, installed));
    } else {
      const fallback = this.synthetic.get(vrf)?.get(prefixKey(p));
      if (fallback !== undefined) fib.set(fallback);
      else fib.delete(p);
    }
    const wants = installed !== undefined && installed.route.protocol === "connected" && p.len <= 30 && installed.paths.length > 0;
    // Asked only where a VRF has connected subnets: the key is a heap number per call.
    const subnets = this.subnets.get(vrf);
    const had = subnets !== undefined && subnets.size > 0 && subnets.has(prefixKey(p));
    if (had && !wants) this.removeSubnet(vrf, p);
    if (wants) this.addSubnet(vrf, p, installed.paths[0].interface);
  }

  private addSubnet(vrf: string, p: Prefix, iface: Interface): void {
    let keys = this.subnets.get(vrf);
    if (keys === undefined) this.subnets.set(vrf, (keys = new Set()));
    keys.add(prefixKey(p));
    let entries = this.synthetic.get(vrf);
    if (entries === undefined) this.synthetic.set(vrf, (entries = new Map()));
    for (const host of subnetEnds(p)) {
      const entry: FibEntry = { prefix: host, kind: "receive", paths: [{ interface: iface, nextHop: undefined, labels: undefined }], source: "receive" };
      entries.set(prefixKey(host), entry);
      if (!this.ribHas(vrf, host)) this.stack.vrf(vrf)?.fib.set(entry);
    }
  }

  private removeSubnet(vrf: string, p: Prefix): void {
    this.subnets.get(vrf)?.delete(prefixKey(p));
    const entries = this.synthetic.get(vrf);
    for (const host of subnetEnds(p)) {
      entries?.delete(prefixKey(host));
      if (!this.ribHas(vrf, host)) this.stack.vrf(vrf)?.fib.delete(host);
    }
  }
}

/** The network and broadcast addresses of a subnet, as /32 prefixes. */
function subnetEnds(p: Prefix): Prefix[] {
  const broadcast = (p.addr | ~maskOf(p.len)) >>> 0;
  return [makePrefix(p.addr, 32), makePrefix(broadcast, 32)];
}

function toFibEntry(p: Prefix, r: InstalledRoute): FibEntry {
  if (r.kind === "receive") {
    const owner = r.paths[0]?.interface;
    return { prefix: p, kind: "receive", paths: owner === undefined ? [] : [{ interface: owner, nextHop: undefined, labels: undefined }], source: "receive" };
  }
  // The installed route is a FIB entry already (its resolved paths are FIB paths, with the
  // next hop they came from): the FIB keeps it, as both are immutable.
  return r;
}
