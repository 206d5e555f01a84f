// IOL's burned-in MAC scheme, which FlexLab's routers copy so their MACs look like the
// ones engineers know: node N of a lab owns aabb.cc00.NN00, and its Ethernet ports take
// that base plus 0x10 each (Ethernet0/0 aabb.cc00.0100, Ethernet0/1 aabb.cc00.0110, …).
// Every runtime (sim, process, the agent on its own) and every test harness asks here.
import type { Mac } from "../wire/addr";

const IOL_OUI_BASE = 0xaabbcc000000;
/** Without a node index: aabb.cXXX.XX00, 20 bits from the caller's hash, clear of every indexed base. */
const HASHED_BASE = 0xaabbc0000000;
/** Each next Ethernet port's MAC is this much above the previous one. */
export const IOL_MAC_PORT_STEP = 0x10;
export const IOL_MAX_NODE_INDEX = 0xffff;

/** Node `index`'s (1 to 65535) burned-in MAC base: aabb.cc00.NN00. */
export function iolMacBase(index: number): Mac {
  if (!Number.isInteger(index) || index < 1 || index > IOL_MAX_NODE_INDEX) throw new RangeError(`IOL node index must be 1..${IOL_MAX_NODE_INDEX}, not ${index}`);
  return (IOL_OUI_BASE + index * 0x100) as Mac;
}

/** A base for a node with no index in a lab, from 20 bits of a hash of its name: aabb.cXXX.XX00. */
export function hashedMacBase(hash: number): Mac {
  return (HASHED_BASE + (hash & 0xfffff) * 0x100) as Mac;
}
