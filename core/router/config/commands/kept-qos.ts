// QoS (MQC): class-maps, policy-maps with their classes and actions, attached to interfaces
// by `service-policy` (kept-interface.ts). The lab neither queues, shapes, polices nor marks,
// so these are kept and rendered for the configs that carry them.

import type { ConfigCommand } from "../command";
import { keptFamily } from "./kept";

const INERT = "the lab does not queue, police or mark traffic";

export const keptQosCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "QoS",
    inert: INERT,
    mode: "config",
    order: 1295,
    commands: [
      { id: "class-map", syntax: "class-map [type inspect$inspect] [(match-any|match-all)$match] WORD$name", noSyntax: "class-map [type inspect$inspect] [(match-any|match-all)$match] WORD$name", help: ["Configure CPL Class Map", "Configure CPL Class Map type", "Configure Class-Map based on inspect protocol", "Logical-OR all matching statements under this classmap", "Logical-AND all matching statements under this classmap", "class-map name"], multi: (a) => String(a.name), enters: "class-map" },
      { id: "policy-map", syntax: "policy-map [type inspect$inspect] WORD$name", help: ["Configure QoS Service Policy", "Configure QoS Service Policy type", "Configure Policy-Map based on inspect protocol", "policy-map name"], multi: (a) => String(a.name), enters: "policy-map" },
    ],
  }),
  ...keptFamily({
    family: "QoS",
    inert: INERT,
    mode: "class-map",
    order: 10,
    commands: [
      { id: "class-map.description", syntax: "description LINE$text", help: ["Class-Map description", "Description of this class-map (up to 200 characters)"] },
      {
        id: "class-map.match",
        syntax: "match [not$not] (any$any|access-group (<1-2799>$acl|name WORD$aclName)|[ip$ip] (dscp$dscp|precedence$precedence) WORD$values...|protocol WORD$protocol|input-interface INTERFACE$interface|cos <0-7>$cos...|qos-group <0-99>$qosGroup|mpls experimental topmost <0-7>$exp...)",
        help: ["classification criteria", "Negate this match result", "Any packets", "Access group", "Access list index", "Named Access List", "Access List name", "IP specific values", "Match DSCP in IP(v4) and IPv6 packets", "Match Precedence in IP(v4) and IPv6 packets", "Values", "Protocol", "Protocol name", "Select an input interface to match", "Input Interface Name", "IEEE 802.1Q/ISL class of service/user priority values", "Enter up to 4 class-of-service values separated by white-spaces", "Qos-group", "Qos Group value", "Multi Protocol Label Switching specific values", "Match MPLS experimental", "Match MPLS experimental value on topmost label", "Enter up to 8 experimental values separated by white-spaces"],
        multi: true,
      },
    ],
  }),
  ...keptFamily({
    family: "QoS",
    inert: INERT,
    mode: "policy-map",
    order: 10,
    commands: [
      { id: "policy-map.description", syntax: "description LINE$text", help: ["Policy-Map description", "Description of this policy-map (up to 200 characters)"] },
      { id: "policy-map.class", syntax: "class (class-default|WORD)$name", help: ["policy criteria", "System default class matching otherwise unclassified packets", "class-map name"], multi: (a) => String(a.name), enters: "policy-map-class" },
    ],
  }),
  ...keptFamily({
    family: "QoS",
    inert: INERT,
    mode: "policy-map-class",
    order: 10,
    commands: [
      { id: "pmap-c.priority", syntax: "priority [(<8-10000000>$kbps|percent <1-100>$percent)] [<32-2000000>$burst]", help: ["Strict Scheduling Priority for this Class", "Kilo Bits per second", "% of total bandwidth", "% of total bandwidth", "Burst in bytes"] },
      { id: "pmap-c.bandwidth", syntax: "bandwidth (<8-10000000>$kbps|percent <1-100>$percent|remaining (percent <1-100>$remainingPercent|ratio <1-1000>$ratio))", help: ["Bandwidth", "Kilo Bits per second", "% of total Bandwidth", "% of total Bandwidth", "percent/ratio of the remaining bandwidth", "% of the remaining bandwidth", "% of the remaining bandwidth", "ratio for sharing excess bandwidth", "ratio"] },
      { id: "pmap-c.shape", syntax: "shape (average|peak)$kind (<8000-100000000000>$bps|percent <1-100>$percent) [<32-154400000>$bc] [<0-154400000>$be]", help: ["Traffic Shaping", "configure token bucket: CIR (bps) thru Bc (bits) per interval", "configure token bucket: CIR (bps) thru Bc+Be (bits) per interval", "Target Bit Rate (bits/sec).", "% of interface bandwidth for Committed information rate", "% of interface bandwidth", "bits per interval, sustained.", "bits per interval, excess."] },
      { id: "pmap-c.police", syntax: "police (cir$cir <8000-100000000000>$cirBps|rate$rate <1-100000000000>$rateValue|<8000-100000000000>$bps) [LINE$actions]", help: ["Police", "Committed information rate", "Bits per second", "Specify police rate", "Police rate value", "Bits per second", "conform, exceed and violate actions"] },
      { id: "pmap-c.set", syntax: "set (dscp$dscp|ip dscp$ipDscp|precedence$precedence|ip precedence$ipPrecedence|cos$cos|qos-group$qosGroup|mpls experimental topmost$mplsExp) WORD$value", help: ["Set QoS values", "Set DSCP in IP(v4) and IPv6 packets", "Set IP specific values", "Set IP DSCP (DiffServ CodePoint)", "Set precedence in IP(v4) and IPv6 packets", "Set IP specific values", "Set IP precedence", "Set IEEE 802.1Q/ISL class of service/user priority", "Set QoS Group", "Set MPLS specific values", "Set MPLS experimental value", "Set the experimental value on the topmost label", "Value"], multi: true },
      { id: "pmap-c.random-detect", syntax: "random-detect [(dscp-based|precedence-based)$basis]", help: ["Enable Random Early Detection as drop policy", "Enable dscp-based WRED as drop policy", "Enable precedence-based WRED as drop policy"] },
      { id: "pmap-c.fair-queue", syntax: "fair-queue", help: ["Enable Flow-based Fair Queuing in this Class"] },
      { id: "pmap-c.queue-limit", syntax: "queue-limit <1-32768>$limit [(packets|bytes|ms)$unit]", help: ["Queue Max Threshold for Tail Drop", "Packets", "Packets", "Bytes", "Milliseconds"] },
      { id: "pmap-c.service-policy", syntax: "service-policy WORD$policy", help: ["Configure Flow Next", "Name of the child service policy"] },
    ],
  }),
];
