// The preload's bridge against fakes of contextBridge and ipcRenderer: the page gets
// send/onMessage only, and only well-formed LabApi requests leave it.
import { describe, expect, it } from "vitest";
import { LAB_CHANNEL } from "./ipc";
import { exposeLabBridge } from "./preload-bridge";

function bridge() {
  const exposed: Record<string, Record<string, (...args: unknown[]) => unknown>> = {};
  const sent: unknown[][] = [];
  const listeners: ((event: unknown, ...args: unknown[]) => void)[] = [];
  exposeLabBridge({ exposeInMainWorld: (key, api) => (exposed[key] = api as Record<string, (...args: unknown[]) => unknown>) }, { send: (...args) => sent.push(args), on: (_c, l) => listeners.push(l) });
  return { api: exposed.flexlabLab, exposedKeys: Object.keys(exposed), sent, listeners };
}

describe("the preload bridge", () => {
  it("exposes window.flexlabLab with send and onMessage, nothing else", () => {
    const b = bridge();
    expect(b.exposedKeys).toEqual(["flexlabLab"]);
    expect(Object.keys(b.api).sort()).toEqual(["onMessage", "send"]);
  });

  it("sends a LabApi request whose params fit its method", () => {
    const b = bridge();
    const text = JSON.stringify({ id: 1, method: "node.start", params: { node: "R1" } });
    b.api.send(text);
    expect(b.sent).toEqual([[LAB_CHANNEL, text]]);
  });

  it("refuses, in the page, what is not such a request", () => {
    const b = bridge();
    expect(() => b.api.send({ id: 1 })).toThrow();
    expect(() => b.api.send("not json")).toThrow();
    expect(() => b.api.send(JSON.stringify({ id: 1, method: "shell.run", params: {} }))).toThrow(/no LabApi method shell\.run/);
    expect(() => b.api.send(JSON.stringify({ id: 1, method: "node.start", params: { node: "" } }))).toThrow();
    expect(b.sent).toEqual([]);
  });

  it("hands the page the lab's text messages, and nothing else that arrives", () => {
    const b = bridge();
    const got: unknown[] = [];
    b.api.onMessage((text: unknown) => got.push(text));
    b.listeners[0]({}, '{"event":"lab.status","data":{}}');
    b.listeners[0]({}, { not: "text" });
    expect(got).toEqual(['{"event":"lab.status","data":{}}']);
    expect(() => b.api.onMessage("not a function")).toThrow(TypeError);
  });
});
