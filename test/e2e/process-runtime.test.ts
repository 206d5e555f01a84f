// The process runtime end to end, the way a user drives it: `flexlab up` on a copy of
// labs/two-routers, exec over the mgmt API, a node killed and reported crashed while the
// other keeps answering, a restart, and `flexlab down` leaving no process and no state.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/flexlab.mjs");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let labDir = "";
/** Every pid the lab ever had, so afterAll can make sure none survives a failed test. */
const seenPids = new Set<number>();

function flexlab(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: labDir, timeout: 90_000, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

interface StateFile {
  daemon: { pid: number };
  nodes: { name: string; state: string; pid?: number }[];
}

async function stateFile(): Promise<StateFile> {
  const state = JSON.parse(await readFile(join(labDir, ".flexlab/state.json"), "utf8")) as StateFile;
  seenPids.add(state.daemon.pid);
  for (const n of state.nodes) if (n.pid) seenPids.add(n.pid);
  return state;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function statusOf(node: string): Promise<{ state: string; signal?: string; pid?: number }> {
  const run = await flexlab("status", "--json");
  expect(run.code, run.stderr).toBe(0);
  const nodes = (JSON.parse(run.stdout) as { nodes: { name: string; state: string; signal?: string; pid?: number }[] }).nodes;
  return nodes.find((n) => n.name === node)!;
}

beforeAll(async () => {
  labDir = await mkdtemp(join(tmpdir(), "flexlab-e2e-"));
  await copyExampleLab("two-routers", labDir);
});

afterAll(async () => {
  // Whatever happened above: take the lab down, then kill anything still there.
  if (await stat(join(labDir, ".flexlab/state.json")).catch(() => undefined)) {
    await stateFile().catch(() => undefined);
    await flexlab("down");
  }
  for (const pid of seenPids) if (alive(pid)) process.kill(pid, "SIGKILL");
  await rm(labDir, { recursive: true, force: true });
}, 60_000);

describe("process runtime, driven through the flexlab CLI", () => {
  it("brings two-routers up and returns once both nodes are ready", async () => {
    const run = await flexlab("up", ".", "--runtime", "process");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^NODE\s+STATE\s+CONSOLE\s+MGMT\s+PID\n/);
    expect(run.stdout).toMatch(/^R1\s+running\s+\d+\s+\d+\s+\d+$/m);
    expect(run.stdout).toMatch(/^R2\s+running\s+\d+\s+\d+\s+\d+$/m);
    const state = await stateFile();
    expect(state.nodes.every((n) => n.pid && alive(n.pid))).toBe(true);
  }, 90_000);

  it("pings across the bridge and shows interfaces through exec", async () => {
    const ping = await flexlab("exec", "R1", "ping 10.0.12.2");
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stdout).toContain("!!!!!");
    const brief = await flexlab("exec", "R2", "show ip interface brief");
    expect(brief.stdout).toMatch(/^Ethernet0\/0\s+10\.0\.12\.2\s+YES NVRAM\s+up\s+up\s*$/m);
  }, 30_000);

  it("names the nodes there are when asked for one that is not", async () => {
    const run = await flexlab("exec", "R9", "show version");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no node "R9" in lab two-routers (nodes: R1, R2)');
  }, 30_000);

  it("reports a SIGKILLed node as crashed while the other keeps answering, then restarts it", async () => {
    const victim = (await stateFile()).nodes.find((n) => n.name === "R2")!.pid!;
    process.kill(victim, "SIGKILL");
    // The daemon notes the crash in the state file at once; then `status` must say so too.
    for (let i = 0; i < 100 && (await stateFile()).nodes.find((n) => n.name === "R2")!.pid === victim; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await statusOf("R2")).toMatchObject({ state: "crashed", signal: "SIGKILL" });
    const other = await flexlab("exec", "R1", "show ip interface brief");
    expect(other.stdout).toContain("10.0.12.1");

    const restart = await flexlab("restart", "R2");
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stderr).toMatch(/^R2: running \(console \d+, mgmt \d+\)$/m);
    const back = (await stateFile()).nodes.find((n) => n.name === "R2")!;
    expect(back.pid).not.toBe(victim);
    const brief = await flexlab("exec", "R2", "show ip interface brief");
    expect(brief.stdout).toMatch(/^Ethernet0\/0\s+10\.0\.12\.2\s/m);
  }, 60_000);

  it("goes down leaving no process and no state file", async () => {
    await stateFile();
    const run = await flexlab("down");
    expect(run.code, run.stderr).toBe(0);
    expect([...seenPids].filter(alive)).toEqual([]);
    expect(await stat(join(labDir, ".flexlab/state.json")).catch(() => undefined)).toBeUndefined();
    const again = await flexlab("status");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("no lab running here");
  }, 30_000);

  it("leaves no router behind when the lab daemon itself is killed", async () => {
    const up = await flexlab("up", ".", "--runtime", "process");
    expect(up.code, up.stderr).toBe(0);
    const state = await stateFile();
    const routers = state.nodes.map((n) => n.pid!);
    expect(routers.every(alive)).toBe(true);
    process.kill(state.daemon.pid, "SIGKILL");
    for (let i = 0; i < 100 && routers.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(routers.filter(alive)).toEqual([]);
    const down = await flexlab("down"); // clears the state the dead daemon left
    expect(down.code, down.stderr).toBe(0);
  }, 90_000);
});
