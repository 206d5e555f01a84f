// The label path of a VRF prefix across the lab, hop by hop, as the routers' own tables say:
// at the ingress router the VRF route (show ip route vrf) gives the labels pushed and the BGP
// next hop; each router a labelled packet reaches looks its top label up in its LFIB (show mpls
// forwarding-table) and swaps, pops, or takes it off and looks the packet up in a VRF; a router
// whose VRF route is connected delivers it. Which router is next is found from the interface
// addresses of all routers (show ip interface brief). Pure: the lab service reads the tables.
import { parseIpv4, parsePrefix, prefixContains } from "../router/wire/addr";
import type { LabelHop, LabelPath } from "../api/lab-api";
import type { InterfaceRow, MplsForwardingRow, RouteRow } from "../api/tables";

export interface NodeTables {
  readonly routes: readonly RouteRow[];
  readonly mpls: readonly MplsForwardingRow[];
  readonly interfaces: readonly InterfaceRow[];
}

/** A path longer than this is a loop in the tables, not a path. */
export const MAX_HOPS = 16;

/** The route of `vrf` whose prefix holds `address`, longest first. */
function lookup(routes: readonly RouteRow[], vrf: string, address: number): RouteRow | undefined {
  let best: RouteRow | undefined;
  let bestLen = -1;
  for (const r of routes) {
    if (r.vrf !== vrf) continue;
    const p = parsePrefix(r.prefix);
    if (p && p.len > bestLen && prefixContains(p, address)) {
      best = r;
      bestLen = p.len;
    }
  }
  return best;
}

/** The router with an interface holding `address` (a Virtual-Access borrowing its Loopback's counts). */
function ownerOf(tables: ReadonlyMap<string, NodeTables>, address: string | undefined): string | undefined {
  if (!address) return undefined;
  for (const [node, t] of tables) if (t.interfaces.some((i) => i.ipAddress === address)) return node;
  return undefined;
}

const connected = (r: RouteRow): boolean => r.code.startsWith("C") || r.code.startsWith("L") || r.paths.every((p) => !p.nextHop);

export function traceLabelPath(tables: ReadonlyMap<string, NodeTables>, from: string, vrf: string, prefixText: string): LabelPath {
  const prefix = parsePrefix(prefixText, true) ?? (parseIpv4(prefixText) !== undefined ? parsePrefix(`${prefixText}/32`) : undefined);
  const hops: LabelHop[] = [];
  const end = (problem?: string): LabelPath => ({ from, vrf, prefix: prefixText, hops, ...(problem ? { problem } : {}) });
  if (!prefix) return end(`"${prefixText}" is not a prefix (e.g. 192.168.113.0/24) or an address`);
  const address = prefix.addr;

  // One step per router: either an IP lookup in `lookupVrf`, or an LFIB lookup of stack[0].
  let node = from;
  let stack: number[] = [];
  let lookupVrf: string | undefined = vrf;
  /** Where the labels lead (the BGP next hop's router), for a hop the LFIB gives no address for. */
  let target: string | undefined;
  for (let step = 0; step < MAX_HOPS; step++) {
    const t = tables.get(node);
    if (!t) return end(`${node} is not running: its tables cannot be read`);
    if (lookupVrf !== undefined) {
      const route = lookup(t.routes, lookupVrf, address);
      const table = lookupVrf ? `vrf ${lookupVrf}` : "the global table";
      if (!route) return end(`${node} has no route to ${prefixText} in ${table}`);
      if (connected(route)) {
        hops.push({ node, action: "deliver", labelsIn: stack, labelsOut: [], detail: `${route.prefix} is directly connected${route.paths[0]?.interface ? `, ${route.paths[0].interface}` : ""} (${table})` });
        return end();
      }
      const path = route.paths[0];
      const labels = path.labels ?? [];
      const nextHop = path.nextHop;
      const next = ownerOf(tables, nextHop);
      if (!next) return end(`${node}: the next hop ${nextHop ?? "?"} of ${route.prefix} (${table}) is no router of the lab`);
      target = next;
      hops.push({
        node,
        action: labels.length ? "push" : "ip",
        labelsIn: stack,
        labelsOut: [...labels, ...stack],
        ...(path.interface ? { interface: path.interface } : {}),
        ...(nextHop ? { nextHop } : {}),
        next,
        detail: `${route.prefix} via ${nextHop ?? "?"} (${route.knownVia || route.protocol}, ${table})`,
      });
      stack = [...labels, ...stack];
      lookupVrf = labels.length ? undefined : lookupVrf;
      node = next;
      continue;
    }
    const top = stack[0];
    const row = t.mpls.find((r) => r.localLabel === top);
    if (!row) return end(`${node} has no LFIB entry for label ${top}`);
    const rest = stack.slice(1);
    const out = row.outgoingLabel;
    if (out === "No Label" || (out === "Pop Label" && rest.length === 0 && row.vrf)) {
      // Disposition: the label goes, and the packet is an IP packet of the row's VRF.
      if (row.aggregate || !row.nextHop) {
        hops.push({ node, action: "pop", labelsIn: stack, labelsOut: rest, ...(row.interface ? { interface: row.interface } : {}), detail: `label ${top}: ${row.aggregate ? `aggregate, IP lookup in vrf ${row.vrf}` : `${row.prefix ?? ""} out ${row.interface ?? "?"}`}` });
        stack = rest;
        if (row.aggregate) {
          lookupVrf = row.vrf;
          continue;
        }
        return end();
      }
      const next = ownerOf(tables, row.nextHop);
      if (!next) return end(`${node}: label ${top} leaves for ${row.nextHop}, no router of the lab`);
      hops.push({ node, action: "pop", labelsIn: stack, labelsOut: rest, ...(row.interface ? { interface: row.interface } : {}), nextHop: row.nextHop, next, detail: `label ${top}: ${row.prefix ?? ""} [${row.vrf}] unlabelled to ${row.nextHop}` });
      stack = rest;
      lookupVrf = row.vrf;
      node = next;
      continue;
    }
    // A swap's whole stack: its label, and any transport labels on top (a VRF prefix's label
    // swapped to another PE's VPN label under the label to that PE, Carrier Supporting Carrier).
    const swapped = out === "Pop Label" || out === "explicit-n" ? rest : [...(row.labelStack.length > 0 ? row.labelStack : [out]), ...rest];
    const viaAddress = row.nextHop && row.nextHop !== "point2point" ? ownerOf(tables, row.nextHop) : undefined;
    const next = viaAddress ?? target;
    if (!next) return end(`${node}: label ${top} leaves by ${row.interface ?? "?"}, toward no router of the lab`);
    hops.push({ node, action: typeof out === "number" ? "swap" : "pop", labelsIn: stack, labelsOut: swapped, ...(row.interface ? { interface: row.interface } : {}), ...(row.nextHop ? { nextHop: row.nextHop } : {}), next, detail: `label ${top} → ${typeof out === "number" ? out : out}` });
    stack = swapped;
    if (stack.length === 0) lookupVrf = "";
    node = next;
  }
  return end(`more than ${MAX_HOPS} hops: the tables loop`);
}
