// BGP's exec commands: `show ip bgp [summary | labels]`, `show bgp ipv4 unicast labels`, `show ip bgp vpnv4 …`, `show ip bgp
// neighbors [X]`, `show ip bgp [vpnv4 …] neighbors X received-routes|routes|advertised-routes`,
// `clear ip bgp * | X [soft [in|out]]`, and the `debug ip bgp [updates]` flags.
// Each gets the router's BGP instance through `instanceOf`, so this file does not import the
// subsystem that lists it.
import { TunnelInterface } from "../net/tunnel";
import { BOTH, PRIV, subsystemExec, type DebugFlagSpec, type SubsystemExecCommand, type SubsystemHost, type TableArgs, type TableEntry } from "../node/subsystem";
import { formatIpv4, formatPrefix, parsePrefix, type Ipv4, type Prefix } from "../wire/addr";
import type { BgpPathRow } from "../../api/tables";
import { TABLE_ROWS } from "../../api/tables";
import { cefRow, formatCef, formatCefDetail, formatCefTable } from "./show-cef";
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

function summary(router: SubsystemHost, b: BgpInstance, family: SessionFamily): string {
  if (b.asn === undefined) return "% BGP not active\n";
  const table = b.tableSummary(family);
  const now = router.clock.now();
  const rows = b
    .all()
    .filter((n) => n.plan.families.includes(family) || (family === "ipv4" && n.plan.vrf !== ""))
    .map((n) => summaryRow(b.shownId(n), n.plan.vrf, n.session, now, table.tableVersion, b.prefixesReceived(n, family), n.prefixLimit.stopped));
  const ranges = (b.bgpConfig?.listenRanges ?? []).map((r) => ({ peerGroup: r.peerGroup, range: formatPrefix(r.prefix) }));
  return formatBgpSummary(
    { routerId: formatIpv4(b.routerId), localAs: b.asn, tableVersion: table.tableVersion, tableLines: table.lines, listen: { dynamic: b.dynamicCount(), limit: b.bgpConfig?.listenLimit ?? DEFAULT_LISTEN_LIMIT, ranges } },
    rows,
  );
}

function neighbors(router: SubsystemHost, b: BgpInstance, address: Ipv4 | undefined): string {
  if (b.asn === undefined) return "% BGP not active\n";
  const now = router.clock.now();
  const list = b.all().filter((n) => address === undefined || n.plan.address === address);
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

export function bgpExecCommands(instanceOf: (router: SubsystemHost) => BgpInstance): SubsystemExecCommand[] {
  return [
    subsystemExec({
      id: "show.ip.bgp",
      mode: BOTH,
      syntax: "show ip bgp [(labels$labels|A.B.C.D$address|A.B.C.D/M$prefix)]",
      help: [SHOW, IP, BGP, LABELS, "Network in the BGP routing table to display", "IP prefix <network>/<length>, e.g., 35.0.0.0/8"],
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
      id: "show.bgp.ipv4.unicast.labels",
      mode: BOTH,
      syntax: "show bgp ipv4 unicast labels",
      help: [SHOW, BGP, "Address family", "Address Family modifier", LABELS],
      pipe: true,
      run: ({ router, print }) => {
        const out = showPaths(instanceOf(router), { family: "ipv4" }, "labels");
        if (out !== "") print(out);
      },
    }),
    subsystemExec({
      id: "show.ip.bgp.vpnv4",
      mode: BOTH,
      syntax: "show ip bgp vpnv4 (all$all|vrf WORD$vrf) [(labels$labels|A.B.C.D$address|A.B.C.D/M$prefix)]",
      help: [
        SHOW,
        IP,
        BGP,
        "Display VPNv4 NLRI specific information",
        "Display information about all VPNv4 NLRIs",
        "Display information for a VPN Routing/Forwarding instance",
        "VPN Routing/Forwarding instance name",
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
        const address = args.optIp("address");
        const prefix: Prefix | undefined = args.has("prefix") ? args.prefix("prefix") : undefined;
        const q: BgpRowQuery = { family: "vpnv4", ...(vrf !== undefined ? { vrf } : {}), ...(address !== undefined ? { address } : {}), ...(prefix !== undefined ? { prefix } : {}) };
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
      syntax: "show ip bgp summary",
      help: [SHOW, IP, BGP, "Summarized information of BGP state"],
      pipe: true,
      run: ({ router, print }) => print(summary(router, instanceOf(router), "ipv4").trimEnd()),
    }),
    subsystemExec({
      id: "show.ip.bgp.vpnv4.summary",
      mode: BOTH,
      syntax: "show ip bgp vpnv4 all summary",
      help: [SHOW, IP, BGP, "Display VPNv4 NLRI specific information", "Display information about all VPNv4 NLRIs", "Summarized information of BGP state"],
      pipe: true,
      run: ({ router, print }) => print(summary(router, instanceOf(router), "vpnv4").trimEnd()),
    }),
    subsystemExec({
      id: "show.ip.bgp.neighbors",
      mode: BOTH,
      syntax: "show ip bgp neighbors [A.B.C.D$address]",
      help: [SHOW, IP, BGP, "Detailed information on TCP and BGP neighbor connections", "Neighbor to display information about"],
      pipe: true,
      run: ({ router, args, print }) => print(neighbors(router, instanceOf(router), args.optIp("address")).trimEnd()),
    }),
    subsystemExec({
      id: "show.ip.bgp.neighbor-routes",
      mode: BOTH,
      syntax: "show ip bgp [vpnv4 (all$all|vrf WORD$vrf)] neighbors A.B.C.D$address (received-routes|routes|advertised-routes)$view",
      help: [
        SHOW,
        IP,
        BGP,
        "Display VPNv4 NLRI specific information",
        "Display information about all VPNv4 NLRIs",
        "Display information for a VPN Routing/Forwarding instance",
        "VPN Routing/Forwarding instance name",
        "Detailed information on TCP and BGP neighbor connections",
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
