// End-to-end VPNv4 receive (issue 10, "Done when"): one iBGP peer streams 100,000 VPNv4 /24s
// (one RD/RT, 268 NLRIs per UPDATE) over a real TCP session, and we time from its first
// UPDATE until every prefix is selected, then read the receiver's RSS. The shared kit
// (../shared/tools/bgp/ from the repository root) does the measuring for all three
// receivers in the same run: its bench.py for FRR's bgpd and BIRD 2, and
// bgp_flexlab_receiver.py (next to this file; its header says how) for our router, running as
// its own process in the kit's bgpb-rx namespace on the packet backend. Each figure is the
// fastest of BGP_BENCH_RUNS runs (default 3): on a shared machine other work only slows a
// run down; each receiver's CPU seconds over its run print too, the figure such load distorts
// least. Beside each receiver's figure, `.generator-written` is when the generator (Python)
// had written its last UPDATE in that run. FRR and BIRD read through the kernel's TCP, which
// takes the whole 1.5 MB stream into its buffers in milliseconds; ours reads through our own
// TCP, whose receive window opens only as fast as the router takes the UPDATEs in, so there
// it is how long the stream took to get into the router, and `selected` minus it is what
// selection and installing still took after the last byte. A second run of ours without a
// VRF (`.vpn-only`) holds the routes in the VPNv4 table only, as the peers here do, for a
// like-for-like comparison. Needs root, iproute2, python3 and the packet-socket addon; FRR and BIRD are
// measured when installed (`.ci/run` installs both).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AGENT_ENV, AGENT_NODE_FLAGS } from "../../core/lab/agent-entry";
import { netnsSkipReason } from "../support/netns";
import { bundleNetnsRouter } from "../support/netns-router";
import type { Benchmark, Figure } from "./bench";

const REPO = resolve(import.meta.dirname, "../..");
const KIT = resolve(REPO, "../shared/tools/bgp");
const RECEIVER = join(REPO, "test/bench/bgp_flexlab_receiver.py");
const PREFIXES = 100_000;
const RUNS = Number(process.env.BGP_BENCH_RUNS ?? 3);
const POLL_MS = 50;

interface KitRun {
  readonly accepted?: boolean;
  readonly error?: string;
  readonly sel_s_from_first?: number | null;
  readonly gen_all_written_s?: number | null;
  readonly receiver_cpu_s?: number | null;
  readonly rss_kb_after?: { readonly receiver?: { readonly VmRSS?: number } };
  readonly final?: { readonly state?: string | null; readonly rcvd?: number; readonly selected?: number };
}

interface Measured {
  readonly selectedS: number;
  readonly rssMb: number;
  /** The receiver's user+system CPU over the run: what load on a shared machine distorts least. */
  readonly cpuS: number;
  /** When the generator had written its last UPDATE into the socket, from its first (paced
   * by the receiver's TCP window: see the header). */
  readonly writtenS: number | undefined;
}

/** Runs one receiver through the kit and returns its fastest complete run, or why there is none. */
function measure(receiver: "frr" | "bird" | "flexlab" | "flexlab-vpn-only", out: string, program?: string): Measured | string {
  const common = ["-n", String(PREFIXES), "--runs", String(RUNS), "--poll-ms", String(POLL_MS), "--no-wait-quiet", "--out", out];
  const args =
    receiver === "flexlab" || receiver === "flexlab-vpn-only"
      ? [RECEIVER, "--kit", KIT, "--node", process.execPath, ...AGENT_NODE_FLAGS.map((f) => `--node-flag=${f}`), ...(program ? ["--program", program] : []), ...(receiver === "flexlab-vpn-only" ? ["--vpn-only"] : []), ...common]
      : // every run counts: the kit's own "other load" filter would retry forever on a machine shared by design
        [join(KIT, "bench.py"), receiver, "--max-foreign", "1000", "--max-retries", "0", ...common];
  // Our router runs with the agents' flags and environment; the peers with the bench's own.
  const ours = receiver === "flexlab" || receiver === "flexlab-vpn-only";
  const r = spawnSync("python3", args, { cwd: REPO, encoding: "utf8", timeout: 15 * 60_000, env: ours ? { ...process.env, ...AGENT_ENV } : process.env });
  if (!existsSync(out)) return `${receiver}: no result (exit ${r.status}): ${(r.stderr || r.stdout).trim().slice(-600)}`;
  const runs = readFileSync(out, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as KitRun);
  const complete = runs.filter((run) => run.error === undefined && typeof run.sel_s_from_first === "number");
  if (complete.length === 0) {
    const last = runs.at(-1);
    return `${receiver}: no run selected all ${PREFIXES} prefixes (last: ${last?.error ?? JSON.stringify(last?.final)})`;
  }
  const best = complete.reduce((a, b) => (b.sel_s_from_first! < a.sel_s_from_first! ? b : a));
  return { selectedS: best.sel_s_from_first!, rssMb: (best.rss_kb_after?.receiver?.VmRSS ?? 0) / 1024, cpuS: best.receiver_cpu_s ?? 0, writtenS: best.gen_all_written_s ?? undefined };
}

const benchmarks: Benchmark[] = [
  {
    name: "bgp.vpnv4-100k.selected",
    async run(): Promise<Figure[]> {
      const skip = netnsSkipReason() ?? (existsSync(join(KIT, "bench.py")) ? undefined : `the shared BGP kit is missing (${KIT})`);
      if (skip) {
        console.log(`bench bgp.vpnv4-100k.selected skipped: ${skip}`);
        return [];
      }
      const dir = mkdtempSync(join(tmpdir(), "flexlab-bgp-bench-"));
      try {
        const figures: Figure[] = [];
        const peers = new Map<string, Measured>();
        for (const peer of ["frr", "bird"] as const) {
          const installed = peer === "frr" ? existsSync("/usr/lib/frr/bgpd") : existsSync("/usr/sbin/bird");
          if (!installed) {
            console.log(`bench bgp.vpnv4-100k.${peer}.selected skipped: ${peer === "frr" ? "frr" : "bird2"} is not installed`);
            continue;
          }
          const m = measure(peer, join(dir, `${peer}.jsonl`));
          if (typeof m === "string") {
            console.log(`bench bgp.vpnv4-100k.${peer}.selected failed: ${m}`);
            continue;
          }
          peers.set(peer, m);
          figures.push(
            { name: `bgp.vpnv4-100k.${peer}.selected`, value: m.selectedS, unit: "s" },
            { name: `bgp.vpnv4-100k.${peer}.rss`, value: Math.round(m.rssMb), unit: "MB" },
            { name: `bgp.vpnv4-100k.${peer}.cpu`, value: m.cpuS, unit: "s" },
          );
          if (m.writtenS !== undefined) figures.push({ name: `bgp.vpnv4-100k.${peer}.generator-written`, value: m.writtenS, unit: "s" });
        }
        const program = await bundleNetnsRouter();
        const ours = measure("flexlab", join(dir, "flexlab.jsonl"), program);
        if (typeof ours === "string") {
          // The peers' figures still print: they say what the machine gave this run.
          console.error(`bench bgp.vpnv4-100k.selected failed: ${ours}`);
          process.exitCode = 1;
          return figures;
        }
        figures.unshift(
          { name: "bgp.vpnv4-100k.selected", value: ours.selectedS, unit: "s" },
          { name: "bgp.vpnv4-100k.rss", value: Math.round(ours.rssMb), unit: "MB" },
          { name: "bgp.vpnv4-100k.cpu", value: ours.cpuS, unit: "s" },
        );
        if (ours.writtenS !== undefined) figures.splice(3, 0, { name: "bgp.vpnv4-100k.generator-written", value: ours.writtenS, unit: "s" });
        // Like for like with the peers, which hold the routes in their VPN table only: no VRF.
        const vpnOnly = measure("flexlab-vpn-only", join(dir, "flexlab-vpn-only.jsonl"), program);
        if (typeof vpnOnly === "string") console.error(`bench bgp.vpnv4-100k.vpn-only.selected failed: ${vpnOnly}`);
        else {
          figures.splice(
            ours.writtenS !== undefined ? 4 : 3,
            0,
            { name: "bgp.vpnv4-100k.vpn-only.selected", value: vpnOnly.selectedS, unit: "s" },
            { name: "bgp.vpnv4-100k.vpn-only.rss", value: Math.round(vpnOnly.rssMb), unit: "MB" },
            { name: "bgp.vpnv4-100k.vpn-only.cpu", value: vpnOnly.cpuS, unit: "s" },
          );
        }
        const frr = peers.get("frr");
        if (frr) figures.push({ name: "bgp.vpnv4-100k.vs-frr", value: frr.selectedS / ours.selectedS, unit: "ratio" });
        if (frr && typeof vpnOnly !== "string") figures.push({ name: "bgp.vpnv4-100k.vpn-only.vs-frr", value: frr.selectedS / vpnOnly.selectedS, unit: "ratio" });
        const bird = peers.get("bird");
        if (bird) figures.push({ name: "bgp.vpnv4-100k.vs-bird", value: bird.selectedS / ours.selectedS, unit: "ratio" });
        return figures;
      } finally {
        spawnSync("python3", [join(KIT, "bench.py"), "teardown"]);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];

export default benchmarks;
