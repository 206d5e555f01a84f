// Output modifiers: `| include|exclude|begin|section|count REGEX`, as IOS applies them to
// the output of show commands. The regex is IOS's dialect, matched in linear time (regex.ts);
// the filter runs in slices, so a long output never holds the router up and an escape stops it.
import type { HelpItem } from "../config/grammar/engine";
import { compileIosRegex, INVALID_REGEX, isRegexError, type IosRegex } from "./regex";

export type PipeKind = "include" | "exclude" | "begin" | "section" | "count";

export interface Pipe {
  readonly kind: PipeKind;
  readonly regex: IosRegex;
}

/** Where a filter yields between slices, and what tells it to stop. */
export interface PipePacing {
  /** Called after each line with the work done so far; true when the caller wants to pause. */
  spend(units: number): boolean;
  pause(): Promise<void>;
  readonly signal: AbortSignal;
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
  const regex = compileIosRegex(m[2]);
  if (isRegexError(regex)) return { command, error: INVALID_REGEX };
  return { command, pipe: { kind: matches[0].kind, regex } };
}

/** `| ?` help lines. */
export function pipeHelp(): string[] {
  const width = Math.max(...KINDS.map((k) => k.kind.length));
  return KINDS.map((k) => `  ${k.kind.padEnd(width)}  ${k.help}`);
}

/**
 * Filters output lines through the pipe. Returns what it has so far when the signal fires
 * (the escape): IOS stops the output there too.
 */
export async function applyPipe(lines: readonly string[], pipe: Pipe, pacing: PipePacing): Promise<string[]> {
  const re = pipe.regex;
  let last = re.steps;
  /** Tests one line, pausing when a slice is full; undefined once escaped. */
  const test = async (line: string): Promise<boolean | undefined> => {
    const hit = re.test(line);
    const steps = re.steps - last + 1;
    last = re.steps;
    if (pacing.spend(steps)) {
      await pacing.pause();
      if (pacing.signal.aborted) return undefined;
    }
    return hit;
  };
  const out: string[] = [];
  switch (pipe.kind) {
    case "include":
    case "exclude":
      for (const line of lines) {
        const hit = await test(line);
        if (hit === undefined) break;
        if (hit === (pipe.kind === "include")) out.push(line);
      }
      return out;
    case "begin":
      for (let i = 0; i < lines.length; i++) {
        const hit = await test(lines[i]);
        if (hit === undefined) break;
        if (hit) return lines.slice(i);
      }
      return out;
    case "count": {
      let count = 0;
      for (const line of lines) {
        const hit = await test(line);
        if (hit === undefined) break;
        if (hit) count++;
      }
      return [`Number of lines which match regexp = ${count}`];
    }
    case "section": {
      // Each matching unindented line with its indented children; an indented match alone.
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (/^\s/.test(line)) {
          const hit = await test(line);
          if (hit === undefined) break;
          if (hit) out.push(line);
          continue;
        }
        let end = i + 1;
        while (end < lines.length && /^\s/.test(lines[end])) end++;
        let matched = false;
        for (let j = i; j < end && !matched; j++) {
          const hit = await test(lines[j]);
          if (hit === undefined) return out;
          matched = hit;
        }
        if (matched) for (let j = i; j < end; j++) out.push(lines[j]);
        i = end - 1;
      }
      return out;
    }
  }
}
