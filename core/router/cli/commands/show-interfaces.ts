// `show interfaces [X]` in IOS's layout, per interface kind (ios-output.md §9). Rates are
// not sampled in the lab, so the five-minute rates read 0; counters are the real ones.
import type { Interface } from "../../net/interface";
import type { EthernetInterface, Dot1qSubinterface } from "../../net/ethernet-port";
import type { TunnelInterface } from "../../net/tunnel";
import type { Router } from "../../node/router";
import { parentInterface } from "../../config/grammar/interface-name";
import { portHardware, type Platform } from "../../config/platform";
import { formatIpv4, formatMacIos } from "../../wire/addr";

interface KindInfo {
  readonly bwKbit: number;
  readonly delayUsec: number;
  readonly encapsulation: string;
}

function kindInfo(iface: Interface, platform: Platform): KindInfo {
  switch (iface.kind) {
    case "ethernet": {
      const hw = portHardware(platform, iface.name);
      return { bwKbit: hw.bwKbit, delayUsec: hw.delayUsec, encapsulation: "ARPA, loopback not set" };
    }
    case "dot1q": {
      const hw = portHardware(platform, parentInterface(iface.name) ?? iface.name);
      return { bwKbit: hw.bwKbit, delayUsec: hw.delayUsec, encapsulation: `802.1Q Virtual LAN, Vlan ID  ${(iface as Dot1qSubinterface).vlanId ?? "none"}.` };
    }
    case "loopback":
      return { bwKbit: 8000000, delayUsec: 5000, encapsulation: "LOOPBACK, loopback not set" };
    case "tunnel":
      return { bwKbit: 100, delayUsec: 50000, encapsulation: "TUNNEL, loopback not set" };
    case "null":
      return { bwKbit: 8000000, delayUsec: 5000, encapsulation: "ARPA, loopback not set" };
  }
}

function addressLines(iface: Interface): string[] {
  const borrowed = iface.unnumbered;
  if (borrowed) {
    const a = borrowed.address;
    return [`  Interface is unnumbered. Using address of ${borrowed.name} (${a ? formatIpv4(a.address) : "0.0.0.0"})`];
  }
  const a = iface.address;
  return a ? [`  Internet address is ${formatIpv4(a.address)}/${a.prefixLength}`] : [];
}

function tunnelLines(t: TunnelInterface, router: Router): string[] {
  const c = router.running.interfaces[t.name];
  const lines = [
    "  Tunnel linestate evaluation " + (t.lineProtocolUp ? "up" : "down"),
    "  " + t.describeEndpoints(),
    `  Tunnel protocol/transport ${t.mode === "ipsec-ipv4" ? "IPSEC/IP" : t.mode === "gre-multipoint" ? "multi-GRE/IP" : "GRE/IP"}`,
  ];
  if (t.mode !== "ipsec-ipv4") lines.push(`    Key ${t.key === undefined ? "disabled" : `0x${t.key.toString(16).toUpperCase()}`}, sequencing disabled`, "    Checksumming of packets disabled");
  lines.push(`  Tunnel TTL ${t.ttl}, Fast tunneling enabled`, `  Tunnel transport MTU ${1500 - 20 - t.greHeaderBytes} bytes`);
  const profile = c?.tunnel?.protectionProfile;
  if (profile) lines.push(`  Tunnel protection via IPSec (profile "${profile}")`);
  return lines;
}

export function formatInterface(router: Router, iface: Interface): string {
  const info = kindInfo(iface, router.platform);
  const c = router.running.interfaces[iface.name];
  const lines = [`${iface.name} is ${iface.linkState}, line protocol is ${iface.lineProtocolUp ? "up" : "down"} `];
  if (iface.kind === "ethernet" || iface.kind === "dot1q") {
    const mac = formatMacIos((iface as EthernetInterface).mac);
    // The platform's NIC (CSR vNIC, iGbE…); a subinterface shows its parent's.
    const hardware = portHardware(router.platform, parentInterface(iface.name) ?? iface.name).hardware;
    lines.push(`  Hardware is ${hardware}, address is ${mac} (bia ${mac})`);
  } else lines.push(`  Hardware is ${iface.hardware}`);
  if (c?.description) lines.push(`  Description: ${c.description}`);
  lines.push(...addressLines(iface));
  lines.push(
    `  MTU ${iface.mtuBytes} bytes, BW ${info.bwKbit} Kbit/sec, DLY ${info.delayUsec} usec, `,
    "     reliability 255/255, txload 1/255, rxload 1/255",
    `  Encapsulation ${info.encapsulation}`,
  );
  if (iface.kind === "tunnel") {
    lines.push("  Keepalive not set");
    lines.push(...tunnelLines(iface as TunnelInterface, router));
  } else lines.push("  Keepalive set (10 sec)");
  if (iface.kind === "ethernet") for (const l of portHardware(router.platform, iface.name).mediaLines) lines.push(`  ${l}`);
  if (iface.kind === "ethernet" || iface.kind === "dot1q") lines.push("  ARP type: ARPA, ARP Timeout 04:00:00");
  const k = iface.counters;
  lines.push(
    '  Last clearing of "show interface" counters never',
    `  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: ${k.dropsTotal}`,
    "  Queueing strategy: fifo",
    "  Output queue: 0/40 (size/max)",
    "  5 minute input rate 0 bits/sec, 0 packets/sec",
    "  5 minute output rate 0 bits/sec, 0 packets/sec",
    `     ${k.inPackets} packets input, ${k.inBytes} bytes, 0 no buffer`,
    "     Received 0 broadcasts (0 IP multicasts)",
    "     0 runts, 0 giants, 0 throttles ",
    "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
    `     ${k.outPackets} packets output, ${k.outBytes} bytes, 0 underruns`,
    "     0 output errors, 0 collisions, 0 interface resets",
    `     ${k.drops["unknown-ethertype"] + k.drops["protocol-unreachable"]} unknown protocol drops`,
    "     0 output buffer failures, 0 output buffers swapped out",
  );
  return lines.join("\n");
}

export function formatInterfaces(router: Router, list: readonly Interface[]): string {
  return list.map((i) => formatInterface(router, i)).join("\n");
}

/** `show interfaces [X] summary`: one line per interface, IOS's legend above. Our stack holds
 * no input or output queue and throttles nothing, so IHQ/IQD/OHQ/TRTL are 0, and OQD counts the
 * frames the NIC refused (transmit-failed). Rates are not sampled in the lab: those columns
 * show "-", IOS's mark for a figure it does not have (as it prints for subinterfaces). */
export function formatInterfacesSummary(list: readonly Interface[]): string {
  const lines = [
    "",
    " *: interface is up",
    " IHQ: pkts in input hold queue     IQD: pkts dropped from input queue",
    " OHQ: pkts in output hold queue    OQD: pkts dropped from output queue",
    " RXBS: rx rate (bits/sec)          RXPS: rx rate (pkts/sec)",
    " TXBS: tx rate (bits/sec)          TXPS: tx rate (pkts/sec)",
    " TRTL: throttle count",
    "",
    "  Interface                   IHQ       IQD       OHQ       OQD      RXBS      RXPS      TXBS      TXPS      TRTL",
    "-".repeat(113),
  ];
  for (const i of list) {
    // IOS keeps no counters of its own for a subinterface here.
    const cols = i.kind === "dot1q" ? Array<string>(9).fill("-") : ["0", "0", "0", String(i.counters.drops["transmit-failed"]), "-", "-", "-", "-", "0"];
    lines.push(`${i.lineProtocolUp ? "*" : " "} ${i.name.padEnd(21)}${cols.map((c) => c.padStart(10)).join("")}`);
  }
  return lines.join("\n");
}
