// The `router bgp` lines public lab configs use beyond the seed's: route reflection
// (`bgp cluster-id`, `neighbor X route-reflector-client`), `maximum-paths [ibgp | eibgp]`, `aggregate-address`,
// `neighbor X allowas-in`, `local-as` and `send-label`, and the old defaults `no
// synchronization` / `no auto-summary` (accepted; IOS 15 no longer shows them).
import { maskLength, maskOf } from "../../wire/addr";
import { command, type ConfigCommand } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { BgpAddressFamily, BgpAggregate } from "../model/bgp";
import { bgp } from "./bgp";
import { af, afPeer, afPeerIfAny, afPeerLines } from "./bgp-af";
import { existingPeer, isOutcome, NEIGHBOR_ORDER, PEER_SYNTAX, peerArg, peerSort, peerTable } from "./bgp-neighbor";

const BGP = "BGP specific commands";
const NEIGHBOR = "Specify a neighbor router";
const PEER = ["Neighbor address", "Neighbor tag"];

type MultipathField = "maximumPaths" | "maximumPathsIbgp" | "maximumPathsEibgp";
type MultipathKind = "" | "ibgp " | "eibgp ";

const MULTIPATH_HELP: Record<MultipathKind, string[]> = { "": [], "ibgp ": ["iBGP-multipath"], "eibgp ": ["Both eBGP and iBGP multipath"] };

/** What stands in the way of setting `field` in a family, as IOS says it: `maximum-paths
 * eibgp N` replaces eBGP and iBGP multipath (Cisco, "BGP Multipath Load Sharing for Both eBGP
 * and iBGP in an MPLS VPN"), so a family has either it or the other two. */
function multipathConflict(f: BgpAddressFamily | undefined, field: MultipathField): string | undefined {
  if (f === undefined) return undefined;
  if (field === "maximumPathsEibgp") {
    if (f.maximumPaths !== undefined || f.maximumPathsIbgp !== undefined) return "%BGP: Unconfigure eBGP and iBGP multipath before configuring eiBGP multipath";
  } else if (f.maximumPathsEibgp !== undefined) return "%BGP: Unconfigure eiBGP multipath before configuring eBGP or iBGP multipath";
  return undefined;
}

/** `maximum-paths [ibgp | eibgp] N`: IOS's eBGP count, with `ibgp` the iBGP one, with
 * `eibgp` one count for eBGP and iBGP paths together; set in an address family
 * (`address-family ipv4 vrf X` governs the VRF's table), or under `router bgp` for IPv4
 * unicast. 1 is the default and is not shown. */
function maximumPaths(id: string, kind: MultipathKind, field: MultipathField, order: number): ConfigCommand {
  return command({
    id,
    mode: ["router-bgp", "router-bgp-af"],
    syntax: `maximum-paths ${kind}<1-32>$paths`,
    help: ["Forward packets over multiple paths", ...MULTIPATH_HELP[kind], "Number of paths"],
    order,
    apply: (m, a, c) => {
      const key = c.bgpAf ?? "ipv4";
      const b = bgp(m);
      if (a.paths === 1) {
        const f = b.addressFamilies[key];
        if (f) delete f[field];
        return;
      }
      const conflict = multipathConflict(b.addressFamilies[key], field);
      if (conflict !== undefined) return { error: conflict };
      const f = (b.addressFamilies[key] ??= { afi: "ipv4", networks: [], redistribute: {}, defaultInformationOriginate: false, neighbors: {} });
      f[field] = a.paths;
    },
    no: {
      syntax: `maximum-paths ${kind}[<1-32>$paths]`,
      apply: (m, _a, c) => {
        const f = bgp(m).addressFamilies[c.bgpAf ?? "ipv4"];
        if (f) delete f[field];
      },
    },
    render: (m, c) => {
      if (c.bgpAf === undefined) return [];
      const n = af(m, c)[field];
      return n === undefined ? [] : [{ args: { paths: n } }];
    },
  });
}

function sameAggregate(a: BgpAggregate, addr: number, len: number): boolean {
  return a.prefix.addr === addr && a.prefix.len === len;
}

/** `synchronization` / `auto-summary`: taken under `router bgp` or an address family (old
 * configs put `no synchronization` in both), shown once under `router bgp` when on. */
function oldDefault(id: string, syntax: string, help: string, field: "synchronization" | "autoSummary", order: number): ConfigCommand {
  return command({
    id,
    mode: ["router-bgp", "router-bgp-af"],
    syntax,
    help: [help],
    order,
    apply: (m) => {
      bgp(m)[field] = true;
    },
    no: {
      apply: (m) => {
        delete bgp(m)[field];
      },
    },
    render: (m, c) => (c.bgpAf === undefined && bgp(m)[field] ? [{ args: {} }] : []),
  });
}

export const bgpOptionCommands: readonly ConfigCommand[] = [
  command({
    id: "bgp.cluster-id",
    mode: "router-bgp",
    syntax: "bgp cluster-id A.B.C.D$id",
    help: [BGP, "Configure Route-Reflector Cluster-id", "Route-Reflector Cluster-id in IP address format"],
    order: 10.5,
    apply: (m, a) => {
      bgp(m).clusterId = a.id;
    },
    no: {
      syntax: "bgp cluster-id [A.B.C.D$id]",
      apply: (m) => {
        delete bgp(m).clusterId;
      },
    },
    render: (m) => {
      const id = bgp(m).clusterId;
      return id === undefined ? [] : [{ args: { id } }];
    },
  }),
  oldDefault("bgp.synchronization", "synchronization", "Perform IGP synchronization", "synchronization", 80),
  oldDefault("bgp.auto-summary", "auto-summary", "Enable automatic network number summarization", "autoSummary", 81),
  command({
    id: "bgp.neighbor.local-as",
    mode: ["router-bgp", "router-bgp-af"],
    syntax: `${PEER_SYNTAX} local-as ASN$asn`,
    help: [NEIGHBOR, ...PEER, "Specify a local-as number", "AS number used as local AS"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = existingPeer(m, c, a);
      if (isOutcome(n)) return n;
      if (a.asn === bgp(m).asn) return { error: "% Cannot have local-as same as BGP AS number" };
      n.localAs = a.asn;
    },
    no: {
      syntax: `${PEER_SYNTAX} local-as [ASN$asn]`,
      apply: (m, a, c) => {
        const n = peerTable(m, c)[typeof a.id === "number" ? String(a.id) : a.id];
        for (const x of Object.values(peerTable(m, c))) if (x === n || x.address === a.id) delete x.localAs;
      },
    },
    render: (m, c) => {
      const af = c.bgpAf === undefined ? undefined : bgp(m).addressFamilies[c.bgpAf];
      const table = af === undefined ? bgp(m).neighbors : af.vrf !== undefined ? (af.vrfNeighbors ?? {}) : {};
      return Object.values(table)
        .filter((n) => n.localAs !== undefined)
        .map((n) => ({ args: { id: peerArg(n), asn: n.localAs } as ArgRecord, sort: peerSort(n) }));
    },
  }),
  command({
    id: "bgp.af.neighbor.route-reflector-client",
    mode: "router-bgp-af",
    syntax: `${PEER_SYNTAX} route-reflector-client`,
    help: [NEIGHBOR, ...PEER, "Configure a neighbor as Route Reflector client"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, c, a);
      if ("error" in n) return n;
      n.routeReflectorClient = true;
    },
    no: {
      apply: (m, a, c) => {
        delete afPeerIfAny(m, c, a).routeReflectorClient;
      },
    },
    render: (m, c) => afPeerLines(m, c, (n) => (n.routeReflectorClient ? {} : undefined)),
  }),
  command({
    id: "bgp.af.neighbor.allowas-in",
    mode: "router-bgp-af",
    syntax: `${PEER_SYNTAX} allowas-in [<1-10>$count]`,
    help: [NEIGHBOR, ...PEER, "Accept as-path with my AS present in it", "Number of occurances of AS number"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, c, a);
      if ("error" in n) return n;
      n.allowAsIn = a.count ?? 3;
    },
    no: {
      syntax: `${PEER_SYNTAX} allowas-in [<1-10>$count]`,
      apply: (m, a, c) => {
        delete afPeerIfAny(m, c, a).allowAsIn;
      },
    },
    // IOS prints the count only when it is not the default 3.
    render: (m, c) => afPeerLines(m, c, (n) => (n.allowAsIn === undefined ? undefined : n.allowAsIn === 3 ? {} : { count: n.allowAsIn })),
  }),
  command({
    id: "bgp.af.neighbor.send-label",
    mode: "router-bgp-af",
    syntax: `${PEER_SYNTAX} send-label`,
    help: [NEIGHBOR, ...PEER, "Send NLRI + MPLS Label to this peer"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, c, a);
      if ("error" in n) return n;
      n.sendLabel = true;
    },
    no: {
      apply: (m, a, c) => {
        delete afPeerIfAny(m, c, a).sendLabel;
      },
    },
    render: (m, c) => afPeerLines(m, c, (n) => (n.sendLabel ? {} : undefined)),
  }),
  command({
    id: "bgp.af.neighbor.maximum-prefix",
    mode: "router-bgp-af",
    syntax: `${PEER_SYNTAX} maximum-prefix <1-2147483647>$max [<1-100>$threshold] [(restart <1-65535>$restart|warning-only$warningOnly)]`,
    help: [
      NEIGHBOR,
      ...PEER,
      "Maximum number of prefixes accepted from this peer",
      "maximum no. of prefix limit",
      "Threshold value (%) at which to generate a warning msg",
      "Restart bgp connection after limit is exceeded",
      "Restart interval in minutes",
      "Only give warning message when limit is exceeded",
    ],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, c, a);
      if ("error" in n) return n;
      n.maximumPrefix = { max: a.max, ...(a.threshold !== undefined ? { threshold: a.threshold } : {}), warningOnly: a.warningOnly !== undefined, ...(a.restart !== undefined ? { restartMin: a.restart } : {}) };
    },
    no: {
      syntax: `${PEER_SYNTAX} maximum-prefix [LINE$rest]`,
      apply: (m, a, c) => {
        delete afPeerIfAny(m, c, a).maximumPrefix;
      },
    },
    render: (m, c) =>
      afPeerLines(m, c, (n): ArgRecord | undefined => {
        const x = n.maximumPrefix;
        if (x === undefined) return undefined;
        return {
          max: x.max,
          ...(x.threshold !== undefined ? { threshold: x.threshold } : {}),
          ...(x.restartMin !== undefined ? { restart: x.restartMin } : {}),
          ...(x.warningOnly ? { warningOnly: "warning-only" } : {}),
        };
      }),
  }),
  maximumPaths("bgp.af.maximum-paths", "", "maximumPaths", 35),
  maximumPaths("bgp.af.maximum-paths.eibgp", "eibgp ", "maximumPathsEibgp", 35.4),
  maximumPaths("bgp.af.maximum-paths.ibgp", "ibgp ", "maximumPathsIbgp", 35.5),
  command({
    id: "bgp.af.aggregate-address",
    mode: ["router-bgp", "router-bgp-af"],
    syntax: "aggregate-address A.B.C.D$address NETMASK$mask [as-set$asSet] [summary-only$summaryOnly]",
    help: ["Configure BGP aggregate entries", "Aggregate address", "Aggregate mask", "Generate AS set path information", "Filter more specific routes from updates"],
    order: 15,
    apply: (m, a, c) => {
      const len = maskLength(a.mask);
      if (len === undefined || ((a.address & ~maskOf(len)) >>> 0) !== 0) return { error: "% Invalid aggregate address or mask" };
      const key = c.bgpAf ?? "ipv4";
      const b = bgp(m);
      const f = (b.addressFamilies[key] ??= { afi: "ipv4", networks: [], redistribute: {}, defaultInformationOriginate: false, neighbors: {} });
      const list = (f.aggregates ?? []).filter((x) => !sameAggregate(x, a.address, len));
      list.push({ prefix: { addr: a.address, len } as BgpAggregate["prefix"], asSet: a.asSet !== undefined, summaryOnly: a.summaryOnly !== undefined });
      list.sort((x, y) => x.prefix.addr - y.prefix.addr || x.prefix.len - y.prefix.len);
      f.aggregates = list;
    },
    no: {
      syntax: "aggregate-address A.B.C.D$address NETMASK$mask [as-set$asSet] [summary-only$summaryOnly]",
      apply: (m, a, c) => {
        const f = bgp(m).addressFamilies[c.bgpAf ?? "ipv4"];
        const len = maskLength(a.mask);
        if (f?.aggregates && len !== undefined) f.aggregates = f.aggregates.filter((x) => !sameAggregate(x, a.address, len));
      },
    },
    render: (m, c) => {
      if (c.bgpAf === undefined) return [];
      return (af(m, c).aggregates ?? []).map((x) => {
        const args: ArgRecord = { address: x.prefix.addr, mask: maskOf(x.prefix.len), ...(x.asSet ? { asSet: "as-set" } : {}), ...(x.summaryOnly ? { summaryOnly: "summary-only" } : {}) };
        return { args, sort: [x.prefix.addr, x.prefix.len] };
      });
    },
  }),
];
