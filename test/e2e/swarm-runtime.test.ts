// The swarm runtime end to end, as an engineer runs it: the seed lab (labs/mpls-over-flexvpn)
// with `flexlab up --runtime swarm` on a single-node swarm, then exec, console, tables and
// capture through the gateway's ports on 127.0.0.1, the VRF ping from R4-Spoke across the
// MPLS-over-FlexVPN tunnel, and `down` leaving no service, network or container of the lab.
// It puts the engine in swarm mode when it is not (and takes it out again afterwards), and
// skips, saying why, when no engine answers.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { labFilter } from "../../core/lab/runtime/docker-labels";
import { removeSwarmObjects, swarmRole } from "../../core/lab/runtime/swarm-objects";
import { ROOT, execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";

const engineAnswers = await dockerAvailable();
const title = engineAnswers ? "swarm runtime" : `swarm runtime (skipped: ${NO_ENGINE_HINT})`;
if (!engineAnswers) console.warn(`test/e2e/swarm-runtime: skipped: ${NO_ENGINE_HINT}`);

const LAB = `e2e-swarm-${process.pid}`;
const docker = new Docker();
const labCopy = exampleLabCopies("mpls-over-flexvpn");
let dir = "";
/** Whether this test put the engine in swarm mode (and so takes it out again). */
let madeSwarm = false;

async function exec(node: string, command: string): Promise<string> {
  const r = await flexlab(dir, ["exec", node, command]);
  expect(r.code, `${node}# ${command}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

/** `flexlab COMMAND…` with `input` on its standard input, for the console. */
function flexlabWithInput(args: string[], input: string, closeAfterMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/flexlab.mjs"), ...args], { cwd: dir, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.write(input);
    setTimeout(() => child.stdin.end(), closeAfterMs);
  });
}

describe.skipIf(!engineAnswers)(title, () => {
  beforeAll(async () => {
    const role = await swarmRole(docker);
    if (!role.ok) {
      await docker.swarmInit({ ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1" });
      madeSwarm = true;
    }
    dir = await labCopy(LAB);
  }, 60_000);

  afterAll(async () => {
    await removeSwarmObjects(docker, LAB).catch(() => undefined); // whatever a failed test left
    if (madeSwarm) await docker.swarmLeave({ force: true });
  }, 120_000);

  it("deploys the seed lab with `flexlab up --runtime swarm`: a service per router, internal overlays, ports on 127.0.0.1 only", async () => {
    const up = await flexlab(dir, ["up", ".", "--runtime", "swarm"], 240_000);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/starting 4 nodes and 2 links \(swarm runtime\)/);
    const status = await flexlab(dir, ["status", "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('"runtime": "swarm"');

    const services = await docker.listServices({ filters: labFilter(LAB) });
    expect(services.map((s) => s.Spec?.Name).sort()).toEqual(["R1-HUB", "INET", "R3-Spoke1", "R4-Spoke"].map((n) => `flexlab-${LAB}-${n}`).sort());
    for (const s of services) {
      expect(s.Spec?.Mode?.Replicated?.Replicas).toBe(1);
      expect(s.Spec?.EndpointSpec?.Ports ?? []).toEqual([]); // the routers publish nothing
    }
    const overlays = (await docker.listNetworks({ filters: labFilter(LAB) })).filter((n) => n.Driver === "overlay");
    expect(overlays).toHaveLength(3); // management and two links
    for (const n of overlays) {
      expect(n.Internal).toBe(true);
      expect(n.Attachable).toBe(true);
    }
    const containers = await docker.listContainers({ filters: labFilter(LAB) });
    for (const c of containers) for (const p of c.Ports.filter((x) => x.PublicPort)) expect(p.IP).toBe("127.0.0.1");
    expect(containers.flatMap((c) => c.Ports.filter((x) => x.PublicPort))).toHaveLength(8);
  }, 300_000);

  it("pings vrf cust1 from R4-Spoke's Loopback100 to the hub's LAN across the MPLS-over-FlexVPN tunnel", async () => {
    await execUntil(dir, "R4-Spoke", "show crypto session", /Session status: UP-ACTIVE/);
    let output = "";
    for (let i = 0; i < 30; i++) {
      output = await exec("R4-Spoke", "ping vrf cust1 192.168.110.1 source Loopback100");
      if (/Success rate is [1-9]\d* percent/.test(output)) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(output).toMatch(/Success rate is [1-9]\d* percent/);
  }, 180_000);

  it("serves a router's tables as data", async () => {
    const names = await flexlab(dir, ["tables", "R4-Spoke"]);
    expect(names.code, names.stderr).toBe(0);
    expect(names.stdout).toMatch(/^mpls-forwarding$/m);
    const rows = await flexlab(dir, ["tables", "R4-Spoke", "interfaces", "--json"]);
    expect(rows.code, rows.stderr).toBe(0);
    expect(rows.stdout).toContain("172.16.1.104");
  }, 60_000);

  it("opens a router's console through the gateway", async () => {
    const r = await flexlabWithInput(["console", "R4-Spoke"], "\r\nshow ip interface brief\r\n", 3000);
    expect(r.stdout).toMatch(/R4-Spoke[>#]/);
    expect(r.stdout).toMatch(/Ethernet0\/0\s+172\.16\.1\.104/);
  }, 60_000);

  it("captures R4-Spoke's WAN port while it pings the hub", async () => {
    const file = join(dir, "r4-wan.pcapng");
    const child = spawn(process.execPath, [join(ROOT, "bin/flexlab.mjs"), "capture", "R4-Spoke", "Ethernet0/0", "-w", file], { cwd: dir, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    for (let i = 0; i < 300 && !(await readFile(file).catch(() => Buffer.alloc(0))).includes("R4-Spoke Ethernet0/0"); i++) await new Promise((r) => setTimeout(r, 100));
    await exec("R4-Spoke", "ping 172.16.0.1");
    child.kill("SIGINT");
    expect(await exited, stderr).toBe(0);
    const frames = Number(/^(\d+) frames captured on R4-Spoke Ethernet0\/0/m.exec(stderr)?.[1] ?? 0);
    expect(frames, stderr).toBeGreaterThanOrEqual(10);
    const decoded = await flexlab(dir, ["decode", file]);
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(decoded.stdout).toMatch(/IPv4 .*ICMP/);
  }, 90_000);

  it("takes the lab down: no service, network or container of it stays", async () => {
    const down = await flexlab(dir, ["down"], 120_000);
    expect(down.code, down.stderr).toBe(0);
    expect(await docker.listServices({ filters: labFilter(LAB) })).toEqual([]);
    expect(await docker.listNetworks({ filters: labFilter(LAB) })).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: labFilter(LAB) })).toEqual([]);
  }, 150_000);
});
