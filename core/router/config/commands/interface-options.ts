// Per-interface IP options and administrative state: MTU, ICMP unreachables and redirects,
// TCP MSS clamping, shutdown.

import type { ConfigCommand } from "../command";
import { flag } from "./flag";
import { setting } from "./setting";
import { iface, IF_MODES } from "./interface";

const IP = "Interface Internet Protocol config commands";

export const interfaceOptionCommands: readonly ConfigCommand[] = [
  flag({
    id: "interface.ip-redirects",
    mode: IF_MODES,
    syntax: "ip redirects",
    help: [IP, "Enable sending ICMP Redirect messages"],
    order: 50,
    defaultOn: true,
    get: (m, c) => iface(m, c).ipRedirects,
    set: (m, c, on) => {
      iface(m, c).ipRedirects = on;
    },
  }),
  flag({
    id: "interface.ip-unreachables",
    mode: IF_MODES,
    syntax: "ip unreachables",
    help: [IP, "Enable sending ICMP Unreachable messages"],
    order: 51,
    defaultOn: true,
    get: (m, c) => iface(m, c).ipUnreachables,
    set: (m, c, on) => {
      iface(m, c).ipUnreachables = on;
    },
  }),
  flag({
    id: "interface.ip-proxy-arp",
    mode: IF_MODES,
    syntax: "ip proxy-arp",
    help: [IP, "Enable proxy ARP"],
    order: 51.5,
    defaultOn: true,
    get: (m, c) => iface(m, c).ipProxyArp,
    set: (m, c, on) => {
      iface(m, c).ipProxyArp = on;
    },
  }),
  setting({
    id: "interface.ip-mtu",
    mode: IF_MODES,
    syntax: "ip mtu <68-9976>$bytes",
    noSyntax: "ip mtu [<68-9976>$bytes]",
    help: [IP, "Set IP Maximum Transmission Unit", "MTU (bytes)"],
    order: 52,
    at: iface,
    field: "ipMtu",
    arg: "bytes",
  }),
  setting({
    id: "interface.ip-tcp-adjust-mss",
    mode: IF_MODES,
    syntax: "ip tcp adjust-mss <500-1460>$bytes",
    noSyntax: "ip tcp adjust-mss [<500-1460>$bytes]",
    help: [IP, "TCP header compression and/or adjust-mss", "Adjust the mss of transit packets", "Maximum segment size in bytes"],
    order: 65,
    at: iface,
    field: "tcpAdjustMss",
    arg: "bytes",
  }),
  flag({
    id: "interface.shutdown",
    mode: IF_MODES,
    syntax: "shutdown",
    help: ["Shutdown the selected interface"],
    order: 70,
    defaultOn: false,
    get: (m, c) => iface(m, c).shutdown,
    set: (m, c, on) => {
      iface(m, c).shutdown = on;
    },
  }),
];
