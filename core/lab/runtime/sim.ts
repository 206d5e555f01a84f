// The `sim` runtime: a lab folder run in virtual time inside this process, through the
// router's simulation harness. `flexlab sim LABDIR --exec 'NODE: COMMAND'` uses it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Simulation, type SimTopology } from "../../router/sim/harness";
import type { Diagnostic } from "../../router/config/parse";
import type { Lab } from "../topology";
import { labPkiMaterial } from "../pki";
import { writeFileAtomic } from "../../router/agent/storage";

export interface SimExec {
  readonly node: string;
  readonly command: string;
}

/** Parses "NODE: COMMAND". */
export function parseExecSpec(text: string): SimExec | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:\s*(.+)$/.exec(text);
  return m ? { node: m[1], command: m[2] } : undefined;
}

export interface SimLab {
  readonly sim: Simulation;
  /** Startup-config problems per node. */
  readonly diagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
}

/** Builds the simulation of a lab; `write memory` writes the node's config file atomically.
 * `port` may wrap a node's port (a capture tap). */
export async function startSimLab(lab: Lab, port?: SimTopology["port"]): Promise<SimLab> {
  const nodes: Record<string, string> = {};
  for (const n of lab.nodes) nodes[n.name] = await readFile(join(lab.dir, n.config), "utf8");
  const material = await labPkiMaterial(lab);
  const topology: SimTopology = {
    nodes,
    yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
    pki: (node) => material.get(node) ?? [],
    // The lab PKI's certificates are valid from (about) now: a clock at a fixed date before
    // that would find every one not yet valid.
    startMs: Date.now(),
    hardware: (node) => {
      const n = lab.nodes.find((x) => x.name === node);
      return { platform: n?.platform, ports: n?.ports };
    },
    links: lab.links.map((l) => l.endpoints.map((e) => ({ node: e.node, iface: e.iface }))),
    impairments: lab.links.map((l) => l.impair),
    ...(port !== undefined ? { port } : {}),
    storage: (name) => {
      const file = join(lab.dir, lab.nodes.find((n) => n.name === name)!.config);
      let text: string | undefined = nodes[name];
      return {
        readStartup: () => text,
        writeStartup: async (next: string) => {
          await writeFileAtomic(file, next);
          text = next;
        },
      };
    },
  };
  const sim = new Simulation(topology);
  const diagnostics = new Map(sim.names().map((n) => [n, sim.node(n).diagnostics]));
  return { sim, diagnostics };
}
