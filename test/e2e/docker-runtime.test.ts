// The docker runtime end to end on a real engine: the router image built offline, a copy of
// labs/two-routers deployed as two containers on an internal link network, a ping across it
// through the mgmt API, node stop/start, and destroy leaving nothing labelled behind. Skips,
// saying why, when no engine answers.
import { chmod, chown, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { readFileSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRouterImage, type BuiltImage } from "../../core/lab/image/build";
import { AGENT_ENV, AGENT_NODE_FLAGS } from "../../core/lab/agent-entry";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { dockerAvailable, DockerRuntime } from "../../core/lab/runtime/docker";
import { LABEL_ROLE, labFilter } from "../../core/lab/runtime/docker-labels";
import { removeLabObjects } from "../../core/lab/runtime/docker-objects";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { loadLab } from "../../core/lab/topology";
import type { DockerLabState as LabState } from "../../core/lab/runtime/types";

const engineAnswers = await dockerAvailable();
const title = engineAnswers ? "docker runtime" : `docker runtime (skipped: ${NO_ENGINE_HINT})`;
if (!engineAnswers) console.warn(`test/e2e/docker-runtime: skipped: ${NO_ENGINE_HINT}`);

/** A lab name of its own, so a two-routers lab someone runs on this engine is left alone. */
const LAB = `e2e-two-routers-${process.pid}`;
const docker = new Docker();
const runtime = new DockerRuntime();
let labDir = "";
let image: BuiltImage | undefined;
let state: LabState | undefined;

async function exec(node: string, command: string): Promise<string> {
  if (!state) throw new Error("lab not deployed");
  const n = state.nodes.find((x) => x.name === node)!;
  const connected = await connectMgmt({ port: n.mgmtPort, token: state.token });
  if (!connected.ok) throw new Error(`mgmt of ${node}: ${connected.message}`);
  try {
    const reply = await connected.client.exec(command);
    if (!reply.ok) throw new Error(`${node}# ${command}: ${reply.error.message}`);
    return reply.result.output;
  } finally {
    connected.client.close();
  }
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(path, uid, gid);
    else await chown(path, uid, gid);
  }
}

/** The agent's pid as the host sees it: the child of the container's init (tini). */
async function agentPid(containerId: string): Promise<number> {
  const info = await docker.getContainer(containerId).inspect();
  const init = info.State.Pid;
  return Number(readFileSync(`/proc/${init}/task/${init}/children`, "utf8").trim().split(/\s+/)[0]);
}

async function agentStatus(containerId: string): Promise<string> {
  return readFileSync(`/proc/${await agentPid(containerId)}/status`, "utf8");
}

describe.skipIf(!engineAnswers)(title, () => {
  beforeAll(async () => {
    labDir = await mkdtemp(join(tmpdir(), "flexlab-docker-e2e-"));
    await chmod(labDir, 0o755);
    await copyExampleLab("two-routers", labDir);
    const yaml = await readFile(join(labDir, "lab.yaml"), "utf8");
    await writeFile(join(labDir, "lab.yaml"), yaml.replace(/^name: .*$/m, `name: ${LAB}`));
    // An engineer's lab belongs to a normal user, and the agent runs as that user: when the
    // suite runs as root (CI), hand the folder to uid 1000 to test that case.
    if (process.getuid?.() === 0) await chownTree(labDir, 1000, 1000);
  });

  afterAll(async () => {
    if (state) await runtime.destroy(state).catch(() => undefined);
    await removeLabObjects(docker, LAB, 0).catch(() => undefined); // whatever a failed test left
    await rm(labDir, { recursive: true, force: true });
  }, 60_000);

  it("builds the router image offline: node, its libraries and the agent bundle, no registry", async () => {
    const built = await buildRouterImage();
    if (!built.ok) throw new Error(built.message);
    image = built.image;
    expect(image.tag).toMatch(/^flexlab\/router:\d+\.\d+\.\d+/);
    expect(image.sizeBytes).toBeGreaterThan(50e6);
    expect(image.sizeBytes).toBeLessThan(200e6);
    const config = (await docker.getImage(image.tag).inspect()).Config;
    expect(config.User).toBe("flexlab");
    expect(config.Entrypoint).toEqual(["node", ...AGENT_NODE_FLAGS, "/opt/flexlab/agent.mjs"]);
    for (const [k, v] of Object.entries(AGENT_ENV)) expect(config.Env).toContain(`${k}=${v}`);
    expect(config.Labels?.["flexlab.image"]).toBe("router");
  }, 120_000);

  it("deploys two-routers: a container per node, an internal network per link, consoles on 127.0.0.1", async () => {
    const steps: string[] = [];
    state = await runtime.deploy(await loadLab(labDir), { onProgress: (node, step) => steps.push(`${node}:${step}`) });
    expect(steps).toContain("R1:ready");
    expect(steps).toContain("R2:ready");
    expect(state.runtime).toBe("docker");
    expect(state.nodes.map((n) => n.state)).toEqual(["running", "running"]);
    expect((await stat(join(labDir, ".flexlab/state.json"))).isFile()).toBe(true);

    const containers = await docker.listContainers({ all: true, filters: labFilter(LAB) });
    expect(containers).toHaveLength(2);
    for (const c of containers) for (const p of c.Ports.filter((x) => x.PublicPort)) expect(p.IP).toBe("127.0.0.1");
    const networks = await docker.listNetworks({ filters: labFilter(LAB) });
    const links = networks.filter((n) => n.Labels?.[LABEL_ROLE] === "link");
    expect(links).toHaveLength(1);
    expect(links[0].Internal).toBe(true);
    expect(links[0].IPAM?.Config?.[0]?.Subnet).toMatch(/\/29$/);
    // every link endpoint's MAC is the one the agent was told
    const endpoints = state.links[0].endpoints;
    for (const e of endpoints) {
      const info = await docker.getContainer(state.nodes.find((n) => n.name === e.node)!.containerId!).inspect();
      expect(info.NetworkSettings.Networks[links[0].Name].MacAddress).toBe(e.mac);
    }
  }, 90_000);

  it("pings R2 from R1 across the Docker link network", async () => {
    const output = await exec("R1", "ping 10.0.12.2");
    expect(output).toContain("!!!!!");
    expect(output).toContain("Success rate is 100 percent (5/5)");
  }, 30_000);

  it("shows the link interface up with its startup-config address", async () => {
    const output = await exec("R1", "show ip interface brief");
    expect(output).toMatch(/^Ethernet0\/0\s+10\.0\.12\.1\s+YES\s+NVRAM\s+up\s+up/m);
    expect(output).toMatch(/^Loopback0\s+1\.1\.1\.1/m);
  }, 30_000);

  it("runs the agent as the lab folder's (non-root) owner with no capability left, under no-new-privileges", async () => {
    const status = await agentStatus(state!.nodes[0].containerId!);
    expect(/^Uid:\s+(.*)$/m.exec(status)?.[1].split(/\s+/).map(Number)).toEqual(Array(4).fill((await stat(labDir)).uid));
    expect((await stat(labDir)).uid).not.toBe(0);
    expect(/^CapEff:\s+(\w+)/m.exec(status)?.[1]).toBe("0000000000000000");
    expect(/^CapPrm:\s+(\w+)/m.exec(status)?.[1]).toBe("0000000000000000");
    expect(/^NoNewPrivs:\s+(\d)/m.exec(status)?.[1]).toBe("1");
  }, 30_000);

  it("listens for console and mgmt on the management address only, not on the links", async () => {
    const id = state!.nodes[0].containerId!;
    const info = await docker.getContainer(id).inspect();
    const mgmtIp = Object.entries(info.NetworkSettings.Networks).find(([name]) => name.endsWith("-mgmt"))?.[1].IPAddress;
    expect(mgmtIp).toMatch(/^10\./);
    // The agent's listening TCP sockets: its namespace's table (/proc/PID/net/tcp), rows whose
    // inode is one of the agent's open sockets (the engine's DNS listens there too).
    const pid = await agentPid(id);
    const socketInode = (fd: string): string | undefined => {
      try {
        return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      } catch {
        return undefined; // closed meanwhile
      }
    };
    const inodes = new Set((await readdir(`/proc/${pid}/fd`)).map(socketInode).filter(Boolean));
    const table = readFileSync(`/proc/${pid}/net/tcp`, "utf8").trim().split("\n").slice(1);
    const listening = table
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === "0A" && inodes.has(f[9]))
      .map((f) => f[1]);
    const hex = (ip: string, port: number): string =>
      `${ip.split(".").map((o) => Number(o).toString(16).padStart(2, "0").toUpperCase()).reverse().join("")}:${port.toString(16).toUpperCase().padStart(4, "0")}`;
    expect(listening.sort(), JSON.stringify(listening)).toEqual([hex(mgmtIp!, 2323), hex(mgmtIp!, 2324)].sort());
  }, 30_000);

  it("writes memory into the lab folder, as the folder's owner", async () => {
    expect(await exec("R1", "configure terminal\ninterface Loopback7\nip address 7.7.7.7 255.255.255.255\nend\nwrite memory")).toContain("[OK]");
    const saved = await readFile(join(labDir, "R1.cfg"), "utf8");
    expect(saved).toContain("interface Loopback7\n ip address 7.7.7.7 255.255.255.255\n");
    expect((await stat(join(labDir, "R1.cfg"))).uid).toBe((await stat(labDir)).uid);
  }, 30_000);

  it("stops and starts a node, its link coming back", async () => {
    const stopped = await runtime.stopNode(state!, "R2");
    expect(stopped.state).toBe("stopped");
    expect((await runtime.status(state!)).map((n) => n.state)).toEqual(["running", "stopped"]);
    const started = await runtime.startNode(state!, "R2");
    expect(started.state).toBe("running");
    expect(await exec("R1", "ping 2.2.2.2 source Loopback0")).toContain("!!!!!");
  }, 60_000);

  it("destroys exactly what it made: no container or network with the lab's label, no state", async () => {
    await runtime.destroy(state!);
    state = undefined;
    expect(await docker.listContainers({ all: true, filters: labFilter(LAB) })).toEqual([]);
    expect(await docker.listNetworks({ filters: labFilter(LAB) })).toEqual([]);
    await expect(stat(join(labDir, ".flexlab/state.json"))).rejects.toThrow();
  }, 60_000);
});
