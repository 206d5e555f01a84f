// Leaving modes: `exit` (one level up), `end` (back to exec), `exit-address-family`, and
// `quit` after certificate hex. They change no configuration and render nothing.

import { command, type ConfigCommand, type ConfigModeId } from "../command";
import { MODES } from "../modes";
import { KEPT_MODES, type KeptModeId } from "./kept-modes";

type ExitMode = Exclude<ConfigModeId, "cert-hex">;

const EXIT_HELP: Record<ExitMode, string> = {
  config: "Exit from configure mode",
  "config-if": "Exit from interface configuration mode",
  "config-if-tunnel": "Exit from interface configuration mode",
  "config-subif": "Exit from interface configuration mode",
  "vrf-definition": "Exit from VRF configuration mode",
  "vrf-definition-af": "Exit from VRF address-family configuration mode",
  "ip-vrf": "Exit from VRF configuration mode",
  "router-bgp": "Exit from routing protocol configuration mode",
  "router-bgp-af": "Exit from Address Family configuration mode",
  "route-map": "Exit from route-map configuration mode",
  "ca-trustpoint": "Exit from certificate authority trustpoint entry mode",
  "cs-server": "Exit from the certificate server configuration mode",
  "ca-certificate-map": "Exit from certificate map entry mode",
  "cert-chain": "Exit from certificate chain entry mode",
  "ikev2-proposal": "Exit from IKEv2 proposal configuration mode",
  "ikev2-policy": "Exit from IKEv2 policy configuration mode",
  "ikev2-keyring": "Exit from IKEv2 keyring configuration mode",
  "ikev2-keyring-peer": "Exit from IKEv2 keyring peer configuration mode",
  "ikev2-authorization-policy": "Exit from IKEv2 authorization policy configuration mode",
  "ikev2-profile": "Exit from IKEv2 profile configuration mode",
  "ipsec-transform-set": "Exit from crypto transform configuration mode",
  "ipsec-profile": "Exit from ipsec profile configuration mode",
  redundancy: "Exit from redundancy configuration mode",
  line: "Exit from line configuration mode",
  "control-plane": "Exit from control-plane configuration mode",
  "acl-std": "Exit from access-list configuration mode",
  "acl-ext": "Exit from access-list configuration mode",
  ...(Object.fromEntries(KEPT_MODES.map((m) => [m.id, m.exitHelp])) as Record<KeptModeId, string>),
};

// Every configuration mode but the certificate hex lines, which only `quit` leaves.
const configModes = MODES.map((m) => m.id).filter((id): id is ExitMode => id in EXIT_HELP);

export const navCommands: readonly ConfigCommand[] = [
  ...configModes.map((mode) =>
    command({ id: `nav.exit.${mode}`, mode, syntax: "exit", help: [EXIT_HELP[mode]], apply: () => ({ leave: "exit" }) }),
  ),
  command({ id: "nav.end", mode: configModes, syntax: "end", help: ["Exit from configure mode"], apply: () => ({ leave: "end" }) }),
  command({
    id: "nav.exit-address-family",
    mode: ["router-bgp-af", "vrf-definition-af"],
    syntax: "exit-address-family",
    help: ["Exit from Address Family configuration mode"],
    apply: () => ({ leave: "exit" }),
  }),
  command({ id: "nav.quit", mode: "cert-hex", syntax: "quit", help: ["Exit certificate data entry"], apply: () => ({ leave: "exit" }) }),
];
