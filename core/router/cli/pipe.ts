// Output modifiers: `| include|exclude|begin|section|count REGEX`, as IOS applies them to
// the output of show commands. Regexes are IOS's (close enough to JavaScript's for lab use:
// `_` matches a delimiter, as in AS-path expressions).
import type { HelpItem } from "../config/grammar/engine";

export type PipeKind = "include" | "exclude" | "begin" | "section" | "count";

export interface Pipe {
  readonly kind: PipeKind;
  readonly regex: RegExp;
}

const KINDS: readonly { kind: PipeKind; help: string }[] = [
  { kind: "begin", help: "Begin with the line that matches" },
  { kind: "count", help: "Count number of lines which match regexp" },
  { kind: "exclude", help: "Exclude lines that match" },
  { kind: "include", help: "Include lines that match" },
  { kind: "section", help: "Filter a section of output" },
];

export const PIPE_HELP: HelpItem = { label: "|", help: "Output modifiers", keyword: true };

/** Splits "show run | inc foo" into the command and its modifier; the pipe starts at the first
 * " |" IOS would see. Returns an error text for a bad modifier. */
export function splitPipe(line: string): { command: string; pipe?: Pipe; error?: string; pipeColumn?: number } {
  const at = line.search(/\s\|/);
  if (at < 0) return { command: line };
  const command = line.slice(0, at);
  const rest = line.slice(at).replace(/^\s*\|\s*/, "");
  const m = /^(\S+)\s*(.*)$/.exec(rest);
  const pipeColumn = line.indexOf("|", at);
  if (!m) return { command, error: "% Incomplete command.", pipeColumn };
  const word = m[1].toLowerCase();
  const matches = KINDS.filter((k) => k.kind.startsWith(word));
  if (matches.length !== 1) return { command, error: matches.length ? "% Ambiguous command" : "% Invalid input detected at '^' marker.", pipeColumn: pipeColumn + 2 };
  if (!m[2]) return { command, error: "% Incomplete command.", pipeColumn };
  return { command, pipe: { kind: matches[0].kind, regex: iosRegex(m[2]) } };
}

/** IOS regex: `_` stands for a delimiter (start, end, space, comma, braces). */
function iosRegex(text: string): RegExp {
  const source = text.replace(/_/g, "(?:^|$|[\\s,{}()])");
  try {
    return new RegExp(source);
  } catch {
    return new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  }
}

/** `| ?` help lines. */
export function pipeHelp(): string[] {
  const width = Math.max(...KINDS.map((k) => k.kind.length));
  return KINDS.map((k) => `  ${k.kind.padEnd(width)}  ${k.help}`);
}

export function applyPipe(lines: readonly string[], pipe: Pipe): string[] {
  const re = pipe.regex;
  switch (pipe.kind) {
    case "include":
      return lines.filter((l) => re.test(l));
    case "exclude":
      return lines.filter((l) => !re.test(l));
    case "begin": {
      const i = lines.findIndex((l) => re.test(l));
      return i < 0 ? [] : lines.slice(i);
    }
    case "count":
      return [`Number of lines which match regexp = ${lines.filter((l) => re.test(l)).length}`];
    case "section": {
      // Each matching unindented line with its indented children; an indented match alone.
      const out: string[] = [];
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (/^\s/.test(line)) {
          if (re.test(line)) out.push(line);
          continue;
        }
        let end = i + 1;
        while (end < lines.length && /^\s/.test(lines[end])) end++;
        const block = lines.slice(i, end);
        if (block.some((l) => re.test(l))) out.push(...block);
        i = end - 1;
      }
      return out;
    }
  }
}
