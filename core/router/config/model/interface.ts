// Interface configuration as running-config holds it. Names are canonical IOS names
// ("Ethernet0/1.10", "Virtual-Template1"); addresses are wire/addr Ipv4 numbers.

import type { Ipv4, Mac } from "../../wire/addr";
import type { KeptStore } from "./kept";
import type { AccessGroups } from "./acl";

export interface InterfaceAddress {
  readonly address: Ipv4;
  readonly prefixLen: number;
}

/** How the interface gets its IPv4 address: one of IOS's mutually exclusive forms. */
export type Ipv4Config =
  | { readonly kind: "none" }
  | { readonly kind: "static"; readonly primary: InterfaceAddress; readonly secondaries: readonly InterfaceAddress[] }
  /** `ip address negotiated`: assigned by the peer (IKEv2 mode config on FlexVPN spokes). */
  | { readonly kind: "negotiated" }
  /** `ip address dhcp`: a DHCP client; no lab segment has a server, so it stays unassigned. */
  | { readonly kind: "dhcp" }
  | { readonly kind: "unnumbered"; readonly interface: string };

export type TunnelMode = "gre-ip" | "gre-multipoint" | "ipsec-ipv4";

export type TunnelSource = { readonly kind: "interface"; readonly interface: string } | { readonly kind: "address"; readonly address: Ipv4 };

export interface TunnelConfig {
  source?: TunnelSource;
  destination?: Ipv4;
  /** `gre-ip` is IOS's default and is not shown in running-config. */
  mode: TunnelMode;
  key?: number;
  /** `tunnel protection ipsec profile NAME`. */
  protectionProfile?: string;
}

/** `ip nhrp nhs A [nbma B] [multicast]`: a next hop server to register with. */
export interface NhrpNhs {
  address: Ipv4;
  nbma?: Ipv4;
  multicast?: boolean;
}

/** `ip nhrp map A B`: a static protocol-to-NBMA mapping. */
export interface NhrpMap {
  protocol: Ipv4;
  nbma: Ipv4;
}

export interface NhrpConfig {
  networkId?: number;
  /** `ip nhrp redirect`: send traffic indications for packets hairpinning through this hub. */
  redirect: boolean;
  /** `ip nhrp redirect timeout N`: seconds between redirects for one source/destination
   * pair; absent means IOS's default of 8. */
  redirectTimeoutSec?: number;
  /** `ip nhrp shortcut`: install shortcut routes from resolution replies. */
  shortcut: boolean;
  /** `ip nhrp shortcut virtual-template N` (FlexVPN spokes): shortcuts ride Virtual-Access
   * interfaces cloned from this template; `shortcut` is then on too. */
  shortcutVirtualTemplate?: number;
  holdtimeSec?: number;
  /** Next hop servers, in the order configured. */
  nhs?: NhrpNhs[];
  /** Static mappings, in the order configured; one per protocol address. */
  maps?: NhrpMap[];
  /** `ip nhrp map multicast`: NBMA addresses to replicate multicast to, and `dynamic` for
   * every registered peer, in the order configured. */
  mapMulticast?: (Ipv4 | "dynamic")[];
  /** `ip nhrp authentication`: at most 8 characters, carried in the authentication extension. */
  authentication?: string;
  /** `ip nhrp registration timeout N`: seconds between registrations; absent means a third
   * of the holdtime, as IOS does. */
  registrationTimeoutSec?: number;
  /** `ip nhrp registration no-unique`: registrations go without the unique flag. */
  registrationNoUnique?: boolean;
}

export interface MplsInterfaceConfig {
  /** `mpls ip`: LDP on the interface. */
  ip: boolean;
  /** `mpls bgp forwarding`: accept labelled packets for BGP-learned routes (eBGP next hops). */
  bgpForwarding: boolean;
  /** `mpls nhrp`: carry NHRP-learned labels. */
  nhrp: boolean;
}

export interface InterfaceConfig {
  name: string;
  description?: string;
  shutdown: boolean;
  /** The VRF the interface forwards in, and which command put it there (IOS keeps the form). */
  vrf?: { name: string; style: "vrf" | "ip-vrf" };
  ipv4: Ipv4Config;
  /** Secondary addresses given while there is no primary yet. IOS prints secondaries before
   * the primary, so reading its own config meets them first; they join `ipv4` when the
   * primary comes and do nothing until then. */
  pendingSecondaries?: InterfaceAddress[];
  ipMtu?: number;
  /** `no ip unreachables` turns ICMP unreachables off. */
  ipUnreachables: boolean;
  ipRedirects: boolean;
  /** `no ip proxy-arp`: answer ARP only for the interface's own addresses. */
  ipProxyArp: boolean;
  /** `no cdp enable`: no CDP advertisements out of this interface, none listened to. */
  cdpEnable?: false;
  tcpAdjustMss?: number;
  /** `encapsulation dot1Q N` on a subinterface. */
  dot1q?: { vlan: number; native: boolean };
  macAddress?: Mac;
  /** `interface Virtual-TemplateN type tunnel`. */
  templateType?: "tunnel";
  tunnel?: TunnelConfig;
  nhrp?: NhrpConfig;
  mpls: MplsInterfaceConfig;
  /** `ip access-group X in|out`: the access lists filtering what comes in and goes out. */
  accessGroup?: AccessGroups;
  /** Commands accepted and kept but not simulated (`speed`, `duplex`, `ip ospf cost`…). */
  kept?: KeptStore;
}

export function newInterface(name: string): InterfaceConfig {
  return {
    name,
    shutdown: false,
    ipv4: { kind: "none" },
    ipUnreachables: true,
    ipRedirects: true,
    ipProxyArp: true,
    mpls: { ip: false, bgpForwarding: false, nhrp: false },
  };
}
