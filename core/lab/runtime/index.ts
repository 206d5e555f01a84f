// Picks the runtime for a lab: the one asked for, or for `auto` docker when an engine
// answers and the process runtime otherwise; and the runtime of a lab already running.
import type { Lab, RuntimeName } from "../topology";
import type * as Docker from "./docker";
import { ProcessRuntime } from "./process";
import type { DeployRuntimeName, Runtime } from "./types";

/** `sim` is not a deploy runtime: it runs in-process (`flexlab sim`). */
export type UpRuntimeName = Exclude<RuntimeName, "sim">;

/** Loaded on demand: the docker runtime brings dockerode, which the process runtime does without. */
function dockerModule(): Promise<typeof Docker> {
  return import("./docker");
}

/** Resolves `auto`; rejects with a message when docker was asked for and is not there. */
export async function chooseRuntime(name: UpRuntimeName): Promise<DeployRuntimeName> {
  if (name === "process") return "process";
  const available = await (await dockerModule()).dockerAvailable().catch(() => false);
  if (name === "docker" && !available) throw new Error("no Docker engine answers (is dockerd running?)");
  return available ? "docker" : "process";
}

export async function runtimeFor(name: DeployRuntimeName): Promise<Runtime> {
  if (name === "process") return new ProcessRuntime();
  return new (await dockerModule()).DockerRuntime();
}

/** Removes what a lab left behind without a state file, on every runtime whose objects can be
 * found that way (docker: by label); names what it removed. The process runtime needs none:
 * its daemon writes the state before it starts a router, and routers die with their daemon. */
export async function removeLeftovers(lab: Pick<Lab, "name" | "dir">): Promise<string[]> {
  const docker = await dockerModule();
  if (!(await docker.dockerAvailable())) return [];
  return docker.removeLeftovers(lab);
}
