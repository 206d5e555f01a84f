// The topology canvas: routers as cards showing their live state, links as lines labelled
// with interface names, multi-end links through a small bridge dot. Click a router to open
// its panel, click a link to pick it; drag to arrange: where a drag ends is saved in lab.yaml
// (the app's `moved`), so the lab opens laid out the same way next time.
import { Handle, Position, VueFlow, useVueFlow, type Edge, type Node, type NodeComponent, type NodeProps } from "@vue-flow/core";
import { computed, defineComponent, h, markRaw, onBeforeUnmount, onMounted, ref, shallowRef, watch, type PropType } from "vue";
import type { LabelPath, LabView } from "../../core/api/lab-api";
import { bridgeId, layoutTopology } from "./topology-layout";

/** Positions to save after a drag: routers by name, bridge dots by their link's index. */
export interface MovedNodes {
  readonly nodes: Record<string, { x: number; y: number }>;
  readonly links: { index: number; position: { x: number; y: number } }[];
}

const STATE_LABEL = { stopped: "stopped", booting: "booting", running: "running", crashed: "crashed" } as const;

/** What a router does on a label path, shortest: "push 16", "swap 16→22", "pop 16", "deliver". */
export function hopText(hop: LabelPath["hops"][number]): string {
  switch (hop.action) {
    case "push":
      return `push ${hop.labelsOut.slice(0, hop.labelsOut.length - hop.labelsIn.length).join("/")}`;
    case "swap":
      return `swap ${hop.labelsIn[0]}→${hop.labelsOut[0]}`;
    case "pop":
      return `pop ${hop.labelsIn[0]}`;
    case "ip":
      return "IP";
    case "deliver":
      return "deliver";
  }
}

/** A router on the canvas. Handles sit at the card's centre, so links meet it head-on. */
export const RouterNode = defineComponent({
  // Vue Flow passes every node field as a prop; those not declared stay off the element.
  inheritAttrs: false,
  props: { id: { type: String, required: true }, data: { type: Object as PropType<NodeProps["data"]>, required: true }, selected: Boolean },
  setup(props) {
    return () => {
      const state = (props.data.state ?? "stopped") as keyof typeof STATE_LABEL;
      return (
        <div class={["router-node", `state-${state}`, props.selected ? "is-selected" : ""]} data-node={props.id} data-state={state}>
          <Handle type="target" position={Position.Left} class="centre-handle" />
          <div class="router-icon" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="18" height="18">
              <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.6" />
              <path d="M7 12h10M12 7v10M9 9.5 7 12l2 2.5M15 9.5l2 2.5-2 2.5" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
          </div>
          <div class="router-text">
            <div class="router-name">{props.data.label}</div>
            {props.data.hop ? (
              <div class="hop-badge" data-hop={props.data.hop}>
                {props.data.hop}
              </div>
            ) : null}
            <div class="router-state">
              <span class="state-dot" />
              {STATE_LABEL[state]}
              {state === "booting" && props.data.step ? (
                <span class="router-step" data-step={props.data.step}>
                  · {props.data.step}
                </span>
              ) : null}
            </div>
          </div>
          <Handle type="source" position={Position.Right} class="centre-handle" />
        </div>
      );
    };
  },
});

/** The dot where a multi-end link's segments meet. */
export const BridgeNode = defineComponent({
  inheritAttrs: false,
  setup() {
    return () => (
      <div class="bridge-node" title="shared segment">
        <Handle type="target" position={Position.Left} class="centre-handle" />
        <Handle type="source" position={Position.Right} class="centre-handle" />
      </div>
    );
  },
});

const NODE_TYPES = { router: markRaw(RouterNode) as unknown as NodeComponent, bridge: markRaw(BridgeNode) as unknown as NodeComponent };

export const TopologyCanvas = defineComponent({
  props: {
    view: { type: Object as PropType<LabView>, required: true },
    selected: { type: String, default: undefined },
    selectedLink: { type: Number, default: undefined },
    /** Deploy step per booting router. */
    steps: { type: Object as PropType<ReadonlyMap<string, string>>, default: () => new Map() },
    /** A traced label path, drawn over the links: one arrow per hop, labelled with the stack sent. */
    labelPath: { type: Object as PropType<LabelPath>, default: undefined },
  },
  emits: { select: (_node: string | undefined) => true, selectLink: (_index: number) => true, moved: (_moved: MovedNodes) => true },
  setup(props, { emit }) {
    const flowId = `lab-canvas-${props.view.name}`;
    const flow = useVueFlow(flowId);
    // Re-laid out only when the topology changes; states are patched into the nodes in place,
    // so a card the user dragged stays where it was put.
    // (Positions are not part of the shape: a drag just saved must not redraw the canvas.)
    const shape = computed(() => JSON.stringify([props.view.nodes.map((n) => n.name), props.view.links.map((l) => [l.index, l.endpoints])]));
    const layout = (): { nodes: Node[]; edges: Edge[] } => {
      const { nodes, edges } = layoutTopology(props.view);
      return {
        nodes: nodes.map((n) => ({ ...n, data: { ...n.data }, selectable: n.type === "router" })),
        edges: edges.map((e) => ({ ...e, type: "straight", class: "link", labelBgPadding: [6, 3] as [number, number], labelBgBorderRadius: 4 })),
      };
    };
    const graph = shallowRef(layout());
    watch(shape, () => (graph.value = layout()));
    watch(
      () => props.view.nodes.map((n) => `${n.name}:${n.state}:${props.steps.get(n.name) ?? ""}`).join(","),
      () => {
        for (const n of props.view.nodes) flow.updateNodeData(n.name, { state: n.state, step: props.steps.get(n.name) });
      },
    );
    const pathEdges = computed<Edge[]>(() =>
      (props.labelPath?.hops ?? []).flatMap((hop, i) =>
        hop.next
          ? [{ id: `lp${i}`, source: hop.node, target: hop.next, type: "default", animated: true, class: "label-path", label: hop.labelsOut.length ? hop.labelsOut.join(" / ") : "IP", labelBgPadding: [6, 3] as [number, number], labelBgBorderRadius: 4 }]
          : [],
      ),
    );
    const edges = computed(() => [...graph.value.edges, ...pathEdges.value]);
    watch(
      () => props.labelPath,
      (path) => {
        const hops = new Map<string, string[]>();
        for (const hop of path?.hops ?? []) hops.set(hop.node, [...(hops.get(hop.node) ?? []), hopText(hop)]);
        for (const n of props.view.nodes) flow.updateNodeData(n.name, { hop: hops.get(n.name)?.join(" · ") });
      },
    );
    // Fit the drawing to the canvas whenever the canvas changes size (a panel opens or closes),
    // never zooming in past 1:1.
    const area = ref<HTMLDivElement>();
    const fit = (): void => void flow.fitView({ padding: 0.15, maxZoom: 1 });
    let observer: ResizeObserver | undefined;
    onMounted(() => {
      observer = new ResizeObserver(() => requestAnimationFrame(fit));
      if (area.value) observer.observe(area.value);
    });
    onBeforeUnmount(() => observer?.disconnect());
    flow.onNodesInitialized(fit);
    watch(
      () => props.selectedLink,
      (index) => {
        for (const e of flow.getEdges.value) e.class = /^e(\d+)/.exec(e.id)?.[1] === String(index) ? "link is-selected" : "link";
      },
    );
    watch(
      () => props.selected,
      (name) => {
        for (const n of flow.getNodes.value) n.selected = n.id === name;
      },
    );
    return () => (
      <div class="canvas-fill" ref={area}>
        <VueFlow
          id={flowId}
          class="topology"
          nodes={graph.value.nodes}
          edges={edges.value}
          nodeTypes={NODE_TYPES}
          nodesConnectable={false}
          edgesUpdatable={false}
          // No canvas shortcuts: the keyboard belongs to the console and the editor beside it
          // (Vue Flow listens on the whole document, and would take Space and Backspace).
          deleteKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={null}
          zoomActivationKeyCode={null}
          panActivationKeyCode={null}
          minZoom={0.05}
          maxZoom={2}
          onNodeClick={(ev: { node: { id: string; type?: string } }) => emit("select", ev.node.type === "router" ? ev.node.id : undefined)}
          onPaneClick={() => emit("select", undefined)}
          onEdgeClick={(ev: { edge: { id: string } }) => {
            const index = /^e(\d+)/.exec(ev.edge.id);
            if (index) emit("selectLink", Number(index[1]));
          }}
          onNodeDragStop={(ev: { nodes: readonly { id: string; type?: string; position: { x: number; y: number } }[] }) => {
            const moved: MovedNodes = { nodes: {}, links: [] };
            for (const n of ev.nodes) {
              const at = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
              if (n.type === "router") moved.nodes[n.id] = at;
              else {
                const link = props.view.links.find((l) => bridgeId(l.index) === n.id);
                if (link) moved.links.push({ index: link.index, position: at });
              }
            }
            emit("moved", moved);
          }}
        />
      </div>
    );
  },
});
