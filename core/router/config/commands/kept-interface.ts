// Interface lines every saved config carries that a lab link has no use for: speed, duplex,
// negotiation, MTU and bandwidth figures, MOP, proxy ARP, NAT and flow export
// markers, OSPF and PIM interface settings, QoS and crypto map attachments. Kept and rendered
// in IOS's place within the interface block (orders between the simulated commands' 10–94).

import type { ConfigCommand } from "../command";
import { IF_MODES } from "./interface";
import { keptFamily } from "./kept";

const IP = "Interface Internet Protocol config commands";
const OSPF = "OSPF interface commands";

export const keptInterfaceCommands: readonly ConfigCommand[] = [
  ...keptFamily({
    family: "interface hardware",
    inert: "a lab link has no speed, duplex or media; frames are carried whole",
    mode: IF_MODES,
    order: 16,
    commands: [
      { id: "if.bandwidth", syntax: "bandwidth <1-10000000>$kbps", noSyntax: "bandwidth [<1-10000000>$kbps]", help: ["Set bandwidth informational parameter", "Bandwidth in kilobits"], order: 11 },
      { id: "if.delay", syntax: "delay <1-16777215>$tensOfUsec", noSyntax: "delay [<1-16777215>$tensOfUsec]", help: ["Specify interface throughput delay", "Throughput delay (tens of microseconds)"], order: 12 },
      { id: "if.mtu", syntax: "mtu <64-9216>$bytes", noSyntax: "mtu [<64-9216>$bytes]", help: ["Set the interface Maximum Transmission Unit (MTU)", "MTU size in bytes"], order: 13 },
      { id: "if.load-interval", syntax: "load-interval <30-600>$seconds", noSyntax: "load-interval [<30-600>$seconds]", help: ["Specify interval for load calculation for an interface", "Load interval delay in seconds"], order: 68 },
      {
        id: "if.carrier-delay",
        syntax: "carrier-delay (<0-60>$seconds|msec$msec <0-1000>$milliseconds)",
        noSyntax: "carrier-delay [<0-60>$seconds|msec$msec [<0-1000>$milliseconds]]",
        help: ["Specify delay for interface transitions", "Carrier Transitions delay seconds", "delay specified in milliseconds", "Carrier Transitions delay milliseconds"],
        order: 71,
      },
      { id: "if.keepalive", syntax: "keepalive [<0-32767>$period [<1-255>$retries]]", noSyntax: "keepalive [<0-32767>$period [<1-255>$retries]]", help: ["Enable keepalive", "Keepalive period (default 10 seconds)", "Keepalive retries"], no: "store", order: 72 },
      { id: "if.duplex", syntax: "duplex (auto|full|half)$mode", noSyntax: "duplex [(auto|full|half)$mode]", help: ["Configure duplex operation.", "Enable AUTO duplex configuration", "Force full duplex operation", "Force half-duplex operation"], order: 73 },
      {
        id: "if.speed",
        syntax: "speed (10|100|1000|10000|auto)$speed",
        noSyntax: "speed [(10|100|1000|10000|auto)$speed]",
        help: ["Configure speed operation.", "Force 10 Mbps operation", "Force 100 Mbps operation", "Force 1000 Mbps operation", "Force 10000 Mbps operation", "Enable AUTO speed configuration"],
        order: 74,
      },
      { id: "if.media-type", syntax: "media-type (gbic|rj45|sfp|auto-select)$media", noSyntax: "media-type [(gbic|rj45|sfp|auto-select)$media]", help: ["Media type", "Use Gigabit Interface Converter (7200 NPE-G1/G2 ports)", "Use RJ45 connector", "Use SFP connector", "Use whichever connector is attached"], order: 75 },
      { id: "if.negotiation", syntax: "negotiation auto", help: ["Select Autonegotiation mode", "Enable link autonegotiation"], no: "store", order: 76 },
      { id: "if.mop-enabled", syntax: "mop enabled", help: ["DEC MOP server commands", "Enable MOP for interface"], no: "store", order: 85 },
      { id: "if.mop-sysid", syntax: "mop sysid", help: ["DEC MOP server commands", "Send out MOP periodic system ID messages"], no: "store", order: 85.01 },
    ],
  }),
  ...keptFamily({
    family: "interface IP options",
    inert: "the lab does not run this IP feature",
    mode: IF_MODES,
    order: 50,
    commands: [
      { id: "if.ip-directed-broadcast", syntax: "ip directed-broadcast", help: [IP, "Enable forwarding of directed broadcasts"], no: "store", order: 51.6 },
      { id: "if.ip-route-cache", syntax: "ip route-cache [(cef|same-interface)$kind]", help: [IP, "Enable fast-switching cache for outgoing packets", "Enable Cisco Express Forwarding", "Enable fast-switching on the same interface"], no: "store", multi: (a) => String(a.kind ?? ""), order: 51.7 },
      { id: "if.ip-mroute-cache", syntax: "ip mroute-cache", help: [IP, "Enable switching cache for incoming multicast packets"], no: "store", order: 51.8 },
      { id: "if.ip-helper-address", syntax: "ip helper-address A.B.C.D$address", help: [IP, "Specify a destination address for UDP broadcasts", "IP destination address"], multi: true, order: 41 },
      { id: "if.ip-nat", syntax: "ip nat (inside|outside)$side", help: [IP, "NAT interface commands", "Inside interface for address translation", "Outside interface for address translation"], order: 53, inert: "no NAT in the lab" },
      { id: "if.ip-virtual-reassembly", syntax: "ip virtual-reassembly [(in|out)$direction]", help: [IP, "Virtual Reassembly", "Enable Virtual Reassembly on input", "Enable Virtual Reassembly on output"], multi: (a) => String(a.direction ?? "in"), no: "store", order: 54 },
      { id: "if.ip-flow", syntax: "ip flow (ingress|egress)$direction", help: [IP, "NetFlow related commands", "Enable inbound NetFlow", "Enable outbound NetFlow"], multi: (a) => String(a.direction), order: 55, inert: "no NetFlow export in the lab" },
      { id: "if.ip-pim", syntax: "ip pim (sparse-mode|dense-mode|sparse-dense-mode|passive)$mode", help: [IP, "PIM interface commands", "Enable PIM sparse-mode operation", "Enable PIM dense-mode operation", "Enable PIM sparse-dense-mode operation", "Enable PIM passive interface operation"], order: 57, inert: "no multicast routing in the lab" },
      { id: "if.ip-igmp-version", syntax: "ip igmp version <1-3>$version", noSyntax: "ip igmp version [<1-3>$version]", help: [IP, "IGMP interface commands", "IGMP version", "IGMP version"], order: 57.1, inert: "no multicast routing in the lab" },
    ],
  }),
  ...keptFamily({
    family: "routing protocols",
    inert: "the lab does not run OSPF yet",
    mode: IF_MODES,
    order: 64,
    commands: [
      { id: "if.ip-ospf-auth-key", syntax: "ip ospf authentication-key [<0-7>$encryption] WORD$key", noSyntax: "ip ospf authentication-key [<0-7>$encryption] [WORD$key]", help: [IP, OSPF, "Authentication password (key)", "Encryption type (0 for not yet encrypted, 7 for proprietary)", "The OSPF password (key)"] },
      { id: "if.ip-ospf-authentication", syntax: "ip ospf authentication [(message-digest|null)$kind]", help: [IP, OSPF, "Enable authentication", "Use message-digest authentication", "Use no authentication"] },
      { id: "if.ip-ospf-md-key", syntax: "ip ospf message-digest-key <1-255>$keyId md5 [<0-7>$encryption] WORD$key", noSyntax: "ip ospf message-digest-key <1-255>$keyId [md5 [<0-7>$encryption] [WORD$key]]", help: [IP, OSPF, "Message digest authentication password (key)", "Key ID", "Use MD5 algorithm", "Encryption type (0 for not yet encrypted, 7 for proprietary)", "The OSPF password (key)"], multi: (a) => String(a.keyId) },
      { id: "if.ip-ospf-network", syntax: "ip ospf network (broadcast|non-broadcast|point-to-multipoint|point-to-point)$type", noSyntax: "ip ospf network [(broadcast|non-broadcast|point-to-multipoint|point-to-point)$type]", help: [IP, OSPF, "Network type", "Specify OSPF broadcast multi-access network", "Specify OSPF NBMA network", "Specify OSPF point-to-multipoint network", "Specify OSPF point-to-point network"] },
      { id: "if.ip-ospf-hello", syntax: "ip ospf hello-interval <1-65535>$seconds", noSyntax: "ip ospf hello-interval [<1-65535>$seconds]", help: [IP, OSPF, "Time between HELLO packets", "Seconds"] },
      { id: "if.ip-ospf-dead", syntax: "ip ospf dead-interval <1-65535>$seconds", noSyntax: "ip ospf dead-interval [<1-65535>$seconds]", help: [IP, OSPF, "Interval after which a neighbor is declared dead", "Seconds"] },
      { id: "if.ip-ospf-priority", syntax: "ip ospf priority <0-255>$priority", noSyntax: "ip ospf priority [<0-255>$priority]", help: [IP, OSPF, "Router priority", "Priority"] },
      { id: "if.ip-ospf-area", syntax: "ip ospf <1-65535>$process area (<0-4294967295>$area|A.B.C.D$areaAddress)", noSyntax: "ip ospf <1-65535>$process area [<0-4294967295>$area|A.B.C.D$areaAddress]", help: [IP, OSPF, "Process ID", "Enable OSPF on this interface", "OSPF area ID as a decimal value", "OSPF area ID in IP address format"] },
      { id: "if.ip-ospf-cost", syntax: "ip ospf cost <1-65535>$cost", noSyntax: "ip ospf cost [<1-65535>$cost]", help: [IP, OSPF, "Interface cost", "Cost"] },
      { id: "if.ip-ospf-mtu-ignore", syntax: "ip ospf mtu-ignore", help: [IP, OSPF, "Ignores the MTU in DBD packets"] },
    ],
  }),
  ...keptFamily({
    family: "QoS",
    inert: "the lab does not queue, police or mark traffic",
    mode: IF_MODES,
    order: 98,
    commands: [
      {
        id: "if.service-policy",
        syntax: "service-policy (input|output)$direction WORD$policy",
        noSyntax: "service-policy (input|output)$direction [WORD$policy]",
        help: ["Configure CPL Service Policy", "Assign policy-map to the input of an interface", "Assign policy-map to the output of an interface", "policy-map name"],
        multi: (a) => String(a.direction),
      },
    ],
  }),
  ...keptFamily({
    family: "first-hop redundancy",
    inert: "the lab runs no HSRP or VRRP: nothing answers for the virtual address",
    mode: IF_MODES,
    order: 80,
    commands: [
      { id: "if.standby.version", syntax: "standby version (1|2)$version", noSyntax: "standby version [(1|2)$version]", help: ["HSRP interface configuration commands", "HSRP version", "Version 1", "Version 2"] },
      { id: "if.standby.ip", syntax: "standby [<0-4095>$group] ip [A.B.C.D$address [secondary$secondary]]", noSyntax: "standby [<0-4095>$group] ip [A.B.C.D$address [secondary$secondary]]", help: ["HSRP interface configuration commands", "group number", "Enable HSRP IPv4 and set the virtual IP address", "Virtual IP address", "Make this IP address a secondary virtual IP address"], multi: (a) => `${String(a.group ?? 0)} ${String(a.address ?? "")}` },
      { id: "if.standby.priority", syntax: "standby [<0-4095>$group] priority <0-255>$priority", noSyntax: "standby [<0-4095>$group] priority [<0-255>$priority]", help: ["HSRP interface configuration commands", "group number", "Priority level", "Priority value"], multi: (a) => String(a.group ?? 0) },
      { id: "if.standby.preempt", syntax: "standby [<0-4095>$group] preempt [delay minimum <0-3600>$delay]", noSyntax: "standby [<0-4095>$group] preempt [LINE$rest]", help: ["HSRP interface configuration commands", "group number", "Overthrow lower priority Active routers", "Wait before preempting", "Delay at least this long", "Number of seconds for minimum delay"], multi: (a) => String(a.group ?? 0) },
      { id: "if.standby.timers", syntax: "standby [<0-4095>$group] timers [msec$helloMsec] <1-999>$hello [msec$holdMsec] <1-3000>$hold", noSyntax: "standby [<0-4095>$group] timers [LINE$rest]", help: ["HSRP interface configuration commands", "group number", "Hello and hold timers", "Specify hello interval in milliseconds", "Hello interval (seconds 1-254, milliseconds 15-999)", "Specify hold time in milliseconds", "Hold time (seconds 1-255, milliseconds 50-3000)"], multi: (a) => String(a.group ?? 0) },
      { id: "if.standby.authentication", syntax: "standby [<0-4095>$group] authentication (md5 key-string [(0|7)$encryption] WORD$key|WORD$text)", noSyntax: "standby [<0-4095>$group] authentication [LINE$rest]", help: ["HSRP interface configuration commands", "group number", "Authentication", "Use MD5 authentication", "Set key string", "Specifies an UNENCRYPTED key string will follow", "Specifies a HIDDEN key string will follow", "Key string", "Plain text authentication string (8 chars max)"], multi: (a) => String(a.group ?? 0) },
      { id: "if.standby.name", syntax: "standby [<0-4095>$group] name WORD$name", noSyntax: "standby [<0-4095>$group] name [WORD$name]", help: ["HSRP interface configuration commands", "group number", "Redundancy name string", "name string"], multi: (a) => String(a.group ?? 0) },
      { id: "if.vrrp.ip", syntax: "vrrp <1-255>$group ip A.B.C.D$address [secondary$secondary]", noSyntax: "vrrp <1-255>$group ip [A.B.C.D$address [secondary$secondary]]", help: ["VRRP Interface configuration commands", "Group number", "Enable Virtual Router Redundancy Protocol (VRRP) for IP", "Virtual Router IP address", "Set secondary ip address"], multi: (a) => `${String(a.group)} ${String(a.address ?? "")}` },
      { id: "if.vrrp.priority", syntax: "vrrp <1-255>$group priority <1-254>$priority", noSyntax: "vrrp <1-255>$group priority [<1-254>$priority]", help: ["VRRP Interface configuration commands", "Group number", "Priority of this VRRP group", "Priority level"], multi: (a) => String(a.group) },
      { id: "if.vrrp.preempt", syntax: "vrrp <1-255>$group preempt [delay minimum <0-3600>$delay]", noSyntax: "vrrp <1-255>$group preempt [LINE$rest]", help: ["VRRP Interface configuration commands", "Group number", "Enable preemption of lower priority Master", "Wait before preempting", "Delay at least this long", "Number of seconds for minimum delay"], no: "store", multi: (a) => String(a.group) },
      { id: "if.vrrp.description", syntax: "vrrp <1-255>$group description LINE$text", noSyntax: "vrrp <1-255>$group description [LINE$text]", help: ["VRRP Interface configuration commands", "Group number", "Group specific description", "Text"], multi: (a) => String(a.group) },
    ],
  }),
];
