// `crypto ikev2 profile NAME`: who the peer must be, who we are, how both authenticate,
// which trustpoint, DPD, AAA authorization, and the Virtual-Template to clone.

import type { Ipv4 } from "../../wire/addr";
import type { ConfigCommand, CtxOf } from "../command";
import { bound, type ArgRecord } from "../grammar/args";
import type { Ikev2LocalIdentity, Ikev2Profile, Ikev2RemoteIdentity } from "../model/crypto";
import type { RouterConfig } from "../model/router";
import { block, field, pick } from "./field";
import { TOP } from "./order";
import { setting } from "./setting";

const P = "ikev2-profile";
const AUTH_METHODS = "(rsa-sig|pre-share|ecdsa-sig)$method";
const AUTH_HELP = ["RSA Signature", "Pre-Shared Key", "ECDSA Signature"];

function profile(m: RouterConfig, c: CtxOf<typeof P>): Ikev2Profile {
  return pick(m.crypto.ikev2.profiles, c.ikev2Profile, "IKEv2 profile");
}

/** What `match identity remote …` binds: one kind of identity, or none for `any`. */
interface RemoteIdentityArgs {
  readonly fqdnDomain?: string;
  readonly fqdn?: string;
  readonly emailDomain?: string;
  readonly email?: string;
  readonly keyId?: string;
  readonly address?: Ipv4;
  readonly mask?: Ipv4;
}

function remoteIdentity(a: RemoteIdentityArgs): Ikev2RemoteIdentity {
  if (a.fqdnDomain !== undefined) return { kind: "fqdn-domain", value: a.fqdnDomain };
  if (a.fqdn !== undefined) return { kind: "fqdn", value: a.fqdn };
  if (a.emailDomain !== undefined) return { kind: "email-domain", value: a.emailDomain };
  if (a.email !== undefined) return { kind: "email", value: a.email };
  if (a.keyId !== undefined) return { kind: "key-id", value: a.keyId };
  if (a.address !== undefined) {
    const mask = a.mask;
    return mask === undefined ? { kind: "address", address: a.address } : { kind: "address", address: a.address, mask };
  }
  return { kind: "any" };
}

function remoteIdentityArgs(r: Ikev2RemoteIdentity): ArgRecord {
  switch (r.kind) {
    case "fqdn-domain": return { fqdnDomain: r.value };
    case "fqdn": return { fqdn: r.value };
    case "email-domain": return { emailDomain: r.value };
    case "email": return { email: r.value };
    case "key-id": return { keyId: r.value };
    case "address": return { address: r.address, mask: r.mask };
    case "any": return { any: "any" };
  }
}

function localIdentityArgs(l: Ikev2LocalIdentity): ArgRecord {
  switch (l.kind) {
    case "dn": return { dn: "dn" };
    case "fqdn": return { fqdn: l.value };
    case "address": return { address: l.address };
    case "email": return { email: l.value };
    case "key-id": return { keyId: l.value };
  }
}

export const ikev2ProfileCommands: readonly ConfigCommand[] = [
  block({
    id: "crypto.ikev2.profile",
    syntax: "crypto ikev2 profile WORD$name",
    help: ["Encryption module", "Configure IKEv2", "Define IKEv2 profiles", "Specify IKEv2 profile name"],
    order: TOP.ikev2Profile,
    enters: P,
    table: (m) => m.crypto.ikev2.profiles,
    create: (name) => ({ name, matchIdentityRemote: [], matchCertificate: [], authenticationRemote: [], pkiTrustpoints: [], aaaAuthorization: [] }),
    ctx: (name) => ({ ikev2Profile: name }),
  }),
  setting({
    id: "ikev2-profile.description",
    mode: P,
    syntax: "description LINE$text",
    noSyntax: "description [LINE$text]",
    help: ["Specify a description of this profile", "description"],
    order: 5,
    at: profile,
    field: "description",
    arg: "text",
  }),
  setting({
    id: "ikev2-profile.match-fvrf",
    mode: P,
    syntax: "match fvrf (any|WORD)$vrf",
    noSyntax: "match fvrf [(any|WORD)$vrf]",
    help: ["Match values of peer", "Match a front door VRF", "Any front door VRF", "VRF name"],
    order: 9,
    at: profile,
    field: "matchFvrf",
    arg: "vrf",
  }),
  field({
    id: "ikev2-profile.match-identity-remote",
    mode: P,
    syntax: "match identity remote (fqdn (domain WORD$fqdnDomain|WORD$fqdn)|address A.B.C.D$address [NETMASK$mask]|email (domain WORD$emailDomain|WORD$email)|key-id WORD$keyId|any$any)",
    help: [
      "Match values of peer",
      "peer identity",
      "Remote identity",
      "Fully qualified domain name",
      "Domain name",
      "Domain name string",
      "FQDN string",
      "IP address",
      "IPv4 address",
      "Mask",
      "Email address",
      "Domain name",
      "Domain string",
      "Email string",
      "key-id opaque string",
      "key-id opaque string - proprietary types",
      "Match any peer identity",
    ],
    order: 10,
    set: (m, c, a) => {
      const p = profile(m, c);
      const id = remoteIdentity(a);
      const key = JSON.stringify(id);
      if (!p.matchIdentityRemote.some((x) => JSON.stringify(x) === key)) p.matchIdentityRemote.push(id);
    },
    clear: (m, c, a) => {
      const p = profile(m, c);
      const key = JSON.stringify(remoteIdentity(a));
      p.matchIdentityRemote = p.matchIdentityRemote.filter((x) => JSON.stringify(x) !== key);
    },
    show: (m, c) => profile(m, c).matchIdentityRemote.map(remoteIdentityArgs),
  }),
  field({
    id: "ikev2-profile.match-certificate",
    mode: P,
    syntax: "match certificate WORD$map",
    help: ["Match values of peer", "Peer certificate attributes", "Certificate map name"],
    order: 11,
    set: (m, c, a) => {
      const p = profile(m, c);
      if (!p.matchCertificate.includes(a.map)) p.matchCertificate.push(a.map);
    },
    clear: (m, c, a) => {
      const p = profile(m, c);
      p.matchCertificate = p.matchCertificate.filter((x) => x !== a.map);
    },
    show: (m, c) => profile(m, c).matchCertificate.map((map) => ({ map })),
  }),
  field({
    id: "ikev2-profile.identity-local",
    mode: P,
    syntax: "identity local (dn$dn|fqdn WORD$fqdn|address A.B.C.D$address|email WORD$email|key-id WORD$keyId)",
    noSyntax: "identity local [(dn$dn|fqdn WORD$fqdn|address A.B.C.D$address|email WORD$email|key-id WORD$keyId)]",
    help: ["Specify the local IKEv2 identity", "Local identity", "Distinguished Name", "Fully qualified domain name", "FQDN string", "IP address", "IPv4 address", "Email address", "Email string", "Key-id", "Key-id opaque string"],
    order: 20,
    set: (m, c, a) => {
      const p = profile(m, c);
      if (a.dn !== undefined) p.identityLocal = { kind: "dn" };
      else if (a.fqdn !== undefined) p.identityLocal = { kind: "fqdn", value: a.fqdn };
      else if (a.address !== undefined) p.identityLocal = { kind: "address", address: a.address };
      else if (a.email !== undefined) p.identityLocal = { kind: "email", value: a.email };
      else p.identityLocal = { kind: "key-id", value: bound(a.keyId, "keyId") };
    },
    clear: (m, c) => {
      delete profile(m, c).identityLocal;
    },
    show: (m, c) => {
      const l = profile(m, c).identityLocal;
      return l && localIdentityArgs(l);
    },
  }),
  field({
    id: "ikev2-profile.authentication",
    mode: P,
    syntax: `authentication (local|remote)$side ${AUTH_METHODS}`,
    noSyntax: `authentication (local|remote)$side [${AUTH_METHODS}]`,
    help: ["Set authentication method", "Local authentication method", "Remote authentication method", ...AUTH_HELP],
    order: 30,
    set: (m, c, a) => {
      const p = profile(m, c);
      const method = a.method;
      if (a.side === "local") p.authenticationLocal = method;
      else if (!p.authenticationRemote.includes(method)) p.authenticationRemote.push(method);
    },
    clear: (m, c, a) => {
      const p = profile(m, c);
      if (a.side === "local") delete p.authenticationLocal;
      else p.authenticationRemote = a.method !== undefined ? p.authenticationRemote.filter((x) => x !== a.method) : [];
    },
    show: (m, c) => {
      const p = profile(m, c);
      return [
        ...(p.authenticationLocal === undefined ? [] : [{ side: "local", method: p.authenticationLocal }]),
        ...p.authenticationRemote.map((method) => ({ side: "remote", method })),
      ];
    },
  }),
  field({
    id: "ikev2-profile.keyring",
    mode: P,
    syntax: "keyring (local|aaa)$kind WORD$name",
    noSyntax: "keyring [(local|aaa)$kind [WORD$name]]",
    help: ["Specify keyring to use", "Use local keyring", "Use AAA keyring", "Keyring name"],
    order: 35,
    set: (m, c, a) => {
      profile(m, c).keyring = { kind: a.kind, name: a.name };
    },
    clear: (m, c) => {
      delete profile(m, c).keyring;
    },
    show: (m, c) => {
      const k = profile(m, c).keyring;
      return k && { kind: k.kind, name: k.name };
    },
  }),
  field({
    id: "ikev2-profile.pki-trustpoint",
    mode: P,
    syntax: "pki trustpoint WORD$name",
    noSyntax: "pki trustpoint [WORD$name]",
    help: ["Specify certificate authorities", "Specify trustpoint", "Trustpoint name"],
    order: 40,
    set: (m, c, a) => {
      const p = profile(m, c);
      if (!p.pkiTrustpoints.includes(a.name)) p.pkiTrustpoints.push(a.name);
    },
    clear: (m, c, a) => {
      const p = profile(m, c);
      p.pkiTrustpoints = a.name !== undefined ? p.pkiTrustpoints.filter((x) => x !== a.name) : [];
    },
    show: (m, c) => profile(m, c).pkiTrustpoints.map((name) => ({ name })),
  }),
  field({
    id: "ikev2-profile.dpd",
    mode: P,
    syntax: "dpd <10-3600>$interval <2-60>$retry (on-demand|periodic)$mode",
    noSyntax: "dpd [<10-3600>$interval [<2-60>$retry [(on-demand|periodic)$mode]]]",
    help: ["Enable IKE liveness check for peers", "DPD interval in seconds", "DPD retry interval in seconds", "Send DPD if no inbound data", "Send DPD periodically"],
    order: 50,
    set: (m, c, a) => {
      profile(m, c).dpd = { intervalSec: a.interval, retrySec: a.retry, mode: a.mode };
    },
    clear: (m, c) => {
      delete profile(m, c).dpd;
    },
    show: (m, c) => {
      const d = profile(m, c).dpd;
      return d && { interval: d.intervalSec, retry: d.retrySec, mode: d.mode };
    },
  }),
  field({
    id: "ikev2-profile.aaa-authorization",
    mode: P,
    syntax: "aaa authorization group (cert|psk|eap)$kind list (default|WORD)$list [(default|WORD)$name]",
    noSyntax: "aaa authorization group (cert|psk|eap)$kind [list [(default|WORD)$list [(default|WORD)$name]]]",
    help: [
      "AAA configuration",
      "AAA authorization",
      "AAA group authorization",
      "Use certificate authentication",
      "Use pre-shared key authentication",
      "Use EAP authentication",
      "AAA method list",
      "Default method list",
      "Method list name",
      "Default user name",
      "AAA user name",
    ],
    order: 60,
    set: (m, c, a) => {
      const p = profile(m, c);
      const kind = a.kind;
      p.aaaAuthorization = p.aaaAuthorization.filter((x) => x.kind !== kind);
      p.aaaAuthorization.push(a.name !== undefined ? { kind, list: a.list, name: a.name } : { kind, list: a.list });
      p.aaaAuthorization.sort((x, y) => (x.kind < y.kind ? -1 : 1));
    },
    clear: (m, c, a) => {
      const p = profile(m, c);
      p.aaaAuthorization = p.aaaAuthorization.filter((x) => x.kind !== a.kind);
    },
    show: (m, c) => profile(m, c).aaaAuthorization.map((x) => ({ kind: x.kind, list: x.list, name: x.name })),
  }),
  setting({
    id: "ikev2-profile.lifetime",
    mode: P,
    syntax: "lifetime <120-86400>$seconds",
    noSyntax: "lifetime [<120-86400>$seconds]",
    help: ["Specify lifetime for IKEv2 SA", "lifetime in seconds"],
    order: 65,
    at: profile,
    field: "lifetimeSec",
    arg: "seconds",
  }),
  setting({
    id: "ikev2-profile.ivrf",
    mode: P,
    syntax: "ivrf WORD$vrf",
    noSyntax: "ivrf [WORD$vrf]",
    help: ["I-VRF of the profile", "VRF name"],
    order: 67,
    at: profile,
    field: "ivrf",
    arg: "vrf",
  }),
  setting({
    id: "ikev2-profile.virtual-template",
    mode: P,
    syntax: "virtual-template <1-1000>$number",
    noSyntax: "virtual-template [<1-1000>$number]",
    help: ["Specify the virtual-template for dynamic interface creation.", "Virtual-template number"],
    order: 70,
    at: profile,
    field: "virtualTemplate",
    arg: "number",
  }),
];
