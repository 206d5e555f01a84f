// `router bgp ASN` and its process-level commands: router-id, logging, dynamic neighbors
// (`bgp listen`). Neighbors are in bgp-neighbor.ts, address families in bgp-af.ts.

import { command, type ConfigCommand } from "../command";
import { newBgp, type BgpConfig } from "../model/bgp";
import type { RouterConfig } from "../model/router";
import { flag } from "./flag";
import { TOP } from "./order";

const BGP = "BGP specific commands";

export function bgp(m: RouterConfig): BgpConfig {
  if (!m.bgp) throw new Error("router bgp vanished");
  return m.bgp;
}

export const bgpCommands: readonly ConfigCommand[] = [
  command({
    id: "router-bgp",
    mode: "config",
    syntax: "router bgp ASN$asn",
    help: ["Enable a routing process", "Border Gateway Protocol (BGP)", "Autonomous system number"],
    order: TOP.routerBgp,
    enters: "router-bgp",
    apply: (m, a) => {
      const asn = a.asn;
      if (m.bgp && m.bgp.asn !== asn) return { error: `% BGP is already running; AS is ${m.bgp.asn}` };
      m.bgp ??= newBgp(asn);
      return { ctx: {} };
    },
    no: {
      apply: (m, a) => {
        if (m.bgp?.asn === a.asn) delete m.bgp;
      },
    },
    render: (m) => (m.bgp ? [{ args: { asn: m.bgp.asn }, child: {} }] : []),
  }),
  command({
    id: "bgp.router-id",
    mode: "router-bgp",
    syntax: "bgp router-id A.B.C.D$id",
    help: [BGP, "Override configured router identifier (peers will reset)", "Manually configured router identifier"],
    order: 10,
    apply: (m, a) => {
      bgp(m).routerId = a.id;
    },
    no: {
      syntax: "bgp router-id [A.B.C.D$id]",
      apply: (m) => {
        delete bgp(m).routerId;
      },
    },
    render: (m) => {
      const id = bgp(m).routerId;
      return id === undefined ? [] : [{ args: { id } }];
    },
  }),
  flag({
    id: "bgp.log-neighbor-changes",
    mode: "router-bgp",
    syntax: "bgp log-neighbor-changes",
    help: [BGP, "Log neighbor up/down and reset reason"],
    order: 11,
    defaultOn: false,
    get: (m) => bgp(m).logNeighborChanges,
    set: (m, _c, on) => {
      bgp(m).logNeighborChanges = on;
    },
  }),
  flag({
    id: "bgp.default-ipv4-unicast",
    mode: "router-bgp",
    syntax: "bgp default ipv4-unicast",
    help: [BGP, "Configure BGP defaults", "Activate ipv4-unicast for a peer by default"],
    order: 12,
    defaultOn: true,
    get: (m) => bgp(m).defaultIpv4Unicast,
    set: (m, _c, on) => {
      bgp(m).defaultIpv4Unicast = on;
    },
  }),
  command({
    id: "bgp.listen-range",
    mode: "router-bgp",
    syntax: "bgp listen range A.B.C.D/M$prefix peer-group WORD$group",
    help: [BGP, "Neighbor subnet range listener", "Subnet network range", "Subnet network range", "Member of the peer-group", "peer-group name"],
    order: 13,
    apply: (m, a) => {
      const b = bgp(m);
      const group = a.group;
      // IOS lists `bgp listen range` before the peer-group's definition, so a config it wrote
      // names the group first: accept it, as IOS does when it reads its own config back.
      const p = a.prefix;
      b.listenRanges = b.listenRanges.filter((r) => !(r.prefix.addr === p.addr && r.prefix.len === p.len));
      b.listenRanges.push({ prefix: p, peerGroup: group });
    },
    no: {
      syntax: "bgp listen range A.B.C.D/M$prefix [peer-group [WORD$group]]",
      apply: (m, a) => {
        const b = bgp(m);
        const p = a.prefix;
        b.listenRanges = b.listenRanges.filter((r) => !(r.prefix.addr === p.addr && r.prefix.len === p.len));
      },
    },
    render: (m) => bgp(m).listenRanges.map((r) => ({ args: { prefix: r.prefix, group: r.peerGroup } })),
  }),
  command({
    id: "bgp.listen-limit",
    mode: "router-bgp",
    syntax: "bgp listen limit <1-5000>$limit",
    help: [BGP, "Neighbor subnet range listener", "Set the max limit for the dynamic subnet range neighbors", "max limit"],
    order: 14,
    apply: (m, a) => {
      bgp(m).listenLimit = a.limit;
    },
    no: {
      syntax: "bgp listen limit [<1-5000>$limit]",
      apply: (m) => {
        delete bgp(m).listenLimit;
      },
    },
    render: (m) => {
      const l = bgp(m).listenLimit;
      return l === undefined ? [] : [{ args: { limit: l } }];
    },
  }),
];
