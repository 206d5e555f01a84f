// AAA and RADIUS/TACACS+ beyond what FlexVPN's IKEv2 authorization uses (aaa new-model and
// `aaa authorization network` are simulated in system.ts): login authentication lists,
// accounting, server groups and servers. A lab console asks for no login and no router
// talks to an AAA server, so these are kept and rendered, never acted on.

import type { ConfigCommand } from "../command";
import { keptFamily } from "./kept";

const AAA = "Authentication, Authorization and Accounting.";
const METHOD_WORDS = ["local", "enable", "none", "line", "local-case", "if-authenticated", "krb5"];
const METHOD_HELP = ["Use local username authentication.", "Use enable password for authentication.", "NO authentication.", "Use line password for authentication.", "Use case-sensitive local username authentication.", "Succeed if user has authenticated.", "Use Kerberos 5 authentication."];

/** Up to four methods in the order typed (`group radius local`): each position either
 * `group NAME` or one method keyword. */
function methods(count: number): { syntax: string; help: string[] } {
  let syntax = "";
  const help: string[] = [];
  for (let n = count; n >= 1; n--) {
    const one = `(group WORD$group${n}|(${METHOD_WORDS.join("|")})$method${n})`;
    syntax = syntax ? `${one} [${syntax}]` : one;
  }
  for (let n = 1; n <= count; n++) help.push("Use Server-group", "Server-group name", ...METHOD_HELP);
  return { syntax, help };
}

const M = methods(4);
const LIST = "(default|WORD)$list";
const LIST_HELP = ["The default authentication list.", "Named authentication list."];

export const keptAaaCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "AAA/RADIUS",
    inert: "lab consoles ask for no login and no AAA server is reached",
    mode: "config",
    order: 550,
    commands: [
      { id: "aaa.group-server.radius", syntax: "aaa group server radius WORD$name", help: [AAA, "AAA group definitions", "AAA Server group definitions", "Radius server-group definition", "Server group name"], multi: (a) => String(a.name), enters: "sg-radius" },
      { id: "aaa.group-server.tacacs", syntax: "aaa group server tacacs+ WORD$name", help: [AAA, "AAA group definitions", "AAA Server group definitions", "Tacacs+ server-group definition", "Server group name"], multi: (a) => String(a.name), enters: "sg-tacacs" },
      {
        id: "aaa.authentication",
        syntax: `aaa authentication (login|enable|ppp|dot1x)$service ${LIST} ${M.syntax}`,
        noSyntax: `aaa authentication (login|enable|ppp|dot1x)$service ${LIST} [LINE$rest]`,
        help: [AAA, "Authentication configurations parameters.", "Set authentication lists for logins.", "Set authentication list for enable.", "Set authentication lists for ppp.", "Set authentication lists for IEEE 802.1x.", ...LIST_HELP, ...M.help],
        multi: (a) => `${String(a.service)} ${String(a.list)}`,
        order: 599,
      },
      { id: "aaa.authentication.privilege-mode", syntax: "aaa authentication login privilege-mode", help: [AAA, "Authentication configurations parameters.", "Set authentication lists for logins.", "Use the privilege level the authentication server gives at login"], order: 599.5 },
      {
        id: "aaa.authorization-more",
        syntax: `aaa authorization (commands$commands <0-15>$level|console$console|config-commands$configCommands|auth-proxy$authProxy) [${LIST} ${M.syntax}]`,
        noSyntax: "aaa authorization (commands$commands <0-15>$level|console$console|config-commands$configCommands|auth-proxy$authProxy) [LINE$rest]",
        help: [AAA, "Authorization configurations parameters.", "For exec (shell) commands.", "Enable level", "For enabling console authorization", "For configuration mode commands.", "For Authentication Proxy Services", ...LIST_HELP, ...M.help],
        multi: (a) => String(a.commands !== undefined ? `commands ${String(a.level)}` : (a.console ?? a.configCommands ?? a.authProxy)),
        order: 600.1,
      },
      {
        id: "aaa.accounting",
        syntax: `aaa accounting (exec$exec|commands$commands <0-15>$level|network$network|connection$connection|system$system) ${LIST} (start-stop|stop-only|none)$record [broadcast$broadcast] [${M.syntax}]`,
        noSyntax: "aaa accounting (exec$exec|commands$commands <0-15>$level|network$network|connection$connection|system$system) [LINE$rest]",
        help: [AAA, "Accounting configurations parameters.", "For starting an exec (shell).", "For exec (shell) commands.", "Enable level", "For network services.", "For outbound connections. (telnet, rlogin)", "For System events.", "The default accounting list.", "Named Accounting list.", "Record start and stop without waiting", "Record stop when service terminates.", "No accounting.", "Use Broadcast for Accounting", ...M.help],
        multi: (a) => `${String(a.exec ?? (a.commands !== undefined ? `commands ${String(a.level)}` : (a.network ?? a.connection ?? a.system)))} ${String(a.list)}`,
        order: 600.2,
      },
      { id: "aaa.attribute-list", syntax: "aaa attribute list WORD$name", help: [AAA, "AAA attribute definitions", "AAA attribute list definitions", "list name"], multi: (a) => String(a.name), enters: "attr-list", order: 600.3 },
      { id: "aaa.session-id", syntax: "aaa session-id (common|unique)$kind", noSyntax: "aaa session-id [(common|unique)$kind]", help: [AAA, "AAA Session ID", "Common Session ID", "Unique Session ID"], order: 650 },
    ],
  }),
  ...keptFamily({
    family: "AAA/RADIUS",
    inert: "no AAA server is reached from a lab router",
    mode: "config",
    order: 2060,
    commands: [
      { id: "radius.server", syntax: "radius server WORD$name", help: ["RADIUS server configuration command", "Specify a RADIUS server", "Name for the radius server configuration"], multi: (a) => String(a.name), enters: "radius-server" },
      { id: "tacacs.server", syntax: "tacacs server WORD$name", help: ["TACACS+ server configuration command", "Specify a TACACS+ server", "Name for the tacacs+ server configuration"], multi: (a) => String(a.name), enters: "tacacs-server" },
      { id: "radius-server.host", syntax: "radius-server host A.B.C.D$host {auth-port <0-65535>$authPort|acct-port <0-65535>$acctPort|timeout <1-1000>$timeout|key LINE$key}", noSyntax: "radius-server host A.B.C.D$host [LINE$rest]", help: ["Modify RADIUS query parameters", "Specify a RADIUS server", "IP address of RADIUS server", "UDP port for RADIUS authentication server (default is 1645)", "Port number", "UDP port for RADIUS accounting server (default is 1646)", "Port number", "Time to wait for this RADIUS server to reply (overrides default)", "Timeout value in seconds to wait for server to reply", "per-server encryption key (overrides default)", "The UNENCRYPTED (cleartext) server key"], multi: (a) => String(a.host) },
      { id: "radius-server.key", syntax: "radius-server key [<0-7>$encryption] LINE$key", noSyntax: "radius-server key [LINE$rest]", help: ["Modify RADIUS query parameters", "encryption key shared with the radius servers", "Encryption type", "The UNENCRYPTED (cleartext) shared key"] },
      { id: "radius-server.timers", syntax: "radius-server (timeout$timeout <1-1000>$seconds|retransmit$retransmit <0-100>$retries|deadtime$deadtime <1-1440>$minutes)", help: ["Modify RADIUS query parameters", "Time to wait for a RADIUS server to reply", "Wait time (default 5 seconds)", "Specify the number of retries to active server", "Number of retries to active server (default 3)", "Time to stop using a server that doesn't respond", "Length of time in minutes (up to 1440 minutes)"], multi: (a) => String(a.timeout ?? a.retransmit ?? a.deadtime) },
      { id: "radius-server.dead-criteria", syntax: "radius-server dead-criteria [time <1-120>$time] [tries <1-100>$tries]", help: ["Modify RADIUS query parameters", "Set the criteria used to decide when a RADIUS server is marked dead", "The time during which no properly formed response must be received from the RADIUS server", "Time in seconds", "The number of times the router must fail to receive a response from the radius server to mark it as dead", "Number of tries"] },
      { id: "radius-server.attribute", syntax: "radius-server attribute <1-255>$attribute LINE$options", noSyntax: "radius-server attribute <1-255>$attribute [LINE$options]", help: ["Modify RADIUS query parameters", "Customize selected radius attributes", "attribute number", "Attribute options"], multi: (a) => String(a.attribute) },
      { id: "radius-server.vsa", syntax: "radius-server vsa send [(accounting|authentication)$kind]", help: ["Modify RADIUS query parameters", "Vendor specific attribute configuration", "Send vendor specific attributes in requests", "Send in accounting requests", "Send in authentication requests"], multi: (a) => String(a.kind ?? "") },
      { id: "tacacs-server.host", syntax: "tacacs-server host A.B.C.D$host {port <1-65535>$port|timeout <1-1000>$timeout|key LINE$key|single-connection$single}", noSyntax: "tacacs-server host A.B.C.D$host [LINE$rest]", help: ["Modify TACACS query parameters", "Specify a TACACS server", "IP address of TACACS server", "TCP port for TACACS server (default is 49)", "Port number", "Time to wait for this TACACS server to reply (overrides default)", "Timeout value in seconds to wait for server to reply", "per-server encryption key (overrides default)", "The UNENCRYPTED (cleartext) server key", "Multiplex all packets over a single tcp connection to server (for CiscoSecure)"], multi: (a) => String(a.host) },
      { id: "tacacs-server.key", syntax: "tacacs-server key [<0-7>$encryption] LINE$key", noSyntax: "tacacs-server key [LINE$rest]", help: ["Modify TACACS query parameters", "Set TACACS+ encryption key.", "Encryption type", "The UNENCRYPTED (cleartext) shared key"] },
      { id: "ip.aaa.source-interface", syntax: "ip (radius|tacacs)$protocol source-interface INTERFACE$interface [vrf WORD$vrf]", help: ["Global IP configuration subcommands", "RADIUS configuration commands", "TACACS configuration commands", "Interface for source address in RADIUS/TACACS packets", "Interface name", "VPN Routing/Forwarding parameters", "VPN Routing/Forwarding instance name"], multi: (a) => String(a.protocol) },
    ],
  }),
  ...keptFamily({
    family: "AAA/RADIUS",
    inert: "no AAA server is reached from a lab router",
    mode: ["sg-radius", "sg-tacacs"],
    order: 10,
    commands: [
      { id: "sg.server-name", syntax: "server name WORD$name", help: ["Specify a server", "Name of server", "Name of the server"], multi: (a) => String(a.name) },
      { id: "sg.server", syntax: "server A.B.C.D$address {auth-port <0-65535>$authPort|acct-port <0-65535>$acctPort}", noSyntax: "server A.B.C.D$address [LINE$rest]", help: ["Specify a server", "IP address of server", "UDP port for RADIUS authentication server (default is 1645)", "Port number", "UDP port for RADIUS accounting server (default is 1646)", "Port number"], multi: (a) => String(a.address) },
      { id: "sg.vrf", syntax: "ip vrf forwarding WORD$vrf", help: ["Internet Protocol config commands", "VPN Routing/Forwarding parameters on the interface", "Configure forwarding table", "VPN Routing/Forwarding instance name"] },
      { id: "sg.source", syntax: "ip (radius|tacacs)$protocol source-interface INTERFACE$interface", help: ["Internet Protocol config commands", "RADIUS server group configuration", "TACACS+ server group configuration", "Interface for source address in RADIUS/TACACS packets", "Interface name"] },
      { id: "sg.deadtime", syntax: "deadtime <1-1440>$minutes", help: ["Specify time in minutes to ignore an unresponsive server", "Length of time in minutes (up to 1440 minutes)"] },
    ],
  }),
  ...keptFamily({
    family: "AAA/RADIUS",
    inert: "no AAA server is reached from a lab router",
    mode: ["radius-server", "tacacs-server"],
    order: 10,
    commands: [
      { id: "server.address", syntax: "address ipv4 A.B.C.D$address {auth-port <0-65535>$authPort|acct-port <0-65535>$acctPort}", help: ["Specify the server address", "IPv4 address", "IPv4 address of the server", "UDP port for RADIUS authentication server (default is 1812)", "Port number", "UDP port for RADIUS accounting server (default is 1813)", "Port number"] },
      { id: "server.key", syntax: "key [<0-7>$encryption] LINE$key", noSyntax: "key [LINE$rest]", help: ["Per-server encryption key", "Encryption type", "The UNENCRYPTED (cleartext) server key"] },
      { id: "server.timeout", syntax: "timeout <1-1000>$seconds", help: ["Time to wait for this server to reply", "Timeout value in seconds to wait for server to reply"] },
      { id: "server.retransmit", syntax: "retransmit <0-100>$retries", help: ["Number of retries to active server", "Number of retries for a transaction"] },
      { id: "server.automate-tester", syntax: "automate-tester username WORD$user [probe-on$probeOn]", help: ["Configure server automated testing.", "Username to be used in server automated testing", "Username", "Send probe packets only when server is dead"] },
    ],
  }),
  ...keptFamily({
    family: "AAA/RADIUS",
    inert: "no AAA server is reached from a lab router",
    mode: "attr-list",
    order: 10,
    commands: [{ id: "attr-list.attribute", syntax: "attribute type WORD$name LINE$value", noSyntax: "attribute type WORD$name [LINE$value]", help: ["Specify an attribute", "Specify type", "attribute name", "attribute value"], multi: (a) => String(a.name) }],
  }),
];
