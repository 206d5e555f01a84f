// Link impairment and carrier as routers see them in the harness: loss shows in ping's
// success rate, delay in its round-trip times, the same seed repeats a run, and a pulled
// cable is carrier loss (the interface goes down, and comes back when it is plugged in).
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

const R1 = "hostname R1\ninterface Ethernet0/0\n ip address 10.0.12.1 255.255.255.0\nend\n";
const R2 = "hostname R2\ninterface Ethernet0/0\n ip address 10.0.12.2 255.255.255.0\nend\n";
const LINK = [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }];

let sims: Simulation[] = [];
afterEach(() => {
  for (const s of sims) s.close();
  sims = [];
});

function twoRouters(options: { seed?: number; hub?: boolean } = {}): Simulation {
  const links = options.hub ? [[...LINK, { node: "R3", iface: "Ethernet0/0" }]] : [LINK];
  const nodes: Record<string, string> = { R1, R2 };
  if (options.hub) nodes.R3 = "hostname R3\nend\n";
  const sim = new Simulation({ nodes, links, seed: options.seed });
  sims.push(sim);
  sim.settle();
  return sim;
}

function successRate(output: string): number {
  const m = /Success rate is (\d+) percent/.exec(output);
  if (!m) throw new Error(`no success rate in:\n${output}`);
  return Number(m[1]);
}

describe("impaired links in the simulation", () => {
  it("with 30 % loss, ping shows the loss; the same seed loses the same probes", async () => {
    const run = async (seed: number) => {
      const sim = twoRouters({ seed });
      await sim.exec("R1", "ping 10.0.12.2 repeat 5"); // ARP first, on a clean link
      sim.setLinkImpairment(0, { lossPercent: 30 });
      return sim.exec("R1", "ping 10.0.12.2 repeat 200 timeout 1");
    };
    const out = await run(3);
    // A probe and its reply each cross once: about 0.7 × 0.7 = 49 % come back.
    expect(successRate(out)).toBeGreaterThan(38);
    expect(successRate(out)).toBeLessThan(60);
    expect(out).toMatch(/!\./);
    expect(await run(3)).toBe(out);
    expect(await run(4)).not.toBe(out);
  });

  it("with 200 ms of delay each way, round-trip times show 400 ms; clearing it brings them back", async () => {
    const sim = twoRouters();
    await sim.exec("R1", "ping 10.0.12.2");
    sim.setLinkImpairment(0, { delayMs: 200 });
    expect(await sim.exec("R1", "ping 10.0.12.2")).toContain("Success rate is 100 percent (5/5), round-trip min/avg/max = 400/400/400 ms");
    sim.setLinkImpairment(0, { delayMs: 200, jitterMs: 50 });
    const jittered = /round-trip min\/avg\/max = (\d+)\/(\d+)\/(\d+) ms/.exec(await sim.exec("R1", "ping 10.0.12.2 repeat 50"))!;
    expect(Number(jittered[1])).toBeGreaterThanOrEqual(300);
    expect(Number(jittered[3])).toBeLessThanOrEqual(500);
    expect(Number(jittered[1])).toBeLessThan(Number(jittered[3]));
    sim.setLinkImpairment(0, undefined);
    expect(await sim.exec("R1", "ping 10.0.12.2")).toContain("round-trip min/avg/max = 0/0/0 ms");
  });

  it("impairs a shared segment for every port that receives", async () => {
    const sim = twoRouters({ hub: true });
    await sim.exec("R1", "ping 10.0.12.2");
    sim.setLinkImpairment(0, { delayMs: 30 });
    expect(await sim.exec("R1", "ping 10.0.12.2")).toContain("round-trip min/avg/max = 60/60/60 ms");
  });

  it("a pulled cable is carrier loss: the interface goes down on both routers and comes back", async () => {
    for (const hub of [false, true]) {
      const sim = twoRouters({ hub });
      sim.setLinkCarrier(0, false);
      sim.advance(1000);
      for (const node of ["R1", "R2"]) {
        expect(await sim.exec(node, "show ip interface brief | include Ethernet0/0")).toMatch(/Ethernet0\/0 +10\.0\.12\.\d +YES NVRAM +down +down/);
        expect(sim.node(node).log.map((l) => l.text)).toContain("%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to down");
      }
      expect(successRate(await sim.exec("R1", "ping 10.0.12.2"))).toBe(0);
      sim.setLinkCarrier(0, true);
      sim.advance(1000);
      expect(await sim.exec("R1", "show ip interface brief | include Ethernet0/0")).toMatch(/up +up/);
      expect(successRate(await sim.exec("R1", "ping 10.0.12.2"))).toBeGreaterThanOrEqual(80);
    }
  });
});
