// The check engine against a simulated two-router lab: every kind passes when the lab is
// right and fails with what it saw when it is not; waiting checks poll in virtual time.
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../router/config/parse";
import { Simulation } from "../../router/sim/harness";
import { readYamlDocument } from "../topology";
import { configHas, runChecks } from "./run";
import { parseChecks } from "./spec";
import { simTarget } from "./targets";
import { formatScoreCard } from "./card";
import { capWait } from "./grade";

const R1 = `hostname R1
interface Loopback0
 ip address 1.1.1.1 255.255.255.255
interface Ethernet0/0
 description to R2
 ip address 10.0.12.1 255.255.255.0
ip route 2.2.2.2 255.255.255.255 10.0.12.2
end
`;
const R2 = `hostname R2
interface Loopback0
 ip address 2.2.2.2 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
end
`;

const CHECKS = `checks:
  - { title: static route, node: R1, points: 2, table: { name: routes, where: { prefix: 2.2.2.2/32, protocol: static, paths.nextHop: 10.0.12.2 } } }
  - { title: no default route, node: R1, table: { name: routes, where: { prefix: 0.0.0.0/0 }, present: false } }
  - { title: loopback reachable, node: R1, points: 3, hint: R2 needs a route back, ping: { target: 2.2.2.2, source: 1.1.1.1 } }
  - { title: link up, node: R2, exec: { command: show ip interface brief, match: "^Ethernet0/0 .*up +up" } }
  - { title: nothing down, node: R2, exec: { command: show ip interface brief, notMatch: "down" } }
  - { title: one hop, node: R1, traceroute: { target: 10.0.12.2, hops: 1 } }
  - { title: described, node: R1, config: { line: description to R2, under: interface Ethernet0/0 } }
`;

function checksOf(yaml: string) {
  const doc = readYamlDocument(yaml, "lab.yaml");
  const r = parseChecks((doc.data as { checks: unknown }).checks, ["R1", "R2"], doc.at, ["checks"]);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join("\n"));
  return r.checks;
}

let sim: Simulation | undefined;
afterEach(() => sim?.close());

function lab(r2 = R2): Simulation {
  sim = new Simulation({ nodes: { R1, R2: r2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  sim.settle();
  return sim;
}

describe("running checks", () => {
  it("passes every kind of check on a lab that is right, saying what it saw", async () => {
    const report = await runChecks("two", checksOf(CHECKS), simTarget(lab(R2.replace("end", "ip route 1.1.1.1 255.255.255.255 10.0.12.1\nend"))));
    expect(report.results.map((r) => [r.title, r.passed, r.seen])).toEqual([
      ["static route", true, "prefix=2.2.2.2/32 protocol=static paths.nextHop=10.0.12.2"],
      ["no default route", true, "no such row among 4 rows of `routes`"],
      ["loopback reachable", true, "Success rate is 100 percent (5/5), round-trip min/avg/max = 0/0/0 ms"],
      ["link up", true, "Ethernet0/0            10.0.12.2       YES NVRAM  up                    up"],
      ["nothing down", true, "no line matches (6 lines of output)"],
      ["one hop", true, "reached 10.0.12.2 at hop 1 (1 10.0.12.2 0 msec)"],
      ["described", true, '"description to R2" is there under "interface Ethernet0/0"'],
    ]);
    expect(report).toMatchObject({ passed: 7, failed: 0, points: 10, earned: 10, runtime: "sim" });
  });

  it("fails what is wrong, with what was seen and the hint, and scores the rest", async () => {
    const target = simTarget(lab(R2.replace("interface Ethernet0/0\n", "interface Ethernet0/0\n shutdown\n")));
    const report = await runChecks("two", checksOf(CHECKS), target);
    const byTitle = Object.fromEntries(report.results.map((r) => [r.title, r]));
    expect(byTitle["static route"]).toMatchObject({ passed: false, seen: "no such row among 1 row of `routes`" });
    expect(byTitle["loopback reachable"]).toMatchObject({ passed: false, earned: 0, seen: "Success rate is 0 percent (0/5)", hint: "R2 needs a route back" });
    expect(byTitle["link up"]).toMatchObject({ passed: false, seen: "no line matches (6 lines of output)" });
    expect(byTitle["nothing down"]).toMatchObject({ passed: false, seen: "Ethernet0/0            10.0.12.2       YES NVRAM  administratively down down" });
    expect(byTitle["one hop"].passed).toBe(false);
    expect(byTitle["one hop"].seen).toBe("did not reach 10.0.12.2 in 3 hops (last: 3 *)");
    expect(report).toMatchObject({ passed: 2, failed: 5, points: 10, earned: 2 });
    const card = formatScoreCard(report);
    expect(card).toContain("  ✘ loopback reachable ");
    expect(card).toContain("      expected: ping 2.2.2.2 source 1.1.1.1 succeeds at least 80% of 5\n      seen:     Success rate is 0 percent (0/5)\n      hint:     R2 needs a route back\n");
    expect(card).toMatch(/Score: 2\/10 points, 2 of 7 checks passed\n$/);
  });

  it("waits for convergence in virtual time, polling until the check passes", async () => {
    const s = lab();
    const checks = checksOf(`checks:\n  - { title: back route, node: R1, wait: 30s, ping: { target: 2.2.2.2, source: 1.1.1.1 } }\n`);
    // The student's fix lands 12 s into the wait.
    s.clock.after(12_000, () => {
      const router = s.node("R2").router;
      router.replaceRunning(parseConfig("ip route 1.1.1.1 255.255.255.255 10.0.12.1\n", { base: router.running }).model);
    });
    const [result] = (await runChecks("two", checks, simTarget(s))).results;
    expect(result.passed).toBe(true);
    expect(result.attempts).toBeGreaterThan(1);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(12_000);
    expect(result.elapsedMs).toBeLessThan(30_000);
  });

  it("gives up a waiting check at its deadline", async () => {
    const checks = checksOf(`checks:\n  - { title: back route, node: R1, wait: 8s, ping: { target: 2.2.2.2, source: 1.1.1.1, repeat: 1 } }\n`);
    const [result] = (await runChecks("two", checks, simTarget(lab()))).results;
    expect(result.passed).toBe(false);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(8_000);
    expect(result.elapsedMs).toBeLessThan(10_000);
  });

  it("gives up sooner when the grader caps the wait (flexlab check --max-wait), and not later than the check's own", async () => {
    const checks = checksOf(`checks:\n  - { title: back route, node: R1, wait: 8s, ping: { target: 2.2.2.2, source: 1.1.1.1, repeat: 1 } }\n`);
    const [capped] = (await runChecks("two", capWait(checks, 2_000), simTarget(lab()))).results;
    expect(capped.passed).toBe(false);
    expect(capped.elapsedMs).toBeGreaterThanOrEqual(2_000);
    expect(capped.elapsedMs).toBeLessThan(4_000);
    expect(capWait(checks, 60_000)[0].waitMs).toBe(8_000);
    expect(capWait(checks, undefined)).toBe(checks);
  });
});

describe("running-config lines", () => {
  const text = "hostname R1\n!\ninterface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n ip nhrp  shortcut\n!\ninterface Tunnel1\n ip address 10.0.1.1 255.255.255.0\nrouter bgp 1\n address-family vpnv4\n  neighbor 1.1.1.1 activate\nend\n";
  it("finds a line anywhere, or under its section at any depth, blanks collapsed", () => {
    expect(configHas(text, "hostname R1")).toBe(true);
    expect(configHas(text, "ip nhrp shortcut", "interface Tunnel0")).toBe(true);
    expect(configHas(text, "ip nhrp shortcut", "interface Tunnel1")).toBe(false);
    expect(configHas(text, "neighbor 1.1.1.1 activate", "router bgp 1")).toBe(true);
    expect(configHas(text, "neighbor 1.1.1.1 activate", "address-family vpnv4")).toBe(true);
    expect(configHas(text, "x", "interface Tunnel9")).toBe("no-section");
  });
});
