// Docker-side IPv4 subnets for a lab's networks. Without an explicit subnet the engine runs
// out of address pools after ~30 networks (machine-facts.md), so the orchestrator carves
// each network its own block out of a private pool, first fit, avoiding every subnet the
// engine already uses. These addresses belong to the containers' kernels only: routers
// carry their own lab addresses on the same wires, so lab configs may use any range.
import type { Result } from "../../api/result";

/** An IPv4 prefix: `base` is the network address as an unsigned 32-bit number. */
export interface Cidr {
  readonly base: number;
  readonly prefixLength: number;
}

/** The default pool: 8192 /29s, far from the ranges Docker picks on its own (172.17+, 192.168). */
export const DEFAULT_POOL = "10.255.0.0/16";

/** Docker keeps `.1` for the gateway, and the network and broadcast addresses are unusable. */
const RESERVED_PER_SUBNET = 3;
/** Smallest block: a /30 holds only one container beside the gateway (machine-facts.md). */
const MAX_PREFIX_LENGTH = 29;

export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}

function mask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/** "10.255.0.8/29" → Cidr; host bits must be zero. IPv6 and malformed text give undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const address = parseIpv4(match[1]);
  const prefixLength = Number(match[2]);
  if (address === undefined || prefixLength > 32) return undefined;
  if (((address & ~mask(prefixLength)) >>> 0) !== 0) return undefined;
  return { base: address, prefixLength };
}

/** Like parseCidr, but clears host bits ("10.0.0.1/24" → 10.0.0.0/24): for subnets the engine reports. */
export function parseCidrMasked(text: string): Cidr | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const address = match ? parseIpv4(match[1]) : undefined;
  const prefixLength = match ? Number(match[2]) : NaN;
  if (address === undefined || !(prefixLength <= 32)) return undefined;
  return { base: (address & mask(prefixLength)) >>> 0, prefixLength };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefixLength}`;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The n-th address of the subnet (0 = the network address). */
export function addressAt(cidr: Cidr, n: number): string {
  return formatIpv4(cidr.base + n);
}

/** The gateway Docker gives the subnet: its first host address. */
export function gatewayOf(cidr: Cidr): string {
  return addressAt(cidr, 1);
}

/** The address of the i-th container (0-based) on the subnet: after the gateway. */
export function containerAddress(cidr: Cidr, i: number): string {
  return addressAt(cidr, 2 + i);
}

/** The prefix length of the smallest block holding `containers` beside the gateway (at most /29). */
export function prefixLengthFor(containers: number): number {
  let prefixLength = MAX_PREFIX_LENGTH;
  while (prefixLength > 0 && 2 ** (32 - prefixLength) < containers + RESERVED_PER_SUBNET) prefixLength--;
  return prefixLength;
}

export type Allocation = Result<{ subnets: readonly Cidr[] }>;

/**
 * Picks one free block per requested prefix length inside `pool`, first fit, each aligned to
 * its size and overlapping neither `used` nor each other. Larger blocks are placed first so
 * small ones do not fragment the pool; the answer keeps the order of `prefixLengths`.
 */
export function allocateSubnets(pool: Cidr, used: readonly Cidr[], prefixLengths: readonly number[]): Allocation {
  const taken: Cidr[] = used.filter((u) => overlaps(u, pool));
  const result: Cidr[] = new Array<Cidr>(prefixLengths.length);
  const order = prefixLengths.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  for (const { p, i } of order) {
    if (p < pool.prefixLength || p > 32) {
      return { ok: false, message: `a /${p} does not fit in the pool ${formatCidr(pool)}` };
    }
    const step = 2 ** (32 - p);
    let found: Cidr | undefined;
    for (let base = pool.base; base + step <= pool.base + size(pool); base += step) {
      const candidate = { base, prefixLength: p };
      const clash = taken.find((t) => overlaps(t, candidate));
      if (!clash) {
        found = candidate;
        break;
      }
      // jump past the clashing block, keeping alignment
      const next = clash.base + size(clash);
      if (next > base + step) base = Math.ceil(next / step) * step - step;
    }
    if (!found) {
      return { ok: false, message: `no free /${p} left in ${formatCidr(pool)} (${taken.length} subnets in use there): destroy labs you no longer need` };
    }
    taken.push(found);
    result[i] = found;
  }
  return { ok: true, subnets: result };
}
