// `?` output in IOS's layout:
//   word ?     two-space indent, labels padded to the longest plus two spaces, then the help;
//              arguments first, keywords alphabetically, `<cr>` last when the command may end.
//   partial?   the keywords it may abbreviate on one line, two spaces apart, wrapped at 80.

import { errorLines } from "./errors";
import type { HelpItem, HelpResult } from "./engine";

export const CR = "<cr>";

/** Lines for `?`. `extra` items (a CLI's `|  Output modifiers`) go after the others, before `<cr>`.
 * `promptLength` places the caret of an invalid-input error. */
export function formatHelp(result: HelpResult, text: string, promptLength = 0, extra: readonly HelpItem[] = []): string[] {
  switch (result.kind) {
    case "error":
      if (result.error.kind === "invalid" && text.trim().split(/\s+/).length <= 1) return ["% Unrecognized command"];
      return errorLines(result.error, text, promptLength);
    case "words":
      return wrapWords(result.words);
    case "list": {
      const items = [...result.items, ...extra];
      const width = Math.max(0, ...items.map((i) => i.label.length), result.cr ? CR.length : 0);
      const lines = items.map((i) => `  ${i.label.padEnd(width)}  ${i.help}`.trimEnd());
      if (result.cr) lines.push(`  ${CR}`);
      return lines;
    }
  }
}

function wrapWords(words: readonly string[]): string[] {
  const lines: string[] = [];
  let current = "";
  for (const w of words) {
    const next = current === "" ? w : `${current}  ${w}`;
    if (next.length > 79 && current !== "") {
      lines.push(current);
      current = w;
    } else current = next;
  }
  if (current !== "") lines.push(current);
  return lines;
}
