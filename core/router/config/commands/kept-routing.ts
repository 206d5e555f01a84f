// Routing protocols the lab does not run yet: `router ospf|eigrp|rip|isis` with the lines of
// their blocks, their interface lines, and key chains. Kept and rendered as IOS prints them,
// so a pasted config loses nothing; `--warnings` says the lab runs no such protocol.

import type { ConfigCommand } from "../command";
import { IF_MODES } from "./interface";
import { keptFamily, type KeptSpec } from "./kept";

const ROUTER = "Enable a routing process";
const AREA = "(<0-4294967295>$area|A.B.C.D$areaAddress)";
const AREA_HELP = ["OSPF area ID as a decimal value", "OSPF area ID in IP address format"];
const SOURCES = "(connected$connected|static$static|bgp$bgp ASN$asn|ospf$ospf <1-65535>$ospfPid|eigrp$eigrp <1-65535>$eigrpAs|rip$rip|isis$isis)";
const SOURCES_HELP = ["Connected", "Static routes", "Border Gateway Protocol (BGP)", "Autonomous system number", "Open Shortest Path First (OSPF)", "Process ID", "Enhanced Interior Gateway Routing Protocol (EIGRP)", "Autonomous system number", "Routing Information Protocol (RIP)", "ISO IS-IS"];
const sourceKey = (a: Readonly<Record<string, unknown>>): string => String(a.connected ?? a.static ?? (a.bgp !== undefined ? `bgp ${String(a.asn)}` : a.ospf !== undefined ? `ospf ${String(a.ospfPid)}` : a.eigrp !== undefined ? `eigrp ${String(a.eigrpAs)}` : (a.rip ?? a.isis)));

/** Lines every IGP block shares, in the place IOS prints them. */
function shared(proto: "ospf" | "eigrp" | "rip" | "isis"): Record<string, KeptSpec> {
  return {
    redistribute: {
      id: `${proto}.redistribute`,
      syntax: `redistribute ${SOURCES} {metric <0-16777214>$metric|metric-type <1-2>$metricType|subnets$subnets|route-map WORD$routeMap|tag <0-4294967295>$tag}`,
      noSyntax: `redistribute ${SOURCES} [LINE$rest]`,
      help: ["Redistribute information from another routing protocol", ...SOURCES_HELP, "Metric for redistributed routes", "Default metric", "OSPF/IS-IS exterior metric type for redistributed routes", "Set OSPF External Type 1/2 metrics", "Consider subnets for redistribution into OSPF", "Route map reference", "Pointer to route-map entries", "Set tag for routes redistributed into OSPF", "32-bit tag value"],
      multi: sourceKey,
    },
    passive: {
      id: `${proto}.passive-interface`,
      syntax: "passive-interface (default$all|INTERFACE$interface)",
      help: ["Suppress routing updates on an interface", "Suppress routing updates on all interfaces", "Interface name"],
      no: "store",
      multi: (a) => String(a.all ?? a.interface),
    },
    defaultOriginate: {
      id: `${proto}.default-information`,
      syntax: "default-information originate [always$always] [metric <0-16777214>$metric] [metric-type <1-2>$metricType] [route-map WORD$routeMap]",
      noSyntax: "default-information originate [LINE$rest]",
      help: ["Control distribution of default information", "Distribute a default route", "Always advertise default route", "OSPF default metric", "OSPF metric", "OSPF metric type for default routes", "Set OSPF External Type 1/2 metrics", "Route-map reference", "Route-map name"],
    },
    distance: { id: `${proto}.distance`, syntax: "distance <1-255>$distance", noSyntax: "distance [<1-255>$distance]", help: ["Define an administrative distance", "Administrative distance"] },
    maximumPaths: { id: `${proto}.maximum-paths`, syntax: "maximum-paths <1-32>$paths", noSyntax: "maximum-paths [<1-32>$paths]", help: ["Forward packets over multiple paths", "Number of paths"] },
  };
}

const ospf = shared("ospf");
const eigrp = shared("eigrp");
const rip = shared("rip");
const isis = shared("isis");

export const keptRoutingCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "routing protocols",
    inert: "the lab does not run this routing protocol yet (static and BGP only)",
    mode: "config",
    order: 1650,
    commands: [
      { id: "router.ospf", syntax: "router ospf <1-65535>$pid [vrf WORD$vrf]", help: [ROUTER, "Open Shortest Path First (OSPF)", "Process ID", "VPN Routing/Forwarding Instance", "VPN Routing/Forwarding Instance (VRF) name"], multi: (a) => String(a.pid), enters: "router-ospf" },
      { id: "router.eigrp", syntax: "router eigrp (<1-65535>$asn|WORD$name)", help: [ROUTER, "Enhanced Interior Gateway Routing Protocol (EIGRP)", "Autonomous System", "EIGRP Virtual-Instance Name"], multi: (a) => String(a.asn ?? a.name), enters: "router-eigrp" },
      { id: "router.rip", syntax: "router rip", help: [ROUTER, "Routing Information Protocol (RIP)"], enters: "router-rip" },
      { id: "router.isis", syntax: "router isis [WORD$tag]", help: [ROUTER, "ISO IS-IS", "ISO routing area tag"], multi: (a) => String(a.tag ?? ""), enters: "router-isis" },
      { id: "key-chain", syntax: "key chain WORD$name", help: ["Key management", "Key-chain management", "Key-chain name"], multi: (a) => String(a.name), enters: "key-chain", order: 1289.5 },
    ],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "the lab does not run OSPF yet",
    mode: "router-ospf",
    order: 10,
    commands: [
      { id: "ospf.router-id", syntax: "router-id A.B.C.D$id", noSyntax: "router-id [A.B.C.D$id]", help: ["router-id for this OSPF process", "OSPF router-id in IP address format"] },
      { id: "ospf.log-adjacency-changes", syntax: "log-adjacency-changes [detail$detail]", help: ["Log changes in adjacency state", "Log all state changes"], no: "store" },
      { id: "ospf.auto-cost", syntax: "auto-cost reference-bandwidth <1-4294967>$mbps", noSyntax: "auto-cost [reference-bandwidth [<1-4294967>$mbps]]", help: ["Calculate OSPF interface cost according to bandwidth", "Use reference bandwidth method to assign OSPF cost", "The reference bandwidth in terms of Mbits per second"] },
      { id: "ospf.bfd", syntax: "bfd all-interfaces", help: ["BFD configuration commands", "Enable BFD on all interfaces"] },
      { id: "ospf.mpls-ldp", syntax: "mpls ldp (autoconfig$autoconfig [area <0-4294967295>$area]|sync$sync)", help: ["Configure MPLS routing protocol parameters", "routing protocol commands for MPLS LDP", "Configure LDP automatic configuration", "Configure an OSPF area to run MPLS LDP", "OSPF area ID as a decimal value", "Configure LDP-IGP Synchronization"], multi: (a) => (a.sync !== undefined ? "sync" : "autoconfig") },
      { id: "ospf.mpls-te", syntax: "mpls traffic-eng (router-id INTERFACE$routerId|area <0-4294967295>$area)", help: ["Configure MPLS routing protocol parameters", "OSPF Traffic Engineering commands", "Traffic Engineering stable IP address for system", "Interface name", "Configure an ospf area to run MPLS Traffic Engineering", "OSPF area ID as a decimal value"], multi: (a) => (a.routerId !== undefined ? "router-id" : "area") },
      { id: "ospf.timers-throttle", syntax: "timers throttle (spf|lsa)$what <0-600000>$start <0-600000>$hold <0-600000>$max", help: ["Adjust routing timers", "OSPF throttle timers", "OSPF SPF throttle timers", "OSPF LSA throttle timers", "Delay between receiving a change to SPF calculation in milliseconds", "Delay between first and second SPF calculation in milliseconds", "Maximum wait time in milliseconds for SPF calculations"], multi: (a) => String(a.what) },
      { id: "ospf.area-auth", syntax: `area ${AREA} authentication [message-digest$md5]`, help: ["OSPF area parameters", ...AREA_HELP, "Enable authentication", "Use message-digest authentication"], multi: (a) => `auth ${String(a.area ?? a.areaAddress)}` },
      { id: "ospf.area-type", syntax: `area ${AREA} (stub$stub|nssa$nssa) [no-summary$noSummary]`, noSyntax: `area ${AREA} (stub$stub|nssa$nssa) [no-summary$noSummary]`, help: ["OSPF area parameters", ...AREA_HELP, "Specify a stub area", "Specify a NSSA area", "Do not send summary LSA into stub area"], multi: (a) => `type ${String(a.area ?? a.areaAddress)}` },
      { id: "ospf.area-range", syntax: `area ${AREA} range A.B.C.D$address A.B.C.D$mask [(advertise|not-advertise)$advertise]`, help: ["OSPF area parameters", ...AREA_HELP, "Summarize routes matching address/mask (border routers only)", "IP address to match", "IP mask for address", "Advertise this range (default)", "DoNotAdvertise this range"], multi: true },
      ospf.redistribute,
      ospf.passive,
      { id: "ospf.network", syntax: `network A.B.C.D$address A.B.C.D$wildcard area ${AREA}`, help: ["Enable routing on an IP network", "Network number", "OSPF wild card bits", "Set the OSPF area ID", ...AREA_HELP], multi: (a) => `${String(a.address)} ${String(a.wildcard)}` },
      ospf.defaultOriginate,
      ospf.distance,
      ospf.maximumPaths,
    ],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "the lab does not run EIGRP yet",
    mode: "router-eigrp",
    order: 10,
    commands: [
      { id: "eigrp.router-id", syntax: "eigrp router-id A.B.C.D$id", noSyntax: "eigrp router-id [A.B.C.D$id]", help: ["EIGRP specific commands", "router-id for this EIGRP process", "EIGRP Router-ID in IP address format"] },
      { id: "eigrp.stub", syntax: "eigrp stub {connected$connected|summary$summary|static$static|redistributed$redistributed|receive-only$receiveOnly}", noSyntax: "eigrp stub [LINE$rest]", help: ["EIGRP specific commands", "Set IP-EIGRP as stubbed router", "Do advertise connected routes", "Do advertise summary routes", "Do advertise static routes", "Allow redistributed routes", "Set IP-EIGRP as receive only neighbor"] },
      eigrp.redistribute,
      eigrp.passive,
      { id: "eigrp.network", syntax: "network A.B.C.D$address [A.B.C.D$wildcard]", help: ["Network number", "Network number", "EIGRP wild card bits"], multi: (a) => String(a.address) },
      { id: "eigrp.auto-summary", syntax: "auto-summary", help: ["Enable automatic network number summarization"], no: "store" },
      { id: "eigrp.variance", syntax: "variance <1-128>$multiplier", help: ["Control load balancing variance", "Metric variance multiplier"] },
      eigrp.defaultOriginate,
      eigrp.distance,
      eigrp.maximumPaths,
    ],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "the lab does not run RIP",
    mode: "router-rip",
    order: 10,
    commands: [
      { id: "rip.version", syntax: "version <1-2>$version", noSyntax: "version [<1-2>$version]", help: ["Set routing protocol version", "version"] },
      rip.redistribute,
      rip.passive,
      { id: "rip.network", syntax: "network A.B.C.D$address", help: ["Enable routing on an IP network", "Network number"], multi: true },
      rip.defaultOriginate,
      { id: "rip.auto-summary", syntax: "auto-summary", help: ["Enable automatic network number summarization"], no: "store" },
      rip.distance,
      rip.maximumPaths,
    ],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "the lab does not run IS-IS",
    mode: "router-isis",
    order: 10,
    commands: [
      { id: "isis.net", syntax: "net WORD$net", help: ["A Network Entity Title for this process (OSI only)", "XX.XXXX. ... .XXX.XX  Network entity title (NET)"], multi: true },
      { id: "isis.is-type", syntax: "is-type (level-1|level-1-2|level-2-only)$level", noSyntax: "is-type [(level-1|level-1-2|level-2-only)$level]", help: ["IS Level for this routing process (OSI only)", "Act as a station router only", "Act as both a station router and an area router", "Act as an area router only"] },
      { id: "isis.metric-style", syntax: "metric-style (wide|narrow|transition)$style", noSyntax: "metric-style [(wide|narrow|transition)$style]", help: ["Use old-style (ISO 10589) or new-style packet formats", "Use new style of TLVs to carry wider metric", "Use old style of TLVs with narrow metric", "Send and accept both styles of TLVs during transition"] },
      { id: "isis.log-adjacency-changes", syntax: "log-adjacency-changes [all$all]", help: ["Log changes in adjacency state", "Include changes generated by non-IIH event"] },
      isis.redistribute,
      isis.passive,
      isis.defaultOriginate,
      isis.distance,
      isis.maximumPaths,
    ],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "the lab does not run this routing protocol yet",
    mode: IF_MODES,
    order: 58,
    commands: [
      { id: "if.ip-router-isis", syntax: "ip router isis [WORD$tag]", help: ["Interface Internet Protocol config commands", "IP router interface commands", "IS-IS Routing for IP", "Routing process tag"] },
      { id: "if.isis-circuit-type", syntax: "isis circuit-type (level-1|level-1-2|level-2-only)$level", help: ["IS-IS commands", "Configure circuit type for interface", "Level-1 only adjacencies are formed", "Level-1-2 adjacencies are formed", "Level-2 only adjacencies are formed"], order: 79 },
      { id: "if.isis-metric", syntax: "isis metric <1-16777214>$metric [(level-1|level-2)$level]", help: ["IS-IS commands", "Configure the metric for interface", "Default metric", "Apply metric to level-1 links", "Apply metric to level-2 links"], multi: (a) => String(a.level ?? ""), order: 79.1 },
      { id: "if.isis-network", syntax: "isis network point-to-point", help: ["IS-IS commands", "Set network type for IS-IS", "Specify IS-IS point-to-point network"], order: 79.2 },
      { id: "if.eigrp-auth-mode", syntax: "ip authentication mode eigrp <1-65535>$asn md5", help: ["Interface Internet Protocol config commands", "Authentication subcommands", "Authentication mode", "Enhanced Interior Gateway Routing Protocol (EIGRP)", "Autonomous system number", "Keyed message digest"], multi: (a) => String(a.asn), order: 42 },
      { id: "if.eigrp-key-chain", syntax: "ip authentication key-chain eigrp <1-65535>$asn WORD$chain", help: ["Interface Internet Protocol config commands", "Authentication subcommands", "Authentication key-chain", "Enhanced Interior Gateway Routing Protocol (EIGRP)", "Autonomous system number", "name of key-chain"], multi: (a) => String(a.asn), order: 42.1 },
      { id: "if.eigrp-hello", syntax: "ip (hello-interval|hold-time)$timer eigrp <1-65535>$asn <1-65535>$seconds", help: ["Interface Internet Protocol config commands", "Configures EIGRP-IPv4 hello interval", "Configures EIGRP-IPv4 hold time", "Enhanced Interior Gateway Routing Protocol (EIGRP)", "Autonomous system number", "Seconds"], multi: (a) => `${String(a.timer)} ${String(a.asn)}`, order: 50.5 },
      { id: "if.eigrp-summary", syntax: "ip summary-address eigrp <1-65535>$asn A.B.C.D$address A.B.C.D$mask", help: ["Interface Internet Protocol config commands", "Perform address summarization", "Enhanced Interior Gateway Routing Protocol (EIGRP)", "Autonomous system number", "IP address", "IP network mask"], multi: true, order: 56 },
      { id: "if.ip-rip-auth", syntax: "ip rip authentication (mode (text|md5)$mode|key-chain WORD$chain)", help: ["Interface Internet Protocol config commands", "Router Information Protocol", "Authentication control", "Authentication mode", "Clear text authentication", "Keyed message digest", "Authentication key-chain", "name of key-chain"], multi: (a) => (a.mode !== undefined ? "mode" : "chain"), order: 56.1 },
    ],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "key chains serve routing protocols the lab does not run",
    mode: "key-chain",
    order: 10,
    commands: [{ id: "key-chain.key", syntax: "key <0-2147483647>$key", help: ["Configure a key", "Key identifier"], multi: (a) => String(a.key), enters: "key-chain-key" }],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "key chains serve routing protocols the lab does not run",
    mode: "key-chain-key",
    order: 10,
    commands: [
      { id: "key-chain.key-string", syntax: "key-string [<0-7>$encryption] LINE$key", noSyntax: "key-string [LINE$rest]", help: ["Set key string", "Encryption type", "The key"] },
      { id: "key-chain.lifetime", syntax: "(accept-lifetime|send-lifetime)$which LINE$lifetime", help: ["Set accept lifetime of key", "Set send lifetime of key", "Start and end times"], multi: (a) => String(a.which) },
      { id: "key-chain.algorithm", syntax: "cryptographic-algorithm (md5|hmac-sha-1|hmac-sha-256)$algorithm", help: ["Set cryptographic authentication algorithm", "MD5", "HMAC-SHA-1", "HMAC-SHA-256"] },
    ],
  }),
];
