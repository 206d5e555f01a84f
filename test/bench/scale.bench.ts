// Labs beyond one laptop's process count: a 500-router chain on the process runtime with
// routers hosted many to a process (`hosted:` in lab.yaml), generated on the fly: time to up,
// total RSS of every process the lab made (the lab daemon included), a ping from one end of
// the chain to the other, and time to down. Runs the runtime in this process, as `flexlab up`
// does after parsing its arguments, and always takes the lab down again.
//
// The chain: R1–R2–…–R500, Rk Ethernet0/1 to R(k+1) Ethernet0/0 on a /30, static routes only.
// IPv4's 8-bit TTL ends a path after 255 routers, so no packet crosses 500 routers as it is:
// R1 reaches the middle router over a GRE tunnel (its outer packets cross the first half),
// and the middle router forwards the inner packet down the second half. The ping from R1's
// Loopback0 to R500's Loopback0 crosses every router and every link of the chain.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { ProcessRuntime } from "../../core/lab/runtime/process";
import type { LabState, ProcessLabState } from "../../core/lab/runtime/types";
import { SwarmRuntime } from "../../core/lab/runtime/swarm";
import { connectEngine } from "../../core/lab/runtime/docker-engine";
import { removeSwarmObjects, swarmRole } from "../../core/lab/runtime/swarm-objects";
import { ensureRouterImage } from "../../core/lab/image/build";
import { loadLab } from "../../core/lab/topology";
import type { Benchmark, Figure } from "./bench";

/** Resident memory of a process in MB (Linux /proc); 0 when gone. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return kb ? Number(kb[1]) / 1024 : 0;
}

/** 10.0.0.0/8 address number n as text. */
function ip10(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Router k's Loopback0, the ping's ends and the tunnel's far end. */
const loopback0 = (k: number): string => `172.16.${k >> 8}.${k & 255}`;
/** R1's Loopback1: the tunnel's source at R1, apart from the ping's source so the middle
 * router can route the ping's replies into the tunnel without routing the tunnel into itself. */
const R1_TUNNEL_SOURCE = "172.17.0.1";
/** Link k (Rk–R(k+1)), k from 1: its /30's two host addresses. */
const leftEnd = (k: number): string => ip10(4 * (k - 1) + 1);
const rightEnd = (k: number): string => ip10(4 * (k - 1) + 2);
const HOST32 = "255.255.255.255";

/** Router k's startup-config in a chain of n with the tunnel from R1 to router `middle`. */
function chainConfig(k: number, n: number, middle: number): string {
  const lines = [`hostname R${k}`, "!", "interface Loopback0", ` ip address ${loopback0(k)} ${HOST32}`, "!"];
  if (k === 1) lines.push("interface Loopback1", ` ip address ${R1_TUNNEL_SOURCE} ${HOST32}`, "!");
  if (k === 1 || k === middle) {
    lines.push(
      "interface Tunnel0",
      ` ip address 192.168.0.${k === 1 ? 1 : 2} 255.255.255.252`,
      ` tunnel source ${k === 1 ? "Loopback1" : "Loopback0"}`,
      ` tunnel destination ${k === 1 ? loopback0(middle) : R1_TUNNEL_SOURCE}`,
      "!",
    );
  }
  if (k > 1) lines.push("interface Ethernet0/0", ` ip address ${rightEnd(k - 1)} 255.255.255.252`, "!");
  if (k < n) lines.push("interface Ethernet0/1", ` ip address ${leftEnd(k)} 255.255.255.252`, "!");
  const left = k > 1 ? leftEnd(k - 1) : undefined;
  const right = k < n ? rightEnd(k) : undefined;
  // Everything unknown goes down the chain (the last router: back up it).
  lines.push(`ip route 0.0.0.0 0.0.0.0 ${right ?? left}`);
  if (k === 1) lines.push(`ip route ${loopback0(n)} ${HOST32} 192.168.0.2`);
  // The tunnel's outer packets back to R1 cross the first half.
  if (left && k <= middle) lines.push(`ip route ${R1_TUNNEL_SOURCE} ${HOST32} ${left}`);
  // The ping's replies go back up the second half, and into the tunnel at the middle.
  if (k === middle) lines.push(`ip route ${loopback0(1)} ${HOST32} 192.168.0.1`);
  else if (left && k > middle) lines.push(`ip route ${loopback0(1)} ${HOST32} ${left}`);
  return [...lines, "end", ""].join("\n");
}

/** Writes the chain lab of `n` routers, `hosted` to a process, into `dir`; on `runtime`. */
async function writeChainLab(dir: string, n: number, hosted: number | undefined, runtime = "process"): Promise<void> {
  const middle = Math.ceil(n / 2);
  const nodes: string[] = [];
  const links: string[] = [];
  for (let k = 1; k <= n; k++) {
    nodes.push(`  R${k}: { kind: router, config: R${k}.cfg }`);
    await writeFile(join(dir, `R${k}.cfg`), chainConfig(k, n, middle));
    if (k < n) links.push(`  - endpoints: [R${k}:Ethernet0/1, R${k + 1}:Ethernet0/0]`);
  }
  await writeFile(join(dir, "lab.yaml"), `name: chain-${n}\nruntime: ${runtime}\n${hosted === undefined ? "" : `hosted: ${hosted}\n`}nodes:\n${nodes.join("\n")}\nlinks:\n${links.join("\n")}\n`);
}

/** Every process of the lab: the daemon, the router hosts, any router of its own. */
function labPids(state: ProcessLabState): number[] {
  const pids = new Set<number>([state.daemon.pid]);
  for (const h of state.hosts ?? []) if (h.pid !== undefined) pids.add(h.pid);
  for (const n of state.nodes) if (n.pid !== undefined) pids.add(n.pid);
  return [...pids];
}

/** Pings until one run answers every echo (the first waits for ARP all along the chain);
 * returns the average round trip in ms and the success rate of that run. */
async function pingAcross(state: Pick<LabState, "nodes" | "token">, from: string, target: string, source: string): Promise<{ rttMs: number; percent: number; output: string }> {
  const node = state.nodes.find((x) => x.name === from)!;
  const conn = await connectMgmt({ port: node.mgmtPort, token: state.token });
  if (!conn.ok) throw new Error(`${from}: ${conn.message}`);
  try {
    let output = "";
    for (let attempt = 0; attempt < 10; attempt++) {
      const reply = await conn.client.exec(`ping ${target} source ${source} repeat 5 timeout 2`);
      if (!reply.ok) throw new Error(`${from}: ${reply.error.message}`);
      output = reply.result.output;
      const m = /Success rate is (\d+) percent .*min\/avg\/max = \d+\/(\d+)\/\d+ ms/.exec(output);
      if (m && m[1] === "100") return { rttMs: Number(m[2]), percent: 100, output };
    }
    throw new Error(`${from} ping ${target} never answered every echo:\n${output}`);
  } finally {
    conn.client.close();
  }
}

async function hostedChain(n: number, hosted: number): Promise<Figure[]> {
  const name = `scale.hosted-${n}`;
  const dir = await mkdtemp(join(tmpdir(), "flexlab-bench-scale-"));
  const runtime = new ProcessRuntime();
  let state: ProcessLabState | undefined;
  try {
    await writeChainLab(dir, n, hosted);
    const lab = await loadLab(dir);
    const start = performance.now();
    state = await runtime.deploy(lab, { timeoutMs: 300_000 });
    const upMs = performance.now() - start;
    const pids = labPids(state);
    const rss = (await Promise.all(pids.map(rssMb))).reduce((a, b) => a + b, 0);
    const ping = await pingAcross(state, "R1", loopback0(n), "Loopback0");
    const rssAfterPing = (await Promise.all(pids.map(rssMb))).reduce((a, b) => a + b, 0);
    const downStart = performance.now();
    await runtime.destroy(state);
    state = undefined;
    const downMs = performance.now() - downStart;
    return [
      { name: `${name}.up`, value: upMs / 1000, unit: "s" },
      { name: `${name}.rss`, value: Math.max(rss, rssAfterPing), unit: "MB" },
      { name: `${name}.processes`, value: pids.length, unit: "processes" },
      { name: `${name}.ping-end-to-end`, value: ping.rttMs, unit: `ms (avg RTT R1 to R${n}, success ${ping.percent} %)` },
      { name: `${name}.down`, value: downMs / 1000, unit: "s" },
    ];
  } finally {
    if (state) await runtime.destroy(state).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same chain as services on a single-node swarm (the swarm runtime): time to up (every
 * router's mgmt API answering through the gateway) and to down (no service, network or
 * container left), and the ping along it. Puts the engine in swarm mode when it is not, and
 * takes it out again; reports nothing, saying why, without an engine.
 */
async function swarmChain(n: number): Promise<Figure[]> {
  const name = `scale.swarm-${n}`;
  const connected = await connectEngine();
  if (!connected.ok) {
    console.log(`bench ${name} skipped: ${connected.message}`);
    return [];
  }
  const { docker } = connected.engine;
  const image = await ensureRouterImage(); // this tree's agent, as `flexlab up` makes sure of (not timed)
  if (!image.ok) throw new Error(`flexlab image build: ${image.message}`);
  const madeSwarm = !(await swarmRole(docker)).ok;
  if (madeSwarm) await docker.swarmInit({ ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1" });
  const dir = await mkdtemp(join(tmpdir(), "flexlab-bench-swarm-"));
  const runtime = new SwarmRuntime();
  let state: LabState | undefined;
  try {
    await writeChainLab(dir, n, undefined, "swarm");
    const lab = await loadLab(dir);
    const start = performance.now();
    const deployed = await runtime.deploy(lab, { timeoutMs: 900_000 });
    state = deployed;
    const upMs = performance.now() - start;
    const ping = await pingAcross(deployed, "R1", loopback0(n), "Loopback0");
    const downStart = performance.now();
    await runtime.destroy(deployed);
    state = undefined;
    const downMs = performance.now() - downStart;
    return [
      { name: `${name}.up`, value: upMs / 1000, unit: "s" },
      { name: `${name}.ping-end-to-end`, value: ping.rttMs, unit: `ms (avg RTT R1 to R${n}, success ${ping.percent} %)` },
      { name: `${name}.down`, value: downMs / 1000, unit: "s" },
    ];
  } finally {
    if (state) await removeSwarmObjects(docker, `chain-${n}`).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    if (madeSwarm) await docker.swarmLeave({ force: true }).catch(() => {});
  }
}

const benchmarks: Benchmark[] = [
  {
    // 500 routers, 100 to a router host: five host processes and the lab daemon.
    name: "scale.hosted-500",
    run: () => hostedChain(500, 100),
  },
  {
    // 100 routers as 100 swarm services, 99 link overlays.
    name: "scale.swarm-100",
    run: () => swarmChain(100),
  },
];

export default benchmarks;
