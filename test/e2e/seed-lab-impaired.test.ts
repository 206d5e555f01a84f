// The seed lab (MPLS over FlexVPN, labs/mpls-over-flexvpn) in virtual time with the spokes'
// segment losing 30 % of its frames, as `impair: { loss: 30% }` in lab.yaml makes it: IKEv2
// still brings both spokes up, through retransmissions, and a ping across shows the loss.
// The same seed gives the same run.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSimLab } from "../../core/lab/runtime/sim";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { loadLab } from "../../core/lab/topology";
import { ikev2Subsystem } from "../../core/router/ikev2/subsystem";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function lossySeedLab(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-seed-lossy-"));
  dirs.push(dir);
  await copyExampleLab("mpls-over-flexvpn", dir);
  const yaml = await readFile(join(dir, "lab.yaml"), "utf8");
  const spokes = "  - endpoints: [INET:Ethernet0/1, R3-Spoke1:Ethernet0/0, R4-Spoke:Ethernet0/0]";
  expect(yaml).toContain(spokes);
  await writeFile(join(dir, "lab.yaml"), yaml.replace(spokes, `${spokes}\n    impair: { loss: 30% }`));
  return dir;
}

describe("the seed lab with 30 % loss on the spokes' segment", () => {
  it("brings IKEv2 up on both spokes through retransmissions, and ping shows the loss", async () => {
    const lab = await loadLab(await lossySeedLab());
    expect(lab.links[1].impair).toEqual({ lossPercent: 30 });
    const run = async () => {
      const { sim } = await startSimLab(lab);
      try {
        sim.settle(120_000);
        const retransmits = ["R3-Spoke1", "R4-Spoke"].map((n) => sim.node(n).router.subsystem(ikev2Subsystem).engine.stats.retransmits);
        const sas = [await sim.exec("R3-Spoke1", "show crypto ikev2 sa"), await sim.exec("R4-Spoke", "show crypto ikev2 sa")];
        const ping = await sim.exec("R4-Spoke", "ping 10.0.0.1 repeat 100");
        return { retransmits, sas, ping };
      } finally {
        sim.close();
      }
    };
    const first = await run();
    expect(first.sas[0]).toMatch(/^1 +172\.16\.1\.103\/500 +172\.16\.0\.1\/500 +none\/none +READY$/m);
    expect(first.sas[1]).toMatch(/^1 +172\.16\.1\.104\/500 +172\.16\.0\.1\/500 +none\/none +READY$/m);
    expect(first.retransmits[0] + first.retransmits[1]).toBeGreaterThan(0);
    // Probe and reply each cross the lossy segment once: about 49 % come back.
    const rate = Number(/Success rate is (\d+) percent/.exec(first.ping)![1]);
    expect(rate).toBeGreaterThan(30);
    expect(rate).toBeLessThan(70);
    expect((await run()).ping).toBe(first.ping);
  }, 60_000);
});
