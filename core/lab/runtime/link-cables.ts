// A link's impairment and cable where the link has no box of ours in the middle (the docker
// runtime's links are Docker networks): every router on the link applies it to the port on
// that link, through its mgmt API's `link.set` (io/cable-nic.ts), to the frames that port
// receives — the meaning the process runtime's bridges give it. The state file keeps the
// link as it is, so a node that starts later takes it up (`applyLinksOfNode`).
import { connectMgmt } from "../mgmt-client";
import { isNoImpairment } from "../../router/io/impair";
import type { LabState, LinkChange, LinkState, NodeState } from "./types";

/** The link after a change: its impairment (null or nothing set: none) and its cable. */
export function changedLink(link: LinkState, change: LinkChange): LinkState {
  let next = link;
  if (change.impair !== undefined) {
    const impair = change.impair && !isNoImpairment(change.impair) ? change.impair : undefined;
    const { impair: _old, ...rest } = next;
    next = impair ? { ...rest, impair } : rest;
  }
  if (change.carrier !== undefined) {
    const { carrier: _old, ...rest } = next;
    next = change.carrier === "down" ? { ...rest, carrier: "down" } : rest;
  }
  return next;
}

/** What a node's port on `link` must be set to, or undefined when nothing differs from a
 * fresh port (no impairment, cable in). */
function settingOf(link: LinkState): LinkChange | undefined {
  if (!link.impair && link.carrier !== "down") return undefined;
  return { ...(link.impair ? { impair: link.impair } : {}), ...(link.carrier === "down" ? { carrier: "down" as const } : {}) };
}

/** Sets `change` on the node's ports of the given links; rejects with a message naming the node. */
async function setOnNode(state: LabState, node: NodeState, ports: readonly { readonly iface: string; readonly change: LinkChange }[]): Promise<void> {
  if (!ports.length) return;
  const connected = await connectMgmt({ host: node.host, port: node.mgmtPort, token: state.token });
  if (!connected.ok) throw new Error(`${node.name} does not answer on its mgmt port ${node.mgmtPort}: ${connected.message}`);
  try {
    for (const { iface, change } of ports) {
      const reply = await connected.client.call("link.set", { iface, ...change });
      if (!reply.ok) throw new Error(`${node.name} ${iface}: ${reply.error.message}`);
    }
  } finally {
    connected.client.close();
  }
}

/** Applies a change of `link` on every router of it named in `running`; the others take it
 * up when they start. Rejects with every node that failed. */
export async function applyLinkChange(state: LabState, link: LinkState, change: LinkChange, running: ReadonlySet<string>): Promise<void> {
  const byNode = new Map<string, { iface: string; change: LinkChange }[]>();
  for (const e of link.endpoints) {
    if (!running.has(e.node)) continue;
    const ports = byNode.get(e.node) ?? [];
    ports.push({ iface: e.iface, change });
    byNode.set(e.node, ports);
  }
  const results = await Promise.allSettled([...byNode].map(([name, ports]) => setOnNode(state, nodeOf(state, name), ports)));
  const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (failed.length) throw new Error(failed.join("; "));
}

/** Gives a node that just became ready its links' impairments and pulled cables. */
export async function applyLinksOfNode(state: LabState, name: string): Promise<void> {
  const ports = state.links.flatMap((link) => {
    const change = settingOf(link);
    return change ? link.endpoints.filter((e) => e.node === name).map((e) => ({ iface: e.iface, change })) : [];
  });
  await setOnNode(state, nodeOf(state, name), ports);
}

function nodeOf(state: LabState, name: string): NodeState {
  const node = state.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name} in lab ${state.lab}`);
  return node;
}
