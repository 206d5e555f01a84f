// The agent's `--port` specs: which backend carries each physical port. The process runtime
// links ports over UDP on 127.0.0.1 to its bridges; the docker runtime names the container
// NIC (or its MAC, since older engines do not let it choose the name) for a packet socket;
// the kubernetes runtime opens a UDP tunnel on the Pod's address, its peers set later
// through the mgmt API (`link.peers`, io/udp-tunnel.ts).
import { canonicalInterfaceName, isPhysicalPort } from "../config/grammar/interface-name";
import { findInterfaceByMac, PacketNic } from "../io/packet";
import { UdpNic } from "../io/udp";
import { UdpTunnelNic } from "../io/udp-tunnel";
import type { Clock } from "../clock/clock";
import type { Nic } from "../io/nic";
import { findInterfaceInPrefix } from "../io/host-interfaces";
import { formatMac, formatPrefix, parseIpv4, parseMac, parsePrefix, type Mac, type Prefix } from "../wire/addr";

export type PortBackend =
  | { readonly kind: "udp"; readonly localPort: number; readonly remotePort: number }
  | { readonly kind: "packet"; readonly ifname: string }
  | { readonly kind: "packet-mac"; readonly mac: Mac }
  | { readonly kind: "tunnel"; readonly localHost: string; readonly localPort: number }
  /** The NIC whose kernel address is inside this prefix (swarm tasks: see io/host-interfaces.ts). */
  | { readonly kind: "packet-subnet"; readonly prefix: Prefix };

export interface PortSpec {
  /** The IOS name, e.g. "Ethernet0/0". */
  readonly iface: string;
  readonly backend: PortBackend;
}

export const PORT_SPEC_FORMS = "IFACE=udp:LOCALPORT:REMOTEPORT, IFACE=packet:IFNAME, IFACE=packet-mac:aa:bb:cc:dd:ee:ff, IFACE=packet-subnet:A.B.C.D/LEN or IFACE=tunnel:[ADDRESS:]LOCALPORT";

/** Parses "Ethernet0/0=udp:40001:40002" and friends; a string says what is wrong. */
export function parsePortSpec(text: string): PortSpec | string {
  const eq = text.indexOf("=");
  if (eq === -1) return `port "${text}": expected ${PORT_SPEC_FORMS}`;
  const iface = text.slice(0, eq);
  const rest = text.slice(eq + 1);
  // Any platform's physical port, spelt in full as the lab writes it (Ethernet0/0, GigabitEthernet1).
  if (!isPhysicalPort(iface) || canonicalInterfaceName(iface) !== iface) return `port "${text}": "${iface}" is not a physical port name like Ethernet0/0 or GigabitEthernet1`;
  const colon = rest.indexOf(":");
  const kind = colon === -1 ? rest : rest.slice(0, colon);
  const value = colon === -1 ? "" : rest.slice(colon + 1);
  switch (kind) {
    case "udp": {
      const m = /^(\d{1,5}):(\d{1,5})$/.exec(value);
      const localPort = m ? Number(m[1]) : NaN;
      const remotePort = m ? Number(m[2]) : NaN;
      if (!(localPort >= 0 && localPort <= 65535 && remotePort >= 1 && remotePort <= 65535)) {
        return `port "${text}": udp wants LOCALPORT:REMOTEPORT (0-65535, 1-65535)`;
      }
      return { iface, backend: { kind: "udp", localPort, remotePort } };
    }
    case "packet":
      if (!/^[A-Za-z0-9_.@-]{1,15}$/.test(value)) return `port "${text}": packet wants a Linux interface name`;
      return { iface, backend: { kind: "packet", ifname: value } };
    case "packet-mac": {
      const mac = parseMac(value);
      if (mac === undefined) return `port "${text}": packet-mac wants a MAC like aa:bb:cc:dd:ee:ff`;
      return { iface, backend: { kind: "packet-mac", mac } };
    }
    case "tunnel": {
      // The peers come later (mgmt `link.peers`); the address defaults to every one.
      const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5})$/.exec(value);
      const localHost = m?.[1] ?? "0.0.0.0";
      const localPort = m ? Number(m[2]) : NaN;
      if (!m || parseIpv4(localHost) === undefined || !(localPort >= 1 && localPort <= 65535)) {
        return `port "${text}": tunnel wants [ADDRESS:]LOCALPORT (a dotted IPv4 address, a port 1-65535)`;
      }
      return { iface, backend: { kind: "tunnel", localHost, localPort } };
    }
    case "packet-subnet": {
      const prefix = parsePrefix(value);
      if (prefix === undefined) return `port "${text}": packet-subnet wants an IPv4 prefix like 10.255.0.8/29`;
      return { iface, backend: { kind: "packet-subnet", prefix } };
    }
    default:
      return `port "${text}": unknown backend "${kind}"; expected ${PORT_SPEC_FORMS}`;
  }
}

/** Opens a port's backend; rejects with a message naming the port when it cannot. */
export async function openPort(spec: PortSpec, nodeName: string, clock: Clock): Promise<Nic> {
  const b = spec.backend;
  switch (b.kind) {
    case "udp": {
      const nic = new UdpNic({ name: `${nodeName}:${spec.iface}`, localPort: b.localPort, remote: { host: "127.0.0.1", port: b.remotePort }, clock });
      await nic.open();
      return nic;
    }
    case "packet":
      return new PacketNic({ ifname: b.ifname, clock });
    case "packet-mac": {
      const ifname = findInterfaceByMac(b.mac);
      if (ifname === undefined) throw new Error(`${spec.iface}: no Ethernet interface here has MAC ${formatMac(b.mac)}`);
      return new PacketNic({ ifname, clock });
    }
    case "tunnel": {
      const nic = new UdpTunnelNic({ name: `${nodeName}:${spec.iface}`, localHost: b.localHost, localPort: b.localPort, clock });
      await nic.open();
      return nic;
    }
    case "packet-subnet": {
      const found = findInterfaceInPrefix(b.prefix);
      if (found === undefined) throw new Error(`${spec.iface}: no interface here has an address in ${formatPrefix(b.prefix)}`);
      if (typeof found === "string") throw new Error(`${spec.iface}: ${found}`);
      return new PacketNic({ ifname: found.ifname, clock });
    }
  }
}
