// The event panel under the canvas: the lab's own events (deploy steps, routers starting,
// stopping, crashing) and every router's syslog lines, newest at the bottom, filtered by
// router and by text. It follows the newest line unless the user scrolled up to read.
import { computed, defineComponent, h, nextTick, ref, watch, type PropType } from "vue";
import type { LabLogEntry } from "../../core/api/lab-api";
import { useLabClient } from "../composables/lab-client";
import { useLabLog } from "../composables/use-lab-log";

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Entries whose router is `source` (or any, when empty) and whose text holds `text`, case folded. */
export function filterLog(entries: readonly LabLogEntry[], source: string, text: string): LabLogEntry[] {
  const needle = text.trim().toLowerCase();
  return entries.filter((e) => (!source || e.source === source) && (!needle || e.text.toLowerCase().includes(needle) || e.source.toLowerCase().includes(needle)));
}

export const EventLog = defineComponent({
  props: {
    labDir: { type: String, required: true },
    nodes: { type: Array as PropType<readonly string[]>, required: true },
  },
  emits: { close: () => true },
  setup(props, { emit }) {
    const client = useLabClient();
    const log = useLabLog(
      client,
      computed(() => props.labDir),
    );
    const source = ref("");
    const text = ref("");
    const shown = computed(() => filterLog(log.entries.value, source.value, text.value));
    const list = ref<HTMLDivElement>();
    let following = true;
    watch(
      () => shown.value.length,
      async () => {
        if (!following) return;
        await nextTick();
        if (list.value) list.value.scrollTop = list.value.scrollHeight;
      },
    );
    return () => (
      <section class="event-log" data-events>
        <header class="event-bar">
          <strong>Events</strong>
          <span class="event-count">{shown.value.length === log.entries.value.length ? `${shown.value.length}` : `${shown.value.length} of ${log.entries.value.length}`}</span>
          <select class="event-source" value={source.value} onChange={(ev: Event) => (source.value = (ev.target as HTMLSelectElement).value)}>
            <option value="">All routers</option>
            <option value="lab">Lab</option>
            {props.nodes.map((n) => (
              <option value={n}>{n}</option>
            ))}
          </select>
          <input class="event-filter" placeholder="Filter (e.g. %IKEV2, UPDOWN)" value={text.value} onInput={(ev: Event) => (text.value = (ev.target as HTMLInputElement).value)} />
          <button class="ghost icon" title="Close" onClick={() => emit("close")}>
            ✕
          </button>
        </header>
        <div
          class="event-list"
          ref={list}
          onScroll={() => {
            const el = list.value;
            if (el) following = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
          }}
        >
          {log.error.value ? <div class="empty error">{log.error.value}</div> : null}
          {shown.value.length === 0 && !log.error.value ? <div class="empty">No events yet. Start the lab: its steps and the routers' log messages appear here.</div> : null}
          {shown.value.map((e) => (
            <div key={e.seq} class={["event-row", `kind-${e.kind}`, e.severity <= 3 ? "is-error" : ""]} data-source={e.source}>
              <span class="event-time">{clock(e.timeMs)}</span>
              <span class="event-source-name">{e.source}</span>
              <span class="event-text">{e.text}</span>
            </div>
          ))}
        </div>
      </section>
    );
  },
});
