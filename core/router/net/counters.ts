// Per-interface packet counters and the reasons a packet can be dropped. A malformed or
// undeliverable packet is never an exception: it is one of these reasons, counted on the
// interface where the router made the decision (RFC 1812 §4.2.2: "SHOULD count datagrams
// discarded"), so `show interfaces` and tests can say exactly what happened.

/** Why a packet was dropped, one name per decision point. */
export const DROP_REASONS = [
  // Link layer
  "ethernet-truncated",
  "unknown-vlan",
  "unknown-ethertype",
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
  // Tunnels and MPLS
  "gre-malformed",
  "gre-no-tunnel",
  "gre-unsupported-protocol",
  "tunnel-no-destination",
  "tunnel-not-protected",
  "tunnel-protection-failed",
  "mpls-unsupported",
  // The Nic refused the frame (queue full, carrier lost between checks)
  "transmit-failed",
  // A bug: handling the frame threw; the router reported it and went on
  "internal-error",
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export type DropCounters = Record<DropReason, number>;

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
  for (const reason of DROP_REASONS) drops[reason] = 0;
  return drops;
}

export function newInterfaceCounters(): InterfaceCounters {
  return { inPackets: 0, inBytes: 0, outPackets: 0, outBytes: 0, dropsTotal: 0, drops: newDropCounters() };
}

/** Sets every counter back to zero (IOS `clear counters`). */
export function clearInterfaceCounters(c: InterfaceCounters): void {
  c.inPackets = c.inBytes = c.outPackets = c.outBytes = c.dropsTotal = 0;
  for (const reason of DROP_REASONS) c.drops[reason] = 0;
}

/** The reasons with a non-zero count, for tests and `show` output. */
export function nonZeroDrops(c: InterfaceCounters): Partial<DropCounters> {
  const out: Partial<DropCounters> = {};
  for (const reason of DROP_REASONS) if (c.drops[reason] !== 0) out[reason] = c.drops[reason];
  return out;
}
