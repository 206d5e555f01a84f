// The hardware a lab node pretends to be (`platform:` in lab.yaml): which physical ports it
// has and how they are named, and what `show version`, `show inventory` and `show interfaces`
// say about it. IOL's Ethernet0/0–0/3 is the default; the others are the platforms engineers
// bring configs from (IOSv and CSR1000v/Catalyst 8000V from CML or EVE-NG, the 7200 from GNS3).
// Pure data, browser-safe: the lab validates links against it and the editor may show it.

import { parseInterfaceName, type InterfaceType } from "./grammar/interface-name";

export const PLATFORM_NAMES = ["iol", "iosv", "csr1000v", "c8000v", "c7200"] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** What a physical port of one type looks like in `show interfaces`. */
export interface PortHardware {
  /** `Hardware is X, address is …`. */
  readonly hardware: string;
  readonly bwKbit: number;
  readonly delayUsec: number;
  /** `show interfaces`' lines after the keepalive: duplex, speed, media, flow control
   * (none on IOL). */
  readonly mediaLines: readonly string[];
  /** `show version`'s count line, singular: "Gigabit Ethernet interface". */
  readonly countNoun: string;
}

export interface Platform {
  readonly name: PlatformName;
  /** Ports the node has when lab.yaml gives no `ports:`, and the most it may ask for. */
  readonly defaultPorts: number;
  readonly maxPorts: number;
  /** The name of the i-th port (0-based). */
  portName(index: number): string;
  /** `show version`'s lines above the uptime (IOS's own first lines, so parsers find
   * the release, then the line saying what this really is). */
  readonly versionBanner: readonly string[];
  readonly rom: string;
  readonly image: string;
  /** `show version`'s processor line, before "with …". */
  readonly processor: string;
  /** `show inventory`: name, description and product id of the chassis. */
  readonly inventory: { readonly name: string; readonly descr: string; readonly pid: string; readonly vid: string };
  readonly ports: Readonly<Partial<Record<InterfaceType, PortHardware>>>;
}

const FLEXLAB_LINE = "FlexLab router stack: IOS-compatible command line and protocols, written by the FlexLab team; not Cisco software";

const ETHERNET_10: PortHardware = { hardware: "AmdP2", bwKbit: 10000, delayUsec: 1000, mediaLines: [], countNoun: "Ethernet interface" };
const GIGABIT_IOSV: PortHardware = { hardware: "iGbE", bwKbit: 1000000, delayUsec: 10, mediaLines: ["Full Duplex, Auto Speed, link type is auto, media type is RJ45", "output flow-control is unsupported, input flow-control is unsupported"], countNoun: "Gigabit Ethernet interface" };
const GIGABIT_CSR: PortHardware = { hardware: "CSR vNIC", bwKbit: 1000000, delayUsec: 10, mediaLines: ["Full Duplex, 1000Mbps, link type is auto, media type is Virtual", "output flow-control is unsupported, input flow-control is unsupported"], countNoun: "Gigabit Ethernet interface" };
const GIGABIT_C8000V: PortHardware = { hardware: "vNIC", bwKbit: 1000000, delayUsec: 10, mediaLines: ["Full Duplex, 1000Mbps, link type is auto, media type is Virtual", "output flow-control is unsupported, input flow-control is unsupported"], countNoun: "Gigabit Ethernet interface" };
const GIGABIT_7200: PortHardware = { hardware: "i82543 (Livengood)", bwKbit: 1000000, delayUsec: 10, mediaLines: ["Full-duplex, 1000Mb/s, link type is autonegotiation, media type is RJ45", "output flow-control is unsupported, input flow-control is unsupported"], countNoun: "Gigabit Ethernet interface" };
const FAST_7200: PortHardware = { hardware: "DEC21140", bwKbit: 100000, delayUsec: 100, mediaLines: ["Full-duplex, 100Mb/s, 100BaseTX/FX"], countNoun: "FastEthernet interface" };

export const PLATFORMS: Readonly<Record<PlatformName, Platform>> = {
  iol: {
    name: "iol",
    defaultPorts: 4,
    maxPorts: 64,
    // IOL slots hold four ports each: Ethernet0/0–0/3, then Ethernet1/0…
    portName: (i) => `Ethernet${Math.floor(i / 4)}/${i % 4}`,
    versionBanner: ["Cisco IOS Software, Linux Software (I86BI_LINUX-ADVENTERPRISEK9-M), Version 15.7(3)M2, RELEASE SOFTWARE (fc2)", FLEXLAB_LINE],
    rom: "Bootstrap program is Linux",
    image: "unix:/opt/flexlab/i86bi_linux-adventerprisek9-ms",
    processor: "Linux Unix (i686) processor",
    inventory: { name: "IOU", descr: "IOU (FlexLab)", pid: "IOU", vid: "" },
    ports: { Ethernet: ETHERNET_10 },
  },
  iosv: {
    name: "iosv",
    defaultPorts: 4,
    maxPorts: 16,
    portName: (i) => `GigabitEthernet0/${i}`,
    versionBanner: ["Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.9(3)M4, RELEASE SOFTWARE (fc3)", FLEXLAB_LINE],
    rom: "Bootstrap program is IOSv",
    image: "flash0:/vios-adventerprisek9-m",
    processor: "Cisco IOSv (revision 1.0)",
    inventory: { name: "IOSv", descr: "IOSv chassis (FlexLab)", pid: "IOSv", vid: "1.0" },
    ports: { GigabitEthernet: GIGABIT_IOSV },
  },
  csr1000v: {
    name: "csr1000v",
    defaultPorts: 4,
    maxPorts: 26,
    portName: (i) => `GigabitEthernet${i + 1}`,
    versionBanner: [
      "Cisco IOS XE Software, Version 16.09.05",
      "Cisco IOS Software [Fuji], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.5, RELEASE SOFTWARE (fc1)",
      FLEXLAB_LINE,
    ],
    rom: "IOS-XE ROMMON",
    image: "bootflash:packages.conf",
    processor: "cisco CSR1000V (VXE) processor (revision VXE)",
    inventory: { name: "Chassis", descr: "Cisco CSR1000V Chassis (FlexLab)", pid: "CSR1000V", vid: "V00" },
    ports: { GigabitEthernet: GIGABIT_CSR },
  },
  c8000v: {
    name: "c8000v",
    defaultPorts: 4,
    maxPorts: 26,
    portName: (i) => `GigabitEthernet${i + 1}`,
    versionBanner: [
      "Cisco IOS XE Software, Version 17.06.01a",
      "Cisco IOS Software [Bengaluru], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.6.1a, RELEASE SOFTWARE (fc2)",
      FLEXLAB_LINE,
    ],
    rom: "IOS-XE ROMMON",
    image: "bootflash:packages.conf",
    processor: "cisco C8000V (VXE) processor (revision VXE)",
    inventory: { name: "Chassis", descr: "Cisco C8000V Chassis (FlexLab)", pid: "C8000V", vid: "V00" },
    ports: { GigabitEthernet: GIGABIT_C8000V },
  },
  c7200: {
    name: "c7200",
    defaultPorts: 3,
    maxPorts: 13,
    // The I/O controller's FastEthernet0/0, then a dual-port PA-2FE-TX in each of slots 1–6.
    portName: (i) => (i === 0 ? "FastEthernet0/0" : `FastEthernet${Math.ceil(i / 2)}/${(i - 1) % 2}`),
    versionBanner: ["Cisco IOS Software, 7200 Software (C7200-ADVENTERPRISEK9-M), Version 15.2(4)S7, RELEASE SOFTWARE (fc4)", FLEXLAB_LINE],
    rom: "ROMMON Emulation Microcode",
    image: "tftp://255.255.255.255/unknown",
    processor: "Cisco 7206VXR (NPE400) processor (revision A)",
    inventory: { name: "Chassis", descr: "Cisco 7206VXR, 6-slot chassis (FlexLab)", pid: "CISCO7206VXR", vid: "" },
    ports: { FastEthernet: FAST_7200, GigabitEthernet: GIGABIT_7200, Ethernet: ETHERNET_10 },
  },
};

export function platformOf(name: PlatformName | undefined): Platform {
  return PLATFORMS[name ?? "iol"];
}

/** The physical ports a node of `platform` has with `count` ports (its default when absent). */
export function platformPorts(platform: Platform, count: number = platform.defaultPorts): string[] {
  const ports: string[] = [];
  for (let i = 0; i < count; i++) ports.push(platform.portName(i));
  return ports;
}

/** How a physical port of this name shows on the platform: its own hardware for the types
 * it has, IOL's plain Ethernet otherwise (a port the startup-config added). */
export function portHardware(platform: Platform, name: string): PortHardware {
  const type = parseInterfaceName(name)?.type;
  const own = type === undefined ? undefined : platform.ports[type];
  if (own) return own;
  if (type === "GigabitEthernet") return GIGABIT_IOSV;
  if (type === "FastEthernet") return FAST_7200;
  return ETHERNET_10;
}
