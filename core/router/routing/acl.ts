// Access lists compiled from the configuration into the matches net/acl.ts applies: the one
// compiler for both uses, packets (node/acl.ts binds lists to interfaces) and routes
// (route-maps' `match ip address N`, route-policy.ts).
import { ACL_ICMP_NAMES, ACL_PORT_NAMES, ACL_PROTOCOLS } from "../config/commands/acl";
import type { ArgRecord } from "../config/grammar/args";
import type { AccessListConfig } from "../config/model/acl";
import { AccessList, type AclMatch, type PortMatch } from "../net/acl";

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
