// NAT: `ip nat inside|outside source …` translations and `ip nat pool`, with the interface
// markers in kept-interface.ts. The lab translates nothing; these are kept and rendered.

import type { ConfigCommand } from "../command";
import { keptFamily } from "./kept";

const IP = "Global IP configuration subcommands";
const NAT = "NAT configuration commands";

export const keptNatCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "NAT",
    inert: "no NAT in the lab",
    mode: "config",
    order: 1950,
    commands: [
      {
        id: "nat.pool",
        syntax: "ip nat pool WORD$name A.B.C.D$start A.B.C.D$end (netmask A.B.C.D$netmask|prefix-length <1-32>$prefixLength)",
        noSyntax: "ip nat pool WORD$name [LINE$rest]",
        help: [IP, NAT, "Define pool of addresses", "Pool name", "Start IP address", "End IP address", "Specify the network mask", "Network mask", "Specify the prefix length", "Prefix length"],
        multi: (a) => String(a.name),
      },
      {
        id: "nat.source",
        syntax:
          "ip nat (inside|outside)$side source (list$list (<1-2699>$aclNumber|WORD$aclName) (interface INTERFACE$interface|pool WORD$pool)|static$static [(tcp|udp)$protocol] A.B.C.D$local [<1-65535>$localPort] A.B.C.D$global [<1-65535>$globalPort]) [vrf WORD$vrf] {overload$overload|extendable$extendable|no-alias$noAlias}",
        noSyntax: "ip nat (inside|outside)$side source [LINE$rest]",
        help: [
          IP,
          NAT,
          "Inside address translation",
          "Outside address translation",
          "Source address translation",
          "Specify access list describing local addresses",
          "Access list number for local addresses",
          "Access list name for local addresses",
          "Specify interface for global address",
          "Interface name",
          "Name pool of global addresses",
          "Pool name for global addresses",
          "Specify static local->global mapping",
          "Transmission Control Protocol",
          "User Datagram Protocol",
          "Inside local IP address",
          "Local UDP/TCP port",
          "Inside global IP address",
          "Global UDP/TCP port",
          "Specify vrf",
          "VRF name",
          "Overload an address translation",
          "Extend this translation when used",
          "Do not create an alias for the global address",
        ],
        multi: true,
      },
    ],
  }),
];
