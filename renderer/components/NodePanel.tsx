// The panel of one router: its state and start/stop/restart, and three tabs — console,
// config, tables. Tabs stay mounted once opened (a console keeps its scrollback), only hidden.
import { defineComponent, h, reactive, ref, type PropType } from "vue";
import type { NodeView } from "../../core/api/lab-api";
import { ConfigEditor } from "./ConfigEditor";
import { ConsoleView } from "./ConsoleView";
import { TablesView } from "./TablesView";

export const TABS = ["console", "config", "tables"] as const;
export type Tab = (typeof TABS)[number];
const TAB_TITLES: Record<Tab, string> = { console: "Console", config: "Config", tables: "Tables" };

export const NodePanel = defineComponent({
  props: {
    lab: { type: String, required: true },
    node: { type: Object as PropType<NodeView>, required: true },
    labDeployed: { type: Boolean, required: true },
    pending: { type: Boolean, default: false },
  },
  emits: { action: (_action: "start" | "stop" | "restart" | "remove") => true, close: () => true },
  setup(props, { emit }) {
    const tab = ref<Tab>("console");
    const opened = reactive(new Set<Tab>(["console"]));
    const select = (t: Tab): void => {
      tab.value = t;
      opened.add(t);
    };
    return () => {
      const running = props.node.state === "running";
      const canStart = props.labDeployed && (props.node.state === "stopped" || props.node.state === "crashed");
      return (
        <section class="node-panel" data-panel={props.node.name}>
          <header class="panel-head">
            <div class="panel-title">
              <h2>{props.node.name}</h2>
              <span class={["badge", `state-${props.node.state}`]} data-state={props.node.state}>
                <span class="state-dot" />
                {props.node.state}
              </span>
            </div>
            <div class="panel-actions">
              <button data-action="node-start" disabled={!canStart || props.pending} onClick={() => emit("action", "start")}>
                Start
              </button>
              <button data-action="node-stop" disabled={!running || props.pending} onClick={() => emit("action", "stop")}>
                Stop
              </button>
              <button data-action="node-restart" disabled={!props.labDeployed || props.node.state === "booting" || props.pending} onClick={() => emit("action", "restart")}>
                Restart
              </button>
              {!props.labDeployed ? (
                <button class="danger" data-action="node-remove" disabled={props.pending} title="Remove this router and its links from lab.yaml (its config file stays in the lab folder)" onClick={() => emit("action", "remove")}>
                  Remove
                </button>
              ) : null}
              <button class="ghost icon" title="Close" onClick={() => emit("close")}>
                ✕
              </button>
            </div>
          </header>
          {props.node.detail ? <pre class="crash-detail">{props.node.detail}</pre> : null}
          <nav class="tabs" role="tablist">
            {TABS.map((t) => (
              <button role="tab" class={{ active: tab.value === t }} data-tab={t} onClick={() => select(t)}>
                {TAB_TITLES[t]}
              </button>
            ))}
          </nav>
          <div class="tab-body">
            <div class="tab-page" style={{ display: tab.value === "console" ? undefined : "none" }}>
              <ConsoleView node={props.node.name} running={running} visible={tab.value === "console"} />
            </div>
            {opened.has("config") ? (
              <div class="tab-page" style={{ display: tab.value === "config" ? undefined : "none" }}>
                <ConfigEditor lab={props.lab} node={props.node.name} running={running} />
              </div>
            ) : null}
            {opened.has("tables") ? (
              <div class="tab-page" style={{ display: tab.value === "tables" ? undefined : "none" }}>
                <TablesView node={props.node.name} running={running} />
              </div>
            ) : null}
          </div>
        </section>
      );
    };
  },
});
