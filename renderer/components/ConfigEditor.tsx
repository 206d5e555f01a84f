// A node's configuration in Monaco: the running config, checked as you type by the router's own
// grammar (red squiggles with IOS's message, the same the router would print), completion and
// hover help from it too. Apply hands the text to the router (replace: it becomes the running
// config, all or nothing, as `configure replace`; merge: the lines go on top), and the router's
// answer shows inline. Unsaved edits are kept in the browser's storage, so a reload keeps them.
// Compare shows Monaco's diff editor: the edits against the running config (still editable), or
// the running config against the startup-config (what `write memory` would change).
import { defineComponent, h, onBeforeUnmount, onMounted, ref, shallowRef, watch } from "vue";
import type { editor as MonacoEditor } from "monaco-editor/editor/editor.api";
import { useLabClient } from "../composables/lab-client";
import { IOS_LANGUAGE_ID, configMarkers } from "../config/ios-language";
import type * as MonacoGlue from "../config/monaco";

const CHECK_DELAY_MS = 150;

export const COMPARISONS = { edits: "Edits ↔ running", unsaved: "Running ↔ startup" } as const;
export type Comparison = keyof typeof COMPARISONS;

export function draftKey(lab: string, node: string): string {
  return `flexlab:draft:${lab}:${node}`;
}

export const ConfigEditor = defineComponent({
  props: {
    lab: { type: String, required: true },
    node: { type: String, required: true },
    running: { type: Boolean, required: true },
  },
  setup(props) {
    const client = useLabClient();
    const box = ref<HTMLDivElement>();
    const editor = shallowRef<MonacoEditor.IStandaloneCodeEditor>();
    const message = ref<{ kind: "ok" | "error" | "info"; text: string }>();
    const busy = ref(false);
    const problems = ref(0);
    const dirty = ref(false);
    const diffBox = ref<HTMLDivElement>();
    const comparing = ref<Comparison>();
    const diffSummary = ref<string>();
    let diffEditor: MonacoEditor.IStandaloneDiffEditor | undefined;
    const diffModels: MonacoEditor.ITextModel[] = [];
    let monacoApi: typeof MonacoGlue | undefined;
    let checkTimer: ReturnType<typeof setTimeout> | undefined;
    let loadedText = "";

    const check = (): void => {
      const model = editor.value?.getModel();
      if (!model || !monacoApi) return;
      const markers = configMarkers(model.getValue());
      problems.value = markers.filter((m) => m.severity === "error").length;
      monacoApi.setMarkers(model, "grammar", markers);
    };

    const load = async (keepDraft: boolean): Promise<void> => {
      if (!props.running) return;
      busy.value = true;
      const reply = await client.call("config.get", { node: props.node, which: "running" });
      busy.value = false;
      if (!reply.ok) return void (message.value = { kind: "error", text: reply.error.message });
      loadedText = reply.result.text;
      const draft = keepDraft ? localStorage.getItem(draftKey(props.lab, props.node)) : null;
      if (!keepDraft) localStorage.removeItem(draftKey(props.lab, props.node));
      editor.value?.setValue(draft ?? loadedText);
      dirty.value = draft !== null && draft !== loadedText;
      if (draft !== null && dirty.value) message.value = { kind: "info", text: "Unsaved edits restored. Reload discards them." };
      check();
    };

    const apply = async (mode: "replace" | "merge"): Promise<void> => {
      const model = editor.value?.getModel();
      if (!model || !monacoApi) return;
      busy.value = true;
      const reply = await client.call("config.apply", { node: props.node, text: model.getValue(), mode });
      busy.value = false;
      if (!reply.ok) return void (message.value = { kind: "error", text: reply.error.message });
      const rejected = reply.result.diagnostics;
      monacoApi.setMarkers(
        model,
        "router",
        rejected.map((d) => ({ startLineNumber: d.line, startColumn: d.column, endLineNumber: d.line, endColumn: d.column + 1, message: `Router: ${d.message}`, severity: "error" as const })),
      );
      if (rejected.length) {
        message.value = { kind: "error", text: `The router rejected ${rejected.length} line${rejected.length === 1 ? "" : "s"}${mode === "replace" ? "; nothing changed" : ""}: line ${rejected[0].line}: ${rejected[0].message}` };
        return;
      }
      message.value = { kind: "ok", text: mode === "replace" ? "Applied: this is now the running config." : "Merged into the running config." };
      await load(false);
    };

    const save = async (): Promise<void> => {
      busy.value = true;
      const reply = await client.call("node.exec", { node: props.node, command: "write memory" });
      busy.value = false;
      message.value = reply.ok ? { kind: "ok", text: "Saved as startup-config." } : { kind: "error", text: reply.error.message };
    };

    const closeDiff = (): void => {
      diffEditor?.dispose();
      diffEditor = undefined;
      for (const m of diffModels.splice(0)) m.dispose();
      comparing.value = undefined;
      diffSummary.value = undefined;
    };

    const compare = async (which: Comparison | undefined): Promise<void> => {
      closeDiff();
      const model = editor.value?.getModel();
      if (!which || !model || !monacoApi || !diffBox.value) return;
      busy.value = true;
      const [running, startup] = await Promise.all([client.call("config.get", { node: props.node, which: "running" }), which === "unsaved" ? client.call("config.get", { node: props.node, which: "startup" }) : undefined]);
      busy.value = false;
      if (!running.ok) return void (message.value = { kind: "error", text: running.error.message });
      if (startup && !startup.ok) return void (message.value = { kind: "error", text: startup.error.message });
      const monaco = monacoApi.iosMonaco();
      const original = monaco.editor.createModel(startup ? startup.result.text : running.result.text, IOS_LANGUAGE_ID);
      diffModels.push(original);
      let modified = model;
      if (startup) diffModels.push((modified = monaco.editor.createModel(running.result.text, IOS_LANGUAGE_ID)));
      comparing.value = which;
      diffEditor = monaco.editor.createDiffEditor(diffBox.value, {
        theme: "flexlab",
        automaticLayout: true,
        // Side by side where the panel is wide enough, else inline; unchanged stretches folded,
        // so a change deep in a long config is on screen at once.
        renderSideBySide: true,
        useInlineViewWhenSpaceIsLimited: true,
        hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 5, revealLineCount: 20 },
        // Running vs startup is what the router holds: read it, do not edit it here.
        readOnly: which === "unsaved",
        originalEditable: false,
        minimap: { enabled: false },
        fontSize: 13,
        lineHeight: 20,
        fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", "Cascadia Mono", Menlo, monospace',
        scrollBeyondLastLine: false,
      });
      diffEditor.setModel({ original, modified });
      diffEditor.onDidUpdateDiff(() => {
        const changes = diffEditor?.getLineChanges() ?? [];
        diffSummary.value = changes.length ? `${changes.length} change${changes.length === 1 ? "" : "s"}` : "No differences";
      });
    };

    onMounted(async () => {
      monacoApi = await import("../config/monaco");
      const monaco = monacoApi.iosMonaco();
      if (!box.value) return;
      editor.value = monaco.editor.create(box.value, {
        language: IOS_LANGUAGE_ID,
        theme: "flexlab",
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 13,
        lineHeight: 20,
        fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", "Cascadia Mono", Menlo, monospace',
        scrollBeyondLastLine: false,
        renderLineHighlight: "line",
        padding: { top: 8 },
        fixedOverflowWidgets: true,
        // IOS habits: Tab completes, Enter always ends the line, and a new line starts at the
        // margin (the router reads modes from the commands, not from indentation).
        acceptSuggestionOnEnter: "off",
        autoIndent: "none",
      });
      editor.value.onDidChangeModelContent(() => {
        const text = editor.value?.getValue() ?? "";
        dirty.value = text !== loadedText;
        if (dirty.value) localStorage.setItem(draftKey(props.lab, props.node), text);
        else localStorage.removeItem(draftKey(props.lab, props.node));
        clearTimeout(checkTimer);
        checkTimer = setTimeout(check, CHECK_DELAY_MS);
      });
      await load(true);
    });
    watch(
      () => props.running,
      (running) => running && void load(true),
    );
    onBeforeUnmount(() => {
      clearTimeout(checkTimer);
      closeDiff();
      editor.value?.dispose();
    });

    return () => (
      <div class="config-view">
        <div class="config-bar">
          <button class="primary" disabled={!props.running || busy.value} onClick={() => void apply("replace")} title="The text becomes the running config (configure replace)">
            Apply
          </button>
          <button disabled={!props.running || busy.value} onClick={() => void apply("merge")} title="Add these lines on top of the running config">
            Merge
          </button>
          <button
            disabled={!props.running || busy.value}
            onClick={() => {
              message.value = undefined;
              void load(false);
            }}
            title="Load the running config again, discarding edits"
          >
            Reload
          </button>
          <button disabled={!props.running || busy.value} onClick={() => void save()} title="write memory">
            Save to startup
          </button>
          <select
            class="compare-pick"
            data-action="compare"
            disabled={!props.running || busy.value}
            value={comparing.value ?? ""}
            title="Compare in a diff view"
            onChange={(ev: Event) => void compare(((ev.target as HTMLSelectElement).value || undefined) as Comparison | undefined)}
          >
            <option value="">Compare…</option>
            {(Object.keys(COMPARISONS) as Comparison[]).map((c) => (
              <option value={c}>{COMPARISONS[c]}</option>
            ))}
          </select>
          <span class="spacer" />
          {comparing.value && diffSummary.value ? (
            <span class="diff-summary" data-diff-summary>
              {diffSummary.value}
            </span>
          ) : null}
          {comparing.value ? null : (
            <span class={["check", problems.value ? "has-problems" : "clean"]} data-problems={problems.value}>
              {problems.value ? `${problems.value} problem${problems.value === 1 ? "" : "s"}` : "No problems"}
            </span>
          )}
          {dirty.value && !comparing.value ? <span class="dirty">edited</span> : null}
        </div>
        {message.value ? (
          <div class={["config-message", `is-${message.value.kind}`]} data-message={message.value.kind}>
            {message.value.text}
          </div>
        ) : null}
        <div class="editor-box" ref={box} style={{ display: comparing.value ? "none" : undefined }} />
        <div class="editor-box diff-box" ref={diffBox} data-diff={comparing.value ?? ""} style={{ display: comparing.value ? undefined : "none" }} />
        {!props.running ? <div class="overlay-empty">Start the node to edit its running config.</div> : null}
      </div>
    );
  },
});
