// Access lists from the configuration to forwarding: each configured list compiled into the
// matches net/acl.ts applies (recompiled only when its entries change, so match counters
// survive unrelated commits), and each interface given the lists its `ip access-group` names.
// A name with no list behind it filters nothing, as in IOS.
import { ACL_ICMP_NAMES, ACL_PORT_NAMES, ACL_PROTOCOLS } from "../config/commands/acl";
import type { ArgRecord } from "../config/grammar/args";
import type { AccessListConfig } from "../config/model/acl";
import type { RouterConfig } from "../config/model/router";
import { AccessList, type AclMatch, type PortMatch } from "../net/acl";
import type { NetStack } from "../net/stack";

const ANY = 0xffffffff;

function portValue(v: ArgRecord[string]): number {
  return typeof v === "number" ? v : (ACL_PORT_NAMES[String(v)] ?? 0);
}

function ports(a: ArgRecord, p: "src" | "dst"): PortMatch | undefined {
  const op = a[`${p}Op`];
  if (a[`${p}Range`] !== undefined) return { lo: portValue(a[`${p}Lo`]), hi: portValue(a[`${p}Hi`]), negate: false };
  if (op === undefined) return undefined;
  const port = portValue(a[`${p}Port`]);
  switch (op) {
    case "eq":
      return { lo: port, hi: port, negate: false };
    case "neq":
      return { lo: port, hi: port, negate: true };
    case "lt":
      return { lo: 0, hi: port - 1, negate: false };
    default:
      return { lo: port + 1, hi: 65535, negate: false };
  }
}

function address(a: ArgRecord, p: "src" | "dst"): { address: number; wildcard: number } {
  if (a[`${p}Any`] !== undefined) return { address: 0, wildcard: ANY };
  const host = a[`${p}Host`];
  if (typeof host === "number") return { address: host, wildcard: 0 };
  const wildcard = a[`${p}Wild`];
  return { address: Number(a[`${p}Addr`] ?? 0), wildcard: typeof wildcard === "number" ? wildcard : 0 };
}

/** One configured list as forwarding matches it (remarks left out). */
export function compileAcl(l: AccessListConfig): AccessList {
  const matches: AclMatch[] = [];
  for (const e of l.entries) {
    const a = e.args;
    if (e.remark !== undefined || a === undefined) continue;
    const src = address(a, "src");
    const dst = l.kind === "standard" ? { address: 0, wildcard: ANY } : address(a, "dst");
    const protocol = l.kind === "standard" ? 0 : typeof a.protocol === "number" ? a.protocol : (ACL_PROTOCOLS[String(a.protocol)] ?? 0);
    const named = typeof a.icmpType === "string" ? ACL_ICMP_NAMES[a.icmpType] : undefined;
    const icmpType = named?.type ?? (typeof a.icmpType === "number" ? a.icmpType : undefined);
    const icmpCode = named?.code ?? (typeof a.icmpCode === "number" ? a.icmpCode : undefined);
    matches.push({
      seq: e.seq,
      permit: a.action === "permit",
      protocol,
      // Bits the wildcard ignores are ignored in the address too (IOS stores them cleared).
      src: (src.address & ~src.wildcard) >>> 0,
      srcWildcard: src.wildcard,
      dst: (dst.address & ~dst.wildcard) >>> 0,
      dstWildcard: dst.wildcard,
      srcPort: l.kind === "extended" ? ports(a, "src") : undefined,
      dstPort: l.kind === "extended" ? ports(a, "dst") : undefined,
      established: a.established !== undefined,
      icmpType: protocol === 1 ? icmpType : undefined,
      icmpCode: protocol === 1 ? icmpCode : undefined,
      fragments: a.fragments !== undefined,
    });
  }
  return new AccessList(l.name, matches);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Recompiles the lists that changed and points every interface at its lists. */
export function applyAccessLists(stack: NetStack, compiled: Map<string, AccessList>, before: RouterConfig | undefined, after: RouterConfig): void {
  const was = before?.accessLists ?? {};
  const now = after.accessLists ?? {};
  for (const name of Object.keys(was)) if (!(name in now)) compiled.delete(name);
  for (const [name, l] of Object.entries(now)) if (!compiled.has(name) || !same(was[name], l)) compiled.set(name, compileAcl(l));
  for (const iface of stack.interfaces()) {
    const groups = after.interfaces[iface.name]?.accessGroup;
    iface.inputAcl = groups?.in === undefined ? undefined : compiled.get(groups.in);
    iface.outputAcl = groups?.out === undefined ? undefined : compiled.get(groups.out);
  }
}
