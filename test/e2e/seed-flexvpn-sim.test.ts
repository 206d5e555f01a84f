// The seed lab (labs/mpls-over-flexvpn) in `flexlab sim`: the lab PKI issues certificates,
// the spokes authenticate to the hub with them over IKEv2, get pool addresses on Tunnel0,
// the hub clones a Virtual-Access per spoke, and ping 10.0.0.1 source Tunnel0 goes as ESP.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { copyExampleLabSync } from "../../core/lab/testdata/example-lab";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "flexlab-seed-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the seed lab in flexlab sim", () => {
  it("brings both spokes up over IKEv2 with certificates and pings the hub through ESP", async () => {
    const lab = join(scratch, "seed");
    copyExampleLabSync("mpls-over-flexvpn", lab);
    const exec = ["R3-Spoke1: show crypto ikev2 sa", "R4-Spoke: show crypto ikev2 sa", "R1-HUB: show ip interface brief", "R3-Spoke1: show ip interface brief", "R3-Spoke1: ping 10.0.0.1 source Tunnel0", "R1-HUB: show crypto ipsec sa", "R1-HUB: show ip cef vrf cust1 192.168.113.1 detail"];
    const { stdout } = await run(process.execPath, [join(root, "bin/flexlab.mjs"), "sim", lab, ...exec.flatMap((e) => ["--exec", e])], { cwd: root, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } });
    expect(stdout).toMatch(/^1 {9}172\.16\.1\.103\/500 {6}172\.16\.0\.1\/500 {8}none\/none {12}READY$/m);
    expect(stdout).toMatch(/^1 {9}172\.16\.1\.104\/500 {6}172\.16\.0\.1\/500 {8}none\/none {12}READY$/m);
    expect(stdout).toContain("Auth sign: RSA, Auth verify: RSA");
    expect(stdout).toMatch(/^Virtual-Access1 +10\.0\.0\.1 +YES \w+ +up +up/m);
    expect(stdout).toMatch(/^Virtual-Access2 +10\.0\.0\.1 +YES \w+ +up +up/m);
    expect(stdout).toMatch(/^Tunnel0 +10\.1\.1\.[12] +YES/m);
    expect(stdout).toContain("Success rate is 100 percent (5/5)");
    expect(stdout).toMatch(/#pkts decaps: [1-9]/);
    // As the source document's sample: the spoke's overlay address is implicit-null on the
    // Virtual-Access, which has its template's `mpls bgp forwarding`.
    expect(stdout).toMatch(/MPLS short path extensions: MOI flags = 0x1 label implicit-null\n {4}attached to Virtual-Access\d, adjacency IP midchain out of Virtual-Access\d\n {2}output chain:\n {4}label \d+\n {4}label implicit-null\n/);
  }, 120_000);
});
