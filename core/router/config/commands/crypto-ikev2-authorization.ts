// `crypto ikev2 authorization policy NAME`: what a FlexVPN hub pushes to its spokes (pool,
// DNS, banner, domain, routes).

import { command, type ConfigCommand, type CtxOf } from "../command";
import type { Ikev2AuthorizationPolicy } from "../model/crypto";
import type { RouterConfig } from "../model/router";
import { parseBanner } from "./banner";
import { block, field, pick } from "./field";
import { TOP } from "./order";
import { setting } from "./setting";

const IKEV2 = ["Encryption module", "Configure IKEv2"];
const AP = "ikev2-authorization-policy";

function authz(m: RouterConfig, c: CtxOf<typeof AP>): Ikev2AuthorizationPolicy {
  return pick(m.crypto.ikev2.authorizationPolicies, c.ikev2AuthPolicy, "IKEv2 authorization policy");
}

export const ikev2AuthorizationCommands: readonly ConfigCommand[] = [
  block({
    id: "crypto.ikev2.authorization-policy",
    syntax: "crypto ikev2 authorization policy WORD$name",
    help: [...IKEV2, "IKEv2 authorization", "IKEv2 authorization policy", "Name of the policy"],
    order: TOP.ikev2AuthPolicy,
    enters: AP,
    table: (m) => m.crypto.ikev2.authorizationPolicies,
    create: (name) => ({ name, dns: [] }),
    ctx: (name) => ({ ikev2AuthPolicy: name }),
  }),
  setting({
    id: "authorization-policy.pool",
    mode: AP,
    syntax: "pool WORD$name",
    noSyntax: "pool [WORD$name]",
    help: ["Specify local address pool to use", "Name of the local address pool"],
    order: 10,
    at: authz,
    field: "pool",
    arg: "name",
  }),
  field({
    id: "authorization-policy.dns",
    mode: AP,
    syntax: "dns A.B.C.D$servers...",
    noSyntax: "dns [A.B.C.D$servers...]",
    help: ["Specify DNS servers", "DNS server address"],
    order: 15,
    set: (m, c, a) => {
      authz(m, c).dns = (a.servers ?? []).slice(0, 2) as Ikev2AuthorizationPolicy["dns"];
    },
    clear: (m, c) => {
      authz(m, c).dns = [];
    },
    show: (m, c) => {
      const d = authz(m, c).dns;
      return d.length === 0 ? undefined : { servers: d };
    },
  }),
  setting({
    id: "authorization-policy.netmask",
    mode: AP,
    syntax: "netmask NETMASK$mask",
    noSyntax: "netmask [NETMASK$mask]",
    help: ["Specify subnet mask", "Subnet mask"],
    order: 16,
    at: authz,
    field: "netmask",
    arg: "mask",
  }),
  command({
    id: "authorization-policy.banner",
    mode: AP,
    syntax: "banner LINE$text",
    help: ["Specify banner", "c  banner text c, where 'c' is a delimiting character"],
    order: 20,
    apply: (m, a, c) => {
      const p = authz(m, c);
      const b = parseBanner(a.text);
      p.banner = b.text;
      if (b.closed) return;
      // The banner goes on over the next lines until the delimiter comes back.
      return {
        collect: (line: string) => {
          const end = line.indexOf(b.delimiter);
          p.banner = `${p.banner ?? ""}\n${end < 0 ? line : line.slice(0, end)}`;
          return end >= 0;
        },
      };
    },
    no: {
      syntax: "banner [LINE$text]",
      apply: (m, _a, c) => {
        delete authz(m, c).banner;
      },
    },
    render: (m, c) => {
      const b = authz(m, c).banner;
      return b === undefined ? [] : [{ args: { text: `^C${b}^C` } }];
    },
  }),
  setting({
    id: "authorization-policy.def-domain",
    mode: AP,
    syntax: "def-domain WORD$domain",
    noSyntax: "def-domain [WORD$domain]",
    help: ["Specify default domain", "Default domain name"],
    order: 30,
    at: authz,
    field: "defDomain",
    arg: "domain",
  }),
  field({
    id: "authorization-policy.route-set-interface",
    mode: AP,
    syntax: "route set interface [INTERFACE$interface]",
    help: ["Routing parameters", "Routes to be pushed to the peer", "Interface whose address is pushed as a route", "Interface"],
    order: 40,
    set: (m, c, a) => {
      authz(m, c).routeSetInterface = a.interface !== undefined ? { interface: a.interface } : {};
    },
    clear: (m, c) => {
      delete authz(m, c).routeSetInterface;
    },
    show: (m, c) => {
      const r = authz(m, c).routeSetInterface;
      return r && { interface: r.interface };
    },
  }),
  field({
    id: "authorization-policy.route-set-access-list",
    mode: AP,
    syntax: "route set access-list WORD$acl",
    noSyntax: "route set access-list [WORD$acl]",
    help: ["Routing parameters", "Routes to be pushed to the peer", "Access list whose entries are pushed as routes", "Access list name"],
    order: 41,
    set: (m, c, a) => {
      authz(m, c).routeSetAccessList = a.acl;
    },
    clear: (m, c) => {
      delete authz(m, c).routeSetAccessList;
    },
    show: (m, c) => {
      const acl = authz(m, c).routeSetAccessList;
      return acl === undefined ? undefined : { acl };
    },
  }),
  field({
    id: "authorization-policy.route-set-remote",
    mode: AP,
    syntax: "route set remote ipv4 A.B.C.D$address NETMASK$mask",
    help: ["Routing parameters", "Routes to be pushed to the peer", "Route to be pushed to the peer", "IPv4 route", "Network", "Network mask"],
    order: 42,
    set: (m, c, a) => {
      const p = authz(m, c);
      const list = p.routeSetRemote ?? [];
      if (!list.some((r) => r.address === a.address && r.mask === a.mask)) list.push({ address: a.address, mask: a.mask });
      p.routeSetRemote = list;
    },
    clear: (m, c, a) => {
      const p = authz(m, c);
      p.routeSetRemote = (p.routeSetRemote ?? []).filter((r) => r.address !== a.address || r.mask !== a.mask);
      if (p.routeSetRemote.length === 0) delete p.routeSetRemote;
    },
    show: (m, c) => (authz(m, c).routeSetRemote ?? []).map((r) => ({ address: r.address, mask: r.mask })),
  }),
  field({
    id: "authorization-policy.route-accept",
    mode: AP,
    syntax: "route accept any [tag <1-4294967295>$tag] [distance <1-255>$distance]",
    noSyntax: "route accept [any] [tag <1-4294967295>$tag] [distance <1-255>$distance]",
    help: ["Routing parameters", "Routes to be accepted from the peer", "Accept all routes", "Tag for the accepted routes", "Tag value", "Administrative distance for the accepted routes", "Distance value"],
    order: 43,
    set: (m, c, a) => {
      authz(m, c).routeAccept = { ...(a.tag !== undefined ? { tag: a.tag } : {}), ...(a.distance !== undefined ? { distance: a.distance } : {}) };
    },
    clear: (m, c) => {
      delete authz(m, c).routeAccept;
    },
    show: (m, c) => {
      const r = authz(m, c).routeAccept;
      return r && { tag: r.tag, distance: r.distance };
    },
  }),
];
