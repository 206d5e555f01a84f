// BGP neighbors and peer-groups: `neighbor X remote-as`, `neighbor G peer-group`, and the
// session settings (description, password, shutdown, ebgp-multihop, transport, update-source).
// Under `router bgp` they define global neighbors; inside `address-family ipv4 vrf X` they
// define that VRF's neighbors (PE-CE sessions), which IOS activates there at once.

import { formatIpv4, type Ipv4 } from "../../wire/addr";
import { command, type ConfigCommand, type CtxOf, type Outcome, type RenderItem } from "../command";
import { Args, type ArgRecord } from "../grammar/args";
import type { BgpAddressFamily, BgpConfig, BgpNeighbor } from "../model/bgp";
import type { RouterConfig } from "../model/router";
import { BGP_NEIGHBOR_DESCRIPTION_MAX_CHARS, descriptionProblem } from "../names";
import { bgp } from "./bgp";

const MODES = ["router-bgp", "router-bgp-af"] as const;
const NEIGHBOR = "Specify a neighbor router";
const PEER = ["Neighbor address", "Neighbor tag"];
export const PEER_SYNTAX = "neighbor (A.B.C.D|WORD)$id";
/** Neighbor lines share one order: they group by neighbor, then follow the declaration order
 * (IOS's), and in an address family the per-family lines of a neighbor follow its definition. */
export const NEIGHBOR_ORDER = 30;

/** Where neighbor commands run: `router bgp`, or one of its address families. */
export type BgpCtx = CtxOf<(typeof MODES)[number]>;

/** What `neighbor (A.B.C.D|WORD)$id` binds: an address, or a peer-group name. */
export interface PeerArgs {
  readonly id: Ipv4 | string;
}

/** The address family a sub-mode is about, if it is one. */
export function currentAf(m: RouterConfig, c: BgpCtx): BgpAddressFamily | undefined {
  return c.bgpAf === undefined ? undefined : bgp(m).addressFamilies[c.bgpAf];
}

/** The neighbor table a command changes here: the VRF's inside `address-family ipv4 vrf X`,
 * the global one elsewhere. */
export function peerTable(m: RouterConfig, c: BgpCtx): Record<string, BgpNeighbor> {
  const af = currentAf(m, c);
  return af?.vrf !== undefined ? (af.vrfNeighbors ??= {}) : bgp(m).neighbors;
}

/** The table whose definitions are printed in this block: none inside a global family. */
function shownTable(m: RouterConfig, c: BgpCtx): Record<string, BgpNeighbor> {
  const af = currentAf(m, c);
  if (!af) return bgp(m).neighbors;
  return af.vrf !== undefined ? (af.vrfNeighbors ?? {}) : {};
}

/** The neighbor id IOS shows: the address, or the peer-group name. */
export function peerId(a: PeerArgs): string {
  return typeof a.id === "number" ? formatIpv4(a.id) : a.id;
}

/** The same, for a command whose syntax is built from parts (its record is untyped). */
function peerOf(a: ArgRecord): PeerArgs {
  const id = a.id;
  if (typeof id !== "number" && typeof id !== "string") throw new Error("neighbor id not bound");
  return { id: id as Ipv4 | string };
}

/** Peer-groups first, then neighbors by address, as running-config lists them. */
export function peerSort(n: BgpNeighbor): (string | number)[] {
  return n.isPeerGroup ? [0, n.id] : [1, n.address ?? 0];
}

export function peerArg(n: BgpNeighbor): string | number {
  return n.address ?? n.id;
}

/** The neighbor a command names; IOS refuses settings for one it does not know yet. */
export function existingPeer(m: RouterConfig, c: BgpCtx, a: PeerArgs): BgpNeighbor | Outcome {
  return peerTable(m, c)[peerId(a)] ?? { error: "% Specify remote-as or peer-group commands first" };
}

export function isOutcome(x: BgpNeighbor | Outcome): x is Outcome {
  return (x as Partial<BgpNeighbor>).id === undefined;
}

function newPeer(id: string, address: Ipv4 | undefined): BgpNeighbor {
  return address === undefined ? { id, isPeerGroup: true, shutdown: false } : { id, address, isPeerGroup: false, shutdown: false };
}

/** Creates a neighbor; inside a VRF family IOS activates it there at once. */
function definePeer(m: RouterConfig, c: BgpCtx, id: string, address: Ipv4 | undefined): BgpNeighbor {
  const table = peerTable(m, c);
  const existing = table[id];
  if (existing) return existing;
  const n = (table[id] = newPeer(id, address));
  const af = currentAf(m, c);
  if (af?.vrf !== undefined && address !== undefined) (af.neighbors[id] ??= { nextHopSelf: false }).activate = true;
  return n;
}

function removePeer(b: BgpConfig, table: Record<string, BgpNeighbor>, id: string): void {
  delete table[id];
  for (const n of Object.values(table)) if (n.peerGroup === id) delete n.peerGroup;
  for (const af of Object.values(b.addressFamilies)) if ((af.vrfNeighbors ?? b.neighbors) === table) delete af.neighbors[id];
  if (table === b.neighbors) b.listenRanges = b.listenRanges.filter((r) => r.peerGroup !== id);
}

function lines(m: RouterConfig, c: BgpCtx, pick: (n: BgpNeighbor) => Readonly<Record<string, string | number | undefined>> | undefined): RenderItem[] {
  const out: RenderItem[] = [];
  for (const n of Object.values(shownTable(m, c))) {
    const args = pick(n);
    if (args) out.push({ args: { id: peerArg(n), ...args }, sort: peerSort(n) });
  }
  return out;
}

type PeerField = "description" | "password" | "updateSource";

/** `neighbor X <words> VALUE` setting one field of a known neighbor. */
function peerValue(id: string, words: string, value: string, field: PeerField, help: readonly string[], check?: (v: string) => string | undefined): ConfigCommand {
  return command({
    id,
    mode: MODES,
    syntax: `${PEER_SYNTAX} ${words} ${value}$value`,
    help: [NEIGHBOR, ...PEER, ...help],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = existingPeer(m, c, peerOf(a));
      if (isOutcome(n)) return n;
      const v = Args.of(a).str("value");
      const problem = check?.(v);
      if (problem !== undefined) return { error: problem };
      n[field] = v;
    },
    no: {
      syntax: `${PEER_SYNTAX} ${words} [${value}$value]`,
      apply: (m, a, c) => {
        const n = peerTable(m, c)[peerId(peerOf(a))];
        if (n) delete n[field];
      },
    },
    render: (m, c) => lines(m, c, (n) => (n[field] === undefined ? undefined : { value: n[field] })),
  });
}

export const bgpNeighborCommands: readonly ConfigCommand[] = [
  command({
    id: "bgp.neighbor.peer-group-define",
    mode: MODES,
    syntax: "neighbor WORD$id peer-group",
    help: [NEIGHBOR, "Neighbor tag", "Configure peer-group"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const id = a.id;
      const existing = peerTable(m, c)[id];
      if (existing && !existing.isPeerGroup) return { error: `% ${id} is already a neighbor` };
      definePeer(m, c, id, undefined);
    },
    no: {
      apply: (m, a, c) => {
        const table = peerTable(m, c);
        if (table[a.id]?.isPeerGroup) removePeer(bgp(m), table, a.id);
      },
    },
    render: (m, c) => lines(m, c, (n) => (n.isPeerGroup ? {} : undefined)),
  }),
  command({
    id: "bgp.neighbor.remote-as",
    mode: MODES,
    syntax: `${PEER_SYNTAX} remote-as ASN$asn`,
    help: [NEIGHBOR, ...PEER, "Specify a BGP neighbor", "AS of remote neighbor"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const id = peerId(a);
      const address = typeof a.id === "number" ? a.id : undefined;
      if (address === undefined && !peerTable(m, c)[id]?.isPeerGroup) return { error: "% Create the peer-group first" };
      definePeer(m, c, id, address).remoteAs = a.asn;
    },
    no: {
      syntax: `${PEER_SYNTAX} [remote-as [ASN$asn]]`,
      apply: (m, a, c) => {
        const table = peerTable(m, c);
        const n = table[peerId(a)];
        if (!n) return;
        if (n.isPeerGroup && a.asn !== undefined) delete n.remoteAs;
        else removePeer(bgp(m), table, n.id);
      },
    },
    render: (m, c) => lines(m, c, (n) => (n.remoteAs === undefined ? undefined : { asn: n.remoteAs })),
  }),
  command({
    id: "bgp.neighbor.peer-group-member",
    mode: MODES,
    syntax: "neighbor A.B.C.D$id peer-group WORD$group",
    help: [NEIGHBOR, "Neighbor address", "Member of the peer-group", "peer-group name"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const group = a.group;
      if (!peerTable(m, c)[group]?.isPeerGroup) return { error: "% Create the peer-group first" };
      definePeer(m, c, peerId(a), a.id).peerGroup = group;
    },
    no: {
      syntax: "neighbor A.B.C.D$id peer-group [WORD$group]",
      apply: (m, a, c) => {
        const n = peerTable(m, c)[peerId(a)];
        if (n) delete n.peerGroup;
      },
    },
    render: (m, c) => lines(m, c, (n) => (n.peerGroup === undefined ? undefined : { group: n.peerGroup })),
  }),
  peerValue("bgp.neighbor.description", "description", "LINE", "description", ["Neighbor specific description", "Up to 80 characters describing this neighbor"], (text) =>
    descriptionProblem(text, BGP_NEIGHBOR_DESCRIPTION_MAX_CHARS),
  ),
  peerValue("bgp.neighbor.password", "password", "LINE", "password", ["Set a password", "The password"]),
  command({
    id: "bgp.neighbor.shutdown",
    mode: MODES,
    syntax: `${PEER_SYNTAX} shutdown`,
    help: [NEIGHBOR, ...PEER, "Administratively shut down this neighbor"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = existingPeer(m, c, a);
      if (isOutcome(n)) return n;
      n.shutdown = true;
    },
    no: {
      apply: (m, a, c) => {
        const n = peerTable(m, c)[peerId(a)];
        if (n) n.shutdown = false;
      },
    },
    render: (m, c) => lines(m, c, (n) => (n.shutdown ? {} : undefined)),
  }),
  command({
    id: "bgp.neighbor.ebgp-multihop",
    mode: MODES,
    syntax: `${PEER_SYNTAX} ebgp-multihop [<1-255>$ttl]`,
    help: [NEIGHBOR, ...PEER, "Allow EBGP neighbors not on directly connected networks", "maximum hop count"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = existingPeer(m, c, a);
      if (isOutcome(n)) return n;
      n.ebgpMultihop = a.ttl ?? 255;
    },
    no: {
      apply: (m, a, c) => {
        const n = peerTable(m, c)[peerId(a)];
        if (n) delete n.ebgpMultihop;
      },
    },
    render: (m, c) => lines(m, c, (n) => (n.ebgpMultihop === undefined ? undefined : { ttl: n.ebgpMultihop })),
  }),
  command({
    id: "bgp.neighbor.transport",
    mode: MODES,
    syntax: `${PEER_SYNTAX} transport connection-mode (active|passive)$mode`,
    help: [NEIGHBOR, ...PEER, "Transport options", "Specify passive or active connection", "Actively establish the TCP session", "Passively establish the TCP session"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = existingPeer(m, c, a);
      if (isOutcome(n)) return n;
      n.transportConnectionMode = a.mode;
    },
    no: {
      syntax: `${PEER_SYNTAX} transport connection-mode [(active|passive)$mode]`,
      apply: (m, a, c) => {
        const n = peerTable(m, c)[peerId(a)];
        if (n) delete n.transportConnectionMode;
      },
    },
    render: (m, c) => lines(m, c, (n) => (n.transportConnectionMode === undefined ? undefined : { mode: n.transportConnectionMode })),
  }),
  peerValue("bgp.neighbor.update-source", "update-source", "INTERFACE", "updateSource", ["Source of routing updates", "Interface"]),
];
