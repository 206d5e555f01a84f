// The lab daemon with routers hosted many to a process: labs/two-routers with `hosted: 2`
// and R2 kept in a process of its own (`hosted: false`), on the real agent. The state names
// the router host and what it holds; a host that dies crashes its routers only; `start`
// spawns it again; a router moves to a process of its own; shutdown leaves no process.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agentCommand } from "./agent-entry";
import { LabDaemon } from "./daemon";
import { pidAlive, pidRuns } from "./runtime/pids";
import { readState } from "./runtime/state";
import { RouterHostProcess } from "./router-host";
import { copyExampleLab } from "./testdata/example-lab";
import { loadLab } from "./topology";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  for (let i = 0; i < ms / 20 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("lab daemon with hosted routers", () => {
  it("puts hosted nodes in a router host and hosted: false ones in their own process; a dead host crashes only its routers; a router moves out to its own process", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flexlab-hosted-"));
    dirs.push(dir);
    await copyExampleLab("two-routers", dir);
    const loaded = await loadLab(dir);
    const lab = { ...loaded, hosted: 2, nodes: loaded.nodes.map((n) => (n.name === "R2" ? { ...n, hosted: false } : n)) };
    const daemon = new LabDaemon({ lab, token: "0123456789abcdef0123456789abcdef", agent: agentCommand(), nodeTimeoutMs: 60_000, controlPort: 9 });
    try {
      await daemon.deploy();
      const state = daemon.state();
      expect(state.hosts).toEqual([{ index: 0, pid: expect.any(Number), nodes: ["R1"] }]);
      const hostPid = state.hosts![0].pid!;
      expect(pidRuns(hostPid, [RouterHostProcess.mark(0)])).toBe(true);
      const [r1, r2] = state.nodes;
      expect(r1).toMatchObject({ name: "R1", state: "running", pid: hostPid, hostProcess: 0 });
      expect(r2).toMatchObject({ name: "R2", state: "running" });
      expect(r2.hostProcess).toBeUndefined();
      expect(r2.pid).not.toBe(hostPid);
      await daemon.flushed();
      const written = await readState(dir);
      expect(written.ok && written.state.runtime === "process" && written.state.hosts?.[0].nodes).toEqual(["R1"]);

      // The host dies (not asked to): its router is crashed with how it ended; R2 runs on.
      process.kill(hostPid, "SIGKILL");
      await until(() => daemon.statuses()[0].state === "crashed");
      expect(daemon.statuses()[0]).toMatchObject({ name: "R1", state: "crashed", signal: "SIGKILL", hostProcess: 0 });
      expect(daemon.statuses()[0].pid).toBeUndefined();
      expect(daemon.statuses()[1]).toMatchObject({ name: "R2", state: "running" });

      // Starting R1 spawns its host again.
      const started = await daemon.startNode("R1");
      expect(started).toMatchObject({ state: "running", hostProcess: 0, consolePort: r1.consolePort, mgmtPort: r1.mgmtPort });
      expect(started.pid).not.toBe(hostPid);
      const newHost = daemon.state().hosts![0].pid!;
      expect(newHost).toBe(started.pid);

      // Stopping a hosted router keeps its host.
      expect(await daemon.stopNode("R1")).toMatchObject({ state: "stopped" });
      expect(pidAlive(newHost)).toBe(true);

      // Moved out of its host: a process of its own, on the same ports; the host no longer holds it.
      const moved = await daemon.restartInOwnProcess("R1");
      expect(moved).toMatchObject({ name: "R1", state: "running", consolePort: r1.consolePort, mgmtPort: r1.mgmtPort });
      expect(moved.hostProcess).toBeUndefined();
      expect(moved.pid).not.toBe(newHost);
      expect(pidRuns(moved.pid!, ["--name", "R1"])).toBe(true);
      expect(daemon.state().hosts).toEqual([{ index: 0, pid: newHost, nodes: [] }]);

      await daemon.shutdown();
      await until(() => !pidAlive(newHost) && !pidAlive(r2.pid!) && !pidAlive(moved.pid!));
      expect(pidAlive(newHost)).toBe(false);
      expect(pidAlive(r2.pid!)).toBe(false);
      expect(pidAlive(moved.pid!)).toBe(false);
      expect((await readState(dir)).ok).toBe(false);
    } finally {
      await daemon.shutdown();
    }
  }, 120_000);
});
