import { describe, expect, it } from "vitest";
import { seedView } from "../testdata/fake-lab";
import { BRIDGE_GAP, COLUMN_GAP, layoutTopology, shortInterface } from "./topology-layout";

describe("the topology layout", () => {
  it("draws a two-end link as one edge labelled with both interfaces, and a three-end link through a bridge dot", () => {
    const { nodes, edges } = layoutTopology(seedView());
    expect(nodes.map((n) => [n.id, n.type])).toEqual([
      ["R1-HUB", "router"],
      ["INET", "router"],
      ["R3-Spoke1", "router"],
      ["R4-Spoke", "router"],
      ["link1", "bridge"],
    ]);
    expect(edges).toEqual([
      { id: "e0", source: "R1-HUB", target: "INET", label: "Et0/0 — Et0/0" },
      { id: "e1.0", source: "INET", target: "link1", label: "Et0/1" },
      { id: "e1.1", source: "R3-Spoke1", target: "link1", label: "Et0/0" },
      { id: "e1.2", source: "R4-Spoke", target: "link1", label: "Et0/0" },
    ]);
  });

  it("lays routers out in columns by distance from the first, the spokes side by side behind their segment", () => {
    const at = Object.fromEntries(layoutTopology(seedView()).nodes.map((n) => [n.id, n.position]));
    expect(at["R1-HUB"].x).toBe(0);
    expect(at.INET.x).toBe(COLUMN_GAP);
    expect(at.link1.x).toBe(COLUMN_GAP + BRIDGE_GAP);
    expect(at["R3-Spoke1"].x).toBe(at["R4-Spoke"].x);
    expect(at["R3-Spoke1"].y).toBeLessThan(at["R4-Spoke"].y);
    // The single routers of a column sit level with the middle of the tallest one.
    expect(at.INET.y).toBe((at["R3-Spoke1"].y + at["R4-Spoke"].y) / 2);
  });

  it("carries each router's state for its card", () => {
    const view = seedView("running");
    view.nodes[2] = { ...view.nodes[2], state: "crashed" };
    expect(layoutTopology(view).nodes.map((n) => n.data.state)).toEqual(["running", "running", "crashed", "running", undefined]);
  });

  it("abbreviates interface names as IOS does, from any accepted spelling", () => {
    expect(shortInterface("Ethernet0/1")).toBe("Et0/1");
    expect(shortInterface("e0/2")).toBe("Et0/2");
    expect(shortInterface("Tunnel0")).toBe("Tu0");
  });

  it("draws routers where lab.yaml puts them, a bridge dot amid its routers, and a new router right of those placed", () => {
    const view = seedView();
    const at = { "R1-HUB": { x: 0, y: 0 }, INET: { x: 400, y: 0 }, "R3-Spoke1": { x: 800, y: -100 } } as Record<string, { x: number; y: number }>;
    view.nodes = view.nodes.map((n) => (at[n.name] ? { ...n, position: at[n.name] } : n));
    const placed = Object.fromEntries(layoutTopology(view).nodes.map((n) => [n.id, n.position]));
    expect(placed["R1-HUB"]).toEqual({ x: 0, y: 0 });
    expect(placed["R3-Spoke1"]).toEqual({ x: 800, y: -100 });
    // R4-Spoke has no position: it goes right of the placed ones, never on top of them.
    expect(placed["R4-Spoke"].x).toBeGreaterThanOrEqual(800 + COLUMN_GAP);
    view.nodes = view.nodes.map((n) => ({ ...n, position: n.position ?? { x: 800, y: 100 } }));
    const all = Object.fromEntries(layoutTopology(view).nodes.map((n) => [n.id, n.position]));
    expect(all.link1).toEqual({ x: 2000 / 3 + 62, y: 0 + 20 });
    view.links = view.links.map((l) => (l.index === 1 ? { ...l, position: { x: 5, y: 6 } } : l));
    expect(layoutTopology(view).nodes.find((n) => n.id === "link1")?.position).toEqual({ x: 5, y: 6 });
  });
});
