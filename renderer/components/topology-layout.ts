// The lab drawn as a graph: one node per router, a small bridge node for each link of more
// than two ends, one edge per link end labelled with its interface. Nodes are laid out in
// columns by distance from the first router (a layered drawing: the hub left, the spokes
// right), each column centred. Where lab.yaml has positions (someone dragged the node there),
// they win; nodes without one (a router just added) go in columns right of those placed. Pure,
// so it is tested without a DOM.
import type { LabView, NodeViewState } from "../../core/api/lab-api";
import { canonicalInterfaceName } from "../../core/router/config/grammar/interface-name";

export interface CanvasNode {
  readonly id: string;
  readonly type: "router" | "bridge";
  readonly position: { x: number; y: number };
  readonly data: { readonly label: string; readonly state?: NodeViewState };
}

export interface CanvasEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
}

export const COLUMN_GAP = 290;
/** A long chain of columns folds into bands below one another, so a big lab fits a screen. */
export const MAX_COLUMNS = 8;
/** A column of bridge dots only sits closer to its neighbours. */
export const BRIDGE_GAP = 170;
export const ROW_GAP = 140;

/** "Ethernet0/1" → "Et0/1", as IOS abbreviates in `show ip interface brief`'s cousins. */
export function shortInterface(name: string): string {
  const full = canonicalInterfaceName(name) ?? name;
  const m = /^([A-Za-z]+)(.*)$/.exec(full);
  return m ? `${m[1].slice(0, 2)}${m[2]}` : full;
}

export function bridgeId(linkIndex: number): string {
  return `link${linkIndex}`;
}

export function layoutTopology(view: Pick<LabView, "nodes" | "links">): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const drawn = computedLayout(view);
  const saved = new Map<string, { x: number; y: number }>();
  for (const n of view.nodes) if (n.position) saved.set(n.name, n.position);
  for (const l of view.links) if (l.position && l.endpoints.length > 2) saved.set(bridgeId(l.index), l.position);
  if (saved.size === 0) return drawn;
  const bridgeEnds = new Map(view.links.filter((l) => l.endpoints.length > 2).map((l) => [bridgeId(l.index), l.endpoints.map((e) => e.node)]));
  // A bridge dot without a position of its own sits amid its routers, if they have theirs.
  for (const [id, ends] of bridgeEnds) {
    if (saved.has(id)) continue;
    const placed = ends.map((e) => saved.get(e)).filter((p) => p !== undefined);
    if (placed.length === ends.length) saved.set(id, { x: placed.reduce((a, p) => a + p.x, 0) / placed.length + 62, y: placed.reduce((a, p) => a + p.y, 0) / placed.length + 20 });
  }
  const rest = drawn.nodes.filter((n) => !saved.has(n.id));
  const savedX = Math.max(...[...saved.values()].map((p) => p.x));
  const savedY = Math.min(...[...saved.values()].map((p) => p.y));
  const restX = Math.min(...rest.map((n) => n.position.x));
  const restY = Math.min(...rest.map((n) => n.position.y));
  const nodes = drawn.nodes.map((n) => {
    const at = saved.get(n.id);
    return { ...n, position: at ? { x: at.x, y: at.y } : { x: savedX + COLUMN_GAP + n.position.x - restX, y: savedY + n.position.y - restY } };
  });
  return { nodes, edges: drawn.edges };
}

function computedLayout(view: Pick<LabView, "nodes" | "links">): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const edges: CanvasEdge[] = [];
  const neighbours = new Map<string, string[]>();
  const connect = (a: string, b: string): void => {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  };
  const bridges: string[] = [];
  for (const link of view.links) {
    const [a, b] = link.endpoints;
    if (link.endpoints.length === 2) {
      edges.push({ id: `e${link.index}`, source: a.node, target: b.node, label: `${shortInterface(a.iface)} — ${shortInterface(b.iface)}` });
      connect(a.node, b.node);
      continue;
    }
    const bridge = bridgeId(link.index);
    bridges.push(bridge);
    for (const [i, e] of link.endpoints.entries()) {
      edges.push({ id: `e${link.index}.${i}`, source: e.node, target: bridge, label: shortInterface(e.iface) });
      connect(e.node, bridge);
    }
  }
  // Columns by breadth-first distance from the first router; unconnected parts start anew.
  const column = new Map<string, number>();
  const order = [...view.nodes.map((n) => n.name), ...bridges];
  for (const start of order) {
    if (column.has(start)) continue;
    const base = Math.max(-1, ...column.values()) + 1;
    column.set(start, base);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const next of neighbours.get(queue[i]) ?? []) {
        if (column.has(next)) continue;
        column.set(next, (column.get(queue[i]) ?? 0) + 1);
        queue.push(next);
      }
    }
  }
  const columns = new Map<number, string[]>();
  for (const id of order) columns.set(column.get(id) ?? 0, [...(columns.get(column.get(id) ?? 0) ?? []), id]);
  const tallest = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const onlyBridges = (c: number): boolean => (columns.get(c) ?? []).every((id) => bridges.includes(id));
  const columnX = [0];
  for (let c = 1; c <= Math.max(0, ...columns.keys()); c++) columnX.push(columnX[c - 1] + (onlyBridges(c) || onlyBridges(c - 1) ? BRIDGE_GAP : COLUMN_GAP));
  const position = new Map<string, { x: number; y: number }>();
  const bandHeight = (tallest + 1) * ROW_GAP;
  for (const [c, ids] of columns) {
    const band = Math.floor(c / MAX_COLUMNS);
    const x = columnX[c] - columnX[band * MAX_COLUMNS];
    const offset = band * bandHeight + ((tallest - ids.length) * ROW_GAP) / 2;
    ids.forEach((id, row) => position.set(id, { x, y: offset + row * ROW_GAP }));
  }
  const nodes: CanvasNode[] = [
    ...view.nodes.map((n) => ({ id: n.name, type: "router" as const, position: position.get(n.name) ?? { x: 0, y: 0 }, data: { label: n.name, state: n.state } })),
    ...bridges.map((id) => ({ id, type: "bridge" as const, position: position.get(id) ?? { x: 0, y: 0 }, data: { label: "" } })),
  ];
  return { nodes, edges };
}
