// `show ip cef summary` and `show adjacency [detail]` on the seed lab's spoke (seed-overlay.ts):
// one summary block per table, the global one first, each counting the entries `show ip cef
// [vrf X]` lists; the adjacencies are the ARP entry toward INET and the tunnel to the hub.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulation } from "./harness";
import { seedOverlay } from "./seed-overlay";

let sim: Simulation;
beforeAll(async () => {
  sim = await seedOverlay();
  sim.advance(120_000);
});
afterAll(() => sim.close());

/** Entries `show ip cef [vrf X]` lists: its lines under the heading. */
async function listed(vrf: string): Promise<number> {
  const out = await sim.exec("R4-Spoke", vrf === "" ? "show ip cef" : `show ip cef vrf ${vrf}`);
  return out.trimEnd().split("\n").length - 1;
}

describe("show ip cef summary", () => {
  it("counts each table's prefixes, with the VRF ids as table ids", async () => {
    const [global, cust1, cust2] = [await listed(""), await listed("cust1"), await listed("cust2")];
    expect([global, cust1, cust2]).toEqual([11, 6, 6]);
    expect(await sim.exec("R4-Spoke", "show ip cef summary")).toBe(
      [
        "IPv4 CEF is enabled and running",
        "VRF Default",
        " 11 prefixes (11/0 fwd/non-fwd)",
        " Table id 0x0",
        " Database epoch:        0 (11 entries at this epoch)",
        "",
        "VRF cust1",
        " 6 prefixes (6/0 fwd/non-fwd)",
        " Table id 0x1",
        " Database epoch:        0 (6 entries at this epoch)",
        "",
        "VRF cust2",
        " 6 prefixes (6/0 fwd/non-fwd)",
        " Table id 0x2",
        " Database epoch:        0 (6 entries at this epoch)",
        "",
      ].join("\n"),
    );
  });

  it("follows the FIB: a new static route is one prefix more", async () => {
    await sim.transcript("R4-Spoke", ["configure terminal", "ip route 10.99.0.0 255.255.0.0 172.16.1.1", "end"]);
    expect(await sim.exec("R4-Spoke", "show ip cef summary")).toContain(["VRF Default", " 12 prefixes (12/0 fwd/non-fwd)"].join("\n"));
  });
});

describe("show adjacency", () => {
  it("lists the spoke's ARP adjacency toward INET and its tunnel, with the rewrite ARP built", async () => {
    const out = await sim.exec("R4-Spoke", "show adjacency");
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe("Protocol Interface                 Address");
    expect(lines.slice(1).map((l) => l.replace(/\(\d+\)$/, "(N)"))).toEqual(["IP       Ethernet0/0               172.16.1.1(N)", "IP       Tunnel0                   point2point(N)"]);
    // The tunnel carries the VRF routes learnt from the hub and the hub's own /32: each a FIB path through it.
    expect(Number(/point2point\((\d+)\)/.exec(out)![1])).toBeGreaterThanOrEqual(3);
    const detail = await sim.exec("R4-Spoke", "show adjacency detail");
    const arp = await sim.exec("R4-Spoke", "show ip arp");
    const peerMac = /^Internet  172\.16\.1\.1 +\d+ +([0-9a-f.]+)/m.exec(arp)![1].replaceAll(".", "").toUpperCase();
    const ownMac = /^Internet  172\.16\.1\.104 +- +([0-9a-f.]+)/m.exec(arp)![1].replaceAll(".", "").toUpperCase();
    const pad = " ".repeat(35);
    expect(detail).toContain([`${pad}Encap length 14`, `${pad}${peerMac}${ownMac}0800`, `${pad}L2 destination address byte offset 0`].join("\n"));
    expect(detail).toContain([`${pad}Next chain element:`, `${pad}  IP adj out of Ethernet0/0, addr 172.16.1.1`].join("\n"));
  });
});
