// Every configuration command, and the grammar built from them. The order here is the
// declaration order, which breaks ties in running-config (see `order` on each command).

import type { ConfigCommand } from "../command";
import { Grammar } from "../grammar/engine";
import { aclCommands } from "./acl";
import { bgpCommands } from "./bgp";
import { bgpAfCommands } from "./bgp-af";
import { bgpListCommands } from "./bgp-lists";
import { bgpNeighborCommands } from "./bgp-neighbor";
import { bgpOptionCommands } from "./bgp-options";
import { cdpCommands } from "./cdp";
import { pkiCommands } from "./crypto-pki";
import { ikev2Commands } from "./crypto-ikev2";
import { isakmpCommands } from "./crypto-isakmp";
import { ikev2AuthorizationCommands } from "./crypto-ikev2-authorization";
import { ikev2KeyringCommands } from "./crypto-ikev2-keyring";
import { ikev2ProfileCommands } from "./crypto-ikev2-profile";
import { ipsecCommands } from "./crypto-ipsec";
import { interfaceCommands } from "./interface";
import { interfaceOptionCommands } from "./interface-options";
import { keptAaaCommands } from "./kept-aaa";
import { keptBgpCommands } from "./kept-bgp";
import { keptInterfaceCommands } from "./kept-interface";
import { keptMplsCommands } from "./kept-mpls";
import { keptNatCommands } from "./kept-nat";
import { keptQosCommands } from "./kept-qos";
import { keptRoutingCommands } from "./kept-routing";
import { keptSystemCommands } from "./kept-system";
import { lineCommands } from "./lines";
import { navCommands } from "./nav";
import { prefixListCommands } from "./prefix-list";
import { routeMapCommands } from "./route-map";
import { staticRouteCommands } from "./static-route";
import { systemCommands } from "./system";
import { nhrpCommands } from "./nhrp";
import { tunnelCommands } from "./tunnel";
import { vrfCommands } from "./vrf";

export const configCommands: readonly ConfigCommand[] = [
  ...navCommands,
  ...systemCommands,
  ...vrfCommands,
  ...interfaceCommands,
  ...interfaceOptionCommands,
  ...tunnelCommands,
  ...nhrpCommands,
  ...staticRouteCommands,
  ...prefixListCommands,
  ...bgpListCommands,
  ...routeMapCommands,
  ...bgpCommands,
  ...bgpNeighborCommands,
  ...bgpAfCommands,
  ...bgpOptionCommands,
  ...pkiCommands,
  ...ikev2Commands,
  ...ikev2KeyringCommands,
  ...ikev2AuthorizationCommands,
  ...ikev2ProfileCommands,
  ...ipsecCommands,
  ...lineCommands,
  ...cdpCommands,
  ...keptInterfaceCommands,
  ...keptMplsCommands,
  ...keptSystemCommands,
  ...keptRoutingCommands,
  ...keptBgpCommands,
  ...keptAaaCommands,
  ...keptQosCommands,
  ...keptNatCommands,
  ...isakmpCommands,
  ...aclCommands,
];

let shared: Grammar<ConfigCommand> | undefined;

/** The grammar of all configuration commands (built once). A CLI that adds its own commands
 * (exec commands, `do`) builds its own `Grammar` from `configCommands` plus those. */
export function configGrammar(): Grammar<ConfigCommand> {
  return (shared ??= new Grammar<ConfigCommand>(configCommands));
}
