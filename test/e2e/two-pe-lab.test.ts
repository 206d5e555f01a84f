// labs/two-pe as an engineer runs it: two PEs joined by a plain GRE tunnel with `mpls bgp
// forwarding`, iBGP VPNv4 between the tunnel addresses, customers A and B using the same
// subnets. In virtual time (`flexlab sim`), on the process runtime and on the docker runtime
// (when an engine answers) the session comes up, each VRF's loopback pings its remote site
// through labelled forwarding, and B's host is not reachable from A.
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
if (!engine) console.warn(`test/e2e/two-pe-lab: docker part skipped: ${NO_ENGINE_HINT}`);

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) {
    if (await stat(join(dir, ".flexlab/state.json")).catch(() => undefined)) await flexlab(dir, ["down"]);
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

async function labCopy(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-two-pe-"));
  made.push(dir);
  await chmod(dir, 0o755);
  await copyExampleLab("two-pe", dir);
  const yaml = await readFile(join(dir, "lab.yaml"), "utf8");
  await writeFile(join(dir, "lab.yaml"), yaml.replace(/^name: .*$/m, `name: ${name}`));
  return dir;
}

/** Polls a running lab until PE1's VPNv4 session is up (real time: connect jitter, TCP, OPENs). */
async function waitEstablished(dir: string): Promise<string> {
  let last = "";
  for (let i = 0; i < 60; i++) {
    last = (await flexlab(dir, ["exec", "PE1", "show ip bgp vpnv4 all summary"])).stdout;
    if (/^10\.0\.0\.2 .* +2\s*$/m.test(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last;
}

async function checkRunningLab(dir: string): Promise<void> {
  const summary = await waitEstablished(dir);
  expect(summary).toMatch(/^10\.0\.0\.2 {8}4 {8}65000 +\d+ +\d+ +\d+ +0 +0 \S+ +2\s*$/m);
  const a = await flexlab(dir, ["exec", "PE1", "ping vrf A 192.168.2.1 source Loopback10"]);
  expect(a.stdout).toContain("Success rate is 100 percent (5/5)");
  const b = await flexlab(dir, ["exec", "PE1", "ping vrf B 192.168.2.2 source Loopback20"]);
  expect(b.stdout).toContain("Success rate is 100 percent (5/5)");
  const leak = await flexlab(dir, ["exec", "PE1", "ping vrf A 192.168.2.2 source Loopback10 timeout 1"]);
  expect(leak.stdout).toContain("Success rate is 0 percent (0/5)");
  const labels = await flexlab(dir, ["exec", "PE2", "show mpls forwarding-table"]);
  expect(labels.stdout).toMatch(/^\d+ +No Label +192\.168\.2\.0\/24\[V\]/m);
}

describe("labs/two-pe", () => {
  it("works in virtual time with flexlab sim", async () => {
    const r = await flexlab(ROOT, [
      "sim",
      "labs/two-pe",
      "--exec",
      "PE1: show ip bgp vpnv4 all labels",
      "--exec",
      "PE1: ping vrf A 192.168.2.1 source Loopback10",
      "--exec",
      "PE1: ping vrf B 192.168.2.2 source Loopback20",
      "--exec",
      "PE1: ping vrf A 192.168.2.2 source Loopback10",
      "--exec",
      "PE2: show ip route vrf A",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Route Distinguisher: 65000:1 \(A\)\n {3}192\.168\.1\.0 {6}0\.0\.0\.0 {9}\d+\/nolabel\(A\)\n {3}192\.168\.2\.0 {6}10\.0\.0\.2 {8}nolabel\/\d+\n/);
    expect(r.stdout).toMatch(/PE1#ping vrf A 192\.168\.2\.1 source Loopback10\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toMatch(/PE1#ping vrf B 192\.168\.2\.2 source Loopback20\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toMatch(/PE1#ping vrf A 192\.168\.2\.2 source Loopback10\n(.*\n){3}\.\.\.\.\.\nSuccess rate is 0 percent/);
    expect(r.stdout).toMatch(/^B {5}192\.168\.1\.0\/24 \[200\/0\] via 10\.0\.0\.1, /m);
  }, 120_000);

  it("works with flexlab up on the process runtime", async () => {
    const dir = await labCopy(`two-pe-process-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "process"]);
    expect(up.code, up.stderr).toBe(0);
    await checkRunningLab(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 240_000);

  it.skipIf(!engine)(engine ? "works with flexlab up on the docker runtime" : `works with flexlab up on the docker runtime (skipped: ${NO_ENGINE_HINT})`, async () => {
    const dir = await labCopy(`two-pe-docker-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "docker"], 300_000);
    expect(up.code, up.stderr).toBe(0);
    await checkRunningLab(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 480_000);
});
