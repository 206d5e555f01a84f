// BGP's exec commands: `show ip bgp [summary | labels]`, `show ip bgp vpnv4 {all | vrf X | rd RD} [summary |
// labels | A.B.C.D[/M]]`, `show ip bgp [vpnv4 …] neighbors [X [received-routes|routes|advertised-routes]]`
// (each also spelt `show bgp {ipv4 | vpnv4} unicast …`),
// `clear ip bgp * | X [soft [in|out]]`, and the `debug ip bgp [updates]` flags.
// Each gets the router's BGP instance through `instanceOf`, so this file does not import the
// subsystem that lists it.
import { ArpaInterface } from "../net/ethernet-port";
import { TunnelInterface } from "../net/tunnel";
import type { NetStack } from "../net/stack";
import { BOTH, PRIV, subsystemExec, type DebugFlagSpec, type SubsystemExecCommand, type SubsystemHost, type TableArgs, type TableEntry } from "../node/subsystem";
import { formatIpv4, formatPrefix, parsePrefix, type Ipv4, type Prefix } from "../wire/addr";
import type { BgpPathRow } from "../../api/tables";
import { TABLE_ROWS } from "../../api/tables";
import { formatAdjacencies, type AdjacencyRow } from "./show-adjacency";
import { cefRow, formatCef, formatCefDetail, formatCefSummary, formatCefTable } from "./show-cef";
import { bgpPathRows, formatBgpEntries, formatBgpLabels, formatBgpTable, type BgpRowQuery } from "./show-bgp";
import { DEFAULT_LISTEN_LIMIT } from "./neighbors";
import { neighborFamilyLines, summarySuppression } from "./policy";
import { formatBgpNeighbor, formatBgpSummary, summaryRow } from "./show-session";
import { neighborRouteRows, type NeighborRoutesView } from "./show-neighbor-routes";
import { tableFamily, type SessionFamily } from "./session-open";
import type { BgpInstance } from "./subsystem";

export const DEBUG_BGP = "ip bgp";
export const DEBUG_BGP_UPDATES = "ip bgp updates";

export const BGP_DEBUG_FLAGS: readonly DebugFlagSpec[] = [
  { flag: DEBUG_BGP, help: ["IP information", "BGP information"], heading: "BGP", description: "BGP debugging is on for address family: IPv4 Unicast" },
  { flag: DEBUG_BGP_UPDATES, help: ["IP information", "BGP information", "BGP updates"], heading: "BGP", description: "BGP updates debugging is on for address family: IPv4 Unicast" },
];

const SHOW = "Show running system information";
const IP = "IP information";
const BGP = "BGP information";
const LABELS = "Display Labels for IPv4 NLRI specific information";
const ALL = "Display information about all VPNv4 NLRIs";
const VRF = "Display information for a VPN Routing/Forwarding instance";
const VRF_NAME = "VPN Routing/Forwarding instance name";
const SUMMARY = "Summarized information of BGP state";
const NEIGHBORS = "Detailed information on TCP and BGP neighbor connections";
const AF = "Address family";
const AF_MODIFIER = "Address Family modifier";
const VPNV4 = "Display VPNv4 NLRI specific information";

// IOS's two spellings of one view: the old `show ip bgp [vpnv4 …]` and the address-family
// form `show bgp {ipv4 | vpnv4} unicast …`, which prints the same. Each command declares both
// as one alternative, so there is one implementation per view.
const IPV4_SPELLINGS = "(ip bgp|bgp ipv4 unicast)";
const IPV4_SPELLINGS_HELP = [IP, BGP, BGP, AF, AF_MODIFIER];
const VPNV4_SPELLINGS = "(ip bgp vpnv4|bgp vpnv4 unicast)";
const VPNV4_SPELLINGS_HELP = [IP, BGP, VPNV4, BGP, AF, AF_MODIFIER];
const NEIGHBOR_SPELLINGS = "(ip bgp [vpnv4 (all$all|vrf WORD$vrf)]|bgp (ipv4 unicast|vpnv4 unicast (all$all|vrf WORD$vrf)))";
const NEIGHBOR_SPELLINGS_HELP = [IP, BGP, VPNV4, ALL, VRF, VRF_NAME, BGP, AF, AF_MODIFIER, AF, AF_MODIFIER, ALL, VRF, VRF_NAME];

/** Which neighbors a summary or neighbors view lists: the IPv4 view every one (its summary
 * only the global table's: a VRF's neighbors are in its IPv4 unicast vrf family, which IOS
 * summarises under vpnv4), `vpnv4 all` those exchanging VPNv4 routes and the VRFs' own
 * (PE-CE), `vpnv4 vrf X` that VRF's own. */
type NeighborScope = { readonly family: "ipv4" } | { readonly family: "vpnv4"; readonly vrf?: string };

function inScope(n: { readonly plan: { readonly vrf: string; readonly families: readonly SessionFamily[] } }, scope: NeighborScope, family: SessionFamily): boolean {
  if (scope.family === "vpnv4" && scope.vrf !== undefined) return n.plan.vrf === scope.vrf;
  return n.plan.families.includes(family) || n.plan.vrf !== "";
}

function summary(router: SubsystemHost, b: BgpInstance, scope: NeighborScope): string {
  if (b.asn === undefined) return "% BGP not active\n";
  const family = scope.family;
  const table = b.tableSummary(family);
  const now = router.clock.now();
  const rows = b
    .all()
    .filter((n) => inScope(n, scope, family) && (family !== "ipv4" || n.plan.vrf === ""))
    // A VRF's neighbor sends IPv4 routes that are the VRF's VPNv4 routes: counted in either view.
    .map((n) => summaryRow(b.shownId(n), n.plan.vrf, n.session, now, table.tableVersion, b.prefixesReceived(n, n.plan.vrf === "" ? family : "ipv4"), n.prefixLimit.stopped));
  const ranges = (b.bgpConfig?.listenRanges ?? []).map((r) => ({ peerGroup: r.peerGroup, range: formatPrefix(r.prefix) }));
  return formatBgpSummary(
    {
      routerId: formatIpv4(b.routerId),
      localAs: b.asn,
      tableVersion: table.tableVersion,
      tableLines: table.lines,
      // The listen ranges make global neighbors: a VRF's view has none of them.
      ...(scope.family === "vpnv4" && scope.vrf !== undefined ? {} : { listen: { dynamic: b.dynamicCount(), limit: b.bgpConfig?.listenLimit ?? DEFAULT_LISTEN_LIMIT, ranges } }),
    },
    rows,
  );
}

function neighbors(router: SubsystemHost, b: BgpInstance, address: Ipv4 | undefined, scope: NeighborScope): string {
  if (b.asn === undefined) return "% BGP not active\n";
  const now = router.clock.now();
  const list = b.all().filter((n) => (scope.family === "ipv4" || inScope(n, scope, "vpnv4")) && (address === undefined || n.plan.address === address));
  if (list.length === 0) return address === undefined ? "" : "% No such neighbor or address family\n";
  return list
    .map((n) =>
      formatBgpNeighbor(
        b.shownId(n),
        n.session,
        {
          ebgp: n.plan.remoteAs !== b.asn,
          peerGroup: n.plan.peerGroup,
          description: n.plan.description,
          range: n.range,
          vrf: n.plan.vrf,
          prefixes: new Map(n.plan.families.map((f) => [f, b.prefixesReceived(n, f)])),
          policies: new Map(n.plan.families.map((f) => [f, b.bgpConfig === undefined ? undefined : neighborFamilyLines(b.bgpConfig, n.plan, tableFamily(f))])),
          prefixLimit: n.prefixLimit,
        },
        now,
      ),
    )
    .join("\n");
}

/** The rows of a BGP table, each carrying the table's version and router ID for the heading. */
function pathRows(b: BgpInstance, q: BgpRowQuery): BgpPathRow[] {
  const rib = b.rib;
  if (rib === undefined) return [];
  const tableVersion = rib.counts(q.family).tableVersion;
  const routerId = formatIpv4(b.routerId);
  const bgp = b.bgpConfig;
  const suppression = new Map<string, ((p: Prefix) => boolean) | undefined>();
  const suppressed = (r: BgpPathRow): boolean => {
    if (bgp === undefined || r.source === "aggregate" || (r.family === "vpnv4" && r.vrf === undefined)) return false;
    const vrf = r.vrf ?? "";
    if (!suppression.has(vrf)) suppression.set(vrf, summarySuppression(bgp, vrf));
    const test = suppression.get(vrf);
    return test !== undefined && test(parsePrefix(r.prefix)!);
  };
  return bgpPathRows(rib, q).map((r) => (suppressed(r) ? { ...r, suppressed: true, tableVersion, routerId } : { ...r, tableVersion, routerId }));
}

/** Rows made elsewhere, given the table's version and router ID for the heading. */
function pathRowsHeader(b: BgpInstance, family: "ipv4" | "vpnv4", rows: readonly BgpPathRow[]): BgpPathRow[] {
  const tableVersion = b.rib?.counts(family).tableVersion ?? 1;
  const routerId = formatIpv4(b.routerId);
  return rows.map((r) => ({ ...r, tableVersion, routerId }));
}

function formatTable(rows: readonly BgpPathRow[]): string {
  const first = rows[0];
  return formatBgpTable(rows, { tableVersion: first?.tableVersion ?? 1, routerId: first?.routerId ?? "0.0.0.0" });
}

/** Tables "bgp-ipv4" and "bgp-vpnv4" (`vrf` narrows VPNv4 to that VRF's RD). */
export function bgpTables(instanceOf: (router: SubsystemHost) => BgpInstance): TableEntry<"bgp-ipv4" | "bgp-vpnv4", SubsystemHost>[] {
  const ipv4: TableEntry<"bgp-ipv4", SubsystemHost> = {
    name: "bgp-ipv4",
    schema: TABLE_ROWS["bgp-ipv4"],
    rows: (router) => pathRows(instanceOf(router), { family: "ipv4" }),
    format: (rows) => formatTable(rows),
  };
  const vpnv4: TableEntry<"bgp-vpnv4", SubsystemHost> = {
    name: "bgp-vpnv4",
    schema: TABLE_ROWS["bgp-vpnv4"],
    rows: (router, args?: TableArgs) => pathRows(instanceOf(router), { family: "vpnv4", ...(args?.vrf ? { vrf: args.vrf } : {}) }),
    format: (rows) => formatTable(rows),
  };
  return [ipv4, vpnv4] as TableEntry<"bgp-ipv4" | "bgp-vpnv4", SubsystemHost>[];
}

/** `show ip bgp [vpnv4 …] [labels | A.B.C.D | A.B.C.D/M]`. */
function showPaths(b: BgpInstance, q: BgpRowQuery, view: "table" | "labels" | "entries"): string {
  if (b.asn === undefined) return "% BGP not active";
  const rows = pathRows(b, q);
  if (view === "entries") return rows.length === 0 ? "% Network not in table" : formatBgpEntries(rows).trimEnd();
  return (view === "labels" ? formatBgpLabels(rows) : formatTable(rows)).trimEnd();
}

/** The adjacencies of `show adjacency`: resolved ARP entries and up point-to-point tunnels,
 * by interface, each with the number of FIB paths (every VRF) that use it. */
function adjacencyRows(stack: NetStack): AdjacencyRow[] {
  const uses = new Map<string, number>();
  const key = (iface: string, address: number | undefined): string => `${iface} ${address ?? ""}`;
  for (const v of stack.vrfs()) {
    for (const e of v.fib.entries()) {
      if (e.kind !== "forward") continue;
      for (const p of e.paths) {
        const k = key(p.interface.name, p.interface instanceof TunnelInterface ? undefined : p.nextHop);
        uses.set(k, (uses.get(k) ?? 0) + 1);
      }
    }
  }
  const rows: AdjacencyRow[] = [];
  for (const iface of stack.interfaces()) {
    if (iface instanceof ArpaInterface) {
      const entries = [...iface.arp.entries.values()].filter((e) => e.complete).sort((a, b) => a.address - b.address);
      for (const e of entries) rows.push({ interface: iface.name, address: formatIpv4(e.address), refCount: uses.get(key(iface.name, e.address)) ?? 0, encap: e.header, next: undefined });
    } else if (iface instanceof TunnelInterface && iface.isUp && iface.destination !== undefined && iface.mode !== "gre-multipoint") {
      const transport = stack.route(iface.transportVrf, iface.destination);
      const p = transport?.kind === "forward" ? transport.paths[0] : undefined;
      const next = p === undefined ? undefined : { interface: p.interface.name, address: formatIpv4(p.nextHop ?? iface.destination) };
      rows.push({ interface: iface.name, address: undefined, refCount: uses.get(key(iface.name, undefined)) ?? 0, encap: undefined, next });
    }
  }
  return rows;
}

export function bgpExecCommands(instanceOf: (router: SubsystemHost) => BgpInstance): SubsystemExecCommand[] {
  return [
    subsystemExec({
      id: "show.ip.bgp",
      mode: BOTH,
      syntax: `show ${IPV4_SPELLINGS} [(labels$labels|A.B.C.D$address|A.B.C.D/M$prefix)]`,
      help: [SHOW, ...IPV4_SPELLINGS_HELP, LABELS, "Network in the BGP routing table to display", "IP prefix <network>/<length>, e.g., 35.0.0.0/8"],
      pipe: true,
      run: ({ router, args, print }) => {
        const address = args.optIp("address");
        const prefix = args.has("prefix") ? args.prefix("prefix") : undefined;
        const one = address !== undefined || prefix !== undefined;
        const view = args.has("labels") ? "labels" : one ? "entries" : "table";
        const out = showPaths(instanceOf(router), { family: "ipv4", ...(address !== undefined ? { address } : {}), ...(prefix !== undefined ? { prefix } : {}) }, view);
        if (out !== "") print(out);
      },
    }),
    subsystemExec({
      id: "show.ip.bgp.vpnv4",
      mode: BOTH,
      syntax: `show ${VPNV4_SPELLINGS} (all$all|vrf WORD$vrf|rd RD$rd) [(labels$labels|A.B.C.D$address|A.B.C.D/M$prefix)]`,
      help: [
        SHOW,
        ...VPNV4_SPELLINGS_HELP,
        ALL,
        VRF,
        VRF_NAME,
        "Display information for a route distinguisher",
        "VPN Route Distinguisher",
        "Display BGP labels for prefixes",
        "Network in the BGP routing table to display",
        "IP prefix <network>/<length>, e.g., 35.0.0.0/8",
      ],
      pipe: true,
      run: ({ router, args, print }) => {
        const vrf = args.optStr("vrf");
        if (vrf !== undefined && router.stack.vrf(vrf) === undefined) {
          print(`% No such VRF ${vrf}`);
          return;
        }
        const rd = args.optStr("rd");
        const address = args.optIp("address");
        const prefix: Prefix | undefined = args.has("prefix") ? args.prefix("prefix") : undefined;
        const q: BgpRowQuery = {
          family: "vpnv4",
          ...(vrf !== undefined ? { vrf } : {}),
          ...(rd !== undefined ? { rd } : {}),
          ...(address !== undefined ? { address } : {}),
          ...(prefix !== undefined ? { prefix } : {}),
        };
        const view = args.has("labels") ? "labels" : address !== undefined || prefix !== undefined ? "entries" : "table";
        const out = showPaths(instanceOf(router), q, view);
        if (out !== "") print(out);
      },
    }),
    subsystemExec({
      id: "show.ip.cef.vrf",
      mode: BOTH,
      syntax: "show ip cef [vrf WORD$vrf] A.B.C.D$address [detail$detail]",
      help: [SHOW, IP, "Cisco Express Forwarding", "VRF name", "VRF name", "prefix to lookup", "Display detailed information"],
      pipe: true,
      run: ({ router, args, print }) => {
        const vrf = args.optStr("vrf") ?? "";
        if (vrf !== "" && router.stack.vrf(vrf) === undefined) {
          print(`%IP routing table ${vrf} does not exist`);
          return;
        }
        const mfi = instanceOf(router).mfi;
        const row = cefRow(
          {
            routing: router.routing,
            stack: router.stack,
            // A Virtual-Access carries its Virtual-Template's `mpls bgp forwarding`.
            bgpForwarding: (name) => {
              const own = router.running.interfaces[name];
              if (own) return own.mpls.bgpForwarding;
              const iface = router.stack.interface(name);
              const template = iface instanceof TunnelInterface ? iface.clonedFrom : undefined;
              return template !== undefined && router.running.interfaces[template]?.mpls.bgpForwarding === true;
            },
            localLabels: (v, p) => {
              const l = mfi().labels.labelOf({ kind: "prefix", vrf: v, prefix: p }) ?? (p.len === 0 ? mfi().labels.labelOf({ kind: "aggregate", vrf: v }) : undefined);
              return l === undefined ? [] : [l];
            },
          },
          vrf,
          args.ip("address"),
        );
        if (row === undefined) {
          print("0.0.0.0/0\n  no route");
          return;
        }
        print((args.has("detail") ? formatCefDetail(row) : formatCef(row)).trimEnd());
      },
    }),
    subsystemExec({
      id: "show.adjacency",
      mode: BOTH,
      syntax: "show adjacency [detail$detail]",
      help: [SHOW, "Adjacent nodes", "Display detailed adjacency information"],
      pipe: true,
      run: ({ router, args, print }) => print(formatAdjacencies(adjacencyRows(router.stack), args.has("detail")).trimEnd()),
    }),
    subsystemExec({
      id: "show.ip.cef.summary",
      mode: BOTH,
      syntax: "show ip cef summary",
      help: [SHOW, IP, "Cisco Express Forwarding", "Summary of all CEF tables"],
      pipe: true,
      run: ({ router, print }) => {
        const rows = router.stack
          .vrfs()
          .sort((a, b) => a.id - b.id)
          .map((v) => ({ vrf: v.name, tableId: v.id, prefixes: v.fib.size }));
        print(formatCefSummary(rows).trimEnd());
      },
    }),
    subsystemExec({
      id: "show.ip.cef.table",
      mode: BOTH,
      syntax: "show ip cef [vrf WORD$vrf]",
      help: [SHOW, IP, "Cisco Express Forwarding", "VRF name", "VRF name"],
      pipe: true,
      run: ({ router, args, print }) => {
        const vrf = args.optStr("vrf") ?? "";
        const table = router.stack.vrf(vrf);
        if (table === undefined) {
          print(`%IP routing table ${vrf} does not exist`);
          return;
        }
        print(formatCefTable(table.fib.entries()).trimEnd());
      },
    }),
    subsystemExec({
      id: "show.ip.bgp.summary",
      mode: BOTH,
      syntax: `show ${IPV4_SPELLINGS} summary`,
      help: [SHOW, ...IPV4_SPELLINGS_HELP, SUMMARY],
      pipe: true,
      run: ({ router, print }) => print(summary(router, instanceOf(router), { family: "ipv4" }).trimEnd()),
    }),
    subsystemExec({
      id: "show.ip.bgp.vpnv4.summary",
      mode: BOTH,
      syntax: `show ${VPNV4_SPELLINGS} (all$all|vrf WORD$vrf) summary`,
      help: [SHOW, ...VPNV4_SPELLINGS_HELP, ALL, VRF, VRF_NAME, SUMMARY],
      pipe: true,
      run: ({ router, args, print }) => {
        const vrf = args.optStr("vrf");
        if (vrf !== undefined && router.stack.vrf(vrf) === undefined) {
          print(`% No such VRF ${vrf}`);
          return;
        }
        print(summary(router, instanceOf(router), { family: "vpnv4", ...(vrf !== undefined ? { vrf } : {}) }).trimEnd());
      },
    }),
    subsystemExec({
      id: "show.ip.bgp.neighbors",
      mode: BOTH,
      syntax: `show ${NEIGHBOR_SPELLINGS} neighbors [A.B.C.D$address]`,
      help: [SHOW, ...NEIGHBOR_SPELLINGS_HELP, NEIGHBORS, "Neighbor to display information about"],
      pipe: true,
      run: ({ router, args, print }) => {
        const vrf = args.optStr("vrf");
        if (vrf !== undefined && router.stack.vrf(vrf) === undefined) {
          print(`% No such VRF ${vrf}`);
          return;
        }
        const scope: NeighborScope = args.has("all") || vrf !== undefined ? { family: "vpnv4", ...(vrf !== undefined ? { vrf } : {}) } : { family: "ipv4" };
        const out = neighbors(router, instanceOf(router), args.optIp("address"), scope).trimEnd();
        if (out !== "") print(out);
      },
    }),
    subsystemExec({
      id: "show.ip.bgp.neighbor-routes",
      mode: BOTH,
      syntax: `show ${NEIGHBOR_SPELLINGS} neighbors A.B.C.D$address (received-routes|routes|advertised-routes)$view`,
      help: [
        SHOW,
        ...NEIGHBOR_SPELLINGS_HELP,
        NEIGHBORS,
        "Neighbor to display information about",
        "Display the received routes from neighbor",
        "Display routes learned from neighbor",
        "Display the routes advertised to a BGP neighbor",
      ],
      pipe: true,
      run: ({ router, args, print }) => {
        const b = instanceOf(router);
        if (b.asn === undefined || b.rib === undefined) {
          print("% BGP not active");
          return;
        }
        const vrf = args.optStr("vrf");
        const address = args.ip("address");
        const n = b.neighbor(vrf ?? "", address);
        const view = args.str("view") as NeighborRoutesView;
        if (n === undefined) {
          print("% No such neighbor or address family");
          return;
        }
        if (view === "received-routes" && n.peer !== undefined && n.peer.adjRibIn === undefined) {
          print(`% Inbound soft reconfiguration not enabled on ${formatIpv4(address)}`);
          return;
        }
        const family = args.has("all") || vrf !== undefined ? "vpnv4" : "ipv4";
        const q: BgpRowQuery = { family, ...(vrf !== undefined ? { vrf } : {}) };
        const rows = n.peer === undefined ? [] : neighborRouteRows(b.rib, n.peer, view, q);
        if (rows.length === 0) return;
        print(formatTable(pathRowsHeader(b, family, rows)).trimEnd());
        print(`\nTotal number of prefixes ${rows.length} `);
      },
    }),
    subsystemExec({
      id: "clear.ip.bgp",
      mode: PRIV,
      syntax: "clear ip bgp (*$all|A.B.C.D$address) [soft$soft [(in|out)$dir]]",
      help: ["Reset functions", IP, "Clear BGP connections", "Clear all peers", "BGP neighbor address to clear", "Soft reconfig", "Soft reconfig inbound update", "Soft reconfig outbound update"],
      run: ({ router, args, print }) => {
        const b = instanceOf(router);
        if (b.asn === undefined) {
          print("% BGP not active");
          return;
        }
        const address = args.optIp("address");
        const dir = args.optStr("dir") as "in" | "out" | undefined;
        const n = b.clear(address, args.has("soft") ? (dir ?? "both") : undefined);
        if (address !== undefined && n === 0) print("% No such neighbor or address family");
      },
    }),
  ];
}
