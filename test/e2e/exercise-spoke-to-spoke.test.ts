// labs/exercise-spoke-to-spoke, as a student and an instructor's CI meet it in virtual time:
// `flexlab sim --check` fails on the starting configs (R3-Spoke1 lacks `ip nhrp shortcut
// virtual-template 1`, R4-Spoke lacks `mpls nhrp`), saying what is missing, and passes once
// the solution's configs are copied over them.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../../core/api/checks";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const BIN = resolve(import.meta.dirname, "../../bin/flexlab.mjs");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function flexlab(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("exercise-spoke-to-spoke in virtual time", () => {
  it("fails while the spokes miss their NHRP lines, and passes on the working configs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flexlab-exercise-s2s-"));
    dirs.push(dir);
    await copyExampleLab("exercise-spoke-to-spoke", dir);
    const start = await flexlab(dir, "sim", ".", "--check");
    expect(start.code).toBe(1);
    expect(start.stdout).toContain("  ✔ R3-Spoke1's cust1 LAN reaches R4-Spoke's ");
    expect(start.stdout).toContain("  ✘ R3-Spoke1 has a direct IKEv2 SA with R4-Spoke ");
    expect(start.stdout).toContain("      hint:     MPLS over NHRP needs `mpls nhrp` on the tunnel interface");
    expect(start.stdout).toMatch(/Score: 3\/11 points, 3 of 7 checks passed\n$/);

    const files = await readdir(join(dir, "solution"));
    for (const f of files) await cp(join(dir, "solution", f), join(dir, f));
    const solved = await flexlab(dir, "sim", ".", "--check", "--json");
    expect(solved.code, solved.stdout).toBe(0);
    const report = (JSON.parse(solved.stdout) as { checks: CheckReport }).checks;
    expect(report).toMatchObject({ lab: "exercise-spoke-to-spoke", passed: 7, failed: 0, earned: 11 });
    expect(report.results.find((r) => r.title.startsWith("R3-Spoke1 reaches R4-Spoke's cust1 LAN"))?.seen).toMatch(/^vrf=cust1 prefix=192\.168\.114\.0\/24 label=\d+$/);
  }, 120_000);
});
