// `interface NAME` and the interface commands about identity and addressing: description,
// shutdown, MAC, dot1Q, VRF membership and IPv4 addressing.

import { formatIpv4, maskLength, maskOf, type Ipv4 } from "../../wire/addr";
import { command, type ConfigCommand, type CtxOf, type Outcome, type RenderItem } from "../command";
import { compareInterfaceNames, isPhysicalPort, parseInterfaceName } from "../grammar/interface-name";
import { newInterface, type InterfaceAddress, type InterfaceConfig } from "../model/interface";
import type { RouterConfig } from "../model/router";
import { descriptionProblem } from "../names";
import { TOP } from "./order";
import { setting } from "./setting";

export const IF_MODES = ["config-if", "config-if-tunnel", "config-subif"] as const;
const IP = "Interface Internet Protocol config commands";

/** The interface a sub-mode is about. */
export function iface(m: RouterConfig, ctx: CtxOf<"config-if">): InterfaceConfig {
  const name = ctx.interface;
  const i = m.interfaces[name];
  if (!i) throw new Error(`interface ${name} vanished`);
  return i;
}

/** The interface sub-mode for a name: tunnels get the tunnel commands, subinterfaces their own. */
export function interfaceMode(name: string): "config-if" | "config-if-tunnel" | "config-subif" {
  const n = parseInterfaceName(name);
  if (n?.sub !== undefined) return "config-subif";
  return n?.type === "Tunnel" || n?.type === "Virtual-Template" ? "config-if-tunnel" : "config-if";
}

function setVrf(m: RouterConfig, ctx: CtxOf<"config-if">, name: string, style: "vrf" | "ip-vrf"): Outcome | void {
  const i = iface(m, ctx);
  if (!m.vrfs[name]) return { error: `% VRF ${name} not configured.` };
  if (i.vrf?.name === name) return;
  // IOS drops the IPv4 configuration when an interface changes VRF, and says so.
  const had = i.ipv4.kind !== "none" || i.pendingSecondaries !== undefined;
  i.vrf = { name, style };
  i.ipv4 = { kind: "none" };
  delete i.pendingSecondaries;
  if (had) return { output: [`% Interface ${i.name} IPv4 disabled and address(es) removed due to enabling VRF ${name}`] };
}

function clearVrf(m: RouterConfig, ctx: CtxOf<"config-if">, name: string | undefined): Outcome | void {
  const i = iface(m, ctx);
  if (!i.vrf) return;
  if (name !== undefined && name !== i.vrf.name) return { error: `% VRF ${name} not configured on this interface.` };
  const had = i.ipv4.kind !== "none" || i.pendingSecondaries !== undefined;
  const old = i.vrf.name;
  delete i.vrf;
  i.ipv4 = { kind: "none" };
  delete i.pendingSecondaries;
  if (had) return { output: [`% Interface ${i.name} IPv4 disabled and address(es) removed due to disabling VRF ${old}`] };
}

function addressArgs(a: InterfaceAddress, secondary: boolean): RenderItem {
  return { args: { address: a.address, mask: maskOf(a.prefixLen), ...(secondary ? { secondary: "secondary" } : {}) } };
}

function sameAddress(a: InterfaceAddress, address: Ipv4, len: number): boolean {
  return a.address === address && a.prefixLen === len;
}

export const interfaceCommands: readonly ConfigCommand[] = [
  command({
    id: "interface",
    mode: "config",
    syntax: "interface INTERFACE$name [type tunnel$tunnel]",
    help: ["Select an interface to configure", "Interface", "Type of the virtual-template", "Tunnel interface"],
    order: TOP.interface,
    enters: (a) => interfaceMode(a.name),
    apply: (m, a) => {
      const name = a.name;
      const n = parseInterfaceName(name);
      if (a.tunnel !== undefined && n?.type !== "Virtual-Template") return { error: "% Only Virtual-Template interfaces have a type." };
      const i = m.interfaces[name] ?? (m.interfaces[name] = newInterface(name));
      if (a.tunnel !== undefined) {
        i.templateType = "tunnel";
        i.tunnel ??= { mode: "gre-ip" };
      }
      if (n?.type === "Tunnel") i.tunnel ??= { mode: "gre-ip" };
      return { ctx: { interface: name } };
    },
    no: {
      syntax: "interface INTERFACE$name",
      apply: (m, a) => {
        const name = a.name;
        if (isPhysicalPort(name)) return { error: "% Physical interfaces cannot be removed." };
        delete m.interfaces[name];
      },
    },
    render: (m) =>
      Object.keys(m.interfaces)
        .sort(compareInterfaceNames)
        .map((name) => ({ args: { name, ...(m.interfaces[name].templateType ? { tunnel: "tunnel" } : {}) }, child: { interface: name } })),
  }),
  setting({
    id: "interface.description",
    mode: IF_MODES,
    syntax: "description LINE$text",
    noSyntax: "description [LINE$text]",
    help: ["Interface specific description", "Up to 240 characters describing this interface"],
    order: 10,
    at: iface,
    field: "description",
    arg: "text",
    check: (text) => descriptionProblem(text),
  }),
  command({
    id: "interface.mac-address",
    mode: "config-if",
    syntax: "mac-address H.H.H$mac",
    help: ["Manually set interface MAC address", "MAC address"],
    order: 15,
    apply: (m, a, c) => {
      iface(m, c).macAddress = a.mac;
    },
    no: {
      syntax: "mac-address [H.H.H$mac]",
      apply: (m, _a, c) => {
        delete iface(m, c).macAddress;
      },
    },
    render: (m, c) => {
      const mac = iface(m, c).macAddress;
      return mac === undefined ? [] : [{ args: { mac } }];
    },
  }),
  command({
    id: "interface.encapsulation-dot1q",
    mode: "config-subif",
    syntax: "encapsulation dot1Q <1-4094>$vlan [native$native]",
    help: ["Set encapsulation type for an interface", "IEEE 802.1Q Virtual LAN", "IEEE 802.1Q VLAN ID", "Make this as native vlan"],
    order: 20,
    apply: (m, a, c) => {
      iface(m, c).dot1q = { vlan: a.vlan, native: a.native !== undefined };
    },
    no: {
      syntax: "encapsulation dot1Q [<1-4094>$vlan [native$native]]",
      apply: (m, _a, c) => {
        delete iface(m, c).dot1q;
      },
    },
    render: (m, c) => {
      const d = iface(m, c).dot1q;
      return d === undefined ? [] : [{ args: { vlan: d.vlan, ...(d.native ? { native: "native" } : {}) } }];
    },
  }),
  command({
    id: "interface.vrf-forwarding",
    mode: IF_MODES,
    syntax: "vrf forwarding WORD$vrf",
    help: ["VPN Routing/Forwarding parameters on the interface", "Configure forwarding table", "VRF name"],
    order: 30,
    apply: (m, a, c) => setVrf(m, c, a.vrf, "vrf"),
    no: { syntax: "vrf forwarding [WORD$vrf]", apply: (m, a, c) => clearVrf(m, c, a.vrf) },
    render: (m, c) => {
      const v = iface(m, c).vrf;
      return v?.style === "vrf" ? [{ args: { vrf: v.name } }] : [];
    },
  }),
  command({
    id: "interface.ip-vrf-forwarding",
    mode: IF_MODES,
    syntax: "ip vrf forwarding WORD$vrf",
    help: [IP, "VPN Routing/Forwarding parameters on the interface", "Configure forwarding table", "VRF name"],
    order: 31,
    apply: (m, a, c) => setVrf(m, c, a.vrf, "ip-vrf"),
    no: { syntax: "ip vrf forwarding [WORD$vrf]", apply: (m, a, c) => clearVrf(m, c, a.vrf) },
    render: (m, c) => {
      const v = iface(m, c).vrf;
      return v?.style === "ip-vrf" ? [{ args: { vrf: v.name } }] : [];
    },
  }),
  command({
    id: "interface.ip-address",
    mode: IF_MODES,
    syntax: "ip address A.B.C.D$address A.B.C.D$mask [secondary$secondary]",
    help: [IP, "Set the IP address of an interface", "IP address", "IP subnet mask", "Make this IP address a secondary address"],
    order: 40,
    apply: (m, a, c) => {
      const i = iface(m, c);
      const address = a.address;
      const mask = a.mask;
      const len = maskLength(mask);
      if (len === undefined) return { error: `Bad mask 0x${mask.toString(16).toUpperCase()} for address ${formatIpv4(address)}` };
      const entry: InterfaceAddress = { address, prefixLen: len };
      if (a.secondary === undefined) {
        const kept = [...(i.ipv4.kind === "static" ? i.ipv4.secondaries : []), ...(i.pendingSecondaries ?? [])];
        i.ipv4 = { kind: "static", primary: entry, secondaries: kept.filter((s) => s.address !== address) };
        delete i.pendingSecondaries;
        return;
      }
      if (i.ipv4.kind !== "static") {
        const pending = i.pendingSecondaries ?? [];
        if (!pending.some((s) => s.address === address)) i.pendingSecondaries = [...pending, entry];
        return;
      }
      if (i.ipv4.secondaries.some((s) => s.address === address) || i.ipv4.primary.address === address) return;
      i.ipv4 = { ...i.ipv4, secondaries: [...i.ipv4.secondaries, entry] };
    },
    no: {
      syntax: "ip address [A.B.C.D$address A.B.C.D$mask [secondary$secondary]]",
      apply: (m, a, c) => {
        const i = iface(m, c);
        // The syntax binds the address and its mask together.
        if (a.address === undefined || a.mask === undefined) {
          if (i.ipv4.kind === "static") i.ipv4 = { kind: "none" };
          delete i.pendingSecondaries;
          return;
        }
        const address = a.address;
        const len = maskLength(a.mask) ?? -1;
        if (i.pendingSecondaries) {
          i.pendingSecondaries = i.pendingSecondaries.filter((s) => !sameAddress(s, address, len));
          if (i.pendingSecondaries.length === 0) delete i.pendingSecondaries;
        }
        if (i.ipv4.kind !== "static") return;
        if (a.secondary !== undefined) {
          i.ipv4 = { ...i.ipv4, secondaries: i.ipv4.secondaries.filter((s) => !sameAddress(s, address, len)) };
          return;
        }
        if (!sameAddress(i.ipv4.primary, address, len)) return { error: `${formatIpv4(address)} is not the primary address` };
        if (i.ipv4.secondaries.length > 0) return { error: "Must delete secondary before deleting primary" };
        i.ipv4 = { kind: "none" };
      },
    },
    // IOS lists the secondary addresses before the primary one.
    render: (m, c) => {
      const i = iface(m, c);
      const v = i.ipv4;
      const pending = (i.pendingSecondaries ?? []).map((s) => addressArgs(s, true));
      if (v.kind === "none") return pending.length > 0 ? pending : [{ args: {}, no: true }];
      if (v.kind !== "static") return pending;
      return [...v.secondaries.map((s) => addressArgs(s, true)), addressArgs(v.primary, false)];
    },
  }),
  command({
    id: "interface.ip-address-negotiated",
    mode: IF_MODES,
    syntax: "ip address negotiated",
    help: [IP, "Set the IP address of an interface", "IP Address negotiated over PPP or IKEv2"],
    order: 40,
    apply: (m, _a, c) => {
      iface(m, c).ipv4 = { kind: "negotiated" };
    },
    no: {
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.ipv4.kind === "negotiated") i.ipv4 = { kind: "none" };
      },
    },
    render: (m, c) => (iface(m, c).ipv4.kind === "negotiated" ? [{ args: {} }] : []),
  }),
  command({
    id: "interface.ip-address-dhcp",
    mode: IF_MODES,
    syntax: "ip address dhcp",
    help: [IP, "Set the IP address of an interface", "IP Address negotiated via DHCP"],
    order: 40,
    inert: "no DHCP server answers on a lab link: the interface stays unassigned",
    family: "interface IP options",
    apply: (m, _a, c) => {
      iface(m, c).ipv4 = { kind: "dhcp" };
    },
    no: {
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.ipv4.kind === "dhcp") i.ipv4 = { kind: "none" };
      },
    },
    render: (m, c) => (iface(m, c).ipv4.kind === "dhcp" ? [{ args: {} }] : []),
  }),
  command({
    id: "interface.ip-unnumbered",
    mode: IF_MODES,
    syntax: "ip unnumbered INTERFACE$interface",
    help: [IP, "Enable IP processing without an explicit address", "Interface"],
    order: 40,
    apply: (m, a, c) => {
      iface(m, c).ipv4 = { kind: "unnumbered", interface: a.interface };
    },
    no: {
      syntax: "ip unnumbered [INTERFACE$interface]",
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.ipv4.kind === "unnumbered") i.ipv4 = { kind: "none" };
      },
    },
    render: (m, c) => {
      const v = iface(m, c).ipv4;
      return v.kind === "unnumbered" ? [{ args: { interface: v.interface } }] : [];
    },
  }),
];
