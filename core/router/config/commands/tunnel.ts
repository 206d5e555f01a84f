// Tunnel interfaces (Tunnel, Virtual-Template): source, destination, mode, key and IPsec
// protection; and the MPLS interface commands MPLS over FlexVPN uses (NHRP's are in nhrp.ts).

import { command, type ConfigCommand } from "../command";
import type { TunnelConfig } from "../model/interface";
import type { RouterConfig } from "../model/router";
import type { CtxOf } from "../command";
import { bound, type ArgRecord } from "../grammar/args";
import { flag } from "./flag";
import { iface, IF_MODES } from "./interface";
import { flexVpnMplsIpWarning } from "./kept-mpls";
import { setting } from "./setting";

const TUNNEL = "Protocol-over-protocol tunneling";
const MPLS = "Configure MPLS interface parameters";

function tunnel(m: RouterConfig, c: CtxOf<"config-if-tunnel">): TunnelConfig {
  const i = iface(m, c);
  return (i.tunnel ??= { mode: "gre-ip" });
}

export const tunnelCommands: readonly ConfigCommand[] = [
  command({
    id: "tunnel.source",
    mode: "config-if-tunnel",
    syntax: "tunnel source (A.B.C.D$address|INTERFACE$interface)",
    help: [TUNNEL, "source of tunnel packets", "ip address", "Interface"],
    order: 90,
    apply: (m, a, c) => {
      tunnel(m, c).source = a.address !== undefined ? { kind: "address", address: a.address } : { kind: "interface", interface: bound(a.interface, "interface") };
    },
    no: {
      syntax: "tunnel source [(A.B.C.D$address|INTERFACE$interface)]",
      apply: (m, _a, c) => {
        delete tunnel(m, c).source;
      },
    },
    render: (m, c) => {
      const s = iface(m, c).tunnel?.source;
      if (!s) return [];
      const args: ArgRecord = s.kind === "address" ? { address: s.address } : { interface: s.interface };
      return [{ args }];
    },
  }),
  setting({
    id: "tunnel.destination",
    mode: "config-if-tunnel",
    syntax: "tunnel destination A.B.C.D$address",
    noSyntax: "tunnel destination [A.B.C.D$address]",
    help: [TUNNEL, "destination of tunnel", "ip address"],
    order: 91,
    at: tunnel,
    peek: (m, c) => iface(m, c).tunnel,
    field: "destination",
    arg: "address",
  }),
  command({
    id: "tunnel.mode",
    mode: "config-if-tunnel",
    syntax: "tunnel mode (gre (ip|multipoint)$gre|ipsec ipv4$ipsec)",
    help: [TUNNEL, "tunnel encapsulation method", "generic route encapsulation protocol", "over IP", "over IPv4 (multipoint)", "IPSec tunnel encapsulation", "over IPv4"],
    order: 92,
    apply: (m, a, c) => {
      tunnel(m, c).mode = a.ipsec !== undefined ? "ipsec-ipv4" : a.gre === "multipoint" ? "gre-multipoint" : "gre-ip";
    },
    no: {
      syntax: "tunnel mode [(gre (ip|multipoint)$gre|ipsec ipv4$ipsec)]",
      apply: (m, _a, c) => {
        tunnel(m, c).mode = "gre-ip";
      },
    },
    render: (m, c) => {
      const mode = iface(m, c).tunnel?.mode;
      if (mode === "gre-multipoint") return [{ args: { gre: "multipoint" } }];
      if (mode === "ipsec-ipv4") return [{ args: { ipsec: "ipv4" } }];
      return [];
    },
  }),
  setting({
    id: "tunnel.key",
    mode: "config-if-tunnel",
    syntax: "tunnel key <0-4294967295>$key",
    noSyntax: "tunnel key [<0-4294967295>$key]",
    help: [TUNNEL, "security or selector key", "key"],
    order: 93,
    at: tunnel,
    peek: (m, c) => iface(m, c).tunnel,
    field: "key",
    arg: "key",
  }),
  setting({
    id: "tunnel.protection",
    mode: "config-if-tunnel",
    syntax: "tunnel protection ipsec profile WORD$profile",
    noSyntax: "tunnel protection ipsec profile [WORD$profile]",
    help: [TUNNEL, "Enable tunnel protection", "Use ipsec protection", "Determine the ipsec policy profile to use.", "Name of the profile"],
    order: 94,
    at: tunnel,
    peek: (m, c) => iface(m, c).tunnel,
    field: "protectionProfile",
    arg: "profile",
  }),
  flag({
    id: "mpls.ip",
    mode: IF_MODES,
    syntax: "mpls ip",
    help: [MPLS, "Configure dynamic MPLS forwarding for IP"],
    order: 80,
    defaultOn: false,
    get: (m, c) => iface(m, c).mpls.ip,
    set: (m, c, on) => {
      iface(m, c).mpls.ip = on;
    },
    caution: (m, c) => flexVpnMplsIpWarning(iface(m, c)),
  }),
  flag({
    id: "mpls.bgp-forwarding",
    mode: IF_MODES,
    syntax: "mpls bgp forwarding",
    help: [MPLS, "Configure BGP forwarding on interface", "Configure BGP forwarding on interface"],
    order: 81,
    defaultOn: false,
    get: (m, c) => iface(m, c).mpls.bgpForwarding,
    set: (m, c, on) => {
      iface(m, c).mpls.bgpForwarding = on;
    },
  }),
  flag({
    id: "mpls.nhrp",
    mode: IF_MODES,
    syntax: "mpls nhrp",
    help: [MPLS, "Enable MPLS over NHRP on the interface"],
    order: 82,
    defaultOn: false,
    get: (m, c) => iface(m, c).mpls.nhrp,
    set: (m, c, on) => {
      iface(m, c).mpls.nhrp = on;
    },
  }),
];
