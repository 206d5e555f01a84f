// Finding the lab a command is about, once `flexlab up` has started it: from `--lab DIR`
// or by walking up from the current folder to the first `.flexlab/state.json`; then its
// runtime and its nodes. Failures are values with a message meant for the user.
import { resolve } from "node:path";
import type { MgmtClient } from "../api/mgmt-client";
import { canonicalInterfaceName } from "../router/config/grammar/interface-name";
import { connectMgmt } from "./mgmt-client";
import { runtimeFor } from "./runtime/index";
import { findLabDir, readState } from "./runtime/state";
import type { LabState, NodeState, Runtime } from "./runtime/types";
import type { Result } from "../api/result";

export type Found<T> = Result<{ value: T }>;

export interface RunningLab {
  readonly state: LabState;
  readonly runtime: Runtime;
}

/** The running lab for `--lab DIR` (or a folder inside it), else for the current folder. */
export async function findRunningLab(labOption: string | undefined, cwd = process.cwd()): Promise<Found<RunningLab>> {
  const start = resolve(cwd, labOption ?? ".");
  const dir = await findLabDir(start);
  if (!dir) {
    return { ok: false, message: labOption ? `no lab running in ${start} (start one with: flexlab up ${labOption})` : `no lab running here (${start}); start one with \`flexlab up LABDIR\` or pass --lab DIR` };
  }
  const read = await readState(dir);
  if (!read.ok) return { ok: false, message: read.message };
  try {
    return { ok: true, value: { state: read.state, runtime: await runtimeFor(read.state.runtime) } };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** A node of the lab by name, or a message listing the names there are. */
export function findNode(state: LabState, name: string): Found<NodeState> {
  const node = state.nodes.find((n) => n.name === name);
  if (node) return { ok: true, value: node };
  return { ok: false, message: `no node "${name}" in lab ${state.lab} (nodes: ${state.nodes.map((n) => n.name).join(", ")})` };
}

/** Opens the mgmt API of a running node (WebSocket on its endpoint, with the lab token). */
export async function connectNode(state: LabState, name: string): Promise<Found<MgmtClient>> {
  const node = findNode(state, name);
  if (!node.ok) return node;
  const { state: now, signal, exitCode } = node.value;
  if (now === "crashed" || now === "stopped") {
    const how = now === "crashed" ? ` (${signal ?? `exit code ${exitCode}`})` : "";
    return { ok: false, message: `node ${name} is ${now}${how}: \`flexlab ${now === "crashed" ? "restart" : "start"} ${name}\`` };
  }
  const connected = await connectMgmt({ host: node.value.host, port: node.value.mgmtPort, token: state.token });
  if (!connected.ok) return { ok: false, message: `node ${name} does not answer on its mgmt port ${node.value.mgmtPort}: ${connected.message}` };
  return { ok: true, value: connected.client };
}

/** The canonical IOS name of an interface as typed ("e0/0" → "Ethernet0/0"); unknown text as is. */
export function interfaceName(text: string): string {
  return canonicalInterfaceName(text) ?? text;
}
