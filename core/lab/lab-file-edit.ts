// Edits of lab.yaml the app makes (a node dragged, a router or a link added or removed), done
// on the YAML document rather than its data so the user's comments stay where they were. Each
// edit returns the new text, which is parsed with the lab file's own rules before anyone writes
// it: an edit that would make the lab invalid is refused with the lab file's message. Pure
// (text in, text out); lab-service.ts reads and writes the file.
import { isMap, isSeq, parseDocument, type Document } from "yaml";
import { parseLab, type CanvasPosition, type Lab } from "./topology";

export type LabEdit =
  /** Positions of nodes (by name) and of multi-end links' bridge dots (by index). */
  | { readonly kind: "layout"; readonly nodes: Readonly<Record<string, CanvasPosition>>; readonly links: readonly { readonly index: number; readonly position: CanvasPosition }[] }
  | { readonly kind: "add-node"; readonly name: string; readonly config: string; readonly position?: CanvasPosition }
  /** Removes the node and its ends of links; a link left with one end goes too. */
  | { readonly kind: "remove-node"; readonly name: string }
  | { readonly kind: "add-link"; readonly endpoints: readonly { readonly node: string; readonly iface: string }[] }
  | { readonly kind: "remove-link"; readonly index: number }
  /** The lab's name (a lab made from a template takes its folder's). */
  | { readonly kind: "rename"; readonly name: string };

/** Canvas pixels are kept whole: a position is for the eye, not a measurement. */
function rounded(p: CanvasPosition): CanvasPosition {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

function flowNode(doc: Document, value: unknown): ReturnType<Document["createNode"]> {
  return doc.createNode(value, { flow: true });
}

/** Applies `edit` to lab.yaml's text; throws LabFileError when the result is not a valid lab,
 * or an Error naming what the edit refers to that is not there. */
export function editLabText(text: string, edit: LabEdit, file: string, dir: string): { text: string; lab: Lab } {
  const before = parseLab(text, file, dir);
  const doc = parseDocument(text, { uniqueKeys: true });
  const hasNode = (name: string): boolean => before.nodes.some((n) => n.name === name);
  switch (edit.kind) {
    case "layout": {
      for (const [name, position] of Object.entries(edit.nodes)) {
        if (!hasNode(name)) throw new Error(`no node "${name}" in lab ${before.name}`);
        doc.setIn(["nodes", name, "position"], flowNode(doc, rounded(position)));
      }
      for (const { index, position } of edit.links) {
        if (!before.links[index]) throw new Error(`no link ${index} in lab ${before.name}`);
        doc.setIn(["links", index, "position"], flowNode(doc, rounded(position)));
      }
      break;
    }
    case "add-node": {
      if (hasNode(edit.name)) throw new Error(`lab ${before.name} has a node "${edit.name}" already`);
      const entry = { kind: "router", config: edit.config, ...(edit.position ? { position: rounded(edit.position) } : {}) };
      doc.setIn(["nodes", edit.name], flowNode(doc, entry));
      break;
    }
    case "remove-node": {
      if (!hasNode(edit.name)) throw new Error(`no node "${edit.name}" in lab ${before.name}`);
      // From the last link back, so the indexes of those still to visit do not move.
      for (const link of [...before.links].reverse()) {
        const kept = link.endpoints.filter((e) => e.node !== edit.name);
        if (kept.length === link.endpoints.length) continue;
        if (kept.length < 2) {
          doc.deleteIn(["links", link.index]);
          continue;
        }
        const endpoints = doc.getIn(["links", link.index, "endpoints"], true);
        if (!isSeq(endpoints)) continue;
        for (let i = endpoints.items.length - 1; i >= 0; i--) if (link.endpoints[i]?.node === edit.name) endpoints.delete(i);
      }
      doc.deleteIn(["nodes", edit.name]);
      break;
    }
    case "add-link": {
      for (const e of edit.endpoints) if (!hasNode(e.node)) throw new Error(`no node "${e.node}" in lab ${before.name}`);
      const link = doc.createNode({ endpoints: edit.endpoints.map((e) => `${e.node}:${e.iface}`) });
      if (isMap(link)) {
        const endpoints = link.get("endpoints", true);
        if (isSeq(endpoints)) endpoints.flow = true;
      }
      if (isSeq(doc.get("links", true))) doc.addIn(["links"], link);
      else doc.set("links", doc.createNode([link]));
      break;
    }
    case "rename": {
      doc.set("name", edit.name);
      break;
    }
    case "remove-link": {
      if (!before.links[edit.index]) throw new Error(`no link ${edit.index} in lab ${before.name}`);
      doc.deleteIn(["links", edit.index]);
      break;
    }
  }
  const next = doc.toString();
  return { text: next, lab: parseLab(next, file, dir) };
}
