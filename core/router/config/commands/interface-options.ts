// Per-interface IP options and administrative state: MTU, ICMP unreachables and redirects,
// TCP MSS clamping, shutdown.

import { command, type ConfigCommand } from "../command";
import { flag } from "./flag";
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
  command({
    id: "interface.ip-mtu",
    mode: IF_MODES,
    syntax: "ip mtu <68-9976>$bytes",
    help: [IP, "Set IP Maximum Transmission Unit", "MTU (bytes)"],
    order: 52,
    apply: (m, a, c) => {
      iface(m, c).ipMtu = a.bytes;
    },
    no: {
      syntax: "ip mtu [<68-9976>$bytes]",
      apply: (m, _a, c) => {
        delete iface(m, c).ipMtu;
      },
    },
    render: (m, c) => {
      const v = iface(m, c).ipMtu;
      return v === undefined ? [] : [{ args: { bytes: v } }];
    },
  }),
  command({
    id: "interface.ip-tcp-adjust-mss",
    mode: IF_MODES,
    syntax: "ip tcp adjust-mss <500-1460>$bytes",
    help: [IP, "TCP header compression and/or adjust-mss", "Adjust the mss of transit packets", "Maximum segment size in bytes"],
    order: 65,
    apply: (m, a, c) => {
      iface(m, c).tcpAdjustMss = a.bytes;
    },
    no: {
      syntax: "ip tcp adjust-mss [<500-1460>$bytes]",
      apply: (m, _a, c) => {
        delete iface(m, c).tcpAdjustMss;
      },
    },
    render: (m, c) => {
      const v = iface(m, c).tcpAdjustMss;
      return v === undefined ? [] : [{ args: { bytes: v } }];
    },
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
