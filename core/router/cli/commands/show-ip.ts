// Data-plane show commands: show ip interface brief, show interfaces, show ip route,
// show ip arp, show vrf. Each builds typed rows (the mgmt API serves the same rows) and
// formats them in IOS's layout.
import type { Interface } from "../../net/interface";
import type { Router } from "../../node/router";
import { TABLES, showTable } from "../../node/tables";
import { formatRouteTable } from "../../routing/show-route";
import { formatRouteSummary, routeSummary } from "../../routing/show-route-summary";
import { formatIpVrfBrief, formatIpVrfDetail } from "../../node/show-vrf";
import { prefixContainsAddress } from "../../routing/route";
import { formatIpv4, maskLength, parsePrefix, prefix } from "../../wire/addr";
import { BOTH, exec, type ExecCommand } from "../exec-command";
import { formatIpTraffic, ipTraffic } from "../../net/show-traffic";
import { formatTcpBrief, tcpBriefRows } from "../../net/tcp/show-tcp";
import { formatInterfaces, formatInterfacesSummary } from "./show-interfaces";
import { formatIpInterface } from "./show-ip-interface";
import { ipProtocolsText } from "./show-protocols";

const SHOW = "Show running system information";
const IP = "IP information";

/** `show ip route [vrf X] summary`: the table's id is its VRF id (0 for the global table). */
function routeSummaryText(router: Router, vrf: string | undefined): string {
  const rows = TABLES.routes.rows(router, { vrf: vrf ?? "" });
  const tableId = router.stack.vrf(vrf)?.id ?? 0;
  return formatRouteSummary(routeSummary(rows, vrf ?? "default", tableId, router.running.bgp?.asn));
}

function vrfExists(router: Router, name: string | undefined, print: (text: string) => void): boolean {
  if (name === undefined || router.stack.vrf(name)) return true;
  print(`% IP routing table ${name} does not exist`);
  return false;
}

export const ipShowCommands: readonly ExecCommand[] = [
  exec({
    id: "show.ip.interface",
    mode: BOTH,
    // IOS takes the interface before or after `brief`.
    syntax: "show ip interface [(brief$brief [INTERFACE$name]|INTERFACE$name [brief$brief])]",
    help: [SHOW, IP, "IP interface status and configuration", "Brief summary of IP status and configuration", "Interface name", "Interface name", "Brief summary of IP status and configuration"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name");
      const iface = name === undefined ? undefined : router.stack.interface(name);
      if (name !== undefined && iface === undefined) {
        print(`% Invalid input detected: ${name} does not exist`);
        return;
      }
      if (args.has("brief")) {
        const rows = TABLES.interfaces.rows(router);
        print(TABLES.interfaces.format(iface === undefined ? rows : rows.filter((r) => r.interface === iface.name)));
        return;
      }
      const list = iface !== undefined ? [iface] : router.stack.interfaces().filter((i) => i.kind !== "null");
      print(list.map((i) => formatIpInterface(router, i)).join("\n"));
    },
  }),
  exec({
    id: "show.interfaces",
    mode: BOTH,
    syntax: "show interfaces [INTERFACE$name] [summary$summary]",
    help: [SHOW, "Interface status and configuration", "Interface name", "Summary of interface status"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name");
      const list = name === undefined ? router.stack.interfaces() : [router.stack.interface(name)].filter((i): i is Interface => i !== undefined);
      if (name !== undefined && list.length === 0) {
        print(`% Invalid input detected: ${name} does not exist`);
        return;
      }
      print(args.has("summary") ? formatInterfacesSummary(list) : formatInterfaces(router, list));
    },
  }),
  exec({
    id: "show.ip.route",
    mode: BOTH,
    syntax: "show ip route [vrf WORD$vrf] [(A.B.C.D$address [NETMASK$mask [longer-prefixes$longer]]|static$static|connected$connected|bgp$bgp|summary$summary)]",
    help: [
      SHOW,
      IP,
      "IP routing table",
      "Display routes from a VPN Routing/Forwarding instance",
      "VPN Routing/Forwarding instance name",
      "Network to display information about or host",
      "Network mask",
      "Show route matching the specified Network/Mask pair only",
      "Static routes",
      "Connected",
      "Border Gateway Protocol (BGP)",
      "Summary of all routes",
    ],
    pipe: true,
    run: ({ router, args, print }) => {
      const vrf = args.optStr("vrf");
      if (!vrfExists(router, vrf, print)) return;
      if (args.has("summary")) {
        print(routeSummaryText(router, vrf));
        return;
      }
      const address = args.optIp("address");
      const source = args.has("static") ? "static" : args.has("connected") ? "connected" : args.has("bgp") ? "bgp" : undefined;
      if (address === undefined && source === undefined) {
        print(showTable(router, TABLES.routes, { vrf: vrf ?? "" }));
        return;
      }
      const mask = args.optIp("mask");
      const len = mask === undefined ? undefined : maskLength(mask);
      if (mask !== undefined && len === undefined) {
        print("%Inconsistent address and mask");
        return;
      }
      if (address !== undefined && !args.has("longer")) {
        print(router.routing.showIpRouteEntry(vrf, address, len));
        return;
      }
      // A selection of the table, in the table's own layout: one source's routes, or every
      // route inside a prefix (`longer-prefixes`).
      const table = TABLES.routes.rows(router, { vrf: vrf ?? "" });
      const within = address === undefined || len === undefined ? undefined : prefix(address, len);
      const rows = table.filter((r) => {
        if (source === "connected") return r.protocol === "connected" || r.protocol === "local";
        if (source !== undefined) return r.protocol === source;
        const p = parsePrefix(r.prefix);
        return within !== undefined && p !== undefined && p.len >= within.len && prefixContainsAddress(within, p.addr);
      });
      print(formatRouteTable(rows, vrf, table));
    },
  }),
  exec({
    id: "show.ip.protocols",
    mode: BOTH,
    syntax: "show ip protocols [vrf WORD$vrf]",
    help: [SHOW, IP, "IP routing protocol process parameters and statistics", "Display protocols for a VPN Routing/Forwarding instance", "VPN Routing/Forwarding instance name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const vrf = args.optStr("vrf");
      if (!vrfExists(router, vrf, print)) return;
      const text = ipProtocolsText(router, vrf);
      if (text) print(text);
    },
  }),
  exec({
    id: "show.ip.arp",
    mode: BOTH,
    syntax: "show ip arp [vrf WORD$vrf] [(A.B.C.D$address|INTERFACE$name)]",
    help: [SHOW, IP, "IP ARP table", "Specify a VRF", "VRF name", "IP address or hostname of ARP entry", "Interface name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const vrf = args.optStr("vrf");
      if (!vrfExists(router, vrf, print)) return;
      const ip = args.optIp("address");
      const address = ip === undefined ? undefined : formatIpv4(ip);
      const name = args.optStr("name");
      if (address === undefined && name === undefined) {
        print(showTable(router, TABLES.arp, { vrf: vrf ?? "" }));
        return;
      }
      const iface = name === undefined ? undefined : router.stack.interface(name);
      if (name !== undefined && iface === undefined) {
        print(`% Invalid input detected: ${name} does not exist`);
        return;
      }
      // One entry or one interface's; IOS prints nothing, not even the header, for none.
      const rows = TABLES.arp.rows(router, { vrf: vrf ?? "" }).filter((r) => (address === undefined || r.address === address) && (iface === undefined || r.interface === iface.name));
      if (rows.length > 0) print(TABLES.arp.format(rows));
    },
  }),
  exec({
    id: "show.vrf",
    mode: BOTH,
    syntax: "show vrf [(brief$brief|detail$detail)] [WORD$name]",
    help: [SHOW, "VPN Routing/Forwarding instance information", "Brief VPN Routing/Forwarding instance information", "Detailed VPN Routing/Forwarding instance information", "VPN Routing/Forwarding instance name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name");
      const text = showTable(router, TABLES.vrf, { name, detail: args.has("detail") });
      if (text) print(text);
      else if (name !== undefined) print(`% No VRF named ${name}`);
    },
  }),
  exec({
    id: "show.ip.vrf",
    mode: BOTH,
    syntax: "show ip vrf [(brief$brief|detail$detail)] [WORD$name]",
    help: [SHOW, IP, "VPN Routing/Forwarding instance information", "Brief VPN Routing/Forwarding instance information", "Detailed VPN Routing/Forwarding instance information", "VPN Routing/Forwarding instance name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name");
      const rows = TABLES.vrf.rows(router, { name });
      if (rows.length === 0) {
        if (name !== undefined) print(`% No VRF named ${name}`);
        return;
      }
      print(args.has("detail") ? formatIpVrfDetail(rows) : formatIpVrfBrief(rows));
    },
  }),
  exec({
    id: "show.ip.traffic",
    mode: BOTH,
    syntax: "show ip traffic",
    help: [SHOW, IP, "IP protocol statistics"],
    pipe: true,
    run: ({ router, print }) => {
      print(formatIpTraffic(ipTraffic(router.stack.interfaces())));
    },
  }),
  exec({
    id: "show.tcp.brief",
    mode: BOTH,
    syntax: "show tcp brief [all$all]",
    help: [SHOW, "Status of TCP connections", "Brief display of TCP connection status", "All end-points (even listening)"],
    pipe: true,
    run: ({ router, args, print }) => {
      print(formatTcpBrief(tcpBriefRows(router.stack.tcp, args.has("all"))));
    },
  }),
];
