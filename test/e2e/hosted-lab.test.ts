// Routers hosted many to a process, as an engineer runs them: labs/two-pe with
// `flexlab up --hosted 2` puts both PEs in one router host; status says which host holds each,
// the VRFs ping across, every client (exec, console) works as with a process per router. A
// fault thrown in PE2's own code path (test/support/host-fault.mjs, loaded through
// NODE_OPTIONS by this test only, trips on one ping size) crashes PE2 alone: status shows it
// crashed with its error, PE1 keeps answering, `flexlab start PE2` brings it back,
// `restart PE2 --own-process` moves it out of the host, and `down` leaves no process behind.
import { connect } from "node:net";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pidAlive } from "../../core/lab/runtime/pids";
import { labStateSchema } from "../../core/lab/runtime/types";
import { execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";
import { HOST_FAULT_PING_SIZE } from "../support/host-fault.mjs";

const labCopy = exampleLabCopies("two-pe");

async function state(dir: string) {
  return labStateSchema.parse(JSON.parse(await readFile(join(dir, ".flexlab/state.json"), "utf8")));
}

/** The console's first bytes: the telnet negotiation a client sees on connecting. */
function consoleAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("data", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.setTimeout(5000, () => (socket.destroy(), resolve(false)));
  });
}

describe("a hosted lab (process runtime, routers many to a process)", () => {
  it("runs labs/two-pe in one router host; a fault in one router crashes it alone; start brings it back; down leaves nothing", async () => {
    const dir = await labCopy(`two-pe-hosted-${process.pid}`);
    const hook = new URL("../support/host-fault.mjs", import.meta.url).href;
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${before ?? ""} --import ${hook}`.trim();
    let up;
    try {
      up = await flexlab(dir, ["up", ".", "--runtime", "process", "--hosted", "2"]);
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain("1 router host of up to 2");
    const s = await state(dir);
    expect(s.runtime).toBe("process");
    if (s.runtime !== "process") return;
    expect(s.hosts).toEqual([{ index: 0, pid: expect.any(Number), nodes: ["PE1", "PE2"] }]);
    const hostPid = s.hosts![0].pid!;
    expect(s.nodes.map((n) => [n.name, n.pid, n.hostProcess])).toEqual([
      ["PE1", hostPid, 0],
      ["PE2", hostPid, 0],
    ]);
    // Each router its own ports, every client as before.
    expect(new Set(s.nodes.flatMap((n) => [n.consolePort, n.mgmtPort])).size).toBe(4);
    for (const n of s.nodes) expect(await consoleAnswers(n.consolePort)).toBe(true);
    const status = await flexlab(dir, ["status"]);
    expect(status.stdout).toMatch(new RegExp(`^PE1 +running +\\d+ +\\d+ +${hostPid} \\(host 0\\)$`, "m"));
    await execUntil(dir, "PE1", "show ip bgp vpnv4 all summary", /^10\.0\.0\.2 .* +2\s*$/m);
    expect((await flexlab(dir, ["exec", "PE1", "ping vrf A 192.168.2.1 source Loopback10"])).stdout).toContain("Success rate is 100 percent (5/5)");

    // PE1's ping of this size throws where PE2's port delivers it.
    const fault = await flexlab(dir, ["exec", "PE1", `ping 172.16.12.2 size ${HOST_FAULT_PING_SIZE} repeat 1 timeout 1`]);
    expect(fault.stdout).toContain("Success rate is 0 percent");
    let crashed = "";
    for (let i = 0; i < 20 && !/^PE2 +crashed/m.test(crashed); i++) {
      crashed = (await flexlab(dir, ["status"])).stdout;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(crashed).toMatch(/^PE2 +crashed +\d+ +\d+ +- \(host 0\)$/m);
    expect(crashed).toMatch(/PE2 crashed; its error:\n(.*\n)*.*injected fault/);
    expect(crashed).toMatch(new RegExp(`^PE1 +running +\\d+ +\\d+ +${hostPid} \\(host 0\\)$`, "m"));
    expect(pidAlive(hostPid)).toBe(true);
    expect((await flexlab(dir, ["exec", "PE1", "show running-config | include hostname"])).stdout).toContain("hostname PE1");
    const refused = await flexlab(dir, ["exec", "PE2", "show clock"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("node PE2 is crashed");

    // Back in the same host, on the same ports; the VPN comes back.
    const start = await flexlab(dir, ["start", "PE2"]);
    expect(start.code, start.stderr).toBe(0);
    const after = await state(dir);
    expect(after.nodes.find((n) => n.name === "PE2")).toMatchObject({ state: "running", pid: hostPid, hostProcess: 0, consolePort: s.nodes[1].consolePort, mgmtPort: s.nodes[1].mgmtPort });
    await execUntil(dir, "PE1", "show ip bgp vpnv4 all summary", /^10\.0\.0\.2 .* +2\s*$/m);
    expect((await flexlab(dir, ["exec", "PE1", "ping vrf A 192.168.2.1 source Loopback10"])).stdout).toContain("Success rate is 100 percent (5/5)");

    // Out of the host into a process of its own, on the same ports.
    const move = await flexlab(dir, ["restart", "PE2", "--own-process"]);
    expect(move.code, move.stderr).toBe(0);
    const moved = (await state(dir)).nodes.find((n) => n.name === "PE2")!;
    expect(moved).toMatchObject({ state: "running", consolePort: s.nodes[1].consolePort, mgmtPort: s.nodes[1].mgmtPort });
    expect(moved.hostProcess).toBeUndefined();
    expect(moved.pid).not.toBe(hostPid);
    expect((await flexlab(dir, ["status"])).stdout).toMatch(new RegExp(`^PE2 +running +\\d+ +\\d+ +${moved.pid}$`, "m"));
    await execUntil(dir, "PE1", "show ip bgp vpnv4 all summary", /^10\.0\.0\.2 .* +2\s*$/m);
    expect((await flexlab(dir, ["exec", "PE1", "ping vrf A 192.168.2.1 source Loopback10"])).stdout).toContain("Success rate is 100 percent (5/5)");

    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
    expect(pidAlive(hostPid)).toBe(false);
    expect(pidAlive(moved.pid!)).toBe(false);
    expect(pidAlive(s.daemon.pid)).toBe(false);
  }, 240_000);
});
