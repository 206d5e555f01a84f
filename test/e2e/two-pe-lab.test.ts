// labs/two-pe as an engineer runs it: two PEs joined by a plain GRE tunnel with `mpls bgp
// forwarding`, iBGP VPNv4 between the tunnel addresses, customers A and B using the same
// subnets. In virtual time (`flexlab sim`), on the process runtime and on the docker runtime
// (when an engine answers) the session comes up, each VRF's loopback pings its remote site
// through labelled forwarding, and B's host is not reachable from A.
import { describe, expect, it } from "vitest";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { ROOT, execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";

const engine = await dockerAvailable();
if (!engine) console.warn(`test/e2e/two-pe-lab: docker part skipped: ${NO_ENGINE_HINT}`);

const labCopy = exampleLabCopies("two-pe");

async function checkRunningLab(dir: string): Promise<void> {
  const summary = await execUntil(dir, "PE1", "show ip bgp vpnv4 all summary", /^10\.0\.0\.2 .* +2\s*$/m);
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
      "--exec",
      "PE1: traceroute vrf A 192.168.2.1 source Loopback10",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Route Distinguisher: 65000:1 \(A\)\n {3}192\.168\.1\.0 {6}0\.0\.0\.0 {9}\d+\/nolabel\(A\)\n {3}192\.168\.2\.0 {6}10\.0\.0\.2 {8}nolabel\/\d+\n/);
    expect(r.stdout).toMatch(/PE1#ping vrf A 192\.168\.2\.1 source Loopback10\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toMatch(/PE1#ping vrf B 192\.168\.2\.2 source Loopback20\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toMatch(/PE1#ping vrf A 192\.168\.2\.2 source Loopback10\n(.*\n){3}\.\.\.\.\.\nSuccess rate is 0 percent/);
    expect(r.stdout).toMatch(/^B {5}192\.168\.1\.0\/24 \[200\/0\] via 10\.0\.0\.1, /m);
    // The remote PE answers across the labelled path, from the tunnel the probe came in on (as
    // IOS does: the source document's trace ends at the spoke's tunnel address).
    expect(r.stdout).toMatch(/PE1#traceroute vrf A 192\.168\.2\.1 source Loopback10\n(.*\n){3} {2}1 10\.0\.0\.2 /);
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
