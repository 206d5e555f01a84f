// `show adjacency [detail]`: CEF's adjacencies — each resolved ARP entry (the Ethernet or
// 802.1Q header the router copies in front of a packet for that neighbor) and each
// point-to-point tunnel (a midchain adjacency that hands the packet on to the adjacency of
// the tunnel's transport next hop). Rows first, then IOS's text.
//
// Layout (IOS 15 captures): Protocol at 0, Interface at 9, Address at 35 as "ADDR(N)" with N
// the adjacency's reference count; FlexLab counts the FIB paths (all VRFs) that use the
// adjacency, which is what holds one. `detail` adds lines under the Address column: the
// epochs (0: FlexLab never resets them), the encapsulation's length and bytes in hex, the
// L2 destination's place in it, the link type and the source (ARP); a tunnel gives the
// adjacency its packets go on through. IOS's per-adjacency packet and byte counters are left
// out: FlexLab does not count per adjacency.

export interface AdjacencyRow {
  readonly interface: string;
  /** The neighbor's address, or undefined for a point-to-point tunnel. */
  readonly address: string | undefined;
  readonly refCount: number;
  /** The rewrite bytes an ARP adjacency prepends. */
  readonly encap: Uint8Array | undefined;
  /** A tunnel's next chain element: its transport interface and next hop. */
  readonly next: { readonly interface: string; readonly address: string } | undefined;
}

const PAD = " ".repeat(35);

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).toUpperCase().padStart(2, "0");
  return s;
}

export function formatAdjacencies(rows: readonly AdjacencyRow[], detail: boolean): string {
  const lines = ["Protocol Interface                 Address"];
  for (const r of rows) {
    lines.push(`IP       ${r.interface.padEnd(25)} ${r.address ?? "point2point"}(${r.refCount})`);
    if (!detail) continue;
    lines.push(`${PAD}epoch 0`, `${PAD}sourced in sev-epoch 0`);
    if (r.encap !== undefined) {
      lines.push(
        `${PAD}Encap length ${r.encap.length}`,
        `${PAD}${hex(r.encap)}`,
        `${PAD}L2 destination address byte offset 0`,
        `${PAD}L2 destination address byte length 6`,
        `${PAD}Link-type after encap: ip`,
        `${PAD}ARP`,
      );
    }
    if (r.next !== undefined) lines.push(`${PAD}Next chain element:`, `${PAD}  IP adj out of ${r.next.interface}, addr ${r.next.address}`);
  }
  return lines.join("\n") + "\n";
}
