// Per-interface packet counters and the reasons a packet can be dropped. A malformed or
// undeliverable packet is never an exception: it is one of these reasons, counted on the
// interface where the router made the decision (RFC 1812 §4.2.2: "SHOULD count datagrams
// discarded"), so `show interfaces` and tests can say exactly what happened.

/** Why the core drops a packet, one name per decision point. A subsystem's reasons are not
 * listed here: it declares them next to the code that counts them (see registerDropReasons). */
export const CORE_DROP_REASONS = [
  // Link layer
  "ethernet-truncated",
  "unknown-vlan",
  "unknown-ethertype",
  // 802.3 frames: a length field past the frame's end, or an LLC/SNAP protocol nobody handles
  "llc-malformed",
  "llc-unsupported",
  "arp-malformed",
  // IPv4 header validation (RFC 1812 §5.2.2)
  "ipv4-truncated",
  "ipv4-version",
  "ipv4-header-length",
  "ipv4-total-length",
  "ipv4-checksum",
  "martian-source",
  // Forwarding decisions
  "input-interface-down",
  "ttl-expired",
  "no-route",
  "null0",
  "unresolved-next-hop",
  "output-interface-down",
  "fragmentation-needed",
  "fragment-too-many",
  "encapsulation-failed",
  "arp-queue-full",
  "recursion-limit",
  "access-list",
  // Local delivery
  "protocol-unreachable",
  "port-unreachable",
  "no-tcp-listener",
  "icmp-malformed",
  "udp-malformed",
  "reassembly-timeout",
  "reassembly-overflow",
  "reassembly-malformed",
  "reassembly-duplicate",
  "reassembly-overlap",
  "reassembly-fragment-limit",
  "multicast-unsupported",
  // MPLS
  "mpls-unsupported",
  // The Nic refused the frame (queue full, carrier lost between checks)
  "transmit-failed",
  // A bug: handling the frame threw; the router reported it and went on
  "internal-error",
] as const;

/**
 * Every drop reason the compiler knows, as keys. A subsystem adds its own without editing this
 * file: it registers the names at load time and merges them in, next to the code that counts
 * them:
 *
 *     export const GRE_DROP_REASONS = registerDropReasons(["gre-malformed"] as const);
 *     declare module "../net/counters" {
 *       interface DropReasonNames extends Record<(typeof GRE_DROP_REASONS)[number], true> {}
 *     }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the extension point itself
export interface DropReasonNames extends Record<(typeof CORE_DROP_REASONS)[number], true> {}

/** Why a packet was dropped. */
export type DropReason = keyof DropReasonNames & string;

export type DropCounters = Record<DropReason, number>;

const registered: DropReason[] = [...CORE_DROP_REASONS];

/** Adds reasons to every interface's counters; returns them, typed, for the declaring module.
 * Reasons are registered when their module loads, before any interface counts them. */
export function registerDropReasons<const R extends readonly string[]>(reasons: R): R {
  for (const reason of reasons) if (!registered.includes(reason as DropReason)) registered.push(reason as DropReason);
  return reasons;
}

/** Every registered reason: the core's first, then each subsystem's in load order. */
export function allDropReasons(): readonly DropReason[] {
  return registered;
}

export interface InterfaceCounters {
  /** IPv4 packets (or, for Ethernet, frames) received and accepted. */
  inPackets: number;
  inBytes: number;
  outPackets: number;
  outBytes: number;
  /** Total of all drops, plus a breakdown by reason. */
  dropsTotal: number;
  readonly drops: DropCounters;
}

export function newDropCounters(): DropCounters {
  const drops = {} as DropCounters;
  for (const reason of registered) drops[reason] = 0;
  return drops;
}

export function newInterfaceCounters(): InterfaceCounters {
  return { inPackets: 0, inBytes: 0, outPackets: 0, outBytes: 0, dropsTotal: 0, drops: newDropCounters() };
}

/** Sets every counter back to zero (IOS `clear counters`). */
export function clearInterfaceCounters(c: InterfaceCounters): void {
  c.inPackets = c.inBytes = c.outPackets = c.outBytes = c.dropsTotal = 0;
  for (const reason of Object.keys(c.drops) as DropReason[]) c.drops[reason] = 0;
}

/** The reasons with a non-zero count, for tests and `show` output. */
export function nonZeroDrops(c: InterfaceCounters): Partial<DropCounters> {
  const out: Partial<DropCounters> = {};
  for (const reason of Object.keys(c.drops) as DropReason[]) if (c.drops[reason] !== 0) out[reason] = c.drops[reason];
  return out;
}
