// The lab daemon with a stand-in agent (fixtures/fake-agent.mjs): wiring, supervision,
// stop/start/restart and a clean shutdown, without loading the router stack.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LabDaemon } from "./daemon";
import { readState } from "./runtime/state";
import { RuntimeError } from "./runtime/types";
import { copyExampleLab } from "./testdata/example-lab";
import { loadLab } from "./topology";

const fakeAgent = { command: process.execPath, args: [fileURLToPath(new URL("./fixtures/fake-agent.mjs", import.meta.url))] };
const dirs: string[] = [];
const daemons: LabDaemon[] = [];

afterEach(async () => {
  delete process.env.FAKE_AGENT_FAIL;
  delete process.env.FAKE_AGENT_BUSY_ONCE;
  for (const d of daemons.splice(0)) await d.shutdown();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function deploy(): Promise<LabDaemon> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-daemon-"));
  dirs.push(dir);
  await copyExampleLab("two-routers", dir);
  const lab = await loadLab(dir);
  const daemon = new LabDaemon({ lab, token: "0123456789abcdef0123456789abcdef", agent: fakeAgent, nodeTimeoutMs: 10_000, controlPort: 9 });
  daemons.push(daemon);
  await daemon.deploy();
  return daemon;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("lab daemon", () => {
  it("starts one agent per node wired to its link's bridge, and writes the state file", async () => {
    const daemon = await deploy();
    const state = daemon.state();
    expect(state.nodes.map((n) => [n.name, n.state])).toEqual([
      ["R1", "running"],
      ["R2", "running"],
    ]);
    const link = state.links[0];
    expect(link.endpoints.map((e) => [e.node, e.iface])).toEqual([
      ["R1", "Ethernet0/0"],
      ["R2", "Ethernet0/0"],
    ]);
    expect(new Set([...link.endpoints.flatMap((e) => [e.bridgePort, e.nodePort]), ...state.nodes.flatMap((n) => [n.consolePort, n.mgmtPort])]).size).toBe(8);
    const onDisk = await readState(state.dir);
    expect(onDisk.ok && onDisk.state.nodes.every((n) => n.state === "running" && n.pid)).toBe(true);
    expect(daemon.statuses()[0].stderrTail).toEqual(["fake agent R1: token present"]);
  });

  it("reports a killed node as crashed with its signal, keeps the other running, and restarts it", async () => {
    const daemon = await deploy();
    const pid = daemon.statuses()[0].pid!;
    process.kill(pid, "SIGKILL");
    await until(() => daemon.statuses()[0].state === "crashed");
    const [r1, r2] = daemon.statuses();
    expect(r1).toMatchObject({ state: "crashed", exitCode: null, signal: "SIGKILL" });
    expect(r1.pid).toBeUndefined();
    expect(r2.state).toBe("running");
    const restarted = await daemon.restartNode("R1");
    expect(restarted.state).toBe("running");
    expect(restarted.pid).not.toBe(pid);
  });

  it("stops and starts one node on request", async () => {
    const daemon = await deploy();
    const pid = daemon.statuses()[1].pid!;
    expect((await daemon.stopNode("R2")).state).toBe("stopped");
    expect(alive(pid)).toBe(false);
    expect((await daemon.startNode("R2")).state).toBe("running");
    await expect(daemon.stopNode("R9")).rejects.toThrow(/no node "R9".*nodes: R1, R2/);
  });

  it("leaves no process and no state file behind on shutdown", async () => {
    const daemon = await deploy();
    const pids = daemon.statuses().map((s) => s.pid!);
    await daemon.shutdown();
    expect(pids.some(alive)).toBe(false);
    expect((await readState(daemon.state().dir)).ok).toBe(false);
  });

  it("starts a node again on fresh ports when one it was given was taken meanwhile", async () => {
    const marker = join(await mkdtemp(join(tmpdir(), "flexlab-busy-")), "busy");
    dirs.push(marker.slice(0, -"/busy".length));
    process.env.FAKE_AGENT_BUSY_ONCE = marker;
    const daemon = await deploy();
    expect(daemon.statuses().map((s) => s.state)).toEqual(["running", "running"]);
  });

  it("fails the deploy with the node's stderr when an agent exits before it is ready, cleaning up", async () => {
    process.env.FAKE_AGENT_FAIL = "R2";
    const err = await deploy().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe("node-failed");
    expect((err as RuntimeError).message).toContain("fake agent R2: cannot load config");
    const daemon = daemons[daemons.length - 1];
    expect(daemon.statuses().every((s) => s.pid === undefined)).toBe(true);
    expect((await readState(daemon.state().dir)).ok).toBe(false);
  });
});
