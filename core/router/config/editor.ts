// What a configuration editor (the desktop app's Monaco) asks: the completions at a cursor,
// from the same grammar as the router's `?`. A line may be any command of its block's mode or
// of an enclosing one (IOS's paste rule), so the candidates of every such mode are offered,
// the innermost first.

import { configGrammar } from "./commands/index";
import type { ConfigCommand } from "./command";
import type { Grammar, HelpItem, ModeId } from "./grammar/engine";
import { modeChain } from "./modes";
import { parseConfig } from "./parse";

export interface Completions {
  /** The mode the cursor's line is read in. */
  readonly mode: ModeId;
  /** After a space: what may come next (keywords, and argument labels such as `A.B.C.D`). */
  readonly items: readonly HelpItem[];
  /** Within a word: the keywords it may be the start of. */
  readonly words: readonly string[];
  /** Whether the command may end at the cursor. */
  readonly cr: boolean;
}

/** Completions at a 1-based line and column of `text`. */
export function completionsAt(text: string, line: number, column: number, grammar: Grammar<ConfigCommand> = configGrammar()): Completions {
  const lines = text.split(/\r?\n/);
  const before = lines.slice(0, line - 1).join("\n");
  const parsed = parseConfig(before + "\n");
  const mode = parsed.modes[line - 1] ?? "config";
  const prefix = (lines[line - 1] ?? "").slice(0, column - 1);
  const items: HelpItem[] = [];
  const words: string[] = [];
  const seen = new Set<string>();
  let cr = false;
  for (const m of modeChain(mode === "exec" ? "config" : mode)) {
    const h = grammar.help(m, prefix);
    if (h.kind === "list") {
      cr ||= h.cr;
      for (const i of h.items) {
        if (seen.has(i.label)) continue;
        seen.add(i.label);
        items.push(i);
      }
    } else if (h.kind === "words") {
      for (const w of h.words) {
        if (seen.has(w)) continue;
        seen.add(w);
        words.push(w);
      }
    }
  }
  return { mode, items, words, cr };
}
