// One FlexLab router as a plain child process, for interop tests and benchmarks that put it in
// a network namespace: `ip netns exec NS node --import tsx test/support/netns-router-main.ts
// --config FILE --port Ethernet0/0=packet:IFNAME … [--pki FILE]`. It is built the way the agent builds its
// router (real clock behind the bug guard, ports from the agent's --port specs, booted from
// the startup-config) but is driven over stdin/stdout instead of a console and mgmt API:
// those listen on the namespace's own 127.0.0.1, which the test process outside cannot reach,
// while a pipe crosses namespaces.
//
// Protocol, one JSON object per line:
//   stdout, first:  {"ready":true,"pid":N}
//   stdin:          {"id":1,"exec":"show ip bgp vpnv4 all labels"}   (several lines = a paste)
//                   {"id":2,"table":"bgp-vpnv4"}                      (typed rows, as tables.get)
//                   {"id":3,"count":"V1"}                             (a VRF's installed routes)
//                   {"id":4,"memory":true}                            (process.memoryUsage())
//   stdout:         {"id":1,"output":"…"} | {"id":2,"rows":[…]} | {"id":N,"error":"…"}
//                   {"id":3,"routes":N,"bgp":N,"labelled":N}  (all; protocol bgp; bgp with a label to push)
//                   {"id":4,"memory":{"rss":…,"heapUsed":…,…}}
//                   {"log":"%BGP-5-ADJCHANGE: …"}                     (the router's log, any time)
// Closing stdin (or SIGTERM) stops the router and exits 0.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { tableRows } from "../../core/router/agent/tables";
import { openPort, parsePortSpec } from "../../core/router/agent/ports";
import { Shell } from "../../core/router/cli/shell";
import { guardedClock } from "../../core/router/clock/guarded";
import { RealClock } from "../../core/router/clock/real";
import type { Nic } from "../../core/router/io/nic";
import { Router } from "../../core/router/node/router";
import { TABLES } from "../../core/router/node/tables";
import type { TableName } from "../../core/api/tables";
import type { TrustpointMaterial } from "../../core/router/pki/store";
import { startProcessHousekeeping } from "../../core/router/agent/housekeeping";

function fail(message: string): never {
  process.stderr.write(`netns-router: ${message}\n`);
  process.exit(2);
}

function say(message: object): void {
  process.stdout.write(JSON.stringify(message) + "\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" }, port: { type: "string", multiple: true }, name: { type: "string", default: "R1" }, pki: { type: "string" } } });
  if (!values.config) fail("--config FILE is required");
  const name = values.name ?? "R1";
  const reportBug = (context: string, err: unknown): void => {
    process.stderr.write(`netns-router: bug in ${context}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  };
  const clock = guardedClock(new RealClock(), reportBug);
  const ports: Record<string, Nic> = {};
  for (const text of values.port ?? []) {
    const spec = parsePortSpec(text);
    if (typeof spec === "string") fail(spec);
    ports[spec.iface] = await openPort(spec, name, clock);
  }
  // --pki FILE: a JSON list of trustpoint material, what the lab PKI hands a router at boot
  const pki = values.pki ? (JSON.parse(readFileSync(values.pki, "utf8")) as TrustpointMaterial[]) : undefined;
  const router = new Router({ clock, ports, reportBug, pki });
  router.onLog((line) => say({ log: line.text }));
  const booted = router.boot(readFileSync(values.config, "utf8"));
  for (const d of [...booted.diagnostics, ...booted.notes]) process.stderr.write(`netns-router: config line ${d.line}:${d.column}: ${d.message}\n`);
  for (const w of router.takeWarnings()) process.stderr.write(`netns-router: ${w}\n`);

  // As an agent process does (agent/main.ts): memory back to the system when quiet.
  startProcessHousekeeping();

  const shell = new Shell(router, { privileged: true });
  shell.terminalLength = 0;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    router.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  // Requests run one at a time, in order, as lines typed on one console would.
  let queue = Promise.resolve();
  const serve = async (line: string): Promise<void> => {
    let request: { id?: unknown; exec?: unknown; table?: unknown; count?: unknown; memory?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      say({ error: `not JSON: ${line.slice(0, 80)}` });
      return;
    }
    const id = request.id;
    try {
      if (typeof request.exec === "string") {
        let output = "";
        const print = (text: string): void => void (output += text + "\n");
        const write = (text: string): void => void (output += text);
        const lines = request.exec.split(/\r?\n/);
        for (let i = 0; i < lines.length; i++) await shell.execute(lines[i], print, write, undefined, { more: i < lines.length - 1 });
        if (shell.configuring) shell.ctrlZ();
        say({ id, output });
      } else if (typeof request.table === "string") {
        if (!(request.table in TABLES)) say({ id, error: `no table ${request.table}` });
        else say({ id, rows: tableRows(router, request.table as TableName) });
      } else if (typeof request.count === "string") {
        // A benchmark polls this while 100,000 routes arrive: a walk over the installed routes
        // that makes no list of them, builds no rows or text and sorts nothing.
        let routes = 0;
        let bgp = 0;
        let labelled = 0;
        router.routing.rib.forEachInstalled(request.count === "" ? undefined : request.count, (r) => {
          routes++;
          if (r.route.protocol !== "bgp") return;
          bgp++;
          const paths = r.paths;
          let all = paths.length > 0;
          for (let i = 0; all && i < paths.length; i++) all = paths[i].labels !== undefined && paths[i].labels!.length > 0;
          if (all) labelled++;
        });
        say({ id, routes, bgp, labelled });
      } else if (request.memory === true) {
        say({ id, memory: process.memoryUsage() });
      } else say({ id, error: "expected exec, table, count or memory" });
    } catch (err) {
      say({ id, error: err instanceof Error ? err.message : String(err) });
    }
  };
  const input = createInterface({ input: process.stdin });
  input.on("line", (line) => (queue = queue.then(() => serve(line))));
  input.on("close", () => void queue.then(stop));
  say({ ready: true, pid: process.pid });
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
