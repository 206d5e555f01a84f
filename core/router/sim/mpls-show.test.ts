// `show mpls interfaces [detail]` and `show mpls label range` on the seed lab's spoke
// (seed-overlay.ts): Tunnel0 has `mpls bgp forwarding`, so it labels for BGP, not LDP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulation } from "./harness";
import { seedOverlay } from "./seed-overlay";

let sim: Simulation;
beforeAll(async () => {
  sim = await seedOverlay();
  sim.advance(120_000);
});
afterAll(() => sim.close());

describe("show mpls interfaces", () => {
  it("lists the spoke's Tunnel0 as BGP-labelled and operational", async () => {
    expect(await sim.exec("R4-Spoke", "show mpls interfaces")).toBe(
      ["Interface              IP            Tunnel   BGP Static Operational", "Tunnel0                No            No       Yes No     Yes", ""].join("\n"),
    );
  });

  it("details the labelling applications and the MPLS MTU", async () => {
    const mtu = sim.node("R4-Spoke").router.stack.interface("Tunnel0")!.ipMtuBytes;
    expect(await sim.exec("R4-Spoke", "show mpls interfaces detail")).toBe(
      [
        "Interface Tunnel0:",
        "        Type Unknown",
        "        IP labeling not enabled",
        "        LSP Tunnel labeling not enabled",
        "        IP FRR labeling not enabled",
        "        BGP labeling enabled",
        "        MPLS operational",
        `        MTU = ${mtu}`,
        "",
      ].join("\n"),
    );
  });

  it("prints nothing where no interface has MPLS", async () => {
    expect(await sim.exec("INET", "show mpls interfaces")).toBe("");
  });
});

describe("show mpls label range", () => {
  it("prints IOS's default dynamic range, and a configured one", async () => {
    expect(await sim.exec("R4-Spoke", "show mpls label range")).toBe("Downstream Generic label region: Min/Max label: 16/100000\n");
    await sim.transcript("R4-Spoke", ["configure terminal", "mpls label range 200 120000", "end"]);
    expect(await sim.exec("R4-Spoke", "show mpls label range")).toBe("Downstream Generic label region: Min/Max label: 200/120000\n");
  });
});

describe("traceroute vrf through the hub", () => {
  it("shows the hub's hop from its overlay address with the label the probe came under, as the source document's sample does", async () => {
    // The spoke reaches the other spoke's LAN by the hub's default route and its aggregate label.
    const labels = await sim.exec("R4-Spoke", "show ip bgp vpnv4 vrf cust1 labels");
    const aggregate = /^ {3}0\.0\.0\.0 +10\.0\.0\.1 +nolabel\/(\d+)$/m.exec(labels)?.[1];
    expect(aggregate).toBeDefined();
    const trace = await sim.exec("R4-Spoke", "traceroute vrf cust1 192.168.113.1 source Loopback100");
    expect(trace).toMatch(new RegExp(`^ {2}1 10\\.0\\.0\\.1 \\[MPLS: Label ${aggregate} Exp 0\\] \\d+ msec \\d+ msec \\d+ msec$`, "m"));
    // The other spoke answers from the tunnel the probe came in on (the sample's "2 10.1.1.4").
    const r3Tunnel = /^Tunnel0 +(\S+) /m.exec(await sim.exec("R3-Spoke1", "show ip interface brief"))?.[1];
    expect(trace).toMatch(new RegExp(`^ {2}2 ${r3Tunnel?.replaceAll(".", "\\.")} \\d+ msec \\* {2}\\d+ msec$`, "m"));
  });
});
