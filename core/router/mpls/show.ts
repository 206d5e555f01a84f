// `show mpls forwarding-table [vrf X] [detail]`: the LFIB as typed rows (core/api/tables.ts's
// `mpls-forwarding`) and IOS's text for them. The rows are read through an `LfibView` because
// mpls/ cannot see net/'s VRFs and interfaces; the subsystem supplies one.
//
// IOS layout (reference/ios-output.md §1): columns at 0, 11, 22, 39, 53, 64; VRF prefixes with
// "[V]"; a prefix too long for its column ends the line with "   \" and the byte count goes on
// a continuation line at column 39; an aggregate label prints "aggregate/VRF" across the
// interface and next-hop columns.
import type { MplsForwardingRow } from "../../api/tables";
import { formatIpv4, formatPrefix, type Ipv4, type Prefix } from "../wire/addr";
import type { Lfib } from "./lfib";

/** What the rows need to know about the VRFs and interfaces an LFIB points at. */
export interface LfibView<V, I> {
  vrfName(vrf: V): string;
  interfaceName(iface: I): string;
  /** A point-to-point interface (a tunnel) has no next-hop address: IOS prints "point2point". */
  pointToPoint(iface: I): boolean;
  /** Bytes of link header in front of the label stack (Ethernet 14, dot1Q 18, GRE/IP 24). */
  linkHeaderBytes(iface: I): number;
  mtuBytes(iface: I): number;
  /** For a per-prefix VPN label: where the VRF's FIB sends the prefix now. */
  vrfPath(vrf: V, prefix: Prefix): { readonly interface: I; readonly nextHop: Ipv4 | undefined } | undefined;
}

/** The rows, by ascending local label; `vrf` keeps the dispositions into that VRF only. */
export function mplsForwardingRows<V, I>(lfib: Lfib<V, I>, view: LfibView<V, I>, vrf?: string): MplsForwardingRow[] {
  const rows: MplsForwardingRow[] = [];
  for (const e of lfib.entries()) {
    const a = e.action;
    const prefix = e.prefix === undefined ? undefined : formatPrefix(e.prefix);
    if (a.kind === "vrf-lookup") {
      const name = view.vrfName(a.vrf);
      if (vrf !== undefined && name !== vrf) continue;
      const path = a.aggregate || e.prefix === undefined ? undefined : view.vrfPath(a.vrf, e.prefix);
      rows.push({
        localLabel: e.label,
        outgoingLabel: "No Label",
        prefix,
        vrf: name,
        aggregate: a.aggregate,
        bytesSwitched: e.bytes,
        interface: path === undefined ? undefined : view.interfaceName(path.interface),
        nextHop: path === undefined ? undefined : nextHopText(view, path.interface, path.nextHop),
        labelStack: [],
      });
      continue;
    }
    // A VRF's swap or pop (Carrier Supporting Carrier) shows with the VRF's prefixes.
    const name = a.vrf === undefined ? "" : view.vrfName(a.vrf);
    if (vrf !== undefined && name !== vrf) continue;
    const stack = a.kind === "swap" ? [...(a.transport ?? []), a.outLabel as number] : [];
    rows.push({
      localLabel: e.label,
      outgoingLabel: a.kind === "swap" ? a.outLabel : a.untagged === true ? "No Label" : "Pop Label",
      prefix,
      vrf: name,
      aggregate: false,
      bytesSwitched: e.bytes,
      interface: view.interfaceName(a.out),
      nextHop: nextHopText(view, a.out, a.nextHop),
      labelStack: stack,
      linkHeaderBytes: view.linkHeaderBytes(a.out),
      // The packet arrives with our label and leaves with `stack`: it may be this much bigger.
      mruBytes: view.mtuBytes(a.out) + 4 - 4 * stack.length,
    });
  }
  return rows;
}

/** IOS names no address on a point-to-point interface, even where the entry was made with
 * one (a BGP next hop reached through a GRE tunnel). */
function nextHopText<V, I>(view: LfibView<V, I>, iface: I, nextHop: Ipv4 | undefined): string | undefined {
  if (view.pointToPoint(iface)) return "point2point";
  return nextHop === undefined ? undefined : formatIpv4(nextHop);
}

const HEADER = ["Local      Outgoing   Prefix           Bytes Label   Outgoing   Next Hop", "Label      Label      or Tunnel Id     Switched      interface"];

/** IOS's text; `shortName` gives "Et0/0" for "Ethernet0/0". */
export function formatMplsForwardingTable(rows: readonly MplsForwardingRow[], detail: boolean, shortName: (name: string) => string): string {
  const lines = [...HEADER];
  for (const r of rows) {
    const local = (r.localLabel === undefined ? "None" : String(r.localLabel)).padEnd(11);
    const outgoing = String(r.outgoingLabel).padEnd(11);
    const fec = (r.prefix ?? "IPv4 VRF") + (r.vrf === "" ? "" : "[V]");
    const out = r.aggregate ? `aggregate/${r.vrf}` : `${(r.interface === undefined ? "" : shortName(r.interface)).padEnd(11)}${r.nextHop ?? ""}`;
    const tail = `${String(r.bytesSwitched).padEnd(14)}${out}`.trimEnd();
    if (fec.length > 16) lines.push(`${local}${outgoing}${fec}   \\`, `${" ".repeat(39)}${tail}`);
    else lines.push(`${local}${outgoing}${fec.padEnd(17)}${tail}`);
    if (!detail) continue;
    if (r.linkHeaderBytes !== undefined && r.mruBytes !== undefined) {
      const encaps = r.linkHeaderBytes + 4 * r.labelStack.length;
      lines.push(`        MAC/Encaps=${r.linkHeaderBytes}/${encaps}, MRU=${r.mruBytes}, Label Stack{${r.labelStack.join(" ")}}`);
    }
    if (r.vrf !== "") lines.push(`        VPN route: ${r.vrf}`);
    lines.push("        No output feature configured");
  }
  return lines.join("\n");
}
