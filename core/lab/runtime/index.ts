// The registry of lab runtimes: which there are, picking one for a lab (the one asked for, or
// for `auto` the first available in the order below), and the one a running lab's state
// names. Nothing here knows a runtime by name: each entry (types.ts, RuntimeEntry) says it.
import type { Lab, RuntimeName } from "../topology";
import { dockerRuntimeEntry } from "./docker-entry";
import { kubernetesRuntimeEntry } from "./kubernetes-entry";
import { processRuntimeEntry } from "./process";
import { swarmRuntimeEntry } from "./swarm-entry";
import { RuntimeError, type DeployRuntimeName, type LabState, type Runtime, type RuntimeEntry } from "./types";

/** `sim` is not a deploy runtime: it runs in-process (`flexlab sim`, runtime/sim.ts). */
export type UpRuntimeName = Exclude<RuntimeName, "sim">;

/** Every deploy runtime, in the order `auto` prefers them (process is always available, so
 * `auto` never reaches a cluster: kubernetes and swarm are only ever asked for by name). */
export const RUNTIME_ENTRIES: readonly RuntimeEntry[] = [dockerRuntimeEntry, processRuntimeEntry, kubernetesRuntimeEntry, swarmRuntimeEntry];

export function runtimeEntry(name: DeployRuntimeName): RuntimeEntry {
  const entry = RUNTIME_ENTRIES.find((e) => e.name === name);
  if (!entry) throw new RuntimeError("internal", `no runtime named ${name}`);
  return entry;
}

/** Resolves `auto` to the first available runtime; rejects when the one asked for is not available. */
export async function chooseRuntime(name: UpRuntimeName): Promise<RuntimeEntry> {
  if (name === "auto") {
    for (const entry of RUNTIME_ENTRIES) if (await entry.available()) return entry;
    throw new RuntimeError("engine-unavailable", `no runtime is available here (${RUNTIME_ENTRIES.map((e) => `${e.name}: ${e.unavailableHint}`).join("; ")})`);
  }
  const entry = runtimeEntry(name);
  if (!(await entry.available())) throw new RuntimeError("engine-unavailable", entry.unavailableHint);
  return entry;
}

/** The runtime that runs a lab whose state says `name`. */
export function runtimeFor(name: LabState["runtime"]): Promise<Runtime> {
  return runtimeEntry(name).create();
}

/** Removes what a lab left behind without a state file, on every available runtime that can
 * find such objects; names what it removed. */
export async function removeLeftovers(lab: Pick<Lab, "name" | "dir">): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of RUNTIME_ENTRIES) {
    if (entry.removeLeftovers && (await entry.available())) removed.push(...(await entry.removeLeftovers(lab)));
  }
  return removed;
}
