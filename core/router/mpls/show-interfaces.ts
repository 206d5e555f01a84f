// `show mpls interfaces [detail]` and `show mpls label range`: which interfaces label packets
// and for which application, and the MFI's dynamic label range, as typed rows first and then
// IOS's text.
//
// Layout (IOS 15 / IOS-XE captures): the brief table's columns start at 0, 23, 37, 46, 50 and
// 57 (Interface, IP, Tunnel, BGP, Static, Operational), each value left-aligned and padded to
// the next column; `mpls ip` reads "Yes (ldp)" in the IP column and `mpls bgp forwarding`
// "Yes" in the BGP column (IP stays "No"). `detail` gives a block per interface with one line
// per labelling application. Tunnel (TE) and static labelling are features FlexLab does not
// have: IOS prints "No" / "not enabled" for them when they are off, and so do we.

/** One interface on which MPLS is enabled. */
export interface MplsInterfaceRow {
  readonly interface: string;
  /** `mpls ip`: LDP labelling. */
  readonly ldp: boolean;
  /** `mpls bgp forwarding` (its own, or its Virtual-Template's for a Virtual-Access). */
  readonly bgp: boolean;
  /** MPLS forwards on it: the interface is up. */
  readonly operational: boolean;
  /** The largest labelled packet it sends: the interface's IP MTU. */
  readonly mtuBytes: number;
}

const yesNo = (v: boolean): string => (v ? "Yes" : "No");

/** `show mpls interfaces`. Empty when no interface has MPLS, as IOS prints nothing then. */
export function formatMplsInterfaces(rows: readonly MplsInterfaceRow[]): string {
  if (rows.length === 0) return "";
  const lines = ["Interface              IP            Tunnel   BGP Static Operational"];
  for (const r of rows) {
    lines.push(`${r.interface.padEnd(22)} ${(r.ldp ? "Yes (ldp)" : "No").padEnd(13)} ${"No".padEnd(8)} ${yesNo(r.bgp).padEnd(3)} ${"No".padEnd(6)} ${yesNo(r.operational)}`);
  }
  return lines.join("\n") + "\n";
}

/** `show mpls interfaces detail`. */
export function formatMplsInterfacesDetail(rows: readonly MplsInterfaceRow[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(`Interface ${r.interface}:`, "        Type Unknown");
    if (r.ldp) lines.push("        IP labeling enabled (ldp) :", "          Interface config");
    else lines.push("        IP labeling not enabled");
    lines.push(
      "        LSP Tunnel labeling not enabled",
      "        IP FRR labeling not enabled",
      `        BGP labeling ${r.bgp ? "enabled" : "not enabled"}`,
      `        MPLS ${r.operational ? "operational" : "not operational"}`,
      `        MTU = ${r.mtuBytes}`,
    );
  }
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** `show mpls label range`. */
export function formatMplsLabelRange(range: { readonly min: number; readonly max: number }): string {
  return `Downstream Generic label region: Min/Max label: ${range.min}/${range.max}\n`;
}
