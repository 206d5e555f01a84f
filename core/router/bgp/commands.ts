// BGP's exec commands: `show ip bgp [summary]`, `show ip bgp vpnv4 …`, `show ip bgp
// neighbors [X]`, `clear ip bgp * | X [soft [in|out]]`, and the `debug ip bgp [updates]` flags.
// Each gets the router's BGP instance through `instanceOf`, so this file does not import the
// subsystem that lists it.
import { BOTH, PRIV, subsystemExec, type DebugFlagSpec, type SubsystemExecCommand, type SubsystemHost } from "../node/subsystem";
import { formatIpv4, formatPrefix, type Ipv4 } from "../wire/addr";
import { formatBgpNeighbor, formatBgpSummary, summaryRow } from "./show-session";
import type { SessionFamily } from "./session";
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

function summary(router: SubsystemHost, b: BgpInstance, family: SessionFamily): string {
  if (b.asn === undefined) return "% BGP not active\n";
  const table = b.tableSummary(family);
  const now = router.clock.now();
  const rows = b
    .all()
    .filter((n) => n.plan.families.includes(family) || (family === "ipv4" && n.plan.vrf !== ""))
    .map((n) => summaryRow(b.shownId(n), n.plan.vrf, n.session, now, table.tableVersion, b.prefixesReceived(n, family)));
  const ranges = (b.bgpConfig?.listenRanges ?? []).map((r) => ({ peerGroup: r.peerGroup, range: formatPrefix(r.prefix) }));
  return formatBgpSummary(
    { routerId: formatIpv4(b.routerId), localAs: b.asn, tableVersion: table.tableVersion, tableLines: table.lines, listen: { dynamic: b.dynamicCount(), limit: b.bgpConfig?.listenLimit ?? 100, ranges } },
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
        },
        now,
      ),
    )
    .join("\n");
}

export function bgpExecCommands(instanceOf: (router: SubsystemHost) => BgpInstance): SubsystemExecCommand[] {
  return [
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
