// The lab commands as a script uses them: `--json` from up, status, exec and down, exit
// codes a script can trust (1 when a router rejects a command), `config apply --replace` all
// or nothing, and a bad lab file stopping `up` before anything is deployed. Process runtime,
// on a copy of labs/two-routers.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const BIN = resolve(import.meta.dirname, "../../bin/flexlab.mjs");
let labDir = "";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function flexlab(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: labDir, timeout: 90_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  labDir = await mkdtemp(join(tmpdir(), "flexlab-cli-lab-"));
  await copyExampleLab("two-routers", labDir);
});

afterAll(async () => {
  if (existsSync(join(labDir, ".flexlab/state.json"))) await flexlab("down");
  await rm(labDir, { recursive: true, force: true });
}, 60_000);

describe("flexlab lab commands for scripts", () => {
  it("up --json prints the nodes as JSON, without the lab's token", async () => {
    const run = await flexlab("up", ".", "--runtime", "process", "--timeout", "60s", "--json");
    expect(run.code, run.stderr).toBe(0);
    const up = JSON.parse(run.stdout) as { lab: string; runtime: string; nodes: { name: string; state: string }[] };
    expect(up).toMatchObject({ lab: "two-routers", runtime: "process" });
    expect(up.nodes.map((n) => [n.name, n.state])).toEqual([
      ["R1", "running"],
      ["R2", "running"],
    ]);
    expect(run.stdout).not.toMatch(/token/i);
  }, 120_000);

  it("exec exits 1 and names the line when the router rejects a command; --json says the same", async () => {
    const bad = await flexlab("exec", "R1", "shw ip route");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("% Invalid input detected at '^' marker.");
    expect(bad.stderr).toBe("flexlab: R1: % Invalid input detected at '^' marker.\n");

    const json = await flexlab("exec", "R1", "ping 10.0.12.2", "--json", "--timeout", "30s");
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { node: string; command: string; output: string; rejected?: string };
    expect(out).toMatchObject({ node: "R1", command: "ping 10.0.12.2" });
    expect(out.output).toContain("!!!!!");
    expect(out.rejected).toBeUndefined();
  }, 60_000);

  it("config apply --replace with a rejected line changes nothing and says so", async () => {
    const before = await flexlab("config", "show", "R2");
    expect(before.code, before.stderr).toBe(0);
    const file = join(labDir, "broken.cfg");
    await writeFile(file, "hostname Router\nfrob\n");
    const run = await flexlab("config", "apply", "R2", file, "--replace");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:2:1: % Invalid input detected at '^' marker.\n`);
    expect(run.stderr).toContain("R2: running config unchanged: 1 line rejected; a replace takes a file without errors\n");
    expect((await flexlab("config", "show", "R2")).stdout).toBe(before.stdout);
  }, 60_000);

  it("down --json says the lab is down", async () => {
    const run = await flexlab("down", "--json");
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ lab: "two-routers", down: true });
  }, 60_000);

  it("up stops at a bad lab file, deploying nothing", async () => {
    const yaml = join(labDir, "lab.yaml");
    await writeFile(yaml, (await readFile(yaml, "utf8")).replace("R2:Ethernet0/0", "R2:Null0"));
    const run = await flexlab("up", ".", "--runtime", "process");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^lab\.yaml:\d+:\d+: links\[0\]\.endpoints\[1\]: Null0 cannot be a link endpoint: links join physical ports \(e\.g\. Ethernet0\/1, GigabitEthernet1\)\n$/);
    expect(existsSync(join(labDir, ".flexlab/state.json"))).toBe(false);
  });
});
