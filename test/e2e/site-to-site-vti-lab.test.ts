// labs/site-to-site-vti as an engineer runs it: two sites joined by a static VTI across INET,
// IKEv2 with a pre-shared key and IOS's smart defaults (only a keyring and the `default` IKEv2
// profile configured; the tunnel names the implicit `default` IPsec profile). In virtual time
// (`flexlab sim`), on the process runtime and on the docker runtime (when an engine answers)
// the IKE SA comes up READY, the child SA uses the default transform (esp-gcm 256) and each
// site's LAN loopback pings the other's through ESP.
import { describe, expect, it } from "vitest";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { ROOT, execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";

const engine = await dockerAvailable();
if (!engine) console.warn(`test/e2e/site-to-site-vti-lab: docker part skipped: ${NO_ENGINE_HINT}`);

const labCopy = exampleLabCopies("site-to-site-vti");

async function checkRunningLab(dir: string): Promise<void> {
  const sa = await execUntil(dir, "R1", "show crypto ikev2 sa", / 172\.16\.2\.1\/500 .* READY$/m);
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
