// The sub-modes of kept blocks (commands/kept.ts): IOS's prompt and where a line that does
// not parse is tried next. Their context is the block's path in `model.kept`.

import type { ModeDef } from "../modes";

export const KEPT_MODES = [
  { id: "router-ospf", prompt: "(config-router)#", parent: "config", exitHelp: "Exit from routing protocol configuration mode" },
  { id: "router-eigrp", prompt: "(config-router)#", parent: "config", exitHelp: "Exit from routing protocol configuration mode" },
  { id: "router-rip", prompt: "(config-router)#", parent: "config", exitHelp: "Exit from routing protocol configuration mode" },
  { id: "router-isis", prompt: "(config-router)#", parent: "config", exitHelp: "Exit from routing protocol configuration mode" },
  { id: "class-map", prompt: "(config-cmap)#", parent: "config", exitHelp: "Exit from class-map configuration mode" },
  { id: "policy-map", prompt: "(config-pmap)#", parent: "config", exitHelp: "Exit from policy-map configuration mode" },
  { id: "policy-map-class", prompt: "(config-pmap-c)#", parent: "policy-map", exitHelp: "Exit from class action configuration mode" },
  { id: "sg-radius", prompt: "(config-sg-radius)#", parent: "config", exitHelp: "Exit from RADIUS server-group configuration mode" },
  { id: "sg-tacacs", prompt: "(config-sg-tacacs+)#", parent: "config", exitHelp: "Exit from TACACS+ server-group configuration mode" },
  { id: "tacacs-server", prompt: "(config-server-tacacs)#", parent: "config", exitHelp: "Exit from TACACS+ server configuration mode" },
  { id: "radius-server", prompt: "(config-radius-server)#", parent: "config", exitHelp: "Exit from RADIUS server configuration mode" },
  { id: "isakmp-policy", prompt: "(config-isakmp)#", parent: "config", exitHelp: "Exit from ISAKMP protection suite configuration mode" },
  { id: "isakmp-profile", prompt: "(conf-isa-prof)#", parent: "config", exitHelp: "Exit from crypto isakmp profile sub mode" },
  { id: "crypto-keyring", prompt: "(config-keyring)#", parent: "config", exitHelp: "Exit from crypto keyring sub mode" },
  { id: "crypto-map", prompt: "(config-crypto-map)#", parent: "config", exitHelp: "Exit from crypto map configuration mode" },
  { id: "archive", prompt: "(config-archive)#", parent: "config", exitHelp: "Exit from archive configuration mode" },
  { id: "archive-log-cfg", prompt: "(config-archive-log-cfg)#", parent: "archive", exitHelp: "Exit from archive log configuration mode" },
  { id: "gatekeeper", prompt: "(config-gk)#", parent: "config", exitHelp: "Exit from gatekeeper configuration mode" },
  { id: "mgcp-profile", prompt: "(config-mgcp-profile)#", parent: "config", exitHelp: "Exit from MGCP profile configuration mode" },
  { id: "key-chain", prompt: "(config-keychain)#", parent: "config", exitHelp: "Exit from key-chain configuration mode" },
  { id: "key-chain-key", prompt: "(config-keychain-key)#", parent: "key-chain", exitHelp: "Exit from key-chain key configuration mode" },
  { id: "attr-list", prompt: "(config-attr-list)#", parent: "config", exitHelp: "Exit from attribute list configuration mode" },
  { id: "virtual-service", prompt: "(config-virt-serv)#", parent: "config", exitHelp: "Exit from virtual-service configuration mode" },
] as const satisfies readonly (ModeDef & { readonly exitHelp: string })[];

export type KeptModeId = (typeof KEPT_MODES)[number]["id"];
