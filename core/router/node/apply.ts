// Brings a router's core data plane — VRFs and interfaces — in line with its configuration
// model: the model is what IOS would show in running-config; this file turns the difference
// between the model last applied and the model now into calls on the NetStack and the routing
// layer. One function per area, each comparing the two models field by field, so re-applying
// an unchanged model does nothing (no spurious %LINEPROTO messages, no ARP churn). Everything
// else (static routes, tunnels, protocols) is a subsystem's reconcile (subsystem.ts).
import type { RouterConfig } from "../config/model/router";
import { newInterface, type InterfaceConfig } from "../config/model/interface";
import { isPhysicalPort, parentInterface } from "../config/grammar/interface-name";
import { EthernetInterface, Dot1qSubinterface } from "../net/ethernet-port";
import type { Interface } from "../net/interface";
import type { NetStack } from "../net/stack";
import type { IpRouting } from "../routing/ip-routing";
import type { Ipv4 } from "../wire/addr";
import type { SubsystemInstance } from "./subsystem";
import type { AccessList } from "../net/acl";
import { applyAccessLists } from "./acl";

export interface DataPlane {
  readonly stack: NetStack;
  readonly routing: IpRouting;
  /** Creates the unconnected port a config names when the lab gave it no link. */
  ensurePort(name: string): EthernetInterface | undefined;
  /** Address IKEv2 assigned to an `ip address negotiated` interface, if any. */
  negotiatedAddress(name: string): { address: Ipv4; prefixLength: number } | undefined;
  /** Reports a problem applying config that the parser could not catch (e.g. an overlap). */
  warn(text: string): void;
  /** The access lists forwarding applies, by name, with their match counters. */
  readonly accessLists: Map<string, AccessList>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Interfaces the data plane forwards on; templates only exist to be cloned. */
function isDataInterface(c: InterfaceConfig): boolean {
  return !c.name.startsWith("Virtual-Template") && c.name !== "Null0";
}

/** Parents before their subinterfaces, loopbacks before what may be unnumbered to them. */
function applyOrder(a: InterfaceConfig, b: InterfaceConfig): number {
  const rank = (c: InterfaceConfig): number => (c.name.includes(".") ? 2 : c.ipv4.kind === "unnumbered" || c.tunnel ? 3 : 1);
  return rank(a) - rank(b);
}

/** Applies VRFs and interfaces; `subsystems` add their part of each interface's block. */
export function applyConfig(plane: DataPlane, before: RouterConfig | undefined, after: RouterConfig, subsystems: readonly SubsystemInstance[] = []): void {
  applyVrfs(plane, before, after);
  applyInterfaces(plane, before, after, subsystems);
  applyAccessLists(plane.stack, plane.accessLists, before, after);
}

function applyVrfs(plane: DataPlane, before: RouterConfig | undefined, after: RouterConfig): void {
  for (const name of Object.keys(after.vrfs)) if (!plane.stack.vrf(name)) plane.stack.addVrf(name);
  for (const name of Object.keys(before?.vrfs ?? {})) {
    if (!(name in after.vrfs)) {
      const problem = plane.routing.removeVrf(name);
      if (problem) plane.warn(problem);
    }
  }
}

function applyInterfaces(plane: DataPlane, before: RouterConfig | undefined, after: RouterConfig, subsystems: readonly SubsystemInstance[]): void {
  const old = before?.interfaces ?? {};
  for (const name of Object.keys(old)) {
    if (!(name in after.interfaces) && isDataInterface(old[name])) {
      const iface = plane.stack.interface(name);
      // Physical ports stay (IOS cannot delete hardware); their config returns to defaults.
      if (iface instanceof EthernetInterface) applyInterface(plane, iface, old[name], { ...old[name], ...newInterface(name) }, subsystems);
      else plane.stack.removeInterface(name);
    }
  }
  const wanted = Object.values(after.interfaces).filter(isDataInterface).sort(applyOrder);
  for (const c of wanted) {
    const iface = ensureInterface(plane, c);
    if (iface) applyInterface(plane, iface, old[c.name], c, subsystems);
  }
}

function ensureInterface(plane: DataPlane, c: InterfaceConfig): Interface | undefined {
  const existing = plane.stack.interface(c.name);
  if (existing) return existing;
  if (isPhysicalPort(parentInterface(c.name) ?? c.name)) {
    const dot = c.name.indexOf(".");
    if (dot < 0) return plane.ensurePort(c.name);
    const parent = plane.stack.interface(c.name.slice(0, dot)) ?? plane.ensurePort(c.name.slice(0, dot));
    if (!(parent instanceof EthernetInterface)) return undefined;
    return plane.stack.addSubinterface(c.name, parent);
  }
  if (c.name.startsWith("Loopback")) return plane.stack.addLoopback(c.name);
  if (c.name.startsWith("Tunnel")) return plane.stack.addTunnel(c.name);
  return undefined;
}

function applyInterface(plane: DataPlane, iface: Interface, before: InterfaceConfig | undefined, c: InterfaceConfig, subsystems: readonly SubsystemInstance[]): void {
  const b = before ?? newInterface(c.name);
  const fresh = before === undefined;
  if (iface instanceof Dot1qSubinterface && (fresh || !same(b.dot1q, c.dot1q))) {
    const problem = iface.setVlan(c.dot1q?.vlan);
    if (problem) plane.warn(problem);
  }
  if (iface instanceof EthernetInterface && (fresh || b.macAddress !== c.macAddress)) iface.setMac(c.macAddress);
  if (fresh || !same(b.vrf, c.vrf)) {
    const problem = plane.stack.setInterfaceVrf(iface, c.vrf?.name);
    if (problem) plane.warn(problem);
  }
  if (fresh || !same(b.ipv4, c.ipv4) || !same(b.vrf, c.vrf)) applyAddresses(plane, iface, c);
  if (fresh || b.ipMtu !== c.ipMtu) {
    const problem = iface.setIpMtu(c.ipMtu);
    if (problem) plane.warn(problem);
  }
  iface.ipUnreachables = c.ipUnreachables;
  iface.proxyArp = c.ipProxyArp;
  iface.ipRedirects = c.ipRedirects;
  for (const s of subsystems) s.reconcileInterface?.(iface, before, c);
  if (fresh || b.shutdown !== c.shutdown) iface.setShutdown(c.shutdown);
}

function applyAddresses(plane: DataPlane, iface: Interface, c: InterfaceConfig): void {
  const v4 = c.ipv4;
  switch (v4.kind) {
    case "none":
    case "dhcp":
      iface.setUnnumbered(undefined);
      iface.removeAddresses();
      return;
    case "unnumbered": {
      iface.removeAddresses();
      const source = plane.stack.interface(v4.interface);
      iface.setUnnumbered(source);
      return;
    }
    case "negotiated": {
      iface.setUnnumbered(undefined);
      iface.removeAddresses();
      const got = plane.negotiatedAddress(c.name);
      if (got) warnIf(plane, iface.setAddress(got.address, got.prefixLength));
      return;
    }
    case "static": {
      iface.setUnnumbered(undefined);
      const current = iface.addresses;
      const primary = v4.primary;
      if (primary === undefined) return; // secondaries typed before the primary: IOS waits too
      const want = [primary, ...v4.secondaries];
      const unchanged = current.length === want.length && want.every((w, i) => current[i].address === w.address && current[i].prefixLength === w.prefixLen);
      if (unchanged) return;
      iface.removeAddresses();
      warnIf(plane, iface.setAddress(primary.address, primary.prefixLen));
      for (const s of v4.secondaries) warnIf(plane, iface.addSecondaryAddress(s.address, s.prefixLen));
      return;
    }
  }
}

function warnIf(plane: DataPlane, problem: string | undefined): void {
  if (problem) plane.warn(problem);
}
