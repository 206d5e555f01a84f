// `show ip cef summary` on the seed lab's spoke (seed-overlay.ts): one block per table, the
// global one first, each counting the entries `show ip cef [vrf X]` lists.
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
