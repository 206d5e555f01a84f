// `show ip nhrp nhs [detail]` and `show ip nhrp brief` in the harness: a DMVPN spoke's next
// hop servers with the registration state the NHRP subsystem really has (one hub answering,
// one configured server nobody answers for), and the hub's cache in the brief layout.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const HUB = `hostname HUB
interface Ethernet0/0
 ip address 172.16.0.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp network-id 1
 ip nhrp holdtime 300
 tunnel source Ethernet0/0
 tunnel mode gre multipoint
`;

const SPOKE = `hostname SPOKE1
interface Ethernet0/0
 ip address 172.16.0.11 255.255.255.0
interface Tunnel0
 ip address 10.0.0.11 255.255.255.0
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma 172.16.0.1
 ip nhrp nhs 10.0.0.2 nbma 172.16.0.2
 ip nhrp holdtime 300
 tunnel source Ethernet0/0
 tunnel mode gre multipoint
`;

function start(): Simulation {
  sim = new Simulation({
    nodes: { HUB, SPOKE1: SPOKE },
    links: [
      [
        { node: "HUB", iface: "Ethernet0/0" },
        { node: "SPOKE1", iface: "Ethernet0/0" },
      ],
    ],
  });
  sim.settle(5_000);
  return sim;
}

describe("show ip nhrp nhs", () => {
  it("flags the answering server RE and the silent one E, with their request and reply counts", async () => {
    const s = start();
    // Registrations go at once and then every third of the 300 s hold time: at 0 and 100 s,
    // and 135 s have passed.
    s.advance(130_000);
    expect(await s.exec("SPOKE1", "show ip nhrp nhs")).toBe(
      ["Legend:\tE=Expecting replies, R=Responding, W=Waiting, D=Dynamic", "Tunnel0:", "10.0.0.1  RE  NBMA Address: 172.16.0.1 priority = 0 cluster = 0", "10.0.0.2  E   NBMA Address: 172.16.0.2 priority = 0 cluster = 0", ""].join("\n"),
    );
    expect(await s.exec("SPOKE1", "show ip nhrp nhs detail")).toBe(
      [
        "Legend:\tE=Expecting replies, R=Responding, W=Waiting, D=Dynamic",
        "Tunnel0:",
        "10.0.0.1  RE  NBMA Address: 172.16.0.1 priority = 0 cluster = 0  req-sent 2  req-failed 0  repl-recv 2 (00:00:35 ago)",
        "10.0.0.2  E   NBMA Address: 172.16.0.2 priority = 0 cluster = 0  req-sent 2  req-failed 0  repl-recv 0",
        "",
      ].join("\n"),
    );
  });

  it("is only the legend on a router with no next hop server", async () => {
    const s = start();
    expect(await s.exec("HUB", "show ip nhrp nhs")).toBe("Legend:\tE=Expecting replies, R=Responding, W=Waiting, D=Dynamic\n");
  });
});

describe("show ip nhrp brief", () => {
  it("prints the hub's registered spoke in IOS's two-line layout", async () => {
    const s = start();
    expect(await s.exec("HUB", "show ip nhrp brief")).toBe(
      [
        "****************************************************************************",
        "    NOTE: Link-Local, No-socket and Incomplete entries are not displayed",
        "****************************************************************************",
        "Legend: Type --> S - Static, D - Dynamic",
        "        Flags --> u - unique, r - registered, e - temporary, c - claimed",
        "        a - authoritative, t - route",
        "============================================================================",
        "",
        "Intf     NextHop Address                                    NBMA Address",
        "         Target Network                              T/Flag",
        "-------- ------------------------------------------- ------ ----------------",
        "Tu0      10.0.0.11                                          172.16.0.11",
        "         10.0.0.11/32                                D/ur  ",
        "",
      ].join("\n"),
    );
  });
});
