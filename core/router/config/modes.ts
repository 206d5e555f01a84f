// The CLI modes: their IOS prompt, their parent (where `exit` goes, and where a line that
// does not parse is tried next), and how a block of the mode sits inside its parent's block
// in running-config.

import type { ModeId } from "./grammar/engine";
import { KEPT_MODES } from "./commands/kept-modes";

export interface ModeDef {
  readonly id: ModeId;
  /** What follows the hostname: ">" / "#" for exec, "(config-if)#" for config modes. */
  readonly prompt: string;
  readonly parent?: ModeId;
  /** Printed at the parent's indent before a nested block (` !` before an address-family). */
  readonly nestedOpen?: string;
  /** Printed at the parent's indent after a nested block (` exit-address-family`). */
  readonly nestedClose?: string;
  /** Top-level blocks of this mode follow each other without `!` (the `line` blocks). */
  readonly unseparated?: boolean;
}

export const MODES: readonly ModeDef[] = [
  { id: "user-exec", prompt: ">" },
  { id: "exec", prompt: "#" },
  { id: "config", prompt: "(config)#", parent: "exec" },
  { id: "config-if", prompt: "(config-if)#", parent: "config" },
  // Tunnel and Virtual-Template interfaces: the same prompt, plus the tunnel commands.
  { id: "config-if-tunnel", prompt: "(config-if)#", parent: "config" },
  { id: "config-subif", prompt: "(config-subif)#", parent: "config" },
  { id: "vrf-definition", prompt: "(config-vrf)#", parent: "config" },
  { id: "vrf-definition-af", prompt: "(config-vrf-af)#", parent: "vrf-definition", nestedOpen: "!", nestedClose: "exit-address-family" },
  { id: "ip-vrf", prompt: "(config-vrf)#", parent: "config" },
  { id: "router-bgp", prompt: "(config-router)#", parent: "config" },
  { id: "router-bgp-af", prompt: "(config-router-af)#", parent: "router-bgp", nestedOpen: "!", nestedClose: "exit-address-family" },
  { id: "route-map", prompt: "(config-route-map)#", parent: "config" },
  { id: "ca-trustpoint", prompt: "(ca-trustpoint)#", parent: "config" },
  { id: "cs-server", prompt: "(cs-server)#", parent: "config" },
  { id: "ca-certificate-map", prompt: "(ca-certificate-map)#", parent: "config" },
  { id: "cert-chain", prompt: "(config-cert-chain)#", parent: "config" },
  // Hex lines of one certificate, ended by `quit`.
  { id: "cert-hex", prompt: "(config-pubkey)#", parent: "cert-chain" },
  { id: "ikev2-proposal", prompt: "(config-ikev2-proposal)#", parent: "config" },
  { id: "ikev2-policy", prompt: "(config-ikev2-policy)#", parent: "config" },
  { id: "ikev2-keyring", prompt: "(config-ikev2-keyring)#", parent: "config" },
  { id: "ikev2-keyring-peer", prompt: "(config-ikev2-keyring-peer)#", parent: "ikev2-keyring", nestedClose: "!" },
  { id: "ikev2-authorization-policy", prompt: "(config-ikev2-author-policy)#", parent: "config" },
  { id: "ikev2-profile", prompt: "(config-ikev2-profile)#", parent: "config" },
  { id: "ipsec-transform-set", prompt: "(cfg-crypto-trans)#", parent: "config" },
  { id: "ipsec-profile", prompt: "(ipsec-profile)#", parent: "config" },
  { id: "redundancy", prompt: "(config-red)#", parent: "config" },
  { id: "line", prompt: "(config-line)#", parent: "config", unseparated: true },
  { id: "control-plane", prompt: "(config-cp)#", parent: "config" },
  { id: "acl-std", prompt: "(config-std-nacl)#", parent: "config" },
  { id: "acl-ext", prompt: "(config-ext-nacl)#", parent: "config" },
  ...KEPT_MODES,
];

const BY_ID = new Map(MODES.map((m) => [m.id, m]));

export function modeDef(id: ModeId): ModeDef {
  const m = BY_ID.get(id);
  if (!m) throw new Error(`unknown mode ${id}`);
  return m;
}

/** The full prompt, e.g. "R1(config-if)#". */
export function promptFor(hostname: string, mode: ModeId): string {
  return hostname + modeDef(mode).prompt;
}

/** Whether `mode` is a configuration mode (config or below it). */
export function isConfigMode(mode: ModeId): boolean {
  for (let m: ModeDef | undefined = BY_ID.get(mode); m; m = m.parent ? BY_ID.get(m.parent) : undefined) if (m.id === "config") return true;
  return false;
}

/** `mode`, then its parent, up to global config. */
export function modeChain(mode: ModeId): ModeId[] {
  const out: ModeId[] = [];
  for (let m: ModeDef | undefined = BY_ID.get(mode); m && m.id !== "exec"; m = m.parent ? BY_ID.get(m.parent) : undefined) out.push(m.id);
  return out;
}
