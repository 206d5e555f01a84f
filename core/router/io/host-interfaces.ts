// The host's own interfaces, found by the IPv4 prefix their kernel address is in. A swarm
// task's NICs are named and addressed by the engine when the task starts (eth0, eth1… in an
// order of its own, addresses from each overlay network's pool), so the orchestrator cannot
// name a NIC or its MAC beforehand; it knows each network's subnet, and exactly one NIC of
// the container has an address inside it.
import { networkInterfaces } from "node:os";
import { formatPrefix, parseIpv4, prefixContains, type Prefix } from "../wire/addr";

export interface HostAddress {
  /** The Linux interface, e.g. "eth1". */
  readonly ifname: string;
  /** Its IPv4 address inside the prefix, dotted. */
  readonly address: string;
}

/** The interface with an IPv4 address inside `p`; undefined when none has one, and an error
 * message when more than one does (the prefix does not pick a NIC then). */
export function findInterfaceInPrefix(p: Prefix, interfaces = networkInterfaces()): HostAddress | string | undefined {
  const found: HostAddress[] = [];
  for (const [ifname, addresses] of Object.entries(interfaces)) {
    for (const a of addresses ?? []) {
      const ip = a.family === "IPv4" ? parseIpv4(a.address) : undefined;
      if (ip !== undefined && prefixContains(p, ip)) found.push({ ifname, address: a.address });
    }
  }
  if (found.length > 1) return `${found.map((f) => `${f.ifname} (${f.address})`).join(" and ")} are both in ${formatPrefix(p)}`;
  return found[0];
}
