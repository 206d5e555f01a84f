// IKEv2 proposals and policies (keyrings and authorization policies have their own files).

import type { ConfigCommand, CtxOf } from "../command";
import { Args } from "../grammar/args";
import type { RouterConfig } from "../model/router";
import { block, field, pick } from "./field";
import { TOP } from "./order";
import { setting } from "./setting";

const IKEV2 = ["Encryption module", "Configure IKEv2"];
const ENCRYPTION = "(aes-cbc-128|aes-cbc-192|aes-cbc-256|aes-gcm-128|aes-gcm-256|3des|des)";
const ENCRYPTION_HELP = ["AES-CBC-128", "AES-CBC-192", "AES-CBC-256", "AES-GCM-128", "AES-GCM-256", "Triple DES", "DES"];
const HASHES = "(md5|sha1|sha256|sha384|sha512)";
const HASH_HELP = ["Message Digest 5", "Secure Hash Standard", "Secure Hash Standard 2 (256 bit)", "Secure Hash Standard 2 (384 bit)", "Secure Hash Standard 2 (512 bit)"];

type ListKey = "encryption" | "integrity" | "prf";

function proposal(m: RouterConfig, c: CtxOf<"ikev2-proposal">) {
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
      p[key] = [...p[key], ...Args.of(a).strs("algs").filter((x) => !p[key].includes(x))];
    },
    clear: (m, c, a) => {
      const p = proposal(m, c);
      const drop = Args.of(a).strs("algs");
      p[key] = drop.length === 0 ? [] : p[key].filter((x) => !drop.includes(x));
    },
    show: (m, c) => {
      const list = proposal(m, c)[key];
      return list.length === 0 ? undefined : { algs: list };
    },
  });
}

function policy(m: RouterConfig, c: CtxOf<"ikev2-policy">) {
  return pick(m.crypto.ikev2.policies, c.ikev2Policy, "IKEv2 policy");
}


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
      p.groups = [...p.groups, ...(a.groups ?? []).filter((g) => !p.groups.includes(g))];
    },
    clear: (m, c, a) => {
      const p = proposal(m, c);
      const drop = (a.groups ?? []);
      p.groups = drop.length === 0 ? [] : p.groups.filter((g) => !drop.includes(g));
    },
    show: (m, c) => {
      const g = proposal(m, c).groups;
      return g.length === 0 ? undefined : { groups: g };
    },
  }),
  field({
    id: "crypto.ikev2.fragmentation",
    mode: "config",
    syntax: "crypto ikev2 fragmentation [mtu <68-1500>$mtu]",
    noSyntax: "crypto ikev2 fragmentation [mtu <68-1500>$mtu]",
    help: [...IKEV2, "Fragmentation", "MTU", "Fragmentation MTU size"],
    order: TOP.ikev2Global,
    set: (m, _c, a) => {
      m.crypto.ikev2.fragmentation = a.mtu === undefined ? {} : { mtu: a.mtu };
    },
    clear: (m) => {
      delete m.crypto.ikev2.fragmentation;
    },
    show: (m) => {
      const f = m.crypto.ikev2.fragmentation;
      return f === undefined ? undefined : f.mtu === undefined ? {} : { mtu: f.mtu };
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
  setting({
    id: "ikev2-policy.match-fvrf",
    mode: "ikev2-policy",
    syntax: "match fvrf (any|WORD)$vrf",
    noSyntax: "match fvrf [(any|WORD)$vrf]",
    help: ["Match values of local fields", "Match a front door VRF", "Any front door VRF", "VRF name"],
    order: 10,
    at: policy,
    field: "matchFvrf",
    arg: "vrf",
  }),
  field({
    id: "ikev2-policy.match-address-local",
    mode: "ikev2-policy",
    syntax: "match address local A.B.C.D$address",
    help: ["Match values of local fields", "Local address", "Local address", "IPv4 address"],
    order: 11,
    set: (m, c, a) => {
      const p = policy(m, c);
      if (!p.matchAddressLocal.includes(a.address)) p.matchAddressLocal.push(a.address);
    },
    clear: (m, c, a) => {
      const p = policy(m, c);
      p.matchAddressLocal = p.matchAddressLocal.filter((x) => x !== a.address);
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
      if (!p.proposals.includes(a.name)) p.proposals.push(a.name);
    },
    clear: (m, c, a) => {
      const p = policy(m, c);
      p.proposals = p.proposals.filter((x) => x !== a.name);
    },
    show: (m, c) => policy(m, c).proposals.map((name) => ({ name })),
  }),
];
