// Editing the lab's wiring from the canvas, while the lab is stopped: add a router (it gets a
// startup-config of its own), draw a link by picking each end's router and interface, remove
// the link picked on the canvas. The lab writes each change into lab.yaml, comments kept.
import { computed, defineComponent, h, reactive, ref, type PropType } from "vue";
import type { LabelPath, LabView } from "../../core/api/lab-api";
import { shortInterface } from "./topology-layout";

/** The first of R1, R2, … the lab does not use. */
export function nextRouterName(view: Pick<LabView, "nodes">): string {
  const taken = new Set(view.nodes.map((n) => n.name.toLowerCase()));
  let k = 1;
  while (taken.has(`r${k}`)) k++;
  return `R${k}`;
}

/** The first EthernetS/P port of `node` no link uses yet (IOL's four per slot, slot by slot). */
export function freePort(view: Pick<LabView, "links">, node: string): string {
  const used = new Set(view.links.flatMap((l) => l.endpoints.filter((e) => e.node === node).map((e) => e.iface)));
  for (let slot = 0; ; slot++) {
    for (let port = 0; port < 4; port++) if (!used.has(`Ethernet${slot}/${port}`)) return `Ethernet${slot}/${port}`;
  }
}

export type TopologyEdit =
  | { readonly method: "lab.addNode"; readonly params: { node: string } }
  | { readonly method: "lab.addLink"; readonly params: { endpoints: { node: string; iface: string }[] } }
  | { readonly method: "lab.removeLink"; readonly params: { index: number } };

export const TopologyTools = defineComponent({
  props: {
    view: { type: Object as PropType<LabView>, required: true },
    selectedLink: { type: Number, default: undefined },
    busy: { type: Boolean, default: false },
    labelPath: { type: Object as PropType<LabelPath>, default: undefined },
  },
  emits: { edit: (_edit: TopologyEdit) => true, clearLink: () => true, trace: (_from: string, _vrf: string, _prefix: string) => true, clearPath: () => true, capture: (_node: string, _iface: string) => true },
  setup(props, { emit }) {
    const open = ref<"router" | "link" | "path">();
    const trace = reactive({ from: "", vrf: "cust1", prefix: "" });
    const routerName = ref("");
    const ends = reactive([
      { node: "", iface: "" },
      { node: "", iface: "" },
    ]);
    const toggle = (form: "router" | "link" | "path"): void => {
      open.value = open.value === form ? undefined : form;
      if (form === "path") trace.from ||= props.view.nodes[0]?.name ?? "";
      else if (form === "router") routerName.value = nextRouterName(props.view);
      else {
        const names = props.view.nodes.map((n) => n.name);
        ends.forEach((end, i) => {
          end.node = names[Math.min(i, names.length - 1)] ?? "";
          end.iface = end.node ? freePort(props.view, end.node) : "";
        });
      }
    };
    const link = computed(() => props.view.links.find((l) => l.index === props.selectedLink));
    return () => {
      const stopped = !props.view.deployed && !props.view.busy;
      return (
        <div class="topology-tools">
          <div class="tool-row">
            <button data-action="add-router" disabled={!stopped || props.busy} title={stopped ? "Add a router to lab.yaml" : "Stop the lab to change its routers and links"} onClick={() => toggle("router")}>
              + Router
            </button>
            <button data-action="add-link" disabled={!stopped || props.busy || props.view.nodes.length < 2} title={stopped ? "Join two interfaces" : "Stop the lab to change its routers and links"} onClick={() => toggle("link")}>
              + Link
            </button>
            <button data-action="label-path" disabled={!props.view.deployed || props.view.busy} title={props.view.deployed ? "Trace a VRF prefix's labels hop by hop" : "Start the lab to trace label paths"} onClick={() => toggle("path")}>
              Label path
            </button>
          </div>
          {open.value === "path" && props.view.deployed ? (
            <form
              class="tool-form"
              data-form="label-path"
              onSubmit={(ev: Event) => {
                ev.preventDefault();
                emit("trace", trace.from, trace.vrf.trim(), trace.prefix.trim());
              }}
            >
              <label>
                From
                <select value={trace.from} onChange={(ev: Event) => (trace.from = (ev.target as HTMLSelectElement).value)}>
                  {props.view.nodes.map((n) => (
                    <option value={n.name}>{n.name}</option>
                  ))}
                </select>
              </label>
              <label>
                VRF <input class="path-vrf" value={trace.vrf} onInput={(ev: Event) => (trace.vrf = (ev.target as HTMLInputElement).value)} />
              </label>
              <label>
                Prefix <input class="path-prefix" placeholder="192.168.113.0/24" value={trace.prefix} onInput={(ev: Event) => (trace.prefix = (ev.target as HTMLInputElement).value)} />
              </label>
              <button class="primary" type="submit" disabled={props.busy || !trace.prefix.trim()}>
                Trace
              </button>
              {props.labelPath ? (
                <button type="button" class="ghost" onClick={() => emit("clearPath")}>
                  Clear
                </button>
              ) : null}
            </form>
          ) : null}
          {props.labelPath && open.value === "path" ? (
            <ol class="tool-form path-hops" data-label-path>
              {props.labelPath.hops.map((hop) => (
                <li data-hop-node={hop.node}>
                  <strong>{hop.node}</strong> <span class={`hop-action action-${hop.action}`}>{hop.action}</span> {hop.labelsIn.length ? `[${hop.labelsIn.join("/")}]` : ""}
                  {hop.labelsOut.length || hop.action === "pop" ? ` → [${hop.labelsOut.join("/")}]` : ""} {hop.interface ? `out ${hop.interface}` : ""} {hop.next ? `to ${hop.next}` : ""}
                  <div class="hop-detail">{hop.detail}</div>
                </li>
              ))}
              {props.labelPath.problem ? <li class="path-problem">{props.labelPath.problem}</li> : null}
            </ol>
          ) : null}
          {open.value === "router" && stopped ? (
            <form
              class="tool-form"
              data-form="add-router"
              onSubmit={(ev: Event) => {
                ev.preventDefault();
                emit("edit", { method: "lab.addNode", params: { node: routerName.value.trim() } });
                open.value = undefined;
              }}
            >
              <label>
                Name <input class="router-name-input" value={routerName.value} onInput={(ev: Event) => (routerName.value = (ev.target as HTMLInputElement).value)} />
              </label>
              <button class="primary" type="submit" disabled={!routerName.value.trim()}>
                Add router
              </button>
            </form>
          ) : null}
          {open.value === "link" && stopped ? (
            <form
              class="tool-form"
              data-form="add-link"
              onSubmit={(ev: Event) => {
                ev.preventDefault();
                emit("edit", { method: "lab.addLink", params: { endpoints: ends.map((e) => ({ node: e.node, iface: e.iface.trim() })) } });
                open.value = undefined;
              }}
            >
              {ends.map((end, i) => (
                <div class="link-end" data-end={i}>
                  <select
                    value={end.node}
                    onChange={(ev: Event) => {
                      end.node = (ev.target as HTMLSelectElement).value;
                      end.iface = freePort(props.view, end.node);
                    }}
                  >
                    {props.view.nodes.map((n) => (
                      <option value={n.name}>{n.name}</option>
                    ))}
                  </select>
                  <input value={end.iface} onInput={(ev: Event) => (end.iface = (ev.target as HTMLInputElement).value)} />
                </div>
              ))}
              <button class="primary" type="submit">
                Add link
              </button>
            </form>
          ) : null}
          {link.value ? (
            <div class="tool-form link-picked" data-link={link.value.index}>
              <span>{link.value.endpoints.map((e) => `${e.node} ${shortInterface(e.iface)}`).join(" — ")}</span>
              {props.view.deployed
                ? link.value.endpoints.map((e) => (
                    <button data-action="capture" data-capture-end={`${e.node}:${e.iface}`} title={`Capture what ${e.node} sends and receives on ${e.iface}`} onClick={() => emit("capture", e.node, e.iface)}>
                      Capture {e.node} {shortInterface(e.iface)}
                    </button>
                  ))
                : null}
              <button class="danger" data-action="remove-link" disabled={!stopped || props.busy} title={stopped ? "Remove this link from lab.yaml" : "Stop the lab to change its links"} onClick={() => emit("edit", { method: "lab.removeLink", params: { index: link.value!.index } })}>
                Remove link
              </button>
              <button class="ghost icon" title="Close" onClick={() => emit("clearLink")}>
                ✕
              </button>
            </div>
          ) : null}
        </div>
      );
    };
  },
});
