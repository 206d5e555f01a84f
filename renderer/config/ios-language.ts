// IOS configuration text for the editor: a Monarch tokenizer (highlighting), and diagnostics,
// completions and hover help from the router's own grammar (core/router/config), so the
// editor and the router can never disagree. No Monaco import here: these are plain data and
// functions, registered with Monaco by config/monaco.ts and tested without a browser.
import { completionsAt } from "../../core/router/config/editor";
import { parseConfig } from "../../core/router/config/parse";

export const IOS_LANGUAGE_ID = "ios-config";

/** Monarch rules (monaco.languages.IMonarchLanguage): comments, the `no` prefix, block
 * openers, interface names, addresses, masks and numbers, quoted text. */
export const IOS_MONARCH = {
  ignoreCase: true,
  defaultToken: "",
  tokenizer: {
    // The tokenizer stands at the start of a word after each rule, so a word is read whole:
    // "R4-Spoke" stays a name rather than a name with a number in it.
    root: [
      [/^\s*!.*$/, "comment"],
      [/^\s*no(?=\s)/, "keyword.negation"],
      [/^(?:interface|router|vrf definition|ip vrf|crypto|route-map|address-family|line|hostname|version|end)(?![\w-])/, "keyword.block"],
      [/(?:Ethernet|Loopback|Tunnel|Null|Virtual-Template|Virtual-Access|GigabitEthernet|FastEthernet)\s*\d+(?:\/\d+)*(?:\.\d+)?(?![\w-])/, "type.interface"],
      [/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:\/\d{1,2})?(?![\w.])/, "number.address"],
      [/\d+:\d+(?![\w:])/, "number.rd"],
      [/\d+(?![\w-])/, "number"],
      [/"[^"]*"/, "string"],
      [/(?:shutdown|description|ip|address|mpls|bgp|neighbor|tunnel|ikev2|ipsec|nhrp|profile|keyring|proposal|policy|transform-set|set|match|permit|deny)(?![\w-])/, "keyword"],
      [/[^\s"]+/, ""],
      [/\s+/, ""],
    ],
  },
} as const;

export interface EditorMarker {
  readonly startLineNumber: number;
  readonly startColumn: number;
  readonly endLineNumber: number;
  readonly endColumn: number;
  readonly message: string;
  readonly severity: "error" | "warning";
}

/** The router's verdict on each line, as editor markers: errors underline from the caret to
 * the end of the word it points at; inert commands are warnings. */
export function configMarkers(text: string): EditorMarker[] {
  const result = parseConfig(text);
  const lines = text.split(/\r?\n/);
  const marker = (d: { line: number; column: number; message: string }, severity: EditorMarker["severity"]): EditorMarker => {
    const line = lines[d.line - 1] ?? "";
    const rest = line.slice(d.column - 1);
    const word = /^\S*/.exec(rest)?.[0].length ?? 0;
    return { startLineNumber: d.line, startColumn: d.column, endLineNumber: d.line, endColumn: d.column + Math.max(1, word), message: d.message, severity };
  };
  return [...result.diagnostics.map((d) => marker(d, "error")), ...result.warnings.map((w) => marker({ ...w, message: `No effect in a lab: ${w.message}` }, "warning"))];
}

export interface CompletionItem {
  readonly label: string;
  /** What to insert: the keyword, or nothing for an argument label such as A.B.C.D. */
  readonly insertText: string;
  readonly detail: string;
  readonly keyword: boolean;
}

/** What may come at a 1-based line and column, from the grammar's `?` help. */
export function configCompletions(text: string, line: number, column: number): CompletionItem[] {
  const c = completionsAt(text, line, column);
  const items: CompletionItem[] = c.items.map((i) => ({ label: i.label, insertText: i.keyword ? i.label : "", detail: i.help, keyword: i.keyword }));
  for (const w of c.words) if (!items.some((i) => i.label === w)) items.push({ label: w, insertText: w, detail: "", keyword: true });
  return items;
}

/** Help for the word under a 1-based column: what the grammar says of it at that point. */
export function configHover(text: string, line: number, column: number): string | undefined {
  const source = text.split(/\r?\n/)[line - 1] ?? "";
  let start = column - 1;
  while (start > 0 && !/\s/.test(source[start - 1])) start--;
  let end = column - 1;
  while (end < source.length && !/\s/.test(source[end])) end++;
  const word = source.slice(start, end);
  if (!word) return undefined;
  const lines = text.split(/\r?\n/);
  lines[line - 1] = source.slice(0, start);
  const candidates = completionsAt(lines.join("\n"), line, start + 1).items;
  const lower = word.toLowerCase();
  const hit = candidates.find((i) => i.keyword && i.label.toLowerCase().startsWith(lower)) ?? candidates.find((i) => !i.keyword);
  return hit ? `**${hit.label}** — ${hit.help}` : undefined;
}
