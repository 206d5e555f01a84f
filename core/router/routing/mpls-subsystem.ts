// The MFI on a router: its label manager (mpls/labels.ts), its LFIB (mpls/lfib.ts) and the
// MPLS data path over it (net/mpls-forward.ts), registered for EtherType and GRE protocol
// 0x8847; `show mpls forwarding-table [vrf X] [detail]` and the `mpls-forwarding` table,
// `show mpls interfaces [detail]` and `show mpls label range`.
//
// It lives in routing/ because it joins mpls/ (which sees only wire/) to net/'s VRFs and
// interfaces, and routing/ is the layer that may import both and the Subsystem seam.
//
// For the protocols (BGP now, NHRP next), through `router.subsystem(mplsSubsystem)`:
//   labels                              allocate/release local labels, shared by request
//   dispose(label, vrf, prefix, agg)    LFIB: pop and IP lookup in the VRF (VPN labels)
//   swap(label, prefix, out, nh, outL)  LFIB: transit label swap toward an adjacency (optionally
//                                       under transport labels, for a VRF's prefix)
//   pop(label, prefix, out, nh)         LFIB: downstream asked for implicit null
//   withdraw(label)                     LFIB: the entry goes
import type { RouterConfig } from "../config/model/router";
import type { Interface } from "../net/interface";
import { MPLS_DROP_REASONS, MplsForwarding, type NetLfib } from "../net/mpls-forward";
import { shortInterfaceName } from "../net/interface-names";
import { TunnelInterface } from "../net/tunnel";
import type { Vrf } from "../net/vrf";
import { DEFAULT_LABEL_RANGE, LabelManager } from "../mpls/labels";
import { Lfib } from "../mpls/lfib";
import { formatMplsForwardingTable, mplsForwardingRows, type LfibView } from "../mpls/show";
import { formatMplsInterfaces, formatMplsInterfacesDetail, formatMplsLabelRange, type MplsInterfaceRow } from "../mpls/show-interfaces";
import { BOTH, subsystemExec, type Subsystem, type SubsystemHost, type SubsystemInstance, type TableEntry } from "../node/subsystem";
import type { Ipv4, Prefix } from "../wire/addr";
import { DOT1Q_TAG_LENGTH } from "../wire/dot1q";
import { ETHERNET_HEADER_LENGTH, EtherType } from "../wire/ethernet";
import { IPV4_MIN_HEADER_LENGTH } from "../wire/ipv4";
import type { Label } from "../wire/mpls";
import { TABLE_ROWS } from "../../api/tables";

export class MfiInstance implements SubsystemInstance {
  readonly labels = new LabelManager();
  readonly lfib: NetLfib = new Lfib<Vrf, Interface>();
  readonly forwarding: MplsForwarding;
  private readonly unregister: () => void;

  constructor(private readonly router: SubsystemHost) {
    const stack = router.stack;
    this.forwarding = new MplsForwarding(this.lfib, stack.forwarding, stack.icmp);
    this.unregister = stack.registerEtherType(EtherType.MplsUnicast, this.forwarding.receive);
    // An adjacency on an interface that is gone is no adjacency.
    stack.onInterfaceChange(({ interface: iface, change }) => {
      if (change === "removed") this.lfib.purge((a) => a.kind !== "vrf-lookup" && a.out === iface);
    });
  }

  /** Disposition: `label` pops into `vrf` ("" = global) for an IP lookup. `prefix` is the VPN
   * route it stands for (per-prefix label) or the summary/default an aggregate label carries
   * (undefined: the whole VRF). Returns IOS's complaint when the VRF does not exist. */
  dispose(label: Label, vrf: string, prefix: Prefix | undefined, aggregate: boolean): string | undefined {
    const v = this.router.stack.vrf(vrf);
    if (v === undefined) return `% VRF ${vrf} does not exist`;
    this.lfib.set(label, prefix, { kind: "vrf-lookup", vrf: v, aggregate });
    return undefined;
  }

  /** Transit: `label` is swapped for `outLabel` toward `nextHop` (undefined on a point-to-point
   * interface). With `vrf`, the prefix is that VRF's (Carrier Supporting Carrier) and
   * `transport` (outermost first) goes on top of `outLabel`. Returns IOS's complaint when the
   * VRF does not exist. */
  swap(label: Label, prefix: Prefix | undefined, out: Interface, nextHop: Ipv4 | undefined, outLabel: Label, vrf?: string, transport?: readonly Label[]): string | undefined {
    if (vrf === undefined) {
      this.lfib.set(label, prefix, { kind: "swap", out, nextHop, outLabel });
      return undefined;
    }
    const v = this.router.stack.vrf(vrf);
    if (v === undefined) return `% VRF ${vrf} does not exist`;
    this.lfib.set(label, prefix, transport === undefined || transport.length === 0 ? { kind: "swap", out, nextHop, outLabel, vrf: v } : { kind: "swap", out, nextHop, outLabel, vrf: v, transport });
    return undefined;
  }

  /** Penultimate hop: `label` is popped and the rest sent toward `nextHop`; `untagged` when
   * the downstream gave no label at all (IOS "No Label") rather than implicit null; `vrf` as
   * for swap. */
  pop(label: Label, prefix: Prefix | undefined, out: Interface, nextHop: Ipv4 | undefined, untagged = false, vrf?: string): string | undefined {
    if (vrf === undefined) {
      this.lfib.set(label, prefix, untagged ? { kind: "pop", out, nextHop, untagged } : { kind: "pop", out, nextHop });
      return undefined;
    }
    const v = this.router.stack.vrf(vrf);
    if (v === undefined) return `% VRF ${vrf} does not exist`;
    this.lfib.set(label, prefix, untagged ? { kind: "pop", out, nextHop, untagged, vrf: v } : { kind: "pop", out, nextHop, vrf: v });
    return undefined;
  }

  withdraw(label: Label): boolean {
    return this.lfib.delete(label);
  }

  /** `mpls label range`, and VRFs that went away taking their dispositions with them. */
  reconcile(before: RouterConfig | undefined, after: RouterConfig): void {
    const range = after.mplsLabelRange;
    const old = before?.mplsLabelRange;
    if (range?.min !== old?.min || range?.max !== old?.max) {
      const problem = this.labels.setRange(range?.min ?? DEFAULT_LABEL_RANGE.min, range?.max ?? DEFAULT_LABEL_RANGE.max);
      if (problem !== undefined) this.router.warn(problem);
    }
    if (before !== undefined && Object.keys(before.vrfs).some((name) => !(name in after.vrfs))) {
      const stack = this.router.stack;
      this.lfib.purge((a) => a.vrf !== undefined && stack.vrf(a.vrf.name) !== a.vrf);
    }
  }

  close(): void {
    this.unregister();
  }
}

const VIEW: LfibView<Vrf, Interface> = {
  vrfName: (v) => v.name,
  interfaceName: (i) => i.name,
  pointToPoint: (i) => i instanceof TunnelInterface && i.mode !== "gre-multipoint",
  // Ethernet II, plus a dot1Q tag; a tunnel's outer IPv4 and GRE headers.
  linkHeaderBytes: (i) => (i instanceof TunnelInterface ? IPV4_MIN_HEADER_LENGTH + i.greHeaderBytes : i.kind === "dot1q" ? ETHERNET_HEADER_LENGTH + DOT1Q_TAG_LENGTH : ETHERNET_HEADER_LENGTH),
  mtuBytes: (i) => i.ipMtuBytes,
  vrfPath: (v, prefix) => {
    const entry = v.fib.get(prefix) ?? v.fib.lookup(prefix.addr);
    const path = entry?.kind === "forward" ? entry.paths[0] : undefined;
    return path === undefined ? undefined : { interface: path.interface, nextHop: path.nextHop };
  },
};

const mfiOf = (router: SubsystemHost): MfiInstance => router.subsystem(mplsSubsystem);

/** The global table's interfaces with MPLS enabled, in the stack's order. A Virtual-Access
 * labels as its Virtual-Template says; the template itself is no interface that forwards. */
function mplsInterfaceRows(router: SubsystemHost): MplsInterfaceRow[] {
  const rows: MplsInterfaceRow[] = [];
  for (const iface of router.stack.interfaces()) {
    if (iface.vrf.name !== "" || iface.name.startsWith("Virtual-Template")) continue;
    const template = iface instanceof TunnelInterface ? iface.clonedFrom : undefined;
    const mpls = (router.running.interfaces[iface.name] ?? (template === undefined ? undefined : router.running.interfaces[template]))?.mpls;
    if (mpls === undefined || (!mpls.ip && !mpls.bgpForwarding)) continue;
    rows.push({ interface: iface.name, ldp: mpls.ip, bgp: mpls.bgpForwarding, operational: iface.isUp, mtuBytes: iface.ipMtuBytes });
  }
  return rows;
}

const MPLS_FORWARDING: TableEntry<"mpls-forwarding", SubsystemHost> = {
  name: "mpls-forwarding",
  schema: TABLE_ROWS["mpls-forwarding"],
  rows: (router, args) => mplsForwardingRows(mfiOf(router).lfib, VIEW, args?.vrf),
  format: (rows, args) => formatMplsForwardingTable(rows, args?.detail ?? false, shortInterfaceName),
};

export const mplsSubsystem: Subsystem<MfiInstance> = {
  name: "mfi",
  attach: (router) => new MfiInstance(router),
  tables: [MPLS_FORWARDING],
  dropReasons: MPLS_DROP_REASONS,
  execCommands: [
    subsystemExec({
      id: "show.mpls.forwarding-table",
      mode: BOTH,
      syntax: "show mpls forwarding-table [vrf WORD$vrf] [detail$detail]",
      help: [
        "Show running system information",
        "MPLS information",
        "Show the Label Forwarding Information Base (LFIB)",
        "Show entries for a VPN Routing/Forwarding instance",
        "VPN Routing/Forwarding instance name",
        "Detailed information",
      ],
      pipe: true,
      run: ({ router, args, print }) => {
        const vrf = args.optStr("vrf");
        if (vrf !== undefined && router.stack.vrf(vrf) === undefined) {
          print(`% VRF ${vrf} does not exist`);
          return;
        }
        const tableArgs = { vrf, detail: args.has("detail") };
        print(MPLS_FORWARDING.format(MPLS_FORWARDING.rows(router, tableArgs), tableArgs));
      },
    }),
    subsystemExec({
      id: "show.mpls.interfaces",
      mode: BOTH,
      syntax: "show mpls interfaces [detail$detail]",
      help: ["Show running system information", "MPLS information", "Per-interface MPLS forwarding information", "Detailed information"],
      pipe: true,
      run: ({ router, args, print }) => {
        const rows = mplsInterfaceRows(router);
        const out = (args.has("detail") ? formatMplsInterfacesDetail(rows) : formatMplsInterfaces(rows)).trimEnd();
        if (out !== "") print(out);
      },
    }),
    subsystemExec({
      id: "show.mpls.label.range",
      mode: BOTH,
      syntax: "show mpls label range",
      help: ["Show running system information", "MPLS information", "Label information", "Show label range"],
      pipe: true,
      run: ({ router, print }) => print(formatMplsLabelRange(mfiOf(router).labels.range).trimEnd()),
    }),
  ],
};
