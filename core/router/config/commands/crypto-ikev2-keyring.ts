// `crypto ikev2 keyring NAME` with its peers and their pre-shared keys.

import { command, type ConfigCommand, type CtxOf } from "../command";
import { bound } from "../grammar/args";
import type { Ikev2KeyringPeer } from "../model/crypto";
import type { RouterConfig } from "../model/router";
import { block, field, pick } from "./field";
import { TOP } from "./order";
import { setting } from "./setting";

const IKEV2 = ["Encryption module", "Configure IKEv2"];

function keyringPeer(m: RouterConfig, c: CtxOf<"ikev2-keyring-peer">): Ikev2KeyringPeer {
  const k = pick(m.crypto.ikev2.keyrings, c.ikev2Keyring, "IKEv2 keyring");
  return pick(k.peers, c.keyringPeer, "keyring peer");
}

export const ikev2KeyringCommands: readonly ConfigCommand[] = [
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
      const name = a.name;
      k.peers[name] ??= { name };
      return { ctx: { ...c, keyringPeer: name } };
    },
    no: {
      apply: (m, a, c) => {
        delete pick(m.crypto.ikev2.keyrings, c.ikev2Keyring, "IKEv2 keyring").peers[a.name];
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
      keyringPeer(m, c).address = a.mask !== undefined ? { address: a.address, mask: a.mask } : { address: a.address };
    },
    clear: (m, c) => {
      delete keyringPeer(m, c).address;
    },
    show: (m, c) => {
      const x = keyringPeer(m, c).address;
      return x && { address: x.address, mask: x.mask };
    },
  }),
  setting({
    id: "keyring-peer.hostname",
    mode: "ikev2-keyring-peer",
    syntax: "hostname WORD$name",
    noSyntax: "hostname [WORD$name]",
    help: ["Hostname of peer", "Hostname"],
    order: 11,
    at: keyringPeer,
    field: "hostname",
    arg: "name",
  }),
  field({
    id: "keyring-peer.identity",
    mode: "ikev2-keyring-peer",
    syntax: "identity (address A.B.C.D$address|fqdn WORD$fqdn|email WORD$email|key-id WORD$keyId)",
    noSyntax: "identity [(address A.B.C.D$address|fqdn WORD$fqdn|email WORD$email|key-id WORD$keyId)]",
    help: ["Specify IKE identity to use", "IP address", "IPv4 address", "Fully qualified domain name", "FQDN string", "Email address", "Email string", "key-id opaque string", "key-id opaque string - proprietary types"],
    order: 12,
    set: (m, c, a) => {
      const p = keyringPeer(m, c);
      if (a.address !== undefined) p.identity = { kind: "address", address: a.address };
      else if (a.email !== undefined) p.identity = { kind: "email", value: a.email };
      else if (a.keyId !== undefined) p.identity = { kind: "key-id", value: a.keyId };
      else p.identity = { kind: "fqdn", value: bound(a.fqdn, "fqdn") };
    },
    clear: (m, c) => {
      delete keyringPeer(m, c).identity;
    },
    show: (m, c) => {
      const i = keyringPeer(m, c).identity;
      if (!i) return undefined;
      if (i.kind === "address") return { address: i.address };
      return i.kind === "email" ? { email: i.value } : i.kind === "key-id" ? { keyId: i.value } : { fqdn: i.value };
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
      const side = a.side;
      if (side === "local") p.preSharedKeyLocal = a.key;
      else if (side === "remote") p.preSharedKeyRemote = a.key;
      else p.preSharedKey = a.key;
    },
    clear: (m, c, a) => {
      const p = keyringPeer(m, c);
      const side = a.side;
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
];
