// Data-plane show commands: show ip interface brief, show interfaces, show ip route,
// show ip arp, show vrf. Each builds typed rows (the mgmt API serves the same rows) and
// formats them in IOS's layout.
import type { Interface } from "../../net/interface";
import type { Router } from "../../node/router";
import { TABLES, showTable } from "../../node/tables";
import { maskLength } from "../../wire/addr";
import { BOTH, exec, type ExecCommand } from "../exec-command";
import { formatInterfaces } from "./show-interfaces";

const SHOW = "Show running system information";
const IP = "IP information";

function vrfExists(router: Router, name: string | undefined, print: (text: string) => void): boolean {
  if (name === undefined || router.stack.vrf(name)) return true;
  print(`% IP routing table ${name} does not exist`);
  return false;
}

export const ipShowCommands: readonly ExecCommand[] = [
  exec({
    id: "show.ip.interface.brief",
    mode: BOTH,
    syntax: "show ip interface brief",
    help: [SHOW, IP, "IP interface status and configuration", "Brief summary of IP status and configuration"],
    pipe: true,
    run: ({ router, print }) => {
      print(showTable(router, TABLES.interfaces));
    },
  }),
  exec({
    id: "show.interfaces",
    mode: BOTH,
    syntax: "show interfaces [INTERFACE$name]",
    help: [SHOW, "Interface status and configuration", "Interface name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name");
      const list = name === undefined ? router.stack.interfaces() : [router.stack.interface(name)].filter((i): i is Interface => i !== undefined);
      if (name !== undefined && list.length === 0) {
        print(`% Invalid input detected: ${name} does not exist`);
        return;
      }
      print(formatInterfaces(router, list));
    },
  }),
  exec({
    id: "show.ip.route",
    mode: BOTH,
    syntax: "show ip route [vrf WORD$vrf] [A.B.C.D$address [NETMASK$mask]]",
    help: [SHOW, IP, "IP routing table", "Display routes from a VPN Routing/Forwarding instance", "VPN Routing/Forwarding instance name", "Network to display information about or host", "Network mask"],
    pipe: true,
    run: ({ router, args, print }) => {
      const vrf = args.optStr("vrf");
      if (!vrfExists(router, vrf, print)) return;
      const address = args.optIp("address");
      if (address === undefined) {
        print(showTable(router, TABLES.routes, { vrf: vrf ?? "" }));
        return;
      }
      const mask = args.optIp("mask");
      const len = mask === undefined ? undefined : maskLength(mask);
      if (mask !== undefined && len === undefined) {
        print("%Inconsistent address and mask");
        return;
      }
      print(router.routing.showIpRouteEntry(vrf, address, len));
    },
  }),
  exec({
    id: "show.ip.arp",
    mode: BOTH,
    syntax: "show ip arp [vrf WORD$vrf]",
    help: [SHOW, IP, "IP ARP table", "Specify a VRF", "VRF name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const vrf = args.optStr("vrf");
      if (!vrfExists(router, vrf, print)) return;
      print(showTable(router, TABLES.arp, { vrf: vrf ?? "" }));
    },
  }),
  exec({
    id: "show.vrf",
    mode: BOTH,
    syntax: "show vrf [detail$detail] [WORD$name]",
    help: [SHOW, "VPN Routing/Forwarding instance information", "Detailed VPN Routing/Forwarding instance information", "VPN Routing/Forwarding instance name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name");
      const text = showTable(router, TABLES.vrf, { name, detail: args.has("detail") });
      if (text) print(text);
      else if (name !== undefined) print(`% No VRF named ${name}`);
    },
  }),
];
