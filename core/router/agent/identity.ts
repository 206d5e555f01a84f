// A node's hardware identity, derived from its name so it is stable across restarts and
// distinct between the nodes of a lab: each agent is its own process, so the stack's
// per-process MAC counter would give every router the same burned-in addresses.
import type { Mac } from "../wire/addr";
import { IOL_MAX_NODE_INDEX, hashedMacBase, iolMacBase } from "../net/iol-mac";

/** FNV-1a, 32 bits: a small, well-spread hash of the node name. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Base of the node's burned-in MACs, IOL style; the stack adds 0x10 per port. With the
 * node's index in its lab (given by the runtime) it is IOL's own aabb.cc00.NN00, unique in
 * the lab; without one, aabb.cXXX.XX00 with 20 bits from the name. Ports on packet sockets
 * keep the container NIC's own MAC.
 */
export function macBaseFor(name: string, index?: number): Mac {
  if (index !== undefined && Number.isInteger(index) && index >= 1 && index <= IOL_MAX_NODE_INDEX) return iolMacBase(index);
  return hashedMacBase(fnv1a(name));
}

/** The serial number `show version` prints: "FLX" and seven digits. */
export function serialFor(name: string): string {
  return `FLX${String(fnv1a(name) % 10_000_000).padStart(7, "0")}`;
}
