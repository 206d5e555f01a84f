// BGP commands a lab keeps but does not simulate: `ip bgp-community new-format`, route-flap
// dampening, additional paths, per-neighbor timers and default-originate. Each is real
// grammar (a typo is `% Invalid input` with the caret), kept in its place (the `router bgp`
// process, its address family, the route-map entry) and rendered back there, and listed by
// `config check --warnings` with the reason the lab gives it no effect.

import type { ConfigCommand } from "../command";
import type { ArgRecord } from "../grammar/args";
import { keptFamily } from "./kept";
import { NEIGHBOR_ORDER, PEER_SYNTAX } from "./bgp-neighbor";

const NEIGHBOR = ["Specify a neighbor router", "Neighbor address", "Neighbor tag"];
/** Per neighbor: lines of one command for different neighbors are kept side by side. */
const byPeer = (a: ArgRecord) => String(a.id);

export const keptBgpCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "BGP policy",
    inert: "show commands print communities as aa:nn whatever this says",
    mode: "config",
    order: 1850,
    commands: [
      { id: "ip.bgp-community.new-format", syntax: "ip bgp-community new-format", help: ["Global IP configuration subcommands", "format for BGP community", "select aa:nn format for BGP community"], inert: "show commands print communities as aa:nn whatever this says" },
    ],
  }),
  ...keptFamily({
    family: "BGP",
    inert: "the lab's BGP does not run this option",
    mode: "router-bgp",
    order: 11.5,
    commands: [
      { id: "bgp.bestpath.compare-routerid", syntax: "bgp bestpath compare-routerid", help: ["BGP specific commands", "Change the default bestpath selection", "Compare router-id for identical EBGP paths"], inert: "the lab's best-path selection already breaks ties on the lowest router ID" },
      {
        id: "bgp.neighbor.timers",
        syntax: `${PEER_SYNTAX} timers <0-65535>$keepalive <0-65535>$holdtime [<0-65535>$minimum]`,
        noSyntax: `${PEER_SYNTAX} timers [LINE$rest]`,
        help: [...NEIGHBOR, "BGP per neighbor timers", "Keepalive interval", "Holdtime", "Minimum hold time from neighbor"],
        multi: byPeer,
        order: NEIGHBOR_ORDER + 0.5,
        inert: "lab sessions keep IOS's default timers (60 s keepalive, 180 s hold time)",
      },
    ],
  }),
  ...keptFamily({
    family: "BGP",
    inert: "the lab's BGP does not run this option",
    mode: ["router-bgp", "router-bgp-af"],
    order: 5,
    commands: [
      { id: "bgp.dampening", syntax: "bgp dampening [<1-45>$halfLife <1-20000>$reuse <1-20000>$suppress <1-255>$maxSuppress]", noSyntax: "bgp dampening [LINE$rest]", help: ["BGP specific commands", "Enable route-flap dampening", "Half-life time for the penalty", "Value to start reusing a route", "Value to start suppressing a route", "Maximum duration to suppress a stable route"], inert: "lab routes do not flap: no dampening is applied" },
      { id: "bgp.additional-paths.select", syntax: "bgp additional-paths select (all$all|best <2-3>$best|group-best$groupBest)", noSyntax: "bgp additional-paths select [LINE$rest]", help: ["BGP specific commands", "Additional paths in the BGP table", "Selection criteria to pick the paths", "Select all available paths", "Select best N paths", "Number of best paths to select", "Select group-best path"] },
      { id: "bgp.additional-paths", syntax: "bgp additional-paths (send$send [receive$receive]|receive$receive)", noSyntax: "bgp additional-paths [LINE$rest]", help: ["BGP specific commands", "Additional paths in the BGP table", "Additional paths Send capability", "Additional paths Receive capability", "Additional paths Receive capability"] },
      {
        id: "bgp.neighbor.default-originate",
        syntax: `${PEER_SYNTAX} default-originate [route-map WORD$routeMap]`,
        help: [...NEIGHBOR, "Originate default route to this neighbor", "Route-map to specify criteria to originate default", "route-map name"],
        multi: byPeer,
        order: NEIGHBOR_ORDER + 0.51,
        inert: "the lab's BGP originates no default route for a single neighbor",
      },
      {
        id: "bgp.neighbor.advertise-additional-paths",
        syntax: `${PEER_SYNTAX} advertise additional-paths (all$all|best <2-3>$best|group-best$groupBest)`,
        noSyntax: `${PEER_SYNTAX} advertise additional-paths [LINE$rest]`,
        help: [...NEIGHBOR, "Advertise to this neighbor", "Advertise additional paths", "Select all available paths", "Select best N paths", "Number of best paths to advertise", "Select group-best path"],
        multi: byPeer,
        order: NEIGHBOR_ORDER + 0.52,
      },
    ],
  }),
];
