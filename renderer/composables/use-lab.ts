// The lab as the app shows it: its view (nodes, states, links), kept current by the lab's
// `lab.status` events, and the lab-wide and per-node actions. A failed action's message is
// kept in `error` for the top bar; an action under way is in `pending` so its button waits.
import { reactive, ref, type Ref } from "vue";
import type { LabListing, LabParamsInput, LabView, NodeView } from "../../core/api/lab-api";
import type { LabClient, LabReply } from "../../core/api/lab-client";

/** How long a notice stays in the top bar. */
const NOTICE_MS = 8000;

export interface UseLab {
  readonly view: Ref<LabView | undefined>;
  readonly error: Ref<string | undefined>;
  /** Keys of actions under way: "lab", or a node's name. */
  readonly pending: Set<string>;
  /** Milliseconds from the last Start press to every node shown running. */
  readonly startToRunningMs: Ref<number | undefined>;
  deploy(): Promise<void>;
  destroy(): Promise<void>;
  nodeAction(action: "start" | "stop" | "restart", node: string): Promise<void>;
  /** Per booting node, the deploy step it reached ("network", "starting", "booting"). */
  readonly steps: Map<string, string>;
  /** A passing message for the top bar (what Save did). */
  readonly notice: Ref<string | undefined>;
  listLabs(): Promise<LabListing | undefined>;
  openLab(dir: string): Promise<void>;
  createLab(name: string, template: string): Promise<void>;
  /** write memory on every running router. */
  saveLab(): Promise<void>;
  /** Saves dragged positions into lab.yaml. */
  saveLayout(moved: LabParamsInput<"lab.layout">): Promise<void>;
  /** Adds, removes a router or a link in lab.yaml (the lab stopped); true when it was done. */
  editTopology<M extends "lab.addNode" | "lab.removeNode" | "lab.addLink" | "lab.removeLink">(method: M, params: LabParamsInput<M>): Promise<boolean>;
}

export function useLab(client: LabClient): UseLab {
  const view = ref<LabView>();
  const error = ref<string>();
  const pending = reactive(new Set<string>());
  const startToRunningMs = ref<number>();
  const notice = ref<string>();
  const steps = reactive(new Map<string, string>());
  client.on("lab.progress", (p) => steps.set(p.node, p.step));
  let startPressedMs: number | undefined;

  const show = (v: LabView): void => {
    view.value = v;
    for (const n of v.nodes) if (n.state !== "booting") steps.delete(n.name);
    if (startPressedMs !== undefined && v.nodes.length && v.nodes.every((n: NodeView) => n.state === "running")) {
      startToRunningMs.value = performance.now() - startPressedMs;
      startPressedMs = undefined;
    }
  };
  client.on("lab.status", show);
  void client.call("lab.get", {}).then((r) => (r.ok ? show(r.result) : (error.value = r.error.message)));

  async function run<T>(key: string, call: () => Promise<LabReply<T>>): Promise<T | undefined> {
    pending.add(key);
    error.value = undefined;
    notice.value = undefined;
    try {
      const reply = await call();
      if (!reply.ok) {
        error.value = reply.error.message;
        return undefined;
      }
      return reply.result;
    } finally {
      pending.delete(key);
    }
  }

  return {
    view,
    error,
    pending,
    startToRunningMs,
    notice,
    steps,
    listLabs: () => run("labs", () => client.call("labs.list", {})),
    openLab: async (dir) => {
      const v = await run("labs", () => client.call("labs.open", { dir }));
      if (v) show(v);
    },
    createLab: async (name, template) => {
      const v = await run("labs", () => client.call("labs.create", { name, template }));
      if (v) show(v);
    },
    saveLab: async () => {
      const r = await run("save", () => client.call("lab.save", {}));
      if (!r) return;
      if (r.failed.length) error.value = r.failed.map((f) => `${f.node}: ${f.message}`).join("\n");
      setTimeout(() => (notice.value = undefined), NOTICE_MS);
      notice.value = r.saved.length ? `Saved the running config of ${r.saved.join(", ")} as startup-config.` : "No router is running: the lab folder holds the lab already.";
    },
    deploy: async () => {
      startPressedMs = performance.now();
      const v = await run("lab", () => client.call("lab.deploy", {}));
      if (v) show(v);
    },
    destroy: async () => {
      const v = await run("lab", () => client.call("lab.destroy", {}));
      if (v) show(v);
    },
    nodeAction: async (action, node) => {
      await run(node, () => client.call(`node.${action}`, { node }));
    },
    saveLayout: async (moved) => {
      await run("layout", () => client.call("lab.layout", moved));
    },
    editTopology: async (method, params) => {
      // Each of these answers with the lab's new view.
      const call = client.call.bind(client) as (m: typeof method, p: typeof params) => Promise<LabReply<LabView>>;
      const v = await run("edit", () => call(method, params));
      if (v) show(v);
      return v !== undefined;
    },
  };
}
