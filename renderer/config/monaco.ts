// Monaco, as the app uses it: the editor core with the few contributions a config editor
// needs (suggest, hover, find, go to error, clipboard), its worker, and the IOS language
// (ios-language.ts) with completion and hover from the router's grammar. Loaded only when a
// config tab opens.
import * as monaco from "monaco-editor/editor/editor.api";
import "monaco-editor/editor/contrib/suggest/browser/suggestController";
import "monaco-editor/editor/contrib/hover/browser/hoverContribution";
import "monaco-editor/editor/contrib/gotoError/browser/gotoError";
import "monaco-editor/editor/contrib/clipboard/browser/clipboard";
import "monaco-editor/editor/contrib/contextmenu/browser/contextmenu";
import "monaco-editor/features/find/register";
import { IOS_LANGUAGE_ID, IOS_MONARCH, configCompletions, configHover, configMarkers } from "./ios-language";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

let registered = false;

/** Registers the IOS language and theme once; returns Monaco. */
export function iosMonaco(): typeof monaco {
  if (registered) return monaco;
  registered = true;
  window.MonacoEnvironment = { getWorker: () => new Worker(new URL("editor.worker.js", document.baseURI), { type: "module" }) };
  monaco.languages.register({ id: IOS_LANGUAGE_ID });
  monaco.languages.setMonarchTokensProvider(IOS_LANGUAGE_ID, IOS_MONARCH as unknown as monaco.languages.IMonarchLanguage);
  monaco.languages.setLanguageConfiguration(IOS_LANGUAGE_ID, { comments: { lineComment: "!" } });
  monaco.languages.registerCompletionItemProvider(IOS_LANGUAGE_ID, {
    triggerCharacters: [" "],
    provideCompletionItems: (model, position) => {
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const items = configCompletions(model.getValue(), position.lineNumber, position.column).filter((i) => i.insertText);
      return {
        suggestions: items.map((i) => ({ label: i.label, kind: monaco.languages.CompletionItemKind.Keyword, insertText: i.insertText, detail: i.detail, range })),
      };
    },
  });
  monaco.languages.registerHoverProvider(IOS_LANGUAGE_ID, {
    provideHover: (model, position) => {
      const help = configHover(model.getValue(), position.lineNumber, position.column);
      return help ? { contents: [{ value: help }] } : null;
    },
  });
  monaco.editor.defineTheme("flexlab", {
    base: "vs",
    inherit: true,
    rules: [
      { token: "comment", foreground: "8a94a6", fontStyle: "italic" },
      { token: "keyword.block", foreground: "3b5bdb", fontStyle: "bold" },
      { token: "keyword.negation", foreground: "c2255c" },
      { token: "keyword", foreground: "5f3dc4" },
      { token: "type.interface", foreground: "0b7285" },
      { token: "number.address", foreground: "d9480f" },
      { token: "number.rd", foreground: "d9480f" },
      { token: "number", foreground: "e67700" },
      { token: "string", foreground: "2b8a3e" },
    ],
    colors: { "editor.background": "#ffffff", "editorLineNumber.foreground": "#b8c0cc", "editor.lineHighlightBackground": "#f5f7fb" },
  });
  return monaco;
}

/** Sets the grammar's markers on a model (owner "grammar"), or the router's (owner "router"). */
export function setMarkers(model: monaco.editor.ITextModel, owner: "grammar" | "router", markers: ReturnType<typeof configMarkers>): void {
  monaco.editor.setModelMarkers(
    model,
    owner,
    markers.map((m) => ({ ...m, severity: m.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning })),
  );
}

export { configMarkers };
