import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exampleLabDir } from "./testdata/example-lab";
import { editLabText } from "./lab-file-edit";
import { LabFileError } from "./topology";

const seed = readFileSync(`${exampleLabDir("mpls-over-flexvpn")}/lab.yaml`, "utf8");
const edit = (text: string, e: Parameters<typeof editLabText>[1]) => editLabText(text, e, "lab.yaml", "/lab");

describe("editing lab.yaml from the app", () => {
  it("saves dragged positions of routers and of a bridge dot, keeping the comments", () => {
    const { text, lab } = edit(seed, { kind: "layout", nodes: { "R1-HUB": { x: 10.4, y: -20.6 } }, links: [{ index: 1, position: { x: 300, y: 40 } }] });
    expect(lab.nodes.find((n) => n.name === "R1-HUB")?.position).toEqual({ x: 10, y: -21 });
    expect(lab.links[1].position).toEqual({ x: 300, y: 40 });
    expect(text).toContain("# MPLS over FlexVPN, as in Cisco's configuration guide");
    expect(text).toContain("# one segment");
    expect(text).toMatch(/R1-HUB: \{ kind: router, config: R1-HUB\.cfg, position: \{ x: 10, y: -21 \} \}/);
    // Moving it again replaces the position instead of adding a second one.
    const again = edit(text, { kind: "layout", nodes: { "R1-HUB": { x: 1, y: 2 } }, links: [] });
    expect(again.text.match(/position/g)).toHaveLength(2);
    expect(again.lab.nodes.find((n) => n.name === "R1-HUB")?.position).toEqual({ x: 1, y: 2 });
  });

  it("adds a router and a link to it", () => {
    const added = edit(seed, { kind: "add-node", name: "R5", config: "R5.cfg", position: { x: 5, y: 6 } });
    expect(added.lab.nodes.map((n) => n.name)).toEqual(["R1-HUB", "INET", "R3-Spoke1", "R4-Spoke", "R5"]);
    const linked = edit(added.text, { kind: "add-link", endpoints: [{ node: "R5", iface: "Ethernet0/0" }, { node: "R1-HUB", iface: "Ethernet0/1" }] });
    expect(linked.lab.links[2].endpoints).toEqual([{ node: "R5", iface: "Ethernet0/0" }, { node: "R1-HUB", iface: "Ethernet0/1" }]);
    expect(linked.text).toContain("- endpoints: [ R5:Ethernet0/0, R1-HUB:Ethernet0/1 ]");
  });

  it("removes a router with its link ends, and the links left with one end", () => {
    const { lab } = edit(seed, { kind: "remove-node", name: "R4-Spoke" });
    expect(lab.nodes.map((n) => n.name)).toEqual(["R1-HUB", "INET", "R3-Spoke1"]);
    expect(lab.links.map((l) => l.endpoints.map((e) => e.node))).toEqual([["R1-HUB", "INET"], ["INET", "R3-Spoke1"]]);
    const noInet = edit(seed, { kind: "remove-node", name: "INET" });
    expect(noInet.lab.links.map((l) => l.endpoints.map((e) => e.node))).toEqual([["R3-Spoke1", "R4-Spoke"]]);
  });

  it("removes a link by its index", () => {
    const { lab } = edit(seed, { kind: "remove-link", index: 0 });
    expect(lab.links).toHaveLength(1);
    expect(lab.links[0].endpoints.map((e) => e.node)).toEqual(["INET", "R3-Spoke1", "R4-Spoke"]);
  });

  it("refuses an edit that would break the lab, with the lab file's message, and names what is missing", () => {
    expect(() => edit(seed, { kind: "add-link", endpoints: [{ node: "R1-HUB", iface: "Ethernet0/0" }, { node: "R4-Spoke", iface: "Ethernet0/3" }] })).toThrow(LabFileError);
    expect(() => edit(seed, { kind: "add-link", endpoints: [{ node: "R1-HUB", iface: "Ethernet0/0" }, { node: "R4-Spoke", iface: "Ethernet0/3" }] })).toThrow(/R1-HUB:Ethernet0\/0 is already used/);
    expect(() => edit(seed, { kind: "add-node", name: "INET", config: "x.cfg" })).toThrow(/has a node "INET" already/);
    expect(() => edit(seed, { kind: "layout", nodes: { R9: { x: 0, y: 0 } }, links: [] })).toThrow(/no node "R9"/);
    expect(() => edit(seed, { kind: "remove-link", index: 7 })).toThrow(/no link 7/);
  });
});
