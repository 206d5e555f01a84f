// Links that misbehave on request, as an engineer drives them, with one meaning on the process
// runtime (the lab daemon's bridges) and the docker runtime (each router's port, through its
// mgmt API; when an engine answers): lab.yaml's impair: applied from `up`, `flexlab link …
// impair|clear|down|up` while it runs, ping showing loss and delay, a pulled cable seen by
// both routers as carrier loss, and `flexlab status` showing each link's state.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { openLabApi } from "../support/lab-api";

const BIN = resolve(import.meta.dirname, "../../bin/flexlab.mjs");
const engine = await dockerAvailable();
if (!engine) console.warn(`test/e2e/link-impair: docker part skipped: ${NO_ENGINE_HINT}`);
const dirs: string[] = [];

function flexlab(labDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: labDir, timeout: 240_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function rtt(output: string): { rate: number; min: number; max: number } {
  const m = /Success rate is (\d+) percent \(\d+\/\d+\)(?:, round-trip min\/avg\/max = (\d+)\/\d+\/(\d+) ms)?/.exec(output);
  if (!m) throw new Error(`no ping summary in:\n${output}`);
  return { rate: Number(m[1]), min: Number(m[2] ?? -1), max: Number(m[3] ?? -1) };
}

/** labs/two-routers under a name of its own, its link starting with 100 ms of delay. */
async function impairedLab(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-link-"));
  dirs.push(dir);
  await chmod(dir, 0o755);
  await copyExampleLab("two-routers", dir);
  const yaml = (await readFile(join(dir, "lab.yaml"), "utf8")).replace(/^name: .*$/m, `name: ${name}`);
  await writeFile(join(dir, "lab.yaml"), yaml.replace("  - endpoints: [R1:Ethernet0/0, R2:Ethernet0/0]", "  - endpoints: [R1:Ethernet0/0, R2:Ethernet0/0]\n    impair: { delay: 100ms }"));
  return dir;
}

afterAll(async () => {
  for (const dir of dirs) {
    if (existsSync(join(dir, ".flexlab/state.json"))) await flexlab(dir, "down");
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

for (const runtime of ["process", "docker"] as const) {
  const skip = runtime === "docker" && !engine;
  describe.skipIf(skip)(`link impairment on the ${runtime} runtime${skip ? ` (skipped: ${NO_ENGINE_HINT})` : ""}`, () => {
    let labDir = "";

    it("starts with lab.yaml's impairment, which status shows and ping feels", async () => {
      labDir = await impairedLab(`e2e-link-${runtime}-${process.pid}`);
      const up = await flexlab(labDir, "up", ".", "--runtime", runtime, "--timeout", "60s");
      expect(up.code, up.stderr).toBe(0);
      const status = await flexlab(labDir, "status");
      expect(status.stdout).toMatch(/LINK +ENDPOINTS +CABLE +IMPAIRMENT\n0 +R1:Ethernet0\/0 R2:Ethernet0\/0 +up +delay 100ms\n/);
      await flexlab(labDir, "exec", "R1", "ping 10.0.12.2 repeat 2");
      const r = rtt((await flexlab(labDir, "exec", "R1", "ping 10.0.12.2")).stdout);
      expect(r.rate).toBe(100);
      expect(r.min).toBeGreaterThanOrEqual(200);
    }, 300_000);

    it("with 200 ms of delay round trips take 400 ms; with 30 % loss ping shows it; clear brings it back", async () => {
      expect((await flexlab(labDir, "link", "0", "impair", "delay", "200ms")).stdout).toMatch(/0 +R1:Ethernet0\/0 R2:Ethernet0\/0 +up +delay 200ms\n/);
      const slow = rtt((await flexlab(labDir, "exec", "R1", "ping 10.0.12.2")).stdout);
      expect(slow.min).toBeGreaterThanOrEqual(400);
      expect(slow.max).toBeLessThan(1000);

      expect((await flexlab(labDir, "link", "R2:e0/0", "impair", "loss", "30%")).code).toBe(0);
      const lossy = rtt((await flexlab(labDir, "exec", "R1", "ping 10.0.12.2 repeat 40 timeout 1", "--timeout", "2m")).stdout);
      // Each probe and reply crosses once: about 49 % come back.
      expect(lossy.rate).toBeGreaterThan(25);
      expect(lossy.rate).toBeLessThan(75);

      expect((await flexlab(labDir, "link", "0", "clear")).stdout).toMatch(/ up +none\n/);
      expect(rtt((await flexlab(labDir, "exec", "R1", "ping 10.0.12.2")).stdout).rate).toBe(100);
    }, 180_000);

    it("the desktop app impairs and clears the link through the LabApi, its view showing the impairment", async () => {
      const api = await openLabApi(labDir);
      try {
        expect(await api.client.call("link.set", { index: 0, impair: { delayMs: 150 } })).toMatchObject({ ok: true, result: { index: 0, impair: { delayMs: 150 } } });
        const r = rtt((await flexlab(labDir, "exec", "R1", "ping 10.0.12.2")).stdout);
        expect(r.min).toBeGreaterThanOrEqual(300);
        const view = await api.client.call("lab.get", {});
        expect(view.ok && view.result.links[0]).toMatchObject({ index: 0, impair: { delayMs: 150 } });
        const cleared = await api.client.call("link.set", { index: 0, impair: null });
        expect(cleared.ok && cleared.result).toEqual({ index: 0, endpoints: [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }] });
        expect((await flexlab(labDir, "status")).stdout).toMatch(/0 +R1:Ethernet0\/0 R2:Ethernet0\/0 +up +none\n/);
        expect(await api.client.call("link.set", { index: 4, carrier: "down" })).toMatchObject({ ok: false, error: { code: "not-found" } });
      } finally {
        api.close();
      }
    }, 60_000);

    it("a pulled cable is carrier loss on both routers; plugged back, they come up and answer", async () => {
      expect((await flexlab(labDir, "link", "0", "down")).stdout).toMatch(/ down +none\n/);
      await new Promise((r) => setTimeout(r, 500));
      for (const node of ["R1", "R2"]) {
        expect((await flexlab(labDir, "exec", node, "show ip interface brief | include Ethernet0/0")).stdout).toMatch(/Ethernet0\/0 +10\.0\.12\.\d +YES NVRAM +down +down/);
      }
      const json = JSON.parse((await flexlab(labDir, "status", "--json")).stdout) as { links: { index: number; carrier: string }[] };
      expect(json.links).toEqual([{ index: 0, endpoints: ["R1:Ethernet0/0", "R2:Ethernet0/0"], carrier: "down" }]);
      expect((await flexlab(labDir, "link", "0", "up")).code).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect((await flexlab(labDir, "exec", "R1", "show ip interface brief | include Ethernet0/0")).stdout).toMatch(/up +up/);
      expect(rtt((await flexlab(labDir, "exec", "R1", "ping 10.0.12.2")).stdout).rate).toBeGreaterThanOrEqual(80);
    }, 120_000);

    // The docker runtime's routers hold the link's state themselves: a restarted one is given it again.
    if (runtime === "docker") {
      it("a router restarted while the link is impaired comes back impaired", async () => {
        expect((await flexlab(labDir, "link", "0", "impair", "delay", "200ms")).code).toBe(0);
        expect((await flexlab(labDir, "restart", "R2")).code).toBe(0);
        await flexlab(labDir, "exec", "R1", "ping 10.0.12.2 repeat 2");
        const r = rtt((await flexlab(labDir, "exec", "R2", "ping 10.0.12.1")).stdout);
        expect(r.rate).toBe(100);
        expect(r.min).toBeGreaterThanOrEqual(400);
        expect((await flexlab(labDir, "link", "0", "clear")).code).toBe(0);
      }, 120_000);
    }

    if (runtime === "process")
      it("names what it cannot do", async () => {
        expect(await flexlab(labDir, "link", "7", "down")).toMatchObject({ code: 2, stderr: "flexlab: no link 7 (links: 0)\n" });
        expect(await flexlab(labDir, "link", "0", "impair", "lag", "3ms")).toMatchObject({ code: 2, stderr: 'flexlab: "lag" is not an impairment (delay, jitter, loss, duplicate, reorder, rate)\n' });
        expect(await flexlab(labDir, "link", "0", "wobble")).toMatchObject({ code: 2 });
      }, 60_000);
  });
}
