// A harness fixture: the seed lab (the guide's hub and two spokes, their configs pasted as
// they are, plus INET between them) with the overlay IKEv2 would build, made by hand as plain
// GRE: the addresses the hub's pool assigns (10.1.1.3 to R3-Spoke1, 10.1.1.4 to R4-Spoke) on
// the spokes' `ip address negotiated` Tunnel0, and on the hub one tunnel per spoke standing
// in for the Virtual-Access IKEv2 clones from Virtual-Template1 (unnumbered to Loopback0,
// `mpls bgp forwarding`), with the host route to the spoke's overlay address that IKEv2
// installs. Tunnel protection comes off: these tunnels carry GRE in clear.
import { readFileSync } from "node:fs";
import { SEED_CONFIGS } from "../config/testdata/seed-lab";
import { ipv4 } from "../wire/addr";
import { Simulation } from "./harness";

const INET = readFileSync(new URL("../../../labs/mpls-over-flexvpn/INET.cfg", import.meta.url), "utf8");

export const SPOKES = { "R3-Spoke1": { wan: "172.16.1.103", overlay: ipv4(10, 1, 1, 3), hubTunnel: "Tunnel1" }, "R4-Spoke": { wan: "172.16.1.104", overlay: ipv4(10, 1, 1, 4), hubTunnel: "Tunnel2" } } as const;

export async function seedOverlay(): Promise<Simulation> {
  const sim = new Simulation({
    nodes: { ...SEED_CONFIGS, INET },
    links: [
      [
        { node: "R1-HUB", iface: "Ethernet0/0" },
        { node: "INET", iface: "Ethernet0/0" },
      ],
      [
        { node: "INET", iface: "Ethernet0/1" },
        { node: "R3-Spoke1", iface: "Ethernet0/0" },
        { node: "R4-Spoke", iface: "Ethernet0/0" },
      ],
    ],
  });
  const hub: string[] = ["configure terminal"];
  for (const [name, s] of Object.entries(SPOKES)) {
    const octet = s.overlay & 0xff;
    hub.push(`interface ${s.hubTunnel}`, " ip unnumbered Loopback0", " mpls bgp forwarding", " tunnel source Ethernet0/0", ` tunnel destination ${s.wan}`, "exit", `ip route 10.1.1.${octet} 255.255.255.255 ${s.hubTunnel}`);
    sim.node(name).router.setNegotiatedAddress("Tunnel0", { address: s.overlay, prefixLength: 32 });
    await sim.transcript(name, ["configure terminal", "interface Tunnel0", "no tunnel protection ipsec profile default", "end"]);
  }
  hub.push("end");
  await sim.transcript("R1-HUB", hub);
  return sim;
}
