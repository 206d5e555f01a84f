// Exercises as a student and an instructor's CI meet them: `flexlab sim --check` and
// `flexlab check` on each labs/exercise-* fail on the starting configs, with a card saying
// what is missing, and pass once the solution's configs are copied over them — in virtual
// time, and on the process runtime, where the desktop app's way (LabApi's lab.check) grades
// the same. The labs run side by side: most of the time is checks waiting out their deadline.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, it } from "vitest";
import type { CheckReport } from "../../core/api/checks";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { openLabApi } from "../support/lab-api";

const BIN = resolve(import.meta.dirname, "../../bin/flexlab.mjs");
const dirs: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function flexlab(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function exerciseCopy(exercise: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-exercise-"));
  dirs.push(dir);
  await copyExampleLab(exercise, dir);
  return dir;
}

async function applySolution(dir: string): Promise<string[]> {
  const files = await readdir(join(dir, "solution"));
  for (const file of files) await cp(join(dir, "solution", file), join(dir, file));
  return files.map((f) => f.replace(/\.cfg$/, ""));
}

/** Grades the running lab the way the desktop app does: LabApi's lab.check. */
async function gradeOverLabApi(dir: string): Promise<CheckReport> {
  const api = await openLabApi(dir);
  try {
    const reply = await api.client.call("lab.check", {});
    if (!reply.ok) throw new Error(`lab.check: ${reply.error.message}`);
    return reply.result;
  } finally {
    api.close();
  }
}

afterAll(async () => {
  for (const dir of dirs) {
    if (existsSync(join(dir, ".flexlab/state.json"))) await flexlab(dir, "down");
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

describe.concurrent("exercises", () => {
  describe("exercise-static-routes in virtual time", () => {
    it("fails on the starting configs with a card saying what is missing, and passes on the solution", async ({ expect }) => {
      const dir = await exerciseCopy("exercise-static-routes");
      const start = await flexlab(dir, "sim", ".", "--check");
      expect(start.code).toBe(1);
      expect(start.stdout).toContain("  ✘ R1's link to R2 is up ");
      expect(start.stdout).toContain("      hint:     an interface that is administratively down stays down until `no shutdown`\n");
      expect(start.stdout).toContain("  ✔ No default route was used as a shortcut ");
      expect(start.stdout).toMatch(/Score: 1\/11 points, 1 of 7 checks passed\n$/);

      await applySolution(dir);
      const solved = await flexlab(dir, "sim", ".", "--check", "--json");
      expect(solved.code, solved.stdout).toBe(0);
      const report = (JSON.parse(solved.stdout) as { checks: CheckReport }).checks;
      expect(report).toMatchObject({ lab: "exercise-static-routes", runtime: "sim", passed: 7, failed: 0, points: 11, earned: 11 });
    }, 60_000);
  });

  describe("exercise-flexvpn-spokes in virtual time", () => {
    it("fails while a spoke lacks its certificate map and the other ip address negotiated, and passes on the guide's configs", async ({ expect }) => {
      const dir = await exerciseCopy("exercise-flexvpn-spokes");
      const start = await flexlab(dir, "sim", ".", "--check");
      expect(start.code).toBe(1);
      expect(start.stdout).toContain("  ✘ R3-Spoke1 has an IKEv2 SA to the hub, READY ");
      expect(start.stdout).toContain("  ✔ R4-Spoke has an IKEv2 SA to the hub, READY ");
      expect(start.stdout).toContain("  ✘ R4-Spoke's Tunnel0 has an address from the hub's pool ");
      expect(start.stdout).toMatch(/Score: 2\/14 points, 1 of 9 checks passed\n$/);

      expect(await applySolution(dir)).toEqual(["INET", "R1-HUB", "R3-Spoke1", "R4-Spoke"]);
      const solved = await flexlab(dir, "sim", ".", "--check", "--json");
      expect(solved.code, solved.stdout).toBe(0);
      const report = (JSON.parse(solved.stdout) as { checks: CheckReport }).checks;
      expect(report).toMatchObject({ passed: 9, failed: 0, earned: 14 });
      expect(report.results.find((r) => r.title.startsWith("R4-Spoke has the hub's cust2 route"))?.seen).toMatch(/^vrf=cust2 prefix=192\.168\.111\.0\/24 nextHop=10\.0\.0\.1 outLabel=\d+$/);
    }, 60_000);
  });

  describe("exercises on the process runtime", () => {
    for (const [exercise, startScore, solvedPoints] of [
      ["exercise-static-routes", "1/11 points, 1 of 7", 11],
      ["exercise-flexvpn-spokes", "2/14 points, 1 of 9", 14],
      ["exercise-spoke-to-spoke", "3/11 points, 3 of 7", 11],
    ] as const) {
      it(`flexlab check grades ${exercise}: failing at first, passing once the routers boot the solution`, async ({ expect }) => {
        const dir = await exerciseCopy(exercise);
        const up = await flexlab(dir, "up", ".", "--runtime", "process", "--timeout", "90s");
        expect(up.code, up.stderr).toBe(0);

        // A student's lab that has had its time: failing checks give up after 15 s rather than
        // wait out their deadline (up to 60 s; the virtual-time tests above wait it all).
        const start = await flexlab(dir, "check", "--max-wait", "15s");
        expect(start.code, start.stderr).toBe(1);
        expect(start.stdout).toContain(`${exercise}: `);
        expect(start.stdout).toContain(" checks (process runtime)");
        expect(start.stdout).toContain(`Score: ${startScore} checks passed\n`);

        // The hub and the WAN first, then the spokes: a spoke restarted beside them could
        // register with the hub process about to be replaced and hold that stale SA until DPD
        // (60 s), as an IOS spoke would, longer than the checks wait.
        const nodes = await applySolution(dir);
        const isSpoke = (node: string): boolean => node.includes("Spoke");
        const restarts = await Promise.all(nodes.filter((n) => !isSpoke(n)).map((node) => flexlab(dir, "restart", node)));
        restarts.push(...(await Promise.all(nodes.filter(isSpoke).map((node) => flexlab(dir, "restart", node)))));
        for (const r of restarts) expect(r.code, r.stderr).toBe(0);
        const solved = await flexlab(dir, "check", "--json");
        expect(solved.code, solved.stdout).toBe(0);
        const report = JSON.parse(solved.stdout) as CheckReport;
        expect(report).toMatchObject({ lab: exercise, runtime: "process", failed: 0, earned: solvedPoints });
        const overApi = await gradeOverLabApi(dir);
        expect(overApi).toMatchObject({ lab: exercise, runtime: "process", failed: 0, earned: solvedPoints });
        expect(overApi.results.map((r) => [r.title, r.passed])).toEqual(report.results.map((r) => [r.title, r.passed]));
        await flexlab(dir, "down");
      }, 300_000);
    }
  });
});
