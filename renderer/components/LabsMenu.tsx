// The Labs menu of the top bar: the labs beside the open one (click to open; a running one
// keeps running), and a new lab made from a template (one of the example labs), named by the
// user. The list is read each time the menu opens, so a lab made from the CLI shows up.
import { defineComponent, h, ref, type PropType } from "vue";
import type { LabListing } from "../../core/api/lab-api";

export const LabsMenu = defineComponent({
  props: {
    current: { type: String, required: true },
    busy: { type: Boolean, default: false },
    list: { type: Function as PropType<() => Promise<LabListing | undefined>>, required: true },
  },
  emits: { open: (_dir: string) => true, create: (_name: string, _template: string) => true },
  setup(props, { emit }) {
    const open = ref(false);
    const listing = ref<LabListing>();
    const name = ref("");
    const template = ref("");
    const toggle = async (): Promise<void> => {
      open.value = !open.value;
      if (!open.value) return;
      listing.value = await props.list();
      template.value ||= listing.value?.templates.find((t) => t.name === "mpls-over-flexvpn")?.name ?? listing.value?.templates[0]?.name ?? "";
    };
    return () => (
      <div class="labs-menu">
        <button data-action="labs" class={{ active: open.value }} onClick={() => void toggle()}>
          Labs ▾
        </button>
        {open.value ? (
          <div class="labs-popover" role="dialog">
            <div class="labs-section">
              Labs in <span class="labs-dir">{listing.value?.labsDir ?? "…"}</span>
            </div>
            <ul class="labs-list">
              {(listing.value?.labs ?? []).map((l) => (
                <li>
                  <button
                    class={["lab-entry", l.dir === props.current ? "is-current" : ""]}
                    data-lab={l.name}
                    disabled={props.busy || l.dir === props.current || l.problem !== undefined}
                    title={l.problem ?? l.dir}
                    onClick={() => {
                      open.value = false;
                      emit("open", l.dir);
                    }}
                  >
                    <span class="lab-entry-name">{l.name}</span>
                    <span class="lab-entry-meta">{l.problem ? "invalid lab.yaml" : `${l.routers} routers${l.running ? " · running" : ""}${l.dir === props.current ? " · open" : ""}`}</span>
                  </button>
                </li>
              ))}
            </ul>
            <form
              class="labs-new"
              data-form="new-lab"
              onSubmit={(ev: Event) => {
                ev.preventDefault();
                open.value = false;
                emit("create", name.value.trim(), template.value);
              }}
            >
              <div class="labs-section">New lab from a template</div>
              <input placeholder="name" value={name.value} onInput={(ev: Event) => (name.value = (ev.target as HTMLInputElement).value)} />
              <select value={template.value} onChange={(ev: Event) => (template.value = (ev.target as HTMLSelectElement).value)}>
                {(listing.value?.templates ?? []).map((t) => (
                  <option value={t.name} title={t.summary}>
                    {t.name}
                  </option>
                ))}
              </select>
              <button class="primary" type="submit" disabled={props.busy || !name.value.trim() || !template.value}>
                Create
              </button>
            </form>
          </div>
        ) : null}
      </div>
    );
  },
});
