// The two ways checks look at a lab (run.ts's CheckTarget): a deployed lab, any runtime,
// through each node's mgmt API as `flexlab exec` and `tables` do; and a simulated one, in
// this process, where waiting moves the virtual clock instead of the wall clock.
import type { MgmtClient } from "../../api/mgmt-client";
import type { TableName } from "../../api/tables";
import type { Simulation } from "../../router/sim/harness";
import { connectNode } from "../running-lab";
import type { LabState } from "../runtime/types";
import type { CheckTarget } from "./run";

/** The mgmt API's exec timeout for one check's command: a ping of 1000 probes fits. */
const EXEC_TIMEOUT_MS = 1_200_000;

/** A deployed lab; `close` ends the mgmt connections it opened (one per node, on first use). */
export function runningLabTarget(state: LabState): CheckTarget & { close(): void } {
  const clients = new Map<string, Promise<{ ok: true; client: MgmtClient } | { ok: false; message: string }>>();
  const client = (node: string) => {
    let c = clients.get(node);
    if (!c) {
      c = connectNode(state, node).then((r) => (r.ok ? { ok: true as const, client: r.value } : { ok: false as const, message: r.message }));
      clients.set(node, c);
    }
    return c;
  };
  return {
    runtime: state.runtime,
    // Each node answers on its own connection; a few checks at once keep a whole card under a second.
    parallel: 8,
    async exec(node, command) {
      const c = await client(node);
      if (!c.ok) return c;
      const reply = await c.client.exec(command, EXEC_TIMEOUT_MS);
      return reply.ok ? { ok: true, output: reply.result.output } : { ok: false, message: `${node}: ${reply.error.message}` };
    },
    async table(node, table: TableName) {
      const c = await client(node);
      if (!c.ok) return c;
      const reply = await c.client.table(table);
      return reply.ok ? { ok: true, rows: reply.result } : { ok: false, message: `${node}: ${reply.error.message}` };
    },
    async runningConfig(node) {
      const c = await client(node);
      if (!c.ok) return c;
      const reply = await c.client.call("config.get", { which: "running" });
      return reply.ok ? { ok: true, text: reply.result.text } : { ok: false, message: `${node}: ${reply.error.message}` };
    },
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close() {
      for (const c of clients.values()) void c.then((r) => r.ok && r.client.close());
    },
  };
}

/** A simulated lab: exec advances virtual time as the command needs; waiting advances it. */
export function simTarget(sim: Simulation): CheckTarget {
  return {
    runtime: "sim",
    parallel: 1,
    exec: async (node, command) => ({ ok: true, output: await sim.exec(node, command) }),
    table: async (node, table) => ({ ok: true, rows: sim.table(node, table) }),
    runningConfig: async (node) => ({ ok: true, text: sim.node(node).router.runningConfigText() }),
    now: () => sim.clock.now(),
    sleep: async (ms) => sim.advance(ms),
  };
}
