// The general show commands an engineer types first, built from two routers peering iBGP in
// the harness: show ip route summary, show ip vrf, show ip protocols, show ip interface,
// show interfaces summary, show ip traffic and show tcp brief, each in IOS's layout.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const router = (n: 1 | 2) => `hostname R${n}
ip vrf cust1
 rd ${n}:1
 route-target export 1:1
 route-target import 1:1
interface Loopback0
 ip address ${n}.${n}.${n}.${n} 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.${n} 255.255.255.0
interface Ethernet0/1
 ip vrf forwarding cust1
 ip address 192.168.${n}.1 255.255.255.0
 no ip unreachables
interface Tunnel0
 ip address 10.9.9.${n} 255.255.255.0
 tunnel source Ethernet0/0
 tunnel destination 10.0.12.${3 - n}
interface Ethernet0/2
 shutdown
ip route ${3 - n}.${3 - n}.${3 - n}.${3 - n} 255.255.255.255 10.0.12.${3 - n}
${n === 1 ? "ip route 172.30.0.0 255.255.0.0 10.0.12.2" : ""}
router bgp 65000
 bgp log-neighbor-changes
 neighbor ${3 - n}.${3 - n}.${3 - n}.${3 - n} remote-as 65000
 neighbor ${3 - n}.${3 - n}.${3 - n}.${3 - n} update-source Loopback0
 address-family ipv4
  neighbor ${3 - n}.${3 - n}.${3 - n}.${3 - n} route-map FROM-PEER in
  neighbor ${3 - n}.${3 - n}.${3 - n}.${3 - n} filter-list 5 out
 exit-address-family
 address-family vpnv4
  neighbor ${3 - n}.${3 - n}.${3 - n}.${3 - n} activate
 exit-address-family
 address-family ipv4 vrf cust1
  redistribute connected
 exit-address-family
route-map FROM-PEER permit 10
`;

function start(): Simulation {
  sim = new Simulation({ nodes: { R1: router(1), R2: router(2) }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  sim.advance(60_000);
  return sim;
}

const lines = (text: string) => text.trimEnd().split("\n");

describe("general show commands", () => {
  it("show ip route [vrf X] summary counts each source's networks and subnets", async () => {
    const s = start();
    expect(lines(await s.exec("R1", "show ip route summary"))).toEqual([
      "IP routing table name is default (0x0)",
      "Route Source    Networks    Subnets     Replicates",
      "application     0           0           0",
      "connected       0           5           0",
      "static          1           1           0",
      "bgp 65000       0           0           0",
      "  External: 0 Internal: 0 Local: 0",
      "internal        3",
      "Total           4           6           0",
    ]);
    expect(lines(await s.exec("R1", "show ip route vrf cust1 summary"))).toEqual([
      "IP routing table name is cust1 (0x1)",
      "Route Source    Networks    Subnets     Replicates",
      "application     0           0           0",
      "connected       0           2           0",
      "static          0           0           0",
      "bgp 65000       1           0           0",
      "  External: 0 Internal: 1 Local: 0",
      "internal        1",
      "Total           2           2           0",
    ]);
  });

  it("show ip vrf and show vrf brief list each VRF's RD and interfaces; detail shows its targets", async () => {
    const s = start();
    expect(lines(await s.exec("R1", "show ip vrf"))).toEqual(["  Name                             Default RD          Interfaces", "  cust1                            1:1                 Et0/1"]);
    expect(await s.exec("R1", "show ip vrf brief")).toBe(await s.exec("R1", "show ip vrf"));
    expect(lines(await s.exec("R1", "show ip vrf detail cust1"))).toEqual([
      "VRF cust1 (VRF Id = 1); default RD 1:1; default VPNID <not set>",
      "  Interfaces:",
      "    Et0/1",
      "VRF Table ID = 1",
      "  Export VPN route-target communities",
      "    RT:1:1",
      "  Import VPN route-target communities",
      "    RT:1:1",
      "  No import route-map",
      "  No global export route-map",
      "  No export route-map",
      "  VRF label distribution protocol: not configured",
      "  VRF label allocation mode: per-prefix",
    ]);
    expect(lines(await s.exec("R1", "show vrf brief"))).toEqual([
      "  Name                             Default RD            Protocols   Interfaces",
      "  cust1                            1:1                   ipv4        Et0/1",
    ]);
    expect(await s.exec("R1", "show ip vrf nosuch")).toBe("% No VRF named nosuch\n");
  });

  it("show ip protocols [vrf X] lists the application source and BGP with its neighbors' filters and the gateways of its routes", async () => {
    const s = start();
    expect(lines(await s.exec("R1", "show ip protocols"))).toEqual([
      'Routing Protocol is "application"',
      "  Sending updates every 0 seconds",
      "  Invalid after 0 seconds, hold down 0, flushed after 0",
      "  Outgoing update filter list for all interfaces is not set",
      "  Incoming update filter list for all interfaces is not set",
      "  Routing for Networks:",
      "  Routing Information Sources:",
      "    Gateway         Distance      Last Update",
      "  Distance: (default is 4)",
      "",
      'Routing Protocol is "bgp 65000"',
      "  Outgoing update filter list for all interfaces is not set",
      "  Incoming update filter list for all interfaces is not set",
      "  IGP synchronization is disabled",
      "  Automatic route summarization is disabled",
      "  Neighbor(s):",
      "    Address          FiltIn FiltOut DistIn DistOut Weight RouteMap",
      "    2.2.2.2                 5" + " ".repeat(29) + "FROM-PEER",
      "  Maximum path: 1",
      "  Routing Information Sources:",
      "    Gateway         Distance      Last Update",
      "  Distance: external 20 internal 200 local 200",
    ]);
    const vrf = lines(await s.exec("R1", "show ip protocols vrf cust1"));
    expect(vrf.slice(0, 7)).toEqual([
      'Routing Protocol is "bgp 65000"',
      "  Outgoing update filter list for all interfaces is not set",
      "  Incoming update filter list for all interfaces is not set",
      "  IGP synchronization is disabled",
      "  Automatic route summarization is disabled",
      "  Redistributing: connected",
      "  Neighbor(s):",
    ]);
    expect(vrf.slice(9)).toEqual(["  Routing Information Sources:", "    Gateway         Distance      Last Update", expect.stringMatching(/^    2\.2\.2\.2 {14}200 {6}00:0\d:\d\d$/), "  Distance: external 20 internal 200 local 200"]);
    expect(await s.exec("R1", "show ip protocols vrf nosuch")).toBe("% IP routing table nosuch does not exist\n");
  });

  it("show ip interface takes the interface in one word or two, before or after brief", async () => {
    const s = start();
    const tunnel = await s.exec("R1", "show ip interface tunnel 0");
    expect(lines(tunnel)).toEqual([
      "Tunnel0 is up, line protocol is up",
      "  Internet address is 10.9.9.1/24",
      "  Broadcast address is 255.255.255.255",
      "  Address determined by non-volatile memory",
      "  MTU is 1476 bytes",
      "  Helper address is not set",
      "  Directed broadcast forwarding is disabled",
      "  Outgoing access list is not set",
      "  Inbound  access list is not set",
      "  Proxy ARP is enabled",
      "  ICMP redirects are always sent",
      "  ICMP unreachables are always sent",
      "  ICMP mask replies are never sent",
      "  IP CEF switching is enabled",
    ]);
    expect(await s.exec("R1", "show ip interface Tunnel0")).toBe(tunnel);
    expect(await s.exec("R1", "show ip interface tu0")).toBe(tunnel);
    const lan = lines(await s.exec("R1", "show ip interface ethernet 0/1"));
    expect(lan).toContain("  ICMP unreachables are never sent");
    expect(lan.at(-1)).toBe('  VPN Routing/Forwarding "cust1"');
    expect(lines(await s.exec("R1", "show ip interface ethernet 0/2"))).toEqual(["Ethernet0/2 is administratively down, line protocol is down", "  Internet protocol processing disabled"]);
    const brief = ["Interface              IP-Address      OK? Method Status                Protocol", "Loopback0              1.1.1.1         YES NVRAM  up                    up"];
    expect(lines(await s.exec("R1", "show ip interface brief loopback 0"))).toEqual(brief);
    expect(lines(await s.exec("R1", "show ip interface loopback 0 brief"))).toEqual(brief);
    expect(await s.exec("R1", "show ip interface loopback 7")).toBe("% Invalid input detected: Loopback7 does not exist\n");
  });

  it("show tcp brief lists the BGP session's connection; all adds the BGP listener", async () => {
    const s = start();
    const head = "TCB       Local Address               Foreign Address             (state)";
    const brief = lines(await s.exec("R1", "show tcp brief"));
    expect(brief[0]).toBe(head);
    expect(brief.slice(1)).toEqual([expect.stringMatching(/^[0-9A-F]{8}  1\.1\.1\.1\.\d+ +2\.2\.2\.2\.\d+ +ESTAB$/)]);
    // Columns: local at 10, foreign at 37, state at 64.
    expect(brief[1].indexOf("2.2.2.2")).toBe(37);
    expect(brief[1].indexOf("ESTAB")).toBe(64);
    expect(brief[1]).toMatch(/\.179 |\.179$|2\.2\.2\.2\.179 /);
    expect(lines(await s.exec("R1", "show tcp brief all"))).toEqual([...brief, "--------  0.0.0.0.179                *.*                        LISTEN"]);
  });

  it("show interfaces [X] summary marks the interfaces that are up and leaves unsampled rates as -", async () => {
    const s = start();
    const out = lines(await s.exec("R1", "show interfaces summary"));
    expect(out.slice(0, 10)).toEqual([
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
    ]);
    expect(out).toContain("* Ethernet0/0                   0         0         0         0         -         -         -         -         0");
    expect(out).toContain("  Ethernet0/2                   0         0         0         0         -         -         -         -         0");
    expect(lines(await s.exec("R1", "show interfaces loopback 0 summary")).slice(10)).toEqual(["* Loopback0                     0         0         0         0         -         -         -         -         0"]);
  });

  it("show ip traffic counts the packets the stack discarded, by IOS's reasons", async () => {
    const s = start();
    const before = lines(await s.exec("R2", "show ip traffic"));
    expect(before).toEqual([
      "IP statistics:",
      "  Rcvd:  0 format errors, 0 checksum errors, 0 bad hop count",
      "         0 unknown protocol",
      "  Frags: 0 timeouts, 0 couldn't reassemble",
      "         0 couldn't fragment",
      "  Drop:  0 encapsulation failed, 0 unresolved",
      "         0 no route",
      "",
      "ICMP statistics:",
      "  Rcvd: 0 format errors",
      "",
      "UDP statistics:",
      "  Rcvd: 0 format errors, 0 no port",
      "",
      "TCP statistics:",
      "  Rcvd: 0 format errors, 0 no port",
    ]);
    // R1 routes 172.30/16 to R2, which has no route for it.
    expect(await s.exec("R1", "ping 172.30.0.1 repeat 3")).toContain("Success rate is 0 percent (0/3)");
    expect(lines(await s.exec("R2", "show ip traffic"))[6]).toBe("         3 no route");
  });
});
