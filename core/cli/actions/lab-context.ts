// What the lab commands share: finding the running lab (`--lab DIR` or the current folder),
// turning failures into one clear message on stderr and an exit code, and the status table.
import type { MgmtClient } from "../../api/mgmt-client";
import { connectNode, findRunningLab, type RunningLab } from "../../lab/running-lab";
import { formatImpairment } from "../../lab/link-impair";
import { RuntimeError, type LabState, type LinkState, type NodeStatus } from "../../lab/runtime/types";
import type { LabOption } from "../options";
import { formatTextTable } from "../text-table";

/** Prints `flexlab: message` and sets the exit code. */
export function fail(message: string, exitCode = 1): void {
  console.error(`flexlab: ${message}`);
  process.exitCode = exitCode;
}

/** A RuntimeError (or any error) as a message; exit code 2 for a usage problem. */
export function failWith(err: unknown): void {
  if (err instanceof RuntimeError) return fail(err.message, err.code === "no-such-node" ? 2 : 1);
  fail(err instanceof Error ? err.message : String(err));
}

export async function runningLab(options: LabOption): Promise<RunningLab | undefined> {
  const found = await findRunningLab(options.lab);
  if (!found.ok) {
    fail(found.message);
    return undefined;
  }
  return found.value;
}

/** Runs `body` with a mgmt client of one node of the running lab, closing it afterwards. */
export async function withNode(options: LabOption, node: string, body: (client: MgmtClient, lab: RunningLab) => Promise<void>): Promise<void> {
  const lab = await runningLab(options);
  if (!lab) return;
  const client = await connectNode(lab.state, node);
  if (!client.ok) return fail(client.message, client.message.startsWith("no node") ? 2 : 1);
  try {
    await body(client.value, lab);
  } finally {
    client.value.close();
  }
}

/** A running lab as `--json` prints it (`up`, `status`): never the lab's token. */
export function labJson(state: LabState, nodes: readonly NodeStatus[]): string {
  const statuses = nodes.map(({ name, state: s, consolePort, mgmtPort, pid, hostProcess, containerId, exitCode, signal, stderrTail }) => ({ name, state: s, consolePort, mgmtPort, pid, hostProcess, containerId, exitCode, signal, stderrTail }));
  const links = state.links.map(({ index, endpoints, carrier, impair }) => ({ index, endpoints: endpoints.map((e) => `${e.node}:${e.iface}`), carrier: carrier ?? "up", ...(impair ? { impair } : {}) }));
  return JSON.stringify({ lab: state.lab, dir: state.dir, runtime: state.runtime, createdAt: state.createdAt, nodes: statuses, links }, null, 2) + "\n";
}

export { rejectedCommand } from "../../lab/rejected";

/** The links of a running lab: endpoints, cable, impairment. */
export function formatLinkTable(links: readonly LinkState[]): string {
  const rows = links.map((l) => [String(l.index), l.endpoints.map((e) => `${e.node}:${e.iface}`).join(" "), l.carrier ?? "up", formatImpairment(l.impair)]);
  return formatTextTable(["LINK", "ENDPOINTS", "CABLE", "IMPAIRMENT"], rows);
}

export function formatStatusTable(nodes: readonly NodeStatus[]): string {
  const rows = nodes.map((n) => {
    const exit = n.state === "crashed" || n.state === "stopped" ? (n.signal ?? (n.exitCode !== undefined && n.exitCode !== null ? `exit ${n.exitCode}` : "")) : "";
    const pid = n.pid !== undefined ? String(n.pid) : (n.containerId?.slice(0, 12) ?? "-");
    return [n.name, n.state + (exit ? ` (${exit})` : ""), String(n.consolePort), String(n.mgmtPort), n.hostProcess !== undefined ? `${pid} (host ${n.hostProcess})` : pid];
  });
  return formatTextTable(["NODE", "STATE", "CONSOLE", "MGMT", "PID"], rows);
}

/** The last stderr lines of crashed nodes, indented under their name. */
export function formatCrashReports(nodes: readonly NodeStatus[]): string {
  let text = "";
  for (const n of nodes) {
    if (n.state !== "crashed" || !n.stderrTail?.length) continue;
    text += `\n${n.name} crashed; ${n.hostProcess !== undefined && n.exitCode === undefined && !n.signal ? "its error" : "its last stderr lines"}:\n${n.stderrTail.map((l) => `  ${l}`).join("\n")}\n`;
  }
  return text;
}
