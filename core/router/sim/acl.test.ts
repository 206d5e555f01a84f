import { afterEach, describe, expect, it } from "vitest";
import { Simulation, type SimTopology } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

function start(topology: SimTopology): Simulation {
  sim = new Simulation(topology);
  sim.settle();
  return sim;
}

// Three CSR1000v routers in a row; R2 filters what R1's side may send through it.
const R1 = `hostname R1
interface GigabitEthernet1
 ip address 10.0.12.1 255.255.255.0
 negotiation auto
interface Loopback0
 ip address 1.1.1.1 255.255.255.255
ip route 0.0.0.0 0.0.0.0 10.0.12.2
`;
const R2 = `hostname R2
interface GigabitEthernet1
 ip address 10.0.12.2 255.255.255.0
 ip access-group FROM-R1 in
 negotiation auto
interface GigabitEthernet2
 ip address 10.0.23.2 255.255.255.0
 ip access-group 10 out
 negotiation auto
ip access-list extended FROM-R1
 remark no pings from R1's loopback to R3
 deny   icmp host 1.1.1.1 host 3.3.3.3 echo
 permit icmp any any
 permit udp any any eq 33434
 deny   ip any any log
access-list 10 deny   host 10.0.12.99
access-list 10 permit any
ip route 1.1.1.1 255.255.255.255 10.0.12.1
ip route 3.3.3.3 255.255.255.255 10.0.23.3
`;
const R3 = `hostname R3
interface GigabitEthernet1
 ip address 10.0.23.3 255.255.255.0
 negotiation auto
interface Loopback0
 ip address 3.3.3.3 255.255.255.255
ip route 0.0.0.0 0.0.0.0 10.0.23.2
`;

describe("access lists in forwarding", () => {
  it("drops what an inbound list denies, answers administratively prohibited, and counts each entry's matches", async () => {
    const s = start({
      nodes: { R1, R2, R3 },
      links: [
        [{ node: "R1", iface: "GigabitEthernet1" }, { node: "R2", iface: "GigabitEthernet1" }],
        [{ node: "R2", iface: "GigabitEthernet2" }, { node: "R3", iface: "GigabitEthernet1" }],
      ],
      hardware: () => ({ platform: "csr1000v" }),
    });
    for (const n of ["R1", "R2", "R3"]) expect(s.node(n).diagnostics, n).toEqual([]);
    // From the loopback: denied by entry 20; R2 answers administratively prohibited (A), rate-limited as IOS does.
    const denied = await s.exec("R1", "ping 3.3.3.3 source Loopback0");
    expect(denied).toContain("A.A.A");
    expect(denied).toContain("Success rate is 0 percent (0/5)");
    // From the link address: entry 20 lets it through, and the replies are not filtered on the way back.
    expect(await s.exec("R1", "ping 3.3.3.3")).toContain("Success rate is 100 percent (5/5)");
    const show = await s.exec("R2", "show access-lists");
    expect(show).toBe(
      [
        "Standard IP access list 10",
        "    10 deny   10.0.12.99",
        "    20 permit any (5 matches)",
        "Extended IP access list FROM-R1",
        "    20 deny icmp host 1.1.1.1 host 3.3.3.3 echo (5 matches)",
        "    30 permit icmp any any (5 matches)",
        "    40 permit udp any any eq 33434",
        "    50 deny ip any any log",
        "",
      ].join("\n"),
    );
    expect(await s.exec("R2", "show ip access-lists FROM-R1")).toMatch(/^Extended IP access list FROM-R1\n/);
    expect(await s.exec("R2", "show interfaces GigabitEthernet1")).toContain("GigabitEthernet1 is up");
    await s.exec("R2", "clear access-list counters FROM-R1");
    expect(await s.exec("R2", "show access-lists FROM-R1")).not.toContain("matches");
    expect(await s.exec("R2", "show access-lists 10")).toContain("(5 matches)");
  });

  it("filters nothing through an access-group whose list does not exist, and renders what it was given", async () => {
    const s = start({
      nodes: { R1, R2: R2.replace("ip access-group FROM-R1 in", "ip access-group NOPE in"), R3 },
      links: [
        [{ node: "R1", iface: "GigabitEthernet1" }, { node: "R2", iface: "GigabitEthernet1" }],
        [{ node: "R2", iface: "GigabitEthernet2" }, { node: "R3", iface: "GigabitEthernet1" }],
      ],
      hardware: () => ({ platform: "csr1000v" }),
    });
    expect(await s.exec("R1", "ping 3.3.3.3 source Loopback0")).toContain("Success rate is 100 percent");
    const run = await s.exec("R2", "show running-config");
    expect(run).toContain("interface GigabitEthernet1\n ip address 10.0.12.2 255.255.255.0\n ip access-group NOPE in\n negotiation auto\n!");
    expect(run).toContain("!\nip access-list extended FROM-R1\n remark no pings from R1's loopback to R3\n deny icmp host 1.1.1.1 host 3.3.3.3 echo\n");
    expect(run).toContain("access-list 10 deny host 10.0.12.99\naccess-list 10 permit any\n");
  });
});
