// MPLS beyond what MPLS over FlexVPN uses: LDP and traffic-engineering settings a saved
// config carries (the lab's labels come from BGP and NHRP), and the warning the source
// document asks for when `mpls ip` lands on a FlexVPN tunnel.

import type { ConfigCommand } from "../command";
import type { InterfaceConfig } from "../model/interface";
import { IF_MODES } from "./interface";
import { keptFamily } from "./kept";

const MPLS = "Configure MPLS parameters";
const LDP = "Label Distribution Protocol";
const TE = "Configure Traffic Engineering parameters";

/** `mpls ip` (LDP) on a FlexVPN tunnel: a Virtual-Template of type tunnel, or a tunnel under
 * IPsec protection. LDP's hellos would keep every spoke-to-spoke tunnel up for good. */
export function flexVpnMplsIpWarning(i: InterfaceConfig): string | undefined {
  if (!i.mpls.ip) return undefined;
  if (i.templateType !== "tunnel" && i.tunnel?.protectionProfile === undefined) return undefined;
  return `% Warning: mpls ip on ${i.name}, a FlexVPN tunnel: LDP hellos keep spoke-to-spoke tunnels up; MPLS over FlexVPN never enables it there (use mpls bgp forwarding or mpls nhrp)`;
}

export const keptMplsCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "MPLS LDP/TE",
    inert: "the lab runs no LDP or RSVP-TE; labels come from BGP and NHRP",
    mode: "config",
    order: 1002.5,
    commands: [
      { id: "mpls.label-protocol", syntax: "mpls label protocol (ldp|tdp)$protocol", noSyntax: "mpls label protocol [(ldp|tdp)$protocol]", help: [MPLS, "Configure label property", "Configure label distribution protocol", "Use LDP", "Use TDP"] },
      { id: "mpls.ldp.router-id", syntax: "mpls ldp router-id INTERFACE$interface [force$force]", noSyntax: "mpls ldp router-id [INTERFACE$interface] [force$force]", help: [MPLS, LDP, "Select interface for LDP router id", "Interface name", "Forcibly change the LDP router id"] },
      { id: "mpls.ldp.explicit-null", syntax: "mpls ldp explicit-null", help: [MPLS, LDP, "Advertise Explicit Null label in place of Implicit Null"] },
      { id: "mpls.ldp.graceful-restart", syntax: "mpls ldp graceful-restart", help: [MPLS, LDP, "Configure LDP Graceful Restart"] },
      { id: "mpls.ldp.password", syntax: "mpls ldp neighbor A.B.C.D$neighbor password [<0-7>$encryption] WORD$password", noSyntax: "mpls ldp neighbor A.B.C.D$neighbor password [<0-7>$encryption] [WORD$password]", help: [MPLS, LDP, "Configure neighbor parameters", "IP address of LDP neighbor", "Enable MD5 password for neighbor", "Encryption type", "The password"], multi: (a) => String(a.neighbor) },
      { id: "mpls.te.tunnels", syntax: "mpls traffic-eng tunnels", help: [MPLS, TE, "Enable Traffic Engineering tunnels"] },
    ],
  }),
  ...keptFamily({
    family: "MPLS LDP/TE",
    inert: "the lab runs no LDP or RSVP-TE; labels come from BGP and NHRP",
    mode: IF_MODES,
    order: 80.5,
    commands: [
      { id: "if.mpls.label-protocol", syntax: "mpls label protocol (ldp|tdp|both)$protocol", noSyntax: "mpls label protocol [(ldp|tdp|both)$protocol]", help: [MPLS, "Configure label property", "Configure label distribution protocol", "Use LDP", "Use TDP", "Use LDP and TDP"] },
      { id: "if.mpls.mtu", syntax: "mpls mtu <64-65536>$bytes", noSyntax: "mpls mtu [<64-65536>$bytes]", help: [MPLS, "Set MPLS Maximum Transmission Unit", "MTU (bytes)"] },
      { id: "if.mpls.ldp.igp-sync", syntax: "mpls ldp igp sync", help: [MPLS, LDP, "Configure IGP synchronization", "Enable IGP synchronization"], no: "store" },
      { id: "if.mpls.te.tunnels", syntax: "mpls traffic-eng tunnels", help: [MPLS, TE, "Enable Traffic Engineering tunnels on this interface"] },
    ],
  }),
];
