// The app: a top bar with the lab and its Start/Stop, the topology canvas, and the panel of
// the router picked on it. Panels of routers opened before stay mounted (hidden), so several
// consoles live at once and keep their scrollback.
import { computed, defineComponent, h, reactive, ref, shallowRef, watch } from "vue";
import type { LabelPath } from "../../core/api/lab-api";
import { useLabClient } from "../composables/lab-client";
import { useLab } from "../composables/use-lab";
import { useCapture } from "../composables/use-capture";
import { CapturePanel } from "./CapturePanel";
import { EventLog } from "./EventLog";
import { LabsMenu } from "./LabsMenu";
import { NodePanel } from "./NodePanel";
import { TopologyCanvas } from "./TopologyCanvas";
import { TopologyTools, type TopologyEdit } from "./TopologyTools";

export const App = defineComponent({
  setup() {
    const lab = useLab(useLabClient());
    // A lab stopped or another opened: a traced path no longer holds.
    const selected = ref<string>();
    const selectedLink = ref<number>();
    const eventsOpen = ref(false);
    const captureOpen = ref(false);
    const client = useLabClient();
    const labelPath = shallowRef<LabelPath>();
    const capture = useCapture(client);
    const tracing = ref(false);
    const traceError = ref<string>();
    const traceLabels = async (from: string, vrf: string, prefix: string): Promise<void> => {
      tracing.value = true;
      const reply = await client.call("lab.labelPath", { from, vrf, prefix });
      tracing.value = false;
      labelPath.value = reply.ok ? reply.result : undefined;
      traceError.value = reply.ok ? undefined : reply.error.message;
    };
    const edit = async (e: TopologyEdit): Promise<void> => {
      const done = await lab.editTopology(e.method, e.params);
      if (done && e.method === "lab.removeLink") selectedLink.value = undefined;
    };
    const opened = reactive(new Set<string>());
    const select = (name: string | undefined): void => {
      selected.value = name;
      if (name) opened.add(name);
    };
    // Another lab opened: its own canvas, no panels of the last one's routers.
    watch(
      () => lab.view.value?.dir,
      () => {
        selected.value = undefined;
        selectedLink.value = undefined;
        labelPath.value = undefined;
        opened.clear();
      },
    );
    watch(
      () => lab.view.value?.deployed,
      (deployed) => {
        if (!deployed) labelPath.value = undefined;
      },
    );
    const counts = computed(() => {
      const c = { running: 0, booting: 0, stopped: 0, crashed: 0 };
      for (const n of lab.view.value?.nodes ?? []) c[n.state]++;
      return c;
    });
    return () => {
      const view = lab.view.value;
      if (!view) return <div class="loading">{lab.error.value ?? "Connecting to the lab…"}</div>;
      const busy = view.busy || lab.pending.has("lab");
      const c = counts.value;
      return (
        <div class="app" data-deployed={String(view.deployed)}>
          <header class="topbar">
            <div class="brand">
              <span class="logo">◆</span> FlexLab
            </div>
            <div class="lab-title">
              <span class="lab-name">{view.name}</span>
              <span class="lab-meta">
                {view.runtime} runtime · {view.nodes.length} routers · {view.links.length} links
              </span>
            </div>
            <div class="summary" data-summary>
              {c.running ? <span class="pill state-running">{c.running} running</span> : null}
              {c.booting ? <span class="pill state-booting">{c.booting} booting</span> : null}
              {c.crashed ? <span class="pill state-crashed">{c.crashed} crashed</span> : null}
              {c.stopped ? <span class="pill state-stopped">{c.stopped} stopped</span> : null}
            </div>
            <LabsMenu current={view.dir} busy={busy || lab.pending.has("labs")} list={lab.listLabs} onOpen={(dir: string) => void lab.openLab(dir)} onCreate={(name: string, template: string) => void lab.createLab(name, template)} />
            <div class="lab-actions">
              {view.deployed ? (
                <button data-action="lab-save" disabled={busy || lab.pending.has("save")} title="write memory on every running router" onClick={() => void lab.saveLab()}>
                  {lab.pending.has("save") ? "Saving…" : "Save"}
                </button>
              ) : null}
              {view.deployed ? (
                <button class="danger" data-action="lab-stop" disabled={busy} onClick={() => void lab.destroy()}>
                  {busy ? "Working…" : "Stop lab"}
                </button>
              ) : (
                <button class="primary" data-action="lab-start" disabled={busy} onClick={() => void lab.deploy()}>
                  {busy ? `Starting… ${c.running}/${view.nodes.length}` : "Start lab"}
                </button>
              )}
            </div>
          </header>
          {lab.notice.value && !lab.error.value ? (
            <div class="notice-bar" role="status">
              {lab.notice.value}
            </div>
          ) : null}
          {traceError.value ? (
            <div class="error-bar" role="alert" data-trace-error>
              {traceError.value}
            </div>
          ) : null}
          {lab.error.value || view.error ? (
            <div class="error-bar" role="alert">
              {lab.error.value ?? view.error}
            </div>
          ) : null}
          <main class={["workspace", selected.value ? "with-panel" : ""]}>
            <div class="canvas-area">
              <TopologyCanvas
                view={view}
                selected={selected.value}
                selectedLink={selectedLink.value}
                steps={lab.steps}
                labelPath={labelPath.value}
                onSelect={(name: string | undefined) => {
                  selectedLink.value = undefined;
                  select(name);
                }}
                onSelectLink={(index: number) => (selectedLink.value = index)}
                onMoved={(moved: { nodes: Record<string, { x: number; y: number }>; links: { index: number; position: { x: number; y: number } }[] }) => void lab.saveLayout(moved)}
              />
              <TopologyTools
                view={view}
                selectedLink={selectedLink.value}
                busy={lab.pending.has("edit") || tracing.value}
                labelPath={labelPath.value}
                onTrace={(from: string, vrf: string, prefix: string) => void traceLabels(from, vrf, prefix)}
                onClearPath={() => (labelPath.value = undefined)}
                onCapture={(node: string, iface: string) => {
                  eventsOpen.value = false;
                  captureOpen.value = true;
                  void capture.start(node, iface);
                }} onEdit={(e: TopologyEdit) => void edit(e)} onClearLink={() => (selectedLink.value = undefined)} />
              {captureOpen.value ? (
                <CapturePanel capture={capture} onClose={() => (captureOpen.value = false)} />
              ) : eventsOpen.value ? (
                <EventLog labDir={view.dir} nodes={view.nodes.map((n) => n.name)} onClose={() => (eventsOpen.value = false)} />
              ) : (
                <button class="events-toggle" data-action="events" onClick={() => (eventsOpen.value = true)}>
                  Events
                </button>
              )}
              {!selected.value && !eventsOpen.value && !captureOpen.value ? <div class="hint">{view.deployed ? "Click a router for its console, config and tables." : "Start the lab, then click a router for its console, config and tables."}</div> : null}
            </div>
            {[...opened].map((name) => {
              const node = view.nodes.find((n) => n.name === name);
              if (!node) return null;
              return (
                <div class="panel-slot" key={name} style={{ display: selected.value === name ? undefined : "none" }}>
                  <NodePanel lab={view.dir} node={node} labDeployed={view.deployed} pending={lab.pending.has(name)} onAction={(a: "start" | "stop" | "restart" | "remove") => {
                      if (a !== "remove") return void lab.nodeAction(a, name);
                      void lab.editTopology("lab.removeNode", { node: name }).then((done) => done && opened.delete(name) && select(undefined));
                    }} onClose={() => select(undefined)} />
                </div>
              );
            })}
          </main>
        </div>
      );
    };
  },
});
