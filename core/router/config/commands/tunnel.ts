// Tunnel interfaces (Tunnel, Virtual-Template): source, destination, mode, key and IPsec
// protection; and the NHRP and MPLS interface commands MPLS over FlexVPN uses.

import { command, type ConfigCommand } from "../command";
import type { InterfaceConfig, NhrpConfig, TunnelConfig } from "../model/interface";
import type { RouterConfig } from "../model/router";
import type { CtxOf } from "../command";
import { bound, type ArgRecord } from "../grammar/args";
import { flag } from "./flag";
import { iface, IF_MODES } from "./interface";
import { flexVpnMplsIpWarning } from "./kept-mpls";
import { setting } from "./setting";

const TUNNEL = "Protocol-over-protocol tunneling";
const IP = "Interface Internet Protocol config commands";
const NHRP = "NBMA Next Hop Resolution Protocol";
const MPLS = "Configure MPLS interface parameters";

function tunnel(m: RouterConfig, c: CtxOf<"config-if-tunnel">): TunnelConfig {
  const i = iface(m, c);
  return (i.tunnel ??= { mode: "gre-ip" });
}

function nhrp(i: InterfaceConfig): NhrpConfig {
  return (i.nhrp ??= { redirect: false, shortcut: false });
}

/** Drops the NHRP block once nothing in it is set, so running-config and the model agree. */
function tidyNhrp(i: InterfaceConfig): void {
  const n = i.nhrp;
  if (n && n.networkId === undefined && n.holdtimeSec === undefined && !n.redirect && !n.shortcut) delete i.nhrp;
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
  command({
    id: "nhrp.network-id",
    mode: IF_MODES,
    syntax: "ip nhrp network-id <1-4294967295>$id",
    help: [IP, NHRP, "NBMA Network Identifier", "Identifier"],
    order: 60,
    apply: (m, a, c) => {
      nhrp(iface(m, c)).networkId = a.id;
    },
    no: {
      syntax: "ip nhrp network-id [<1-4294967295>$id]",
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.nhrp) delete i.nhrp.networkId;
        tidyNhrp(i);
      },
    },
    render: (m, c) => {
      const id = iface(m, c).nhrp?.networkId;
      return id === undefined ? [] : [{ args: { id } }];
    },
  }),
  command({
    id: "nhrp.holdtime",
    mode: IF_MODES,
    syntax: "ip nhrp holdtime <1-65535>$seconds",
    help: [IP, NHRP, "Advertised holdtime", "Number of seconds"],
    order: 61,
    apply: (m, a, c) => {
      nhrp(iface(m, c)).holdtimeSec = a.seconds;
    },
    no: {
      syntax: "ip nhrp holdtime [<1-65535>$seconds]",
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.nhrp) delete i.nhrp.holdtimeSec;
        tidyNhrp(i);
      },
    },
    render: (m, c) => {
      const s = iface(m, c).nhrp?.holdtimeSec;
      return s === undefined ? [] : [{ args: { seconds: s } }];
    },
  }),
  flag({
    id: "nhrp.redirect",
    mode: IF_MODES,
    syntax: "ip nhrp redirect",
    help: [IP, NHRP, "Enable NHRP redirect"],
    order: 62,
    defaultOn: false,
    get: (m, c) => iface(m, c).nhrp?.redirect ?? false,
    set: (m, c, on) => {
      const i = iface(m, c);
      nhrp(i).redirect = on;
      tidyNhrp(i);
    },
  }),
  flag({
    id: "nhrp.shortcut",
    mode: IF_MODES,
    syntax: "ip nhrp shortcut",
    help: [IP, NHRP, "Enable shortcut switching"],
    order: 63,
    defaultOn: false,
    get: (m, c) => iface(m, c).nhrp?.shortcut ?? false,
    set: (m, c, on) => {
      const i = iface(m, c);
      nhrp(i).shortcut = on;
      tidyNhrp(i);
    },
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
