// IPsec transform-sets and profiles (what `tunnel protection ipsec profile` names).

import type { ConfigCommand, CtxOf } from "../command";
import type { IpsecProfile, IpsecSaGlobals, TransformSet } from "../model/crypto";
import type { RouterConfig } from "../model/router";
import { command } from "../command";
import { Args } from "../grammar/args";
import { block, field, pick } from "./field";
import { TOP } from "./order";

const TRANSFORMS = [
  ["ah-md5-hmac", "AH-HMAC-MD5 transform"],
  ["ah-sha-hmac", "AH-HMAC-SHA transform"],
  ["ah-sha256-hmac", "AH-HMAC-SHA256 transform"],
  ["ah-sha384-hmac", "AH-HMAC-SHA384 transform"],
  ["ah-sha512-hmac", "AH-HMAC-SHA512 transform"],
  ["esp-3des", "ESP transform using 3DES(EDE) cipher (168 bits)"],
  ["esp-aes", "ESP transform using AES cipher"],
  ["esp-des", "ESP transform using DES cipher (56 bits)"],
  ["esp-gcm", "ESP transform using GCM cipher"],
  ["esp-gmac", "ESP transform using GMAC cipher"],
  ["esp-md5-hmac", "ESP transform using HMAC-MD5 auth"],
  ["esp-null", "ESP transform w/o cipher"],
  ["esp-sha-hmac", "ESP transform using HMAC-SHA auth"],
  ["esp-sha256-hmac", "ESP transform using HMAC-SHA256 auth"],
  ["esp-sha384-hmac", "ESP transform using HMAC-SHA384 auth"],
  ["esp-sha512-hmac", "ESP transform using HMAC-SHA512 auth"],
  ["128", "128 bit keys."],
  ["192", "192 bit keys."],
  ["256", "256 bit keys."],
] as const;

function transformSet(m: RouterConfig, c: CtxOf<"ipsec-transform-set">): TransformSet {
  return pick(m.crypto.ipsec.transformSets, c.transformSet, "transform-set");
}

function profile(m: RouterConfig, c: CtxOf<"ipsec-profile">): IpsecProfile {
  return pick(m.crypto.ipsec.profiles, c.ipsecProfile, "IPsec profile");
}

function globals(m: RouterConfig): IpsecSaGlobals {
  return (m.crypto.ipsec.sa ??= {});
}

const LIFETIME_SYNTAX = "(seconds <120-2592000>$seconds|kilobytes <2560-4294967295>$kilobytes)";
const LIFETIME_HELP = ["Time-based key duration in seconds", "Security association duration in seconds", "Volume-based key duration", "Security association duration in kilobytes encrypted"];

const GROUPS = ["group1", "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21", "group24"];

export const ipsecCommands: readonly ConfigCommand[] = [
  // The global SA lifetime (IOS: 3600 s and 4608000 KB), applied to child SAs negotiated from now on.
  field({
    id: "crypto.ipsec.sa.lifetime",
    mode: "config",
    syntax: `crypto ipsec security-association lifetime ${LIFETIME_SYNTAX}`,
    noSyntax: `crypto ipsec security-association lifetime (seconds$seconds [<120-2592000>]|kilobytes$kilobytes [<2560-4294967295>])`,
    help: ["Encryption module", "Configure IPSEC policy", "Security association parameters", "security association lifetime", ...LIFETIME_HELP],
    order: TOP.ipsecSaGlobal,
    set: (m, _c, a) => {
      const g = globals(m);
      if (a.seconds !== undefined) g.lifetimeSec = a.seconds;
      if (a.kilobytes !== undefined) g.lifetimeKb = a.kilobytes;
    },
    clear: (m, _c, a) => {
      const g = globals(m);
      if (a.seconds !== undefined) delete g.lifetimeSec;
      if (a.kilobytes !== undefined) delete g.lifetimeKb;
    },
    show: (m) => {
      const g = m.crypto.ipsec.sa;
      return [...(g?.lifetimeSec !== undefined ? [{ seconds: g.lifetimeSec }] : []), ...(g?.lifetimeKb !== undefined ? [{ kilobytes: g.lifetimeKb }] : [])];
    },
  }),
  // The anti-replay window of inbound SAs (IOS: 64), or replay checking off.
  field({
    id: "crypto.ipsec.sa.replay",
    mode: "config",
    syntax: "crypto ipsec security-association replay (window-size (64|128|256|512|1024)$size|disable$disable)",
    noSyntax: "crypto ipsec security-association replay (window-size$window [(64|128|256|512|1024)]|disable$disable)",
    help: [
      "Encryption module",
      "Configure IPSEC policy",
      "Security association parameters",
      "Set replay checking.",
      "Set replay window size.",
      "Window size 64 (default)",
      "Window size 128",
      "Window size 256",
      "Window size 512",
      "Window size 1024",
      "Disable replay checking.",
    ],
    order: TOP.ipsecSaGlobal + 0.1,
    set: (m, _c, a) => {
      const g = globals(m);
      if (a.disable !== undefined) g.replayDisabled = true;
      else if (a.size !== undefined) {
        // IOS keeps no line for the default size.
        if (a.size === "64") delete g.replayWindow;
        else g.replayWindow = Number(a.size);
      }
    },
    clear: (m, _c, a) => {
      const g = globals(m);
      if (a.disable !== undefined) delete g.replayDisabled;
      else delete g.replayWindow;
    },
    show: (m) => {
      const g = m.crypto.ipsec.sa;
      return [...(g?.replayWindow !== undefined ? [{ size: String(g.replayWindow) }] : []), ...(g?.replayDisabled ? [{ disable: "disable" }] : [])];
    },
  }),
  command({
    id: "crypto.ipsec.transform-set",
    mode: "config",
    syntax: `crypto ipsec transform-set WORD$name (${TRANSFORMS.map((t) => t[0]).join("|")})$transforms...`,
    help: ["Encryption module", "Configure IPSEC policy", "Define transform and settings", "Transform set tag", ...TRANSFORMS.map((t) => t[1])],
    order: TOP.ipsecTransformSet,
    enters: "ipsec-transform-set",
    // The syntax is built from TRANSFORMS, so its arguments are read back checked.
    apply: (m, record) => {
      const a = Args.of(record);
      const name = a.str("name");
      const transforms = a.strs("transforms");
      if (/^\d/.test(transforms[0])) return { error: "% Invalid transform: a key size follows a cipher" };
      const existing = m.crypto.ipsec.transformSets[name];
      m.crypto.ipsec.transformSets[name] = { name, transforms, mode: existing?.mode ?? "tunnel" };
      return { ctx: { transformSet: name } };
    },
    no: {
      syntax: `crypto ipsec transform-set WORD$name [(${TRANSFORMS.map((t) => t[0]).join("|")})$transforms...]`,
      apply: (m, a) => {
        delete m.crypto.ipsec.transformSets[Args.of(a).str("name")];
      },
    },
    render: (m) => Object.values(m.crypto.ipsec.transformSets).map((t) => ({ args: { name: t.name, transforms: t.transforms }, child: { transformSet: t.name } })),
  }),
  // IOS shows the mode even when it is the default, tunnel.
  command({
    id: "transform-set.mode",
    mode: "ipsec-transform-set",
    syntax: "mode (tunnel|transport)$mode",
    help: ["encapsulation mode (transport/tunnel)", "tunnel (datagram encapsulation) mode", "transport (payload encapsulation) mode"],
    order: 10,
    apply: (m, a, c) => {
      transformSet(m, c).mode = a.mode;
    },
    no: {
      syntax: "mode [(tunnel|transport)$mode]",
      apply: (m, _a, c) => {
        transformSet(m, c).mode = "tunnel";
      },
    },
    render: (m, c) => [{ args: { mode: transformSet(m, c).mode } }],
  }),
  block({
    id: "crypto.ipsec.profile",
    syntax: "crypto ipsec profile WORD$name",
    help: ["Encryption module", "Configure IPSEC policy", "Configure an ipsec policy profile", "Profile name"],
    order: TOP.ipsecProfile,
    enters: "ipsec-profile",
    table: (m) => m.crypto.ipsec.profiles,
    create: (name) => ({ name, transformSets: [], responderOnly: false }),
    ctx: (name) => ({ ipsecProfile: name }),
  }),
  field({
    id: "ipsec-profile.transform-set",
    mode: "ipsec-profile",
    syntax: "set transform-set WORD$sets...",
    noSyntax: "set transform-set [WORD$sets...]",
    help: ["Specify profile parameters", "Specify list of transform sets in priority order", "Transform set name"],
    order: 10,
    set: (m, c, a) => {
      profile(m, c).transformSets = (a.sets ?? []).slice(0, 6);
    },
    clear: (m, c) => {
      profile(m, c).transformSets = [];
    },
    show: (m, c) => {
      const t = profile(m, c).transformSets;
      return t.length === 0 ? undefined : { sets: t };
    },
  }),
  field({
    id: "ipsec-profile.pfs",
    mode: "ipsec-profile",
    syntax: `set pfs [(${GROUPS.join("|")})$group]`,
    help: ["Specify profile parameters", "Specify pfs settings", ...GROUPS.map((g) => `D-H ${g.replace("group", "Group ")}`)],
    order: 20,
    set: (m, c, a) => {
      profile(m, c).pfsGroup = Args.of(a).optStr("group") ?? "group1";
    },
    clear: (m, c) => {
      delete profile(m, c).pfsGroup;
    },
    show: (m, c) => {
      const g = profile(m, c).pfsGroup;
      return g === undefined ? undefined : { group: g };
    },
  }),
  field({
    id: "ipsec-profile.sa-lifetime",
    mode: "ipsec-profile",
    syntax: `set security-association lifetime ${LIFETIME_SYNTAX}`,
    noSyntax: `set security-association lifetime (seconds$seconds [<120-2592000>]|kilobytes$kilobytes [<2560-4294967295>])`,
    help: ["Specify profile parameters", "Security association parameters", "security association lifetime", ...LIFETIME_HELP],
    // IOS prints the lifetime first in the profile.
    order: 5,
    set: (m, c, a) => {
      const p = profile(m, c);
      if (a.seconds !== undefined) p.lifetimeSec = a.seconds;
      if (a.kilobytes !== undefined) p.lifetimeKb = a.kilobytes;
    },
    clear: (m, c, a) => {
      const p = profile(m, c);
      if (a.seconds !== undefined) delete p.lifetimeSec;
      if (a.kilobytes !== undefined) delete p.lifetimeKb;
    },
    show: (m, c) => {
      const p = profile(m, c);
      return [...(p.lifetimeSec !== undefined ? [{ seconds: p.lifetimeSec }] : []), ...(p.lifetimeKb !== undefined ? [{ kilobytes: p.lifetimeKb }] : [])];
    },
  }),
  field({
    id: "ipsec-profile.ikev2-profile",
    mode: "ipsec-profile",
    syntax: "set ikev2-profile WORD$profile",
    noSyntax: "set ikev2-profile [WORD$profile]",
    help: ["Specify profile parameters", "Specify ikev2 Profile", "ikev2 Profile Name"],
    order: 30,
    set: (m, c, a) => {
      profile(m, c).ikev2Profile = a.profile;
    },
    clear: (m, c) => {
      delete profile(m, c).ikev2Profile;
    },
    show: (m, c) => {
      const p = profile(m, c).ikev2Profile;
      return p === undefined ? undefined : { profile: p };
    },
  }),
  field({
    id: "ipsec-profile.responder-only",
    mode: "ipsec-profile",
    syntax: "responder-only",
    help: ["Do not initiate SAs from this profile"],
    order: 40,
    set: (m, c) => {
      profile(m, c).responderOnly = true;
    },
    clear: (m, c) => {
      profile(m, c).responderOnly = false;
    },
    show: (m, c) => (profile(m, c).responderOnly ? {} : undefined),
  }),
];
