// Issue 12 item 4 in virtual time: plain FlexVPN spoke to spoke (labs/flexvpn-spoke-to-spoke:
// IPv4 over GRE, no MPLS), as `flexlab sim` runs it, and the same lab with the tunnels in an
// inside VRF (IVRF: `vrf forwarding blue` on the tunnels, the templates and the LANs, the
// transport in the global table). The first ping from R3-Spoke1's LAN to R4-Spoke's goes via
// the hub; the hub redirects; R4 brings up an IKEv2 session to R3 and answers for its LAN;
// R3 installs it as an NHRP route; from then on the traffic goes spoke to spoke; idle, it all
// goes away again.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimLab } from "../../core/lab/runtime/sim";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { loadLab } from "../../core/lab/topology";
import type { Simulation } from "../../core/router/sim/harness";

/** Puts the hub's and the spokes' overlay (tunnels, templates, LANs, their routes) in VRF
 * `blue`; the WAN and the tunnels' transport stay in the global table. */
async function intoIvrf(dir: string): Promise<void> {
  const vrf = "vrf definition blue\n rd 1:1\n !\n address-family ipv4\n exit-address-family\n!\n";
  const edit = async (file: string, f: (text: string) => string) => writeFile(join(dir, file), f(await readFile(join(dir, file), "utf8")));
  const inVrf = (text: string, iface: RegExp) => text.replace(iface, (line) => `${line}\n vrf forwarding blue`);
  await edit("R1-HUB.cfg", (t) => inVrf(inVrf(t, /^interface (?:Loopback0|Virtual-Template1 type tunnel)$/gm).replace(/^no ip domain lookup$/m, `${vrf}no ip domain lookup`), /^interface Ethernet0\/1$/m));
  for (const spoke of ["R3-Spoke1.cfg", "R4-Spoke.cfg"]) {
    await edit(spoke, (t) =>
      inVrf(t, /^interface (?:Loopback1|Tunnel0|Virtual-Template1 type tunnel)$/gm)
        .replace(/^no ip domain lookup$/m, `${vrf}no ip domain lookup`)
        .replace(/^ip route 192\.168\.0\.0 /m, "ip route vrf blue 192.168.0.0 "),
    );
  }
}

for (const variant of ["global", "ivrf"] as const) {
  const vrf = variant === "ivrf" ? "vrf blue " : "";
  const ivrf = variant === "ivrf" ? "blue" : "none";

  describe(`FlexVPN spoke to spoke (labs/flexvpn-spoke-to-spoke, sim, ${variant === "ivrf" ? "tunnels in IVRF blue" : "global table"})`, () => {
    let sim: Simulation;
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "flexlab-s2s-"));
      await copyExampleLab("flexvpn-spoke-to-spoke", dir);
      if (variant === "ivrf") await intoIvrf(dir);
      sim = (await startSimLab(await loadLab(dir))).sim;
      sim.settle(60_000);
    });
    afterAll(async () => {
      sim.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** Packets the hub sent into its spokes' sessions (what it forwards between them, and NHRP). */
    const hubToSpokes = (): number =>
      sim
        .node("R1-HUB")
        .router.stack.interfaces()
        .filter((i) => i.name.startsWith("Virtual-Access"))
        .reduce((n, i) => n + i.counters.outPackets, 0);

    const spokeToSpokeSa = new RegExp(`^\\d+ +172\\.16\\.1\\.103/500 +172\\.16\\.1\\.104/500 +none/${ivrf} +READY$`, "m");

    it("reaches the other spoke's LAN via the hub first, over the spokes' sessions with the hub", async () => {
      expect(await sim.exec("R1-HUB", `show ip route ${vrf}`.trim())).toMatch(/^S +192\.168\.4\.1 is directly connected, Virtual-Access\d$/m);
      expect(await sim.exec("R3-Spoke1", `show ip route ${vrf}`.trim())).toMatch(/^S +192\.168\.0\.0\/16 is directly connected, Tunnel0$/m);
      expect(await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).not.toMatch(spokeToSpokeSa);
      expect(await sim.exec("R3-Spoke1", `show ip route ${vrf}`.trim())).not.toMatch(/^H /m);
    });

    it("redirects: the spokes hold an IKEv2 SA with each other, and R3 resolves R4's LAN via R4's tunnel address", async () => {
      const viaHub = hubToSpokes();
      const hubLog = sim.node("R1-HUB").log.length;
      expect(await sim.exec("R3-Spoke1", `ping ${vrf}192.168.4.1 source 192.168.3.1`)).toContain("Success rate is 100 percent (5/5)");
      expect(hubToSpokes()).toBeGreaterThan(viaHub);
      expect(sim.node("R1-HUB").log.slice(hubLog).map((l) => l.text)).toContainEqual(expect.stringMatching(/^%NHRP-5-REDIRECT: Sent redirect to 192\.168\.3\.1 for 192\.168\.4\.1 via Virtual-Access\d$/));
      expect(await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).toMatch(spokeToSpokeSa);
      expect(await sim.exec("R4-Spoke", "show crypto ikev2 sa")).toMatch(new RegExp(`^\\d+ +172\\.16\\.1\\.104/500 +172\\.16\\.1\\.103/500 +none/${ivrf} +READY$`, "m"));
      const r4 = /^C +(10\.1\.1\.\d+) is directly connected, Tunnel0$/m.exec(await sim.exec("R4-Spoke", `show ip route ${vrf}`.trim()))?.[1];
      expect(r4).toBeDefined();
      const esc = r4!.replace(/\./g, "\\.");
      const nhrp = await sim.exec("R3-Spoke1", "show ip nhrp");
      expect(nhrp).toMatch(new RegExp(`^192\\.168\\.4\\.0/24 via ${esc}\n   Virtual-Access1 created \\d\\d:\\d\\d:\\d\\d, expire \\d\\d:\\d\\d:\\d\\d\n   Type: dynamic, Flags: router rib\n   NBMA address: 172\\.16\\.1\\.104$`, "m"));
      expect(nhrp).toMatch(new RegExp(`^${esc}/32 via ${esc}\n   Virtual-Access1 created .*\n   Type: dynamic, Flags: router nhop rib\n   NBMA address: 172\\.16\\.1\\.104$`, "m"));
      expect(nhrp).not.toContain("Label:");
      const routes = await sim.exec("R3-Spoke1", `show ip route ${vrf}`.trim());
      expect(routes).toMatch(new RegExp(`^H {8}192\\.168\\.4\\.0/24 \\[250/255\\] via ${esc}, \\d\\d:\\d\\d:\\d\\d, Virtual-Access1$`, "m"));
      expect(routes).toMatch(new RegExp(`^H {8}${esc} \\[250/255\\] via ${esc}, \\d\\d:\\d\\d:\\d\\d, Virtual-Access1$`, "m"));
      // IVRF: the overlay's routes stay in blue; the global table holds only the transport.
      if (variant === "ivrf") expect(await sim.exec("R3-Spoke1", "show ip route")).not.toMatch(/192\.168\.4\.|10\.1\.1\./);
      expect(await sim.exec("R3-Spoke1", "show dmvpn")).toMatch(/^ +\d+ 172\.16\.1\.104 +10\.1\.1\.\d+ +UP [\d:]+ +D/m);
    });

    it("then goes direct: traceroute shows one hop, and the hub forwards nothing more", async () => {
      const viaHub = hubToSpokes();
      expect(await sim.exec("R3-Spoke1", `ping ${vrf}192.168.4.1 source 192.168.3.1 repeat 20`)).toContain("Success rate is 100 percent (20/20)");
      const trace = await sim.exec("R3-Spoke1", `traceroute ${vrf}192.168.4.1 source 192.168.3.1`);
      expect(trace).toMatch(/^ {2}1 /m);
      expect(trace).not.toMatch(/^ {2}2 /m);
      expect(hubToSpokes()).toBe(viaHub);
    });

    it("ages the idle shortcut out: the NHRP routes, the cache, the SA and the Virtual-Accesses all go", async () => {
      sim.advance(7300_000);
      expect(await sim.exec("R3-Spoke1", `show ip route ${vrf}`.trim())).not.toMatch(/^H /m);
      expect(await sim.exec("R3-Spoke1", "show ip nhrp")).not.toContain("192.168.4.0/24");
      expect(await sim.exec("R3-Spoke1", "show crypto ikev2 sa")).not.toMatch(spokeToSpokeSa);
      for (const n of ["R3-Spoke1", "R4-Spoke"]) expect(await sim.exec(n, "show ip interface brief")).not.toContain("Virtual-Access");
      // Back to the hub: the first packets go via the hub again.
      const viaHub = hubToSpokes();
      expect(await sim.exec("R3-Spoke1", `ping ${vrf}192.168.4.1 source 192.168.3.1 repeat 1`)).toContain("Success rate is 100 percent (1/1)");
      expect(hubToSpokes()).toBeGreaterThan(viaHub);
    });
  });
}
