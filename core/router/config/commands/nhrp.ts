// The `ip nhrp` interface commands: what a DMVPN tunnel or a FlexVPN Virtual-Template needs
// for NHRP (network-id, holdtime, next hop servers, static maps, authentication,
// registration) and phase 3 (redirect on the hub, shortcut on the spokes). Valid in every
// interface mode, as on IOS; the NHRP engine reads the model's `nhrp` block.
//
// Running-config order follows IOS 15: authentication, map multicast, map, network-id,
// holdtime, nhs, registration, redirect, shortcut.

import type { Ipv4 } from "../../wire/addr";
import { command, type ConfigCommand } from "../command";
import type { InterfaceConfig, NhrpConfig } from "../model/interface";
import { iface, IF_MODES } from "./interface";

const IP = "Interface Internet Protocol config commands";
const NHRP = "NBMA Next Hop Resolution Protocol";
const MAP = "Map dest IP addresses to NBMA addresses";
const REGISTRATION = "NHRP registration";

/** IOS's NHRP authentication extension carries at most eight characters. */
export const NHRP_AUTHENTICATION_MAX = 8;

function nhrp(i: InterfaceConfig): NhrpConfig {
  return (i.nhrp ??= { redirect: false, shortcut: false });
}

/** Drops the NHRP block once nothing in it is set, so running-config and the model agree. */
export function tidyNhrp(i: InterfaceConfig): void {
  const n = i.nhrp;
  if (!n) return;
  if (n.nhs?.length === 0) delete n.nhs;
  if (n.maps?.length === 0) delete n.maps;
  if (n.mapMulticast?.length === 0) delete n.mapMulticast;
  if (n.registrationNoUnique === false) delete n.registrationNoUnique;
  const empty =
    !n.redirect &&
    !n.shortcut &&
    n.networkId === undefined &&
    n.holdtimeSec === undefined &&
    n.redirectTimeoutSec === undefined &&
    n.shortcutVirtualTemplate === undefined &&
    n.nhs === undefined &&
    n.maps === undefined &&
    n.mapMulticast === undefined &&
    n.authentication === undefined &&
    n.registrationTimeoutSec === undefined &&
    n.registrationNoUnique === undefined;
  if (empty) delete i.nhrp;
}

export const nhrpCommands: readonly ConfigCommand[] = [
  command({
    id: "nhrp.authentication",
    mode: IF_MODES,
    syntax: "ip nhrp authentication WORD$secret",
    help: [IP, NHRP, "Authentication string", "Authentication string (up to 8 characters)"],
    order: 56,
    apply: (m, a, c) => {
      if (a.secret.length > NHRP_AUTHENTICATION_MAX) return { error: `% NHRP authentication string too long, maximum is ${NHRP_AUTHENTICATION_MAX} characters` };
      nhrp(iface(m, c)).authentication = a.secret;
    },
    no: {
      syntax: "ip nhrp authentication [WORD$secret]",
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.nhrp) delete i.nhrp.authentication;
        tidyNhrp(i);
      },
    },
    render: (m, c) => {
      const secret = iface(m, c).nhrp?.authentication;
      return secret === undefined ? [] : [{ args: { secret } }];
    },
  }),
  command({
    id: "nhrp.map-multicast",
    mode: IF_MODES,
    syntax: "ip nhrp map multicast (A.B.C.D$nbma|dynamic$dynamic)",
    help: [IP, NHRP, MAP, "Use this NBMA mapping for broadcasts/multicasts", "IP NBMA address", "Allow dynamically learnt multicast mappings"],
    order: 57,
    apply: (m, a, c) => {
      const n = nhrp(iface(m, c));
      const target: Ipv4 | "dynamic" = a.nbma ?? "dynamic";
      const list = (n.mapMulticast ??= []);
      if (!list.includes(target)) list.push(target);
    },
    no: {
      syntax: "ip nhrp map multicast [(A.B.C.D$nbma|dynamic$dynamic)]",
      apply: (m, a, c) => {
        const i = iface(m, c);
        const n = i.nhrp;
        if (!n?.mapMulticast) return;
        const target = a.nbma ?? (a.dynamic !== undefined ? "dynamic" : undefined);
        n.mapMulticast = target === undefined ? [] : n.mapMulticast.filter((t) => t !== target);
        tidyNhrp(i);
      },
    },
    render: (m, c) => (iface(m, c).nhrp?.mapMulticast ?? []).map((t) => ({ args: t === "dynamic" ? { dynamic: "dynamic" } : { nbma: t } })),
  }),
  command({
    id: "nhrp.map",
    mode: IF_MODES,
    syntax: "ip nhrp map A.B.C.D$protocol A.B.C.D$nbma",
    help: [IP, NHRP, MAP, "IP address of destination", "IP NBMA address"],
    order: 58,
    apply: (m, a, c) => {
      // One NBMA address per protocol address: a second map for it replaces the first.
      const maps = (nhrp(iface(m, c)).maps ??= []);
      const at = maps.findIndex((x) => x.protocol === a.protocol);
      if (at >= 0) maps[at] = { protocol: a.protocol, nbma: a.nbma };
      else maps.push({ protocol: a.protocol, nbma: a.nbma });
    },
    no: {
      syntax: "ip nhrp map A.B.C.D$protocol [A.B.C.D$nbma]",
      apply: (m, a, c) => {
        const i = iface(m, c);
        const n = i.nhrp;
        if (!n?.maps) return;
        n.maps = n.maps.filter((x) => x.protocol !== a.protocol || (a.nbma !== undefined && x.nbma !== a.nbma));
        tidyNhrp(i);
      },
    },
    render: (m, c) => (iface(m, c).nhrp?.maps ?? []).map((x) => ({ args: { protocol: x.protocol, nbma: x.nbma } })),
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
  command({
    id: "nhrp.nhs",
    mode: IF_MODES,
    syntax: "ip nhrp nhs A.B.C.D$address [nbma A.B.C.D$nbma] [multicast$multicast]",
    help: [IP, NHRP, "Specify a next hop server", "IP network address", "NBMA Address", "IPv4 NBMA address", "Use this NBMA mapping for broadcasts/multicasts"],
    order: 61.5,
    apply: (m, a, c) => {
      // Naming a server again replaces its NBMA address and multicast choice.
      const list = (nhrp(iface(m, c)).nhs ??= []);
      const entry = { address: a.address, ...(a.nbma !== undefined ? { nbma: a.nbma } : {}), ...(a.multicast !== undefined ? { multicast: true } : {}) };
      const at = list.findIndex((x) => x.address === a.address);
      if (at >= 0) list[at] = entry;
      else list.push(entry);
    },
    no: {
      syntax: "ip nhrp nhs [A.B.C.D$address [nbma A.B.C.D$nbma] [multicast$multicast]]",
      apply: (m, a, c) => {
        const i = iface(m, c);
        const n = i.nhrp;
        if (!n?.nhs) return;
        n.nhs = a.address === undefined ? [] : n.nhs.filter((x) => x.address !== a.address);
        tidyNhrp(i);
      },
    },
    render: (m, c) =>
      (iface(m, c).nhrp?.nhs ?? []).map((x) => ({
        args: { address: x.address, ...(x.nbma !== undefined ? { nbma: x.nbma } : {}), ...(x.multicast ? { multicast: "multicast" } : {}) },
      })),
  }),
  command({
    id: "nhrp.registration-no-unique",
    mode: IF_MODES,
    syntax: "ip nhrp registration no-unique",
    help: [IP, NHRP, REGISTRATION, "Don't set unique bit"],
    order: 61.6,
    apply: (m, _a, c) => {
      nhrp(iface(m, c)).registrationNoUnique = true;
    },
    no: {
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.nhrp) delete i.nhrp.registrationNoUnique;
        tidyNhrp(i);
      },
    },
    render: (m, c) => (iface(m, c).nhrp?.registrationNoUnique ? [{ args: {} }] : []),
  }),
  command({
    id: "nhrp.registration-timeout",
    mode: IF_MODES,
    syntax: "ip nhrp registration timeout <1-65535>$seconds",
    help: [IP, NHRP, REGISTRATION, "Interval between registrations", "Number of seconds"],
    order: 61.7,
    apply: (m, a, c) => {
      nhrp(iface(m, c)).registrationTimeoutSec = a.seconds;
    },
    no: {
      syntax: "ip nhrp registration timeout [<1-65535>$seconds]",
      apply: (m, _a, c) => {
        const i = iface(m, c);
        if (i.nhrp) delete i.nhrp.registrationTimeoutSec;
        tidyNhrp(i);
      },
    },
    render: (m, c) => {
      const s = iface(m, c).nhrp?.registrationTimeoutSec;
      return s === undefined ? [] : [{ args: { seconds: s } }];
    },
  }),
  command({
    id: "nhrp.redirect",
    mode: IF_MODES,
    syntax: "ip nhrp redirect [timeout <2-30>$seconds]",
    help: [IP, NHRP, "Enable NHRP redirect", "Interval between redirects for the same source and destination", "Interval in seconds"],
    order: 62,
    apply: (m, a, c) => {
      const n = nhrp(iface(m, c));
      n.redirect = true;
      if (a.seconds !== undefined) n.redirectTimeoutSec = a.seconds;
      else delete n.redirectTimeoutSec;
    },
    no: {
      // `no ip nhrp redirect timeout` puts the interval back to 8 s and keeps redirects on.
      syntax: "ip nhrp redirect [timeout$timeout [<2-30>$seconds]]",
      apply: (m, a, c) => {
        const i = iface(m, c);
        const n = i.nhrp;
        if (!n) return;
        delete n.redirectTimeoutSec;
        if (a.timeout === undefined) n.redirect = false;
        tidyNhrp(i);
      },
    },
    render: (m, c) => {
      const n = iface(m, c).nhrp;
      if (!n?.redirect) return [];
      return [{ args: n.redirectTimeoutSec !== undefined ? { seconds: n.redirectTimeoutSec } : {} }];
    },
  }),
  command({
    id: "nhrp.shortcut",
    mode: IF_MODES,
    syntax: "ip nhrp shortcut [virtual-template <1-1000>$template]",
    help: [IP, NHRP, "Enable shortcut switching", "Virtual-template interface for shortcut tunnels", "Virtual-template interface number"],
    order: 63,
    apply: (m, a, c) => {
      const n = nhrp(iface(m, c));
      n.shortcut = true;
      if (a.template !== undefined) n.shortcutVirtualTemplate = a.template;
      else delete n.shortcutVirtualTemplate;
    },
    no: {
      syntax: "ip nhrp shortcut [virtual-template [<1-1000>$template]]",
      apply: (m, _a, c) => {
        const i = iface(m, c);
        const n = i.nhrp;
        if (!n) return;
        n.shortcut = false;
        delete n.shortcutVirtualTemplate;
        tidyNhrp(i);
      },
    },
    render: (m, c) => {
      const n = iface(m, c).nhrp;
      if (!n?.shortcut) return [];
      return [{ args: n.shortcutVirtualTemplate !== undefined ? { template: n.shortcutVirtualTemplate } : {} }];
    },
  }),
];
