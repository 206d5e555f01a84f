// A node's console in an xterm terminal: opened through LabApi (console.open), fitted to its
// box, with search (Ctrl+F … the search box below) and copy on selection. When the node stops
// the terminal says so; when it runs again the console reconnects by itself.
import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { Terminal } from "@xterm/xterm";
import { defineComponent, h, onBeforeUnmount, onMounted, ref, watch } from "vue";
import { useLabClient } from "../composables/lab-client";

export const ConsoleView = defineComponent({
  props: {
    node: { type: String, required: true },
    running: { type: Boolean, required: true },
    /** Whether the tab is on screen (a hidden terminal cannot measure itself). */
    visible: { type: Boolean, default: true },
  },
  setup(props) {
    const client = useLabClient();
    const box = ref<HTMLDivElement>();
    const query = ref("");
    const status = ref("connecting…");
    const terminal = new Terminal({
      fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", "Cascadia Mono", Menlo, monospace',
      fontSize: 12,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 5000,
      theme: { background: "#0f1722", foreground: "#d7dde8", cursor: "#7aa2f7", selectionBackground: "#2c3e5c" },
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(search);
    let streamId: number | undefined;
    let opening = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    const open = async (): Promise<void> => {
      if (opening || streamId !== undefined || !props.running) return;
      opening = true;
      status.value = "connecting…";
      const reply = await client.call("console.open", { node: props.node, columns: Math.max(10, terminal.cols), rows: Math.max(2, terminal.rows) });
      opening = false;
      if (!reply.ok) {
        // A node just up may not answer yet: say why, and try again while it runs.
        status.value = reply.error.message;
        retryTimer = setTimeout(() => void open(), 1000);
        return;
      }
      streamId = reply.result.streamId;
      status.value = "connected";
      // A fresh line, so the router prints its prompt.
      void client.call("console.input", { streamId, data: "\r" });
    };
    const offData = client.on("console.data", (ev) => ev.streamId === streamId && terminal.write(ev.data));
    const offClosed = client.on("console.closed", (ev) => {
      if (ev.streamId !== streamId) return;
      streamId = undefined;
      status.value = "disconnected";
      terminal.write(`\r\n\x1b[2m[${ev.reason}]\x1b[0m\r\n`);
      void open();
    });
    terminal.onData((data) => {
      if (streamId !== undefined) void client.call("console.input", { streamId, data });
    });
    terminal.onSelectionChange(() => {
      const text = terminal.getSelection();
      if (text) void navigator.clipboard?.writeText(text).catch(() => {});
    });
    terminal.onResize(({ cols, rows }) => {
      if (streamId !== undefined) void client.call("console.resize", { streamId, columns: Math.max(10, cols), rows: Math.max(2, rows) });
    });
    const refit = (): void => {
      if (props.visible && box.value?.offsetWidth) fit.fit();
    };
    let observer: ResizeObserver | undefined;
    onMounted(() => {
      if (!box.value) return;
      terminal.open(box.value);
      refit();
      observer = new ResizeObserver(refit);
      observer.observe(box.value);
      void open();
    });
    watch(
      () => props.running,
      (running) => (running ? void open() : undefined),
    );
    watch(
      () => props.visible,
      (visible) => {
        if (!visible) return;
        requestAnimationFrame(() => {
          refit();
          terminal.focus();
        });
      },
    );
    onBeforeUnmount(() => {
      clearTimeout(retryTimer);
      observer?.disconnect();
      offData();
      offClosed();
      if (streamId !== undefined) void client.call("console.close", { streamId });
      terminal.dispose();
    });
    const find = (ev: KeyboardEvent): void => {
      if (ev.key === "Enter") search.findNext(query.value, { caseSensitive: false });
    };
    return () => (
      <div class="console-view">
        <div class="terminal-box" ref={box} data-console={props.node} />
        <div class="console-bar">
          <span class={["console-status", `is-${status.value.startsWith("conn") ? status.value.replace("…", "") : "error"}`]}>{props.running ? status.value : "node not running"}</span>
          <input class="search" placeholder="Find in console (Enter)" value={query.value} onInput={(e: Event) => (query.value = (e.target as HTMLInputElement).value)} onKeydown={find} />
        </div>
      </div>
    );
  },
});
