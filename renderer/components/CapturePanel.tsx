// The capture panel under the canvas: which interface is captured, the packets as they come,
// each one line as `flexlab decode` summarises it, Stop, and the pcapng file to download (and
// open in Wireshark) once stopped.
import { defineComponent, h, nextTick, ref, watch, type PropType } from "vue";
import type { CaptureState } from "../composables/use-capture";

export const CapturePanel = defineComponent({
  props: { capture: { type: Object as PropType<CaptureState>, required: true } },
  emits: { close: () => true },
  setup(props, { emit }) {
    const list = ref<HTMLDivElement>();
    watch(
      () => props.capture.packets.value.length,
      async () => {
        await nextTick();
        if (list.value) list.value.scrollTop = list.value.scrollHeight;
      },
    );
    return () => {
      const c = props.capture;
      const t = c.target.value;
      return (
        <section class="event-log capture-panel" data-capture={c.running.value ? "running" : "stopped"}>
          <header class="event-bar">
            <strong>Capture</strong>
            <span class="event-count">
              {t ? `${t.node} ${t.iface}` : ""} · {c.frames.value} packet{c.frames.value === 1 ? "" : "s"}
              {c.running.value ? " · capturing" : ""}
            </span>
            <span class="spacer" />
            {c.running.value ? (
              <button class="danger" data-action="capture-stop" onClick={() => void c.stop()}>
                Stop
              </button>
            ) : c.download.value ? (
              <a class="button-link" data-action="capture-download" href={c.download.value} download>
                Download pcapng
              </a>
            ) : null}
            <button class="ghost icon" title="Close" disabled={c.running.value} onClick={() => emit("close")}>
              ✕
            </button>
          </header>
          <div class="event-list" ref={list}>
            {c.error.value ? <div class="empty error">{c.error.value}</div> : null}
            {c.packets.value.length === 0 && !c.error.value ? <div class="empty">{c.running.value ? "Waiting for packets…" : "No packets."}</div> : null}
            {c.packets.value.map((p) => (
              <div key={p.number} class="event-row packet-row">
                <span class="event-time">{p.number}</span>
                <span class="event-time">{new Date(p.timeMs).toISOString().slice(11, 23)}</span>
                <span class="event-time">{p.length}</span>
                <span class="event-text">{p.summary}</span>
              </div>
            ))}
          </div>
        </section>
      );
    };
  },
});
