// The process runtime: how long `up` takes until every node is ready, and what the agents
// cost in memory. two-routers is the example lab; the 50-router lab is generated, a chain
// R1–R2–…–R50 with one bridge per link. Runs the runtime in this process (as `flexlab up`
// does after parsing its arguments) and always takes the lab down again.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshAgentBundle, freshDaemonBundle } from "../../core/lab/agent-entry";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { ProcessRuntime } from "../../core/lab/runtime/process";
import type { ProcessLabState as LabState } from "../../core/lab/runtime/types";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";
import { enrolLab } from "../../core/lab/pki";
import { loadLab } from "../../core/lab/topology";
import type { Benchmark, Figure } from "./bench";
import { waitSeedConverged } from "./seed-converged";


/** Resident memory of a process in MB (Linux /proc); 0 when gone. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return kb ? Number(kb[1]) / 1024 : 0;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc); 0 when gone. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 1/100 s on Linux.
  return fields.length > 13 ? (Number(fields[11]) + Number(fields[12])) * 10 : 0;
}

/** Writes a chain lab of `n` routers: Rk Ethernet0/1 — R(k+1) Ethernet0/0 on 10.k.0.0/24. */
async function writeChainLab(dir: string, n: number): Promise<void> {
  const nodes: string[] = [];
  const links: string[] = [];
  for (let k = 1; k <= n; k++) {
    nodes.push(`  R${k}: { kind: router, config: R${k}.cfg }`);
    let cfg = `hostname R${k}\n!\ninterface Loopback0\n ip address 192.168.${Math.floor(k / 256)}.${k % 256} 255.255.255.255\n!\n`;
    if (k > 1) cfg += `interface Ethernet0/0\n ip address 10.${(k - 1) >> 8}.${(k - 1) & 255}.2 255.255.255.0\n!\n`;
    if (k < n) cfg += `interface Ethernet0/1\n ip address 10.${k >> 8}.${k & 255}.1 255.255.255.0\n!\n`;
    await writeFile(join(dir, `R${k}.cfg`), cfg + "end\n");
    if (k < n) links.push(`  - endpoints: [R${k}:Ethernet0/1, R${k + 1}:Ethernet0/0]`);
  }
  await writeFile(join(dir, "lab.yaml"), `name: chain-${n}\nruntime: process\nnodes:\n${nodes.join("\n")}\nlinks:\n${links.join("\n")}\n`);
}

/** Deploys the lab in `dir` (enrolling its trustpoints first when `pki`, as `flexlab up`
 * does), measures, and always destroys it. */
async function upAndMeasure(dir: string, measure: (state: LabState, upMs: number, enrolMs: number) => Promise<Figure[]>, pki = false): Promise<Figure[]> {
  const runtime = new ProcessRuntime();
  const lab = await loadLab(dir);
  // Bundled once after an edit, by whichever `up` comes first: not part of any up's figure.
  await freshDaemonBundle();
  await freshAgentBundle();
  const start = performance.now();
  let state: LabState | undefined;
  try {
    if (pki) await enrolLab(lab);
    const enrolMs = performance.now() - start;
    state = await runtime.deploy(lab, { timeoutMs: 120_000 });
    return await measure(state, performance.now() - start, enrolMs);
  } finally {
    if (state) await runtime.destroy(state);
    await rm(dir, { recursive: true, force: true });
  }
}

/** One exec through the mgmt API, to be sure the lab forwards before its figures count. */
async function mustPing(state: LabState, node: string, target: string): Promise<void> {
  const n = state.nodes.find((x) => x.name === node)!;
  const conn = await connectMgmt({ port: n.mgmtPort, token: state.token });
  if (!conn.ok) throw new Error(`${node}: ${conn.message}`);
  const reply = await conn.client.exec(`ping ${target}`);
  conn.client.close();
  if (!reply.ok || !reply.result.output.includes("!!!")) throw new Error(`${node} ping ${target}: ${reply.ok ? reply.result.output : reply.error.message}`);
}

async function agentsRss(state: LabState): Promise<number[]> {
  return Promise.all(state.nodes.map((n) => (n.pid ? rssMb(n.pid) : Promise.resolve(0))));
}

const benchmarks: Benchmark[] = [
  {
    name: "lab.process.up-two-routers",
    async run() {
      const dir = await mkdtemp(join(tmpdir(), "flexlab-bench-"));
      await copyExampleLab("two-routers", dir);
      return upAndMeasure(dir, async (state, upMs) => {
        await mustPing(state, "R1", "10.0.12.2");
        return [{ name: "lab.process.up-two-routers", value: upMs, unit: "ms" }];
      });
    },
  },
  {
    // The seed lab (MPLS over FlexVPN, four routers) until every interface is up: the hub
    // answers a spoke's ping across INET.
    name: "lab.process.up-seed-lab",
    async run() {
      const dir = await mkdtemp(join(tmpdir(), "flexlab-bench-"));
      await copyExampleLab("mpls-over-flexvpn", dir);
      return upAndMeasure(dir, async (state, upMs) => {
        await mustPing(state, "R4-Spoke", "172.16.0.1");
        return [{ name: "lab.process.up-seed-lab", value: upMs, unit: "ms" }];
      });
    },
  },
  {
    // The seed lab from `up` until it works as the source document describes: both spokes'
    // IKEv2 SAs READY, BGP up over the tunnels, R4-Spoke's cust1 traffic across the VPN.
    // Where the time goes: .enrol (the lab PKI's keys and certificates), .up (until every
    // agent is ready, enrolment included); the rest is IKEv2 (a few hundred ms) and each
    // spoke's BGP session, opened as soon as IKEv2 gives its Tunnel0 an address.
    name: "lab.process.seed-converged",
    async run() {
      const dir = await mkdtemp(join(tmpdir(), "flexlab-bench-"));
      await copyExampleLab("mpls-over-flexvpn", dir);
      return upAndMeasure(
        dir,
        async (state, upMs, enrolMs) => {
          const upAt = performance.now();
          await waitSeedConverged(state.nodes, state.token, 60_000);
          const convergedMs = upMs + performance.now() - upAt;
          // The CPU the lab's own processes spent getting there (the daemon and the agents):
          // on a busy machine the wall time mostly says how long they waited for a core.
          const pids = [state.daemon?.pid, ...state.nodes.map((n) => n.pid)].filter((p): p is number => p !== undefined);
          const labCpuMs = (await Promise.all(pids.map(cpuMs))).reduce((a, b) => a + b, 0);
          return [
            { name: "lab.process.seed-converged", value: convergedMs, unit: "ms" },
            { name: "lab.process.seed-converged.lab-cpu", value: labCpuMs, unit: "ms" },
            { name: "lab.process.seed-converged.enrol", value: enrolMs, unit: "ms" },
            { name: "lab.process.seed-converged.up", value: upMs, unit: "ms" },
          ];
        },
        true,
      );
    },
  },
  {
    name: "lab.process.up-50-routers",
    async run() {
      const dir = await mkdtemp(join(tmpdir(), "flexlab-bench-"));
      await writeChainLab(dir, 50);
      return upAndMeasure(dir, async (state, upMs) => {
        await mustPing(state, "R25", "10.0.25.2");
        const rss = await agentsRss(state);
        const total = rss.reduce((a, b) => a + b, 0);
        const daemon = state.daemon ? await rssMb(state.daemon.pid) : 0;
        return [
          { name: "lab.process.up-50-routers", value: upMs, unit: "ms" },
          { name: "lab.process.up-50-routers.agents-rss", value: total, unit: "MB" },
          { name: "lab.process.router-rss", value: total / rss.length, unit: "MB" },
          { name: "lab.process.daemon-rss", value: daemon, unit: "MB" },
        ];
      });
    },
  },
];

export default benchmarks;
