// Global settings: hostname, domain, AAA, and the lab-inert global commands IOS shows in
// every running-config (version, service timestamps, boot markers, clock, CEF, HTTP server…).

import { command, type ConfigCommand } from "../command";
import { TOP } from "./order";
import { hostnameProblem } from "../names";
import { flag } from "./flag";
import { stored } from "./stored";

const IP = "Global IP configuration subcommands";

export const systemCommands: readonly ConfigCommand[] = [
  stored({
    id: "version",
    syntax: "version WORD$version",
    help: ["Version", "Version number"],
    order: TOP.version,
    no: "remove",
    noSyntax: "version [WORD$version]",
    inert: "IOS release line; FlexLab runs its own stack",
  }),
  stored({
    id: "service.timestamps",
    syntax: "service timestamps [(debug|log)$type [(datetime$datetime [msec$msec] [localtime$localtime] [show-timezone$showTimezone] [year$year]|uptime$uptime)]]",
    help: [
      "Modify use of network based services",
      "Timestamp debug/log messages",
      "Timestamp debug messages",
      "Timestamp log messages",
      "Timestamp with date and time",
      "Include milliseconds in timestamp",
      "Use local time zone for timestamps",
      "Add time zone information to timestamp",
      "Include year in timestamp",
      "Timestamp with system uptime",
    ],
    order: TOP.serviceTimestamps,
    no: "remove",
    noSyntax: "service timestamps [(debug|log)$type]",
    slot: (a) => a.type ?? "debug",
    inert: "log timestamps follow the router's clock regardless",
  }),
  command({
    id: "hostname",
    mode: "config",
    syntax: "hostname WORD$name",
    help: ["Set system's network name", "This system's network name"],
    order: TOP.hostname,
    apply: (m, a) => {
      const name = a.name;
      const problem = hostnameProblem(name);
      if (problem) return { error: problem };
      m.hostname = name;
    },
    no: {
      syntax: "hostname [WORD$name]",
      apply: (m) => {
        m.hostname = "Router";
      },
    },
    render: (m) => [{ args: { name: m.hostname } }],
  }),
  stored({ id: "boot-start-marker", syntax: "boot-start-marker", help: ["Start of boot configuration"], order: TOP.bootStart, no: "remove", inert: "no boot images in a lab" }),
  stored({ id: "boot-end-marker", syntax: "boot-end-marker", help: ["End of boot configuration"], order: TOP.bootEnd, no: "remove", inert: "no boot images in a lab" }),
  command({
    id: "aaa.new-model",
    mode: "config",
    syntax: "aaa new-model",
    help: ["Authentication, Authorization and Accounting.", "Enable NEW access control commands and functions.(Disables OLD commands.)"],
    order: TOP.aaaNewModel,
    apply: (m) => {
      m.aaa.newModel = true;
    },
    no: {
      apply: (m) => {
        m.aaa.newModel = false;
      },
    },
    render: (m) => (m.aaa.newModel ? [{ args: {} }] : []),
  }),
  command({
    id: "aaa.authorization",
    mode: "config",
    syntax: "aaa authorization (network|exec)$type (default|WORD)$list {group WORD$group|local$local|if-authenticated$ifAuthenticated|none$none}",
    help: [
      "Authentication, Authorization and Accounting.",
      "Authorization configurations.",
      "For network services.",
      "For starting an exec (shell).",
      "The default authorization list.",
      "Named authorization list.",
      "Use Server-group",
      "Server-group name",
      "Use local database.",
      "Succeed if user has authenticated.",
      "No authorization (always succeeds).",
    ],
    order: TOP.aaaAuthorization,
    apply: (m, a) => {
      const methods: string[] = [];
      if (a.group !== undefined) methods.push(`group ${a.group}`);
      if (a.local !== undefined) methods.push("local");
      if (a.ifAuthenticated !== undefined) methods.push("if-authenticated");
      if (a.none !== undefined) methods.push("none");
      const type = a.type;
      const list = a.list;
      m.aaa.authorization = m.aaa.authorization.filter((x) => !(x.type === type && x.list === list));
      m.aaa.authorization.push({ type, list, methods });
      m.aaa.authorization.sort((x, y) => (x.type === y.type ? (x.list < y.list ? -1 : 1) : x.type < y.type ? -1 : 1));
    },
    no: {
      syntax: "aaa authorization (network|exec)$type (default|WORD)$list {group WORD$group|local$local|if-authenticated$ifAuthenticated|none$none}",
      apply: (m, a) => {
        m.aaa.authorization = m.aaa.authorization.filter((x) => !(x.type === a.type && x.list === a.list));
      },
    },
    render: (m) =>
      m.aaa.authorization.map((x) => {
        const group = x.methods.find((s) => s.startsWith("group "));
        return {
          args: {
            type: x.type,
            list: x.list,
            ...(group ? { group: group.slice(6) } : {}),
            ...(x.methods.includes("local") ? { local: "local" } : {}),
            ...(x.methods.includes("if-authenticated") ? { ifAuthenticated: "if-authenticated" } : {}),
            ...(x.methods.includes("none") ? { none: "none" } : {}),
          },
          sort: [x.type, x.list],
        };
      }),
  }),
  // `show clock` and log timestamps print in this zone.
  command({
    id: "clock.timezone",
    mode: "config",
    syntax: "clock timezone WORD$zone <-23-23>$hours [<0-59>$minutes]",
    help: ["Configure time-of-day clock", "Configure time zone", "name of time zone", "Hours offset from UTC", "Minutes offset from UTC"],
    order: TOP.clock,
    apply: (m, a) => {
      m.clockTimezone = a.minutes === undefined ? { name: a.zone, hoursOffset: a.hours } : { name: a.zone, hoursOffset: a.hours, minutesOffset: a.minutes };
    },
    no: {
      syntax: "clock timezone [WORD$zone]",
      apply: (m) => {
        delete m.clockTimezone;
      },
    },
    render: (m) => {
      const z = m.clockTimezone;
      return z ? [{ args: { zone: z.name, hours: z.hoursOffset, minutes: z.minutesOffset } }] : [];
    },
  }),
  // Off, exec no longer says `Translating "word"` before failing on an unknown word.
  flag({
    id: "ip.domain.lookup",
    mode: "config",
    syntax: "ip domain lookup",
    help: [IP, "IP DNS Resolver", "Enable IP Domain Name System hostname translation"],
    order: TOP.ipDomainLookup,
    defaultOn: true,
    get: (m) => m.ipDomainLookup,
    set: (m, _c, on) => {
      m.ipDomainLookup = on;
    },
  }),
  // The old spelling, which IOS still takes and shows as `ip domain lookup`.
  command({
    id: "ip.domain-lookup",
    mode: "config",
    syntax: "ip domain-lookup",
    help: [IP, "Enable IP Domain Name System hostname translation"],
    order: TOP.ipDomainLookup,
    hidden: true,
    apply: (m) => {
      m.ipDomainLookup = true;
    },
    no: {
      apply: (m) => {
        m.ipDomainLookup = false;
      },
    },
  }),
  ...(["ip domain name", "ip domain-name"] as const).map((spelling, i) =>
    command({
      id: i === 0 ? "ip.domain.name" : "ip.domain-name",
      mode: "config",
      syntax: `${spelling} WORD$name`,
      help: i === 0 ? [IP, "IP DNS Resolver", "Define the default domain name", "Default domain name"] : [IP, "Define the default domain name", "Default domain name"],
      hidden: i === 1,
      order: TOP.ipDomainName,
      apply: (m, a) => {
        m.domainName = a.name;
      },
      no: {
        syntax: `${spelling} [WORD$name]`,
        apply: (m) => {
          delete m.domainName;
        },
      },
      render: i === 0 ? (m) => (m.domainName === undefined ? [] : [{ args: { name: m.domainName } }]) : undefined,
    }),
  ),
  stored({ id: "ip.cef", family: "forwarding options", syntax: "ip cef", help: [IP, "Cisco Express Forwarding"], order: TOP.ipCef, inert: "FlexLab always forwards with its FIB" }),
  stored({ id: "ipv6.cef", family: "forwarding options", syntax: "ipv6 cef", help: ["IPv6 configuration commands", "Cisco Express Forwarding for IPv6"], order: TOP.ipv6Cef, inert: "no IPv6 forwarding in FlexLab" }),
  stored({
    id: "multilink.bundle-name",
    family: "forwarding options",
    syntax: "multilink bundle-name authenticated",
    help: ["PPP multilink global configuration", "Select method for naming multilink bundles", "Use peer's authenticated name"],
    order: TOP.multilink,
    inert: "no PPP multilink in FlexLab",
  }),
  command({
    id: "mpls.label.range",
    mode: "config",
    syntax: "mpls label range <16-1048575>$min <16-1048575>$max",
    help: ["Configure MPLS parameters", "Configure label property", "Label range", "Minimum label value", "Maximum label value"],
    order: TOP.mplsLabelRange,
    apply: (m, a) => {
      if (a.min > a.max) return { error: "% Label range invalid: the minimum is above the maximum" };
      m.mplsLabelRange = { min: a.min, max: a.max };
    },
    no: {
      syntax: "mpls label range [<16-1048575>$min <16-1048575>$max]",
      apply: (m) => {
        delete m.mplsLabelRange;
      },
    },
    render: (m) => (m.mplsLabelRange ? [{ args: { min: m.mplsLabelRange.min, max: m.mplsLabelRange.max } }] : []),
  }),
  stored({
    id: "mpls.ldp.loop-detection",
    family: "MPLS LDP/TE",
    syntax: "mpls ldp loop-detection",
    help: ["Configure MPLS parameters", "Label Distribution Protocol", "Enable LDP Loop Detection"],
    order: TOP.mplsLdp,
    inert: "FlexLab runs no LDP (labels come from BGP and NHRP)",
  }),
  stored({
    id: "crypto.pki.token",
    family: "PKI",
    syntax: "crypto pki token (default|WORD)$token removal timeout <0-480>$seconds",
    help: ["Encryption module", "Public Key components", "Configure Token", "Default token", "Token name", "Token removal", "Timeout on token removal", "Seconds"],
    order: TOP.pkiToken,
    slot: (a) => a.token,
    noSyntax: "crypto pki token (default|WORD)$token removal timeout [<0-480>$seconds]",
    no: "remove",
    inert: "no hardware tokens in a lab",
  }),
  stored({
    id: "redundancy",
    syntax: "redundancy",
    help: ["Enter redundancy mode"],
    order: TOP.redundancy,
    enters: "redundancy",
    no: "remove",
    inert: "single route processor",
  }),
  stored({
    id: "ip.forward-protocol",
    family: "forwarding options",
    syntax: "ip forward-protocol nd",
    help: [IP, "Controls forwarding of physical and directed IP broadcasts", "Sun's Network Disk protocol"],
    order: TOP.ipForwardProtocol,
    inert: "no broadcast forwarding in FlexLab",
  }),
  // The server SCEP enrolment uses (a `crypto pki server` answers on it); IOS prints the
  // `no` form too when the server is turned off explicitly.
  command({
    id: "ip.http.server",
    mode: "config",
    syntax: "ip http server",
    help: [IP, "HTTP server configuration", "Enable HTTP server"],
    order: TOP.ipHttpServer,
    apply: (m) => {
      m.ipHttpServer = true;
    },
    no: {
      apply: (m) => {
        m.ipHttpServer = false;
      },
    },
    render: (m) => (m.ipHttpServer === undefined ? [] : [{ args: {}, no: !m.ipHttpServer }]),
  }),
  stored({
    id: "ip.http.secure-server",
    syntax: "ip http secure-server",
    help: [IP, "HTTP server configuration", "Enable HTTP secure server"],
    order: TOP.ipHttpSecureServer,
    inert: "no HTTP server on FlexLab routers",
  }),
];
