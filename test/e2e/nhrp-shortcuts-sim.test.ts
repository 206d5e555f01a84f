// Issue 12's "done when" in virtual time: labs/mpls-over-flexvpn-shortcuts (the seed lab plus
// the few NHRP lines spoke-to-spoke needs) in the `sim` runtime, as `flexlab sim` runs it. The
// first cust1 ping from R3-Spoke1 to R4-Spoke's LAN goes via the hub; the hub redirects; R4
// brings an IKEv2 session up to R3 and answers with its label; from then on the traffic goes
// spoke to spoke, labelled and encrypted; in use, the shortcut outlives its hold time (R3
// resolves again over it); idle, it all goes away again. cust2 does the same with its own
// labels and never shows up in cust1.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimLab } from "../../core/lab/runtime/sim";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { loadLab } from "../../core/lab/topology";
import { ikev2Subsystem } from "../../core/router/ikev2/subsystem";
import { mplsSubsystem } from "../../core/router/routing/mpls-subsystem";
import { parseIpv4 } from "../../core/router/wire/addr";
import type { Simulation } from "../../core/router/sim/harness";

let sim: Simulation;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flexlab-nhrp-"));
  await copyExampleLab("mpls-over-flexvpn-shortcuts", dir);
  sim = (await startSimLab(await loadLab(dir))).sim;
  sim.settle(60_000);
});
afterAll(async () => {
  sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** Packets the hub switched through its cust1 labels (the spokes' traffic to each other via the hub). */
function hubCust1Packets(): number {
  const lfib = sim.node("R1-HUB").router.subsystem(mplsSubsystem).lfib;
  let n = 0;
  for (const e of lfib.entries()) if (e.action.kind === "vrf-lookup" && e.action.vrf.name === "cust1") n += e.packets;
  return n;
}

const spokeToSpokeSa = /^\d+ +172\.16\.1\.103\/500 +172\.16\.1\.104\/500 +none\/none +READY$/m;

describe("MPLS over FlexVPN spoke to spoke (labs/mpls-over-flexvpn-shortcuts, sim)", () => {
  let lfibBefore: string;

  it("goes via the hub first; the hub redirects and the spokes hold an IKEv2 SA with each other within 2 s", async () => {
    lfibBefore = await sim.exec("R4-Spoke", "show mpls forwarding-table");
    expect(await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).not.toMatch(spokeToSpokeSa);
    const viaHub = hubCust1Packets();
    const hubLog = sim.node("R1-HUB").log.length;
    const ping = await sim.exec("R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1");
    expect(ping).toContain("Success rate is 100 percent (5/5)");
    expect(hubCust1Packets()).toBeGreaterThan(viaHub);
    expect(sim.node("R1-HUB").log.slice(hubLog).map((l) => l.text)).toContain("%NHRP-5-REDIRECT: Sent redirect to 192.168.113.1 for 192.168.114.1 via Virtual-Access1");
    expect(await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).toMatch(spokeToSpokeSa);
    expect(await sim.exec("R4-Spoke", "show crypto ikev2 sa")).toMatch(/^\d+ +172\.16\.1\.104\/500 +172\.16\.1\.103\/500 +none\/none +READY$/m);
  });

  it("installs R4's prefix in R3's cust1 as an NHRP route with R4's label, via a Virtual-Access", async () => {
    const r4Label = /^(\d+) +No Label +192\.168\.114\.0\/24\[V\]/m.exec(lfibBefore)?.[1];
    expect(r4Label).toBeDefined();
    const route = await sim.exec("R3-Spoke1", "show ip route vrf cust1");
    expect(route).toMatch(/^H {5}192\.168\.114\.0\/24 \[250\/255\] via 10\.1\.1\.\d+, \d\d:\d\d:\d\d$/m);
    const nhrp = await sim.exec("R3-Spoke1", "show ip nhrp");
    expect(nhrp).toMatch(new RegExp(`^192\\.168\\.114\\.0/24 via 10\\.1\\.1\\.\\d+\n   Virtual-Access1 created \\d\\d:\\d\\d:\\d\\d, expire \\d\\d:\\d\\d:\\d\\d\n   Type: dynamic, Flags: router rib\n   NBMA address: 172\\.16\\.1\\.104\n   Label: ${r4Label}$`, "m"));
    expect(nhrp).toMatch(/^10\.1\.1\.\d+\/32 via 10\.1\.1\.\d+\n   Virtual-Access1 created .*\n   Type: dynamic, Flags: router nhop rib\n   NBMA address: 172\.16\.1\.104\n   Label: implicit-null$/m);
    const dmvpn = await sim.exec("R3-Spoke1", "show dmvpn");
    expect(dmvpn).toContain("Interface: Virtual-Access1, IPv4 NHRP Details");
    expect(dmvpn).toMatch(/^ +\d+ 172\.16\.1\.104 +10\.1\.1\.\d+ +UP [\d:]+ +D/m);
    expect(await sim.exec("R1-HUB", "show ip nhrp traffic")).toMatch(/Virtual-Access1: Max-send limit:100Pkts\/10Sec, Usage:0%\n   Sent: Total [1-9]\d*\n(?:.*\n){2}.*\b[1-9]\d* Traffic Indication/);
    const cef = await sim.exec("R3-Spoke1", "show ip cef vrf cust1 192.168.114.0 detail");
    expect(cef).toContain(`    label ${r4Label}\n    TAG midchain out of Virtual-Access1\n    IP adj out of Ethernet0/0, addr 172.16.1.104`);
  });

  it("then goes direct: traceroute shows one hop, and the hub switches nothing more", async () => {
    const viaHub = hubCust1Packets();
    expect(await sim.exec("R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1 repeat 20")).toContain("Success rate is 100 percent (20/20)");
    const trace = await sim.exec("R3-Spoke1", "traceroute vrf cust1 192.168.114.1 source 192.168.113.1");
    // R4 answers from the spoke-to-spoke tunnel the probe came in on.
    expect(trace).toMatch(/^ {2}1 10\.1\.1\.\d+ /m);
    expect(trace).not.toMatch(/^ {2}2 /m);
    expect(hubCust1Packets()).toBe(viaHub);
  });

  it("keeps cust2's shortcut, over the same session, out of cust1", async () => {
    expect(await sim.exec("R3-Spoke1", "ping vrf cust2 192.168.124.1 source 192.168.123.1")).toContain("Success rate is 100 percent (5/5)");
    sim.advance(3000);
    expect(await sim.exec("R3-Spoke1", "show ip route vrf cust2")).toMatch(/^H {5}192\.168\.124\.0\/24 \[250\/255\]/m);
    const cust1 = await sim.exec("R3-Spoke1", "show ip route vrf cust1");
    expect(cust1).not.toContain("192.168.124.");
    expect(await sim.exec("R3-Spoke1", "ping vrf cust1 192.168.124.1 source 192.168.113.1")).toContain("Success rate is 0 percent");
    // One session between the spokes carries both VRFs.
    expect((await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).match(new RegExp(spokeToSpokeSa.source, "gm"))).toHaveLength(1);
  });

  it("refreshes a shortcut still in use when its hold time ends: R3 asks R4 again over it, and the route stays", async () => {
    const log = sim.node("R3-Spoke1").log;
    await sim.exec("R3-Spoke1", "debug nhrp packet");
    const from = log.length;
    // A ping a minute through the hold time (IOS's default, 2 hours) and a little beyond.
    for (let minute = 0; minute < 125; minute++) {
      sim.advance(60_000);
      expect(await sim.exec("R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1 repeat 1")).toContain("Success rate is 100 percent (1/1)");
    }
    await sim.exec("R3-Spoke1", "undebug all");
    expect(log.slice(from).map((l) => l.text)).toContain("NHRP: Send Resolution Request via Virtual-Access1 vrf 0, packet size: 84");
    // The route first learnt, more than two hours ago, is still there.
    expect(await sim.exec("R3-Spoke1", "show ip route vrf cust1")).toMatch(/^H {5}192\.168\.114\.0\/24 \[250\/255\] via 10\.1\.1\.\d+, 02:\d\d:\d\d$/m);
  });

  it("keeps one session when both spokes start one toward each other at the same moment", async () => {
    const r3 = sim.node("R3-Spoke1").router.subsystem(ikev2Subsystem);
    const r4 = sim.node("R4-Spoke").router.subsystem(ikev2Subsystem);
    const up: string[] = [];
    const before = { r3: r3.engine.sas().length, r4: r4.engine.sas().length };
    expect(r3.sessionTo(parseIpv4("172.16.1.104")!)).toBeDefined(); // the shortcut of the tests above
    await sim.exec("R3-Spoke1", "clear crypto ikev2 sa remote 172.16.1.104");
    sim.advance(1000);
    expect(r3.sessionTo(parseIpv4("172.16.1.104")!)).toBeUndefined();
    expect(r3.shortcut("Virtual-Template1", parseIpv4("172.16.1.104")!, (name) => up.push(`R3 ${name}`))).toBeUndefined();
    expect(r4.shortcut("Virtual-Template1", parseIpv4("172.16.1.103")!, (name) => up.push(`R4 ${name}`))).toBeUndefined();
    sim.advance(5000);
    expect(up).toHaveLength(2);
    // Both started one; the one R4 (the higher address) started is deleted at both ends.
    expect((await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).match(new RegExp(spokeToSpokeSa.source, "gm"))).toHaveLength(1);
    expect((await sim.exec("R4-Spoke", "show ip interface brief")).match(/^Virtual-Access/gm)).toHaveLength(1);
    expect((await sim.exec("R3-Spoke1", "show ip interface brief")).match(/^Virtual-Access/gm)).toHaveLength(1);
    expect(r3.engine.sas().filter((s) => s.state === "established")).toHaveLength(before.r3);
    expect(r4.engine.sas().filter((s) => s.state === "established")).toHaveLength(before.r4);
  });

  it("ages the idle shortcut out: routes, the SA, the Virtual-Access and NHRP's labels all go", async () => {
    sim.advance(7300_000);
    expect(await sim.exec("R3-Spoke1", "show ip route vrf cust1")).not.toMatch(/^H /m);
    expect(await sim.exec("R3-Spoke1", "show ip route vrf cust2")).not.toMatch(/^H /m);
    expect(await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).not.toMatch(spokeToSpokeSa);
    for (const n of ["R3-Spoke1", "R4-Spoke"]) expect(await sim.exec(n, "show ip interface brief")).not.toContain("Virtual-Access");
    // The same labels for the same prefixes as before the shortcut (only the byte counts moved).
    const labels = (table: string) => [...table.matchAll(/^(\d+) +(\S+(?: \S+)?) +(\S+)/gm)].map((m) => `${m[1]} ${m[3]}`);
    const after = await sim.exec("R4-Spoke", "show mpls forwarding-table");
    expect(labels(after)).toEqual(labels(lfibBefore));
    expect(after.split("\n").length).toBe(lfibBefore.split("\n").length);
  });
});
