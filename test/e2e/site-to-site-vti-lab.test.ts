// labs/site-to-site-vti as an engineer runs it: two sites joined by a static VTI across INET,
// IKEv2 with a pre-shared key and IOS's smart defaults (only a keyring and the `default` IKEv2
// profile configured; the tunnel names the implicit `default` IPsec profile). In virtual time
// (`flexlab sim`), on the process runtime and on the docker runtime (when an engine answers)
// the IKE SA comes up READY, the child SA uses the default transform (esp-gcm 256) and each
// site's LAN loopback pings the other's through ESP.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/flexlab.mjs");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function flexlab(cwd: string, args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: timeoutMs, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const engine = await dockerAvailable();
if (!engine) console.warn(`test/e2e/site-to-site-vti-lab: docker part skipped: ${NO_ENGINE_HINT}`);

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) {
    if (await stat(join(dir, ".flexlab/state.json")).catch(() => undefined)) await flexlab(dir, ["down"]);
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

async function labCopy(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-site-to-site-vti-"));
  made.push(dir);
  await chmod(dir, 0o755);
  await copyExampleLab("site-to-site-vti", dir);
  const yaml = await readFile(join(dir, "lab.yaml"), "utf8");
  await writeFile(join(dir, "lab.yaml"), yaml.replace(/^name: .*$/m, `name: ${name}`));
  return dir;
}

/** Polls a running lab until R1 has a READY IKE SA toward R2 (real time: ARP, IKE_SA_INIT, IKE_AUTH). */
async function waitReady(dir: string): Promise<string> {
  let last = "";
  for (let i = 0; i < 60; i++) {
    last = (await flexlab(dir, ["exec", "R1", "show crypto ikev2 sa"])).stdout;
    if (/ 172\.16\.2\.1\/500 .* READY$/m.test(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last;
}

async function checkRunningLab(dir: string): Promise<void> {
  const sa = await waitReady(dir);
  expect(sa).toMatch(/^\d+ +172\.16\.1\.1\/500 +172\.16\.2\.1\/500 +none\/none +READY$/m);
  expect(sa).toContain("Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK");
  const there = await flexlab(dir, ["exec", "R1", "ping 192.168.2.1 source Loopback1"]);
  expect(there.stdout).toContain("Success rate is 100 percent (5/5)");
  const back = await flexlab(dir, ["exec", "R2", "ping 192.168.1.1 source Loopback1"]);
  expect(back.stdout).toContain("Success rate is 100 percent (5/5)");
  const ipsec = await flexlab(dir, ["exec", "R2", "show crypto ipsec sa"]);
  expect(ipsec.stdout).toMatch(/#pkts decaps: [1-9]\d*, #pkts decrypt: [1-9]/);
  expect(ipsec.stdout).toContain("transform: esp-gcm 256 ,");
}

describe("labs/site-to-site-vti", () => {
  it("works in virtual time with flexlab sim", async () => {
    const r = await flexlab(ROOT, [
      "sim",
      "labs/site-to-site-vti",
      "--exec",
      "R1: show crypto ikev2 sa",
      "--exec",
      "R1: ping 192.168.2.1 source Loopback1",
      "--exec",
      "R2: ping 192.168.1.1 source Loopback1",
      "--exec",
      "R2: show crypto ipsec sa",
      "--exec",
      "R1: show ip route 192.168.2.0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+ +172\.16\.1\.1\/500 +172\.16\.2\.1\/500 +none\/none +READY$/m);
    expect(r.stdout).toContain("Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK");
    expect(r.stdout).toMatch(/R1#ping 192\.168\.2\.1 source Loopback1\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toMatch(/R2#ping 192\.168\.1\.1 source Loopback1\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toContain("transform: esp-gcm 256 ,");
    expect(r.stdout).toMatch(/#pkts decaps: [1-9]\d*, #pkts decrypt: [1-9]/);
    expect(r.stdout).toMatch(/directly connected, via Tunnel0/);
  }, 120_000);

  it("works with flexlab up on the process runtime", async () => {
    const dir = await labCopy(`s2s-vti-process-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "process"]);
    expect(up.code, up.stderr).toBe(0);
    await checkRunningLab(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 240_000);

  it.skipIf(!engine)(engine ? "works with flexlab up on the docker runtime" : `works with flexlab up on the docker runtime (skipped: ${NO_ENGINE_HINT})`, async () => {
    const dir = await labCopy(`s2s-vti-docker-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "docker"], 300_000);
    expect(up.code, up.stderr).toBe(0);
    await checkRunningLab(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 480_000);
});
