// An exercise as a student and an instructor's CI meet it: `flexlab sim --check` and
// `flexlab check` on labs/exercise-static-routes fail on the starting configs, with a card
// saying what is missing, and pass once the solution's configs are copied over them — in
// virtual time, and on the process runtime.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../../core/api/checks";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const BIN = resolve(import.meta.dirname, "../../bin/flexlab.mjs");
const EXERCISE = "exercise-static-routes";
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

async function exerciseCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-exercise-"));
  dirs.push(dir);
  await copyExampleLab(EXERCISE, dir);
  return dir;
}

async function applySolution(dir: string): Promise<void> {
  for (const file of ["R1.cfg", "R2.cfg"]) await cp(join(dir, "solution", file), join(dir, file));
}

afterAll(async () => {
  for (const dir of dirs) {
    if (existsSync(join(dir, ".flexlab/state.json"))) await flexlab(dir, "down");
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

describe(`${EXERCISE} in virtual time`, () => {
  it("fails on the starting configs with a card saying what is missing, and passes on the solution", async () => {
    const dir = await exerciseCopy();
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
    expect(report).toMatchObject({ lab: EXERCISE, runtime: "sim", passed: 7, failed: 0, points: 11, earned: 11 });
  }, 60_000);
});

describe(`${EXERCISE} on the process runtime`, () => {
  it("flexlab check grades the running lab: failing at first, passing once the routers boot the solution", async () => {
    const dir = await exerciseCopy();
    const up = await flexlab(dir, "up", ".", "--runtime", "process", "--timeout", "60s");
    expect(up.code, up.stderr).toBe(0);

    const start = await flexlab(dir, "check");
    expect(start.code).toBe(1);
    expect(start.stdout).toContain("exercise-static-routes: 7 checks (process runtime)");
    expect(start.stdout).toContain("  ✘ R2 has a route back to R1's loopback ");
    expect(start.stdout).toMatch(/Score: 1\/11 points, 1 of 7 checks passed\n$/);

    await applySolution(dir);
    for (const node of ["R1", "R2"]) expect((await flexlab(dir, "restart", node)).code).toBe(0);
    const solved = await flexlab(dir, "check", "--json");
    expect(solved.code, solved.stdout).toBe(0);
    const report = JSON.parse(solved.stdout) as CheckReport;
    expect(report).toMatchObject({ lab: EXERCISE, runtime: "process", passed: 7, failed: 0, earned: 11 });
    expect(report.results.find((r) => r.kind === "ping")?.seen).toMatch(/^Success rate is (8|10)0 percent/);
  }, 180_000);
});
