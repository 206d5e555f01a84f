// IKEv2 proposals, policies, keyrings and authorization policies.

import { command, type ConfigCommand, type ModeCtx } from "../command";
import type { Ikev2AuthorizationPolicy, Ikev2KeyringPeer } from "../model/crypto";
import type { RouterConfig } from "../model/router";
import { block, field, pick } from "./field";
import { TOP } from "./order";

const IKEV2 = ["Encryption module", "Configure IKEv2"];
const ENCRYPTION = "(aes-cbc-128|aes-cbc-192|aes-cbc-256|aes-gcm-128|aes-gcm-256|3des|des)";
const ENCRYPTION_HELP = ["AES-CBC-128", "AES-CBC-192", "AES-CBC-256", "AES-GCM-128", "AES-GCM-256", "Triple DES", "DES"];
const HASHES = "(md5|sha1|sha256|sha384|sha512)";
const HASH_HELP = ["Message Digest 5", "Secure Hash Standard", "Secure Hash Standard 2 (256 bit)", "Secure Hash Standard 2 (384 bit)", "Secure Hash Standard 2 (512 bit)"];

type ListKey = "encryption" | "integrity" | "prf";

function proposal(m: RouterConfig, c: ModeCtx) {
  return pick(m.crypto.ikev2.proposals, c.ikev2Proposal, "IKEv2 proposal");
}

function algorithmList(key: ListKey, choices: string, choiceHelp: readonly string[], help: string, order: number): ConfigCommand {
  return field({
    id: `ikev2-proposal.${key}`,
    mode: "ikev2-proposal",
    syntax: `${key} ${choices}$algs...`,
    noSyntax: `${key} [${choices}$algs...]`,
    help: [help, ...choiceHelp],
    order,
    set: (m, c, a) => {
      const p = proposal(m, c);
      p[key] = [...p[key], ...a.strs("algs").filter((x) => !p[key].includes(x))];
    },
    clear: (m, c, a) => {
      const p = proposal(m, c);
      const drop = a.strs("algs");
      p[key] = drop.length === 0 ? [] : p[key].filter((x) => !drop.includes(x));
    },
    show: (m, c) => {
      const list = proposal(m, c)[key];
      return list.length === 0 ? undefined : { algs: list };
    },
  });
}

function policy(m: RouterConfig, c: ModeCtx) {
  return pick(m.crypto.ikev2.policies, c.ikev2Policy, "IKEv2 policy");
}

function keyringPeer(m: RouterConfig, c: ModeCtx): Ikev2KeyringPeer {
  const k = pick(m.crypto.ikev2.keyrings, c.ikev2Keyring, "IKEv2 keyring");
  return pick(k.peers, c.keyringPeer, "keyring peer");
}

function authz(m: RouterConfig, c: ModeCtx): Ikev2AuthorizationPolicy {
  return pick(m.crypto.ikev2.authorizationPolicies, c.ikev2AuthPolicy, "IKEv2 authorization policy");
}

/** `banner ^C text ^C`: the first character (or the two characters "^C" IOS prints for
 * Ctrl-C) is the delimiter; the text runs to its next occurrence. */
export function parseBanner(raw: string): { text: string; closed: boolean; delimiter: string } {
  const delimiter = raw.startsWith("^C") ? "^C" : raw[0];
  const body = raw.slice(delimiter.length);
  const end = body.indexOf(delimiter);
  return end < 0 ? { text: body, closed: false, delimiter } : { text: body.slice(0, end), closed: true, delimiter };
}

const AP = "ikev2-authorization-policy";

export const ikev2Commands: readonly ConfigCommand[] = [
  block({
    id: "crypto.ikev2.proposal",
    syntax: "crypto ikev2 proposal WORD$name",
    help: [...IKEV2, "Define IKEv2 proposals", "Specify IKEv2 proposal name"],
    order: TOP.ikev2Proposal,
    enters: "ikev2-proposal",
    table: (m) => m.crypto.ikev2.proposals,
    create: (name) => ({ name, encryption: [], integrity: [], prf: [], groups: [] }),
    ctx: (name) => ({ ikev2Proposal: name }),
  }),
  algorithmList("encryption", ENCRYPTION, ENCRYPTION_HELP, "Set encryption algorithm(s)", 10),
  algorithmList("integrity", HASHES, HASH_HELP, "Set integrity hash algorithm(s)", 20),
  algorithmList("prf", HASHES, HASH_HELP, "Set pseudo-random function algorithm(s)", 25),
  field({
    id: "ikev2-proposal.group",
    mode: "ikev2-proposal",
    syntax: "group <1-24>$groups...",
    noSyntax: "group [<1-24>$groups...]",
    help: ["Set the Diffie-Hellman group(s)", "DH group number"],
    order: 30,
    set: (m, c, a) => {
      const p = proposal(m, c);
      p.groups = [...p.groups, ...a.nums("groups").filter((g) => !p.groups.includes(g))];
    },
    clear: (m, c, a) => {
      const p = proposal(m, c);
      const drop = a.nums("groups");
      p.groups = drop.length === 0 ? [] : p.groups.filter((g) => !drop.includes(g));
    },
    show: (m, c) => {
      const g = proposal(m, c).groups;
      return g.length === 0 ? undefined : { groups: g };
    },
  }),
  block({
    id: "crypto.ikev2.policy",
    syntax: "crypto ikev2 policy WORD$name",
    help: [...IKEV2, "Define IKEV2 policies", "Specify IKEv2 policy name"],
    order: TOP.ikev2Policy,
    enters: "ikev2-policy",
    table: (m) => m.crypto.ikev2.policies,
    create: (name) => ({ name, proposals: [], matchAddressLocal: [] }),
    ctx: (name) => ({ ikev2Policy: name }),
  }),
  field({
    id: "ikev2-policy.match-fvrf",
    mode: "ikev2-policy",
    syntax: "match fvrf (any|WORD)$vrf",
    noSyntax: "match fvrf [(any|WORD)$vrf]",
    help: ["Match values of local fields", "Match a front door VRF", "Any front door VRF", "VRF name"],
    order: 10,
    set: (m, c, a) => {
      policy(m, c).matchFvrf = a.str("vrf");
    },
    clear: (m, c) => {
      delete policy(m, c).matchFvrf;
    },
    show: (m, c) => {
      const v = policy(m, c).matchFvrf;
      return v === undefined ? undefined : { vrf: v };
    },
  }),
  field({
    id: "ikev2-policy.match-address-local",
    mode: "ikev2-policy",
    syntax: "match address local A.B.C.D$address",
    help: ["Match values of local fields", "Local address", "Local address", "IPv4 address"],
    order: 11,
    set: (m, c, a) => {
      const p = policy(m, c);
      if (!p.matchAddressLocal.includes(a.ip("address"))) p.matchAddressLocal.push(a.ip("address"));
    },
    clear: (m, c, a) => {
      const p = policy(m, c);
      p.matchAddressLocal = p.matchAddressLocal.filter((x) => x !== a.ip("address"));
    },
    show: (m, c) => policy(m, c).matchAddressLocal.map((address) => ({ address })),
  }),
  field({
    id: "ikev2-policy.proposal",
    mode: "ikev2-policy",
    syntax: "proposal WORD$name",
    help: ["Specify Proposal", "Specify IKEv2 proposal name"],
    order: 20,
    set: (m, c, a) => {
      const p = policy(m, c);
      if (!p.proposals.includes(a.str("name"))) p.proposals.push(a.str("name"));
    },
    clear: (m, c, a) => {
      const p = policy(m, c);
      p.proposals = p.proposals.filter((x) => x !== a.str("name"));
    },
    show: (m, c) => policy(m, c).proposals.map((name) => ({ name })),
  }),
  block({
    id: "crypto.ikev2.keyring",
    syntax: "crypto ikev2 keyring WORD$name",
    help: [...IKEV2, "Define IKEv2 Keyring", "Name of the keyring"],
    order: TOP.ikev2Keyring,
    enters: "ikev2-keyring",
    table: (m) => m.crypto.ikev2.keyrings,
    create: (name) => ({ name, peers: {} }),
    ctx: (name) => ({ ikev2Keyring: name }),
  }),
  command({
    id: "ikev2-keyring.peer",
    mode: "ikev2-keyring",
    syntax: "peer WORD$name",
    help: ["Configure a Peer and associated keys", "Name of peer"],
    order: 10,
    enters: "ikev2-keyring-peer",
    apply: (m, a, c) => {
      const k = pick(m.crypto.ikev2.keyrings, c.ikev2Keyring, "IKEv2 keyring");
      const name = a.str("name");
      k.peers[name] ??= { name };
      return { ctx: { ...c, keyringPeer: name } };
    },
    no: {
      apply: (m, a, c) => {
        delete pick(m.crypto.ikev2.keyrings, c.ikev2Keyring, "IKEv2 keyring").peers[a.str("name")];
      },
    },
    render: (m, c) => Object.keys(pick(m.crypto.ikev2.keyrings, c.ikev2Keyring, "IKEv2 keyring").peers).map((name) => ({ args: { name }, child: { ...c, keyringPeer: name } })),
  }),
  field({
    id: "keyring-peer.address",
    mode: "ikev2-keyring-peer",
    syntax: "address A.B.C.D$address [A.B.C.D$mask]",
    noSyntax: "address [A.B.C.D$address [A.B.C.D$mask]]",
    help: ["Specify peer IP address", "IPv4 address", "Mask"],
    order: 10,
    set: (m, c, a) => {
      keyringPeer(m, c).address = a.has("mask") ? { address: a.ip("address"), mask: a.ip("mask") } : { address: a.ip("address") };
    },
    clear: (m, c) => {
      delete keyringPeer(m, c).address;
    },
    show: (m, c) => {
      const x = keyringPeer(m, c).address;
      return x && { address: x.address, mask: x.mask };
    },
  }),
  field({
    id: "keyring-peer.hostname",
    mode: "ikev2-keyring-peer",
    syntax: "hostname WORD$name",
    noSyntax: "hostname [WORD$name]",
    help: ["Hostname of peer", "Hostname"],
    order: 11,
    set: (m, c, a) => {
      keyringPeer(m, c).hostname = a.str("name");
    },
    clear: (m, c) => {
      delete keyringPeer(m, c).hostname;
    },
    show: (m, c) => {
      const h = keyringPeer(m, c).hostname;
      return h === undefined ? undefined : { name: h };
    },
  }),
  field({
    id: "keyring-peer.identity",
    mode: "ikev2-keyring-peer",
    syntax: "identity (address A.B.C.D$address|fqdn WORD$fqdn)",
    noSyntax: "identity [(address A.B.C.D$address|fqdn WORD$fqdn)]",
    help: ["Specify IKE identity to use", "IP address", "IPv4 address", "Fully qualified domain name", "FQDN string"],
    order: 12,
    set: (m, c, a) => {
      keyringPeer(m, c).identity = a.has("address") ? { kind: "address", address: a.ip("address") } : { kind: "fqdn", value: a.str("fqdn") };
    },
    clear: (m, c) => {
      delete keyringPeer(m, c).identity;
    },
    show: (m, c) => {
      const i = keyringPeer(m, c).identity;
      if (!i) return undefined;
      return i.kind === "address" ? { address: i.address } : { fqdn: i.value };
    },
  }),
  field({
    id: "keyring-peer.pre-shared-key",
    mode: "ikev2-keyring-peer",
    syntax: "pre-shared-key [(local|remote)$side] LINE$key",
    noSyntax: "pre-shared-key [(local|remote)$side] [LINE$key]",
    help: ["pre-shared-key", "Local Key", "Remote Key", "The pre-shared key"],
    order: 20,
    set: (m, c, a) => {
      const p = keyringPeer(m, c);
      const side = a.optStr("side");
      if (side === "local") p.preSharedKeyLocal = a.str("key");
      else if (side === "remote") p.preSharedKeyRemote = a.str("key");
      else p.preSharedKey = a.str("key");
    },
    clear: (m, c, a) => {
      const p = keyringPeer(m, c);
      const side = a.optStr("side");
      if (side === "local") delete p.preSharedKeyLocal;
      else if (side === "remote") delete p.preSharedKeyRemote;
      else delete p.preSharedKey;
    },
    show: (m, c) => {
      const p = keyringPeer(m, c);
      return [
        ...(p.preSharedKey === undefined ? [] : [{ key: p.preSharedKey }]),
        ...(p.preSharedKeyLocal === undefined ? [] : [{ side: "local", key: p.preSharedKeyLocal }]),
        ...(p.preSharedKeyRemote === undefined ? [] : [{ side: "remote", key: p.preSharedKeyRemote }]),
      ];
    },
  }),
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
  field({
    id: "authorization-policy.pool",
    mode: AP,
    syntax: "pool WORD$name",
    noSyntax: "pool [WORD$name]",
    help: ["Specify local address pool to use", "Name of the local address pool"],
    order: 10,
    set: (m, c, a) => {
      authz(m, c).pool = a.str("name");
    },
    clear: (m, c) => {
      delete authz(m, c).pool;
    },
    show: (m, c) => {
      const p = authz(m, c).pool;
      return p === undefined ? undefined : { name: p };
    },
  }),
  field({
    id: "authorization-policy.dns",
    mode: AP,
    syntax: "dns A.B.C.D$servers...",
    noSyntax: "dns [A.B.C.D$servers...]",
    help: ["Specify DNS servers", "DNS server address"],
    order: 15,
    set: (m, c, a) => {
      authz(m, c).dns = a.nums("servers").slice(0, 2) as Ikev2AuthorizationPolicy["dns"];
    },
    clear: (m, c) => {
      authz(m, c).dns = [];
    },
    show: (m, c) => {
      const d = authz(m, c).dns;
      return d.length === 0 ? undefined : { servers: d };
    },
  }),
  field({
    id: "authorization-policy.netmask",
    mode: AP,
    syntax: "netmask NETMASK$mask",
    noSyntax: "netmask [NETMASK$mask]",
    help: ["Specify subnet mask", "Subnet mask"],
    order: 16,
    set: (m, c, a) => {
      authz(m, c).netmask = a.ip("mask");
    },
    clear: (m, c) => {
      delete authz(m, c).netmask;
    },
    show: (m, c) => {
      const n = authz(m, c).netmask;
      return n === undefined ? undefined : { mask: n };
    },
  }),
  command({
    id: "authorization-policy.banner",
    mode: AP,
    syntax: "banner LINE$text",
    help: ["Specify banner", "c  banner text c, where 'c' is a delimiting character"],
    order: 20,
    apply: (m, a, c) => {
      const p = authz(m, c);
      const b = parseBanner(a.str("text"));
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
  field({
    id: "authorization-policy.def-domain",
    mode: AP,
    syntax: "def-domain WORD$domain",
    noSyntax: "def-domain [WORD$domain]",
    help: ["Specify default domain", "Default domain name"],
    order: 30,
    set: (m, c, a) => {
      authz(m, c).defDomain = a.str("domain");
    },
    clear: (m, c) => {
      delete authz(m, c).defDomain;
    },
    show: (m, c) => {
      const d = authz(m, c).defDomain;
      return d === undefined ? undefined : { domain: d };
    },
  }),
  field({
    id: "authorization-policy.route-set-interface",
    mode: AP,
    syntax: "route set interface [INTERFACE$interface]",
    help: ["Routing parameters", "Routes to be pushed to the peer", "Interface whose address is pushed as a route", "Interface"],
    order: 40,
    set: (m, c, a) => {
      authz(m, c).routeSetInterface = a.has("interface") ? { interface: a.str("interface") } : {};
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
      authz(m, c).routeSetAccessList = a.str("acl");
    },
    clear: (m, c) => {
      delete authz(m, c).routeSetAccessList;
    },
    show: (m, c) => {
      const acl = authz(m, c).routeSetAccessList;
      return acl === undefined ? undefined : { acl };
    },
  }),
];
