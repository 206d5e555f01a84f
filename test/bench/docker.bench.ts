// The docker runtime: how long deploying two-routers takes until both agents are ready (the
// networks, two containers, their boots), what each router container costs in memory once
// up (its cgroup's charge as `docker stats` shows it, which leaves out the node binary's
// pages another container was charged for first, and the agent's RSS), and how long destroy
// takes. Builds the router image first when it is missing (not
// timed). Prints why and reports nothing when no engine answers.
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRouterImage, ensureRouterImage } from "../../core/lab/image/build";
import { ROUTER_IMAGE } from "../../core/lab/image/tag";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { DockerRuntime } from "../../core/lab/runtime/docker";
import { connectEngine } from "../../core/lab/runtime/docker-engine";
import { removeLabObjects } from "../../core/lab/runtime/docker-objects";
import type { DockerLabState as LabState } from "../../core/lab/runtime/types";
import { enrolLab } from "../../core/lab/pki";
import { loadLab } from "../../core/lab/topology";
import type { Benchmark, Figure } from "./bench";
import { waitSeedConverged } from "./seed-converged";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RUNS = 3;
const LAB = `bench-two-routers-${process.pid}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A copy of a lab under its own name, readable by the containers' uid 1000. */
async function labCopy(source = "labs/two-routers", name = LAB): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-docker-bench-"));
  await chmod(dir, 0o755);
  await cp(join(ROOT, source), dir, { recursive: true });
  const yaml = await readFile(join(dir, "lab.yaml"), "utf8");
  await writeFile(join(dir, "lab.yaml"), yaml.replace(/^name: .*$/m, `name: ${name}`));
  return dir;
}

/** The agent's resident memory in MB, seen from the host (the child of the container's init);
 * undefined where the engine runs elsewhere (a VM) and its processes are not ours to see. */
async function agentRssMb(initPid: number): Promise<number | undefined> {
  try {
    const child = (await readFile(`/proc/${initPid}/task/${initPid}/children`, "utf8")).trim().split(/\s+/)[0];
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${child}/status`, "utf8"));
    return kb ? Number(kb[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function mustPing(state: LabState, node = "R1", target = "10.0.12.2"): Promise<void> {
  const n = state.nodes.find((x) => x.name === node)!;
  const conn = await connectMgmt({ port: n.mgmtPort, token: state.token });
  if (!conn.ok) throw new Error(`${node}: ${conn.message}`);
  const reply = await conn.client.exec(`ping ${target}`);
  conn.client.close();
  if (!reply.ok || !reply.result.output.includes("!!!")) throw new Error(`${node} cannot ping ${target}: ${reply.ok ? reply.result.output : reply.error.message}`);
}

const benchmarks: Benchmark[] = [
  {
    name: "lab.docker.up-two-routers",
    async run(): Promise<Figure[]> {
      const connected = await connectEngine();
      if (!connected.ok) {
        console.log(`bench lab.docker.up-two-routers skipped: ${connected.message}`);
        return [];
      }
      const { docker } = connected.engine;
      if (!(await docker.getImage(ROUTER_IMAGE).inspect().then(() => true, () => false))) {
        const built = await buildRouterImage();
        if (!built.ok) throw new Error(`flexlab image build: ${built.message}`);
      }
      const runtime = new DockerRuntime();
      const dir = await labCopy();
      const upMs: number[] = [];
      const downMs: number[] = [];
      const memoryMb: number[] = [];
      const rssMb: number[] = [];
      try {
        for (let run = 0; run < RUNS; run++) {
          const lab = await loadLab(dir);
          let start = performance.now();
          const state = await runtime.deploy(lab, { timeoutMs: 60_000 });
          upMs.push(performance.now() - start);
          try {
            await mustPing(state);
            await new Promise((r) => setTimeout(r, 1000)); // let the agents settle after boot
            for (const n of state.nodes) {
              const container = docker.getContainer(n.containerId!);
              const rss = await agentRssMb((await container.inspect()).State.Pid);
              if (rss !== undefined) rssMb.push(rss);
              const stats = await container.stats({ stream: false });
              // What `docker stats` shows: usage less the reclaimable page cache (cgroup v1 and v2).
              const m = stats.memory_stats;
              const cache = m.stats.total_inactive_file ?? m.stats.inactive_file ?? 0;
              memoryMb.push((m.usage - cache) / 2 ** 20);
            }
          } finally {
            start = performance.now();
            await runtime.destroy(state);
            downMs.push(performance.now() - start);
          }
        }
      } finally {
        await removeLabObjects(docker, LAB, 0).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      }
      return [
        { name: "lab.docker.up-two-routers", value: median(upMs), unit: "ms" },
        { name: "lab.docker.router-container-memory", value: median(memoryMb), unit: "MB" },
        ...(rssMb.length ? [{ name: "lab.docker.router-agent-rss", value: median(rssMb), unit: "MB" }] : []),
        { name: "lab.docker.down-two-routers", value: median(downMs), unit: "ms" },
      ];
    },
  },
  {
    // The seed lab (four routers, one three-ended segment) until a spoke reaches the hub.
    name: "lab.docker.up-seed-lab",
    async run(): Promise<Figure[]> {
      const connected = await connectEngine();
      if (!connected.ok) {
        console.log(`bench lab.docker.up-seed-lab skipped: ${connected.message}`);
        return [];
      }
      const { docker } = connected.engine;
      // This tree's agent, as `flexlab up` makes sure of (not timed).
      const image = await ensureRouterImage();
      if (!image.ok) throw new Error(`flexlab image build: ${image.message}`);
      const name = `${LAB}-seed`;
      const dir = await labCopy("labs/mpls-over-flexvpn", name);
      const runtime = new DockerRuntime();
      try {
        const start = performance.now();
        const lab = await loadLab(dir);
        await enrolLab(lab); // as `flexlab up` does: the spokes authenticate with lab certificates
        const state = await runtime.deploy(lab, { timeoutMs: 60_000 });
        try {
          await mustPing(state, "R4-Spoke", "172.16.0.1");
          const upMs = performance.now() - start;
          // Then until IKEv2, BGP and the labelled VPN work, as lab.process.seed-converged.
          await waitSeedConverged(state.nodes, state.token, 60_000);
          return [
            { name: "lab.docker.up-seed-lab", value: upMs, unit: "ms" },
            { name: "lab.docker.seed-converged", value: performance.now() - start, unit: "ms" },
          ];
        } finally {
          await runtime.destroy(state);
        }
      } finally {
        await removeLabObjects(docker, name, 0).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];

export default benchmarks;
