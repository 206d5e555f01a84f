// Options several commands share, declared here so a command's declaration stays light: its
// action loads the code that does the work only when it runs (`flexlab --help` loads none).
import { InvalidArgumentError, type Command } from "commander";

export interface LabOption {
  readonly lab?: string;
}

export interface JsonOption {
  readonly json?: boolean;
}

/** Adds `--lab DIR` to a command that works on a running lab. */
export function withLabOption(command: Command): Command {
  return command.option("--lab <dir>", "the lab folder (default: the lab this folder is in)");
}

/** Adds `--json`: the result as JSON on stdout; messages stay on stderr. */
export function withJsonOption(command: Command): Command {
  return command.option("--json", "print the result as JSON");
}

/** The one duration format of every option that takes one: 500ms, 30s, 5m, 1h; a bare number is seconds. */
export const DURATION_FORMAT = "500ms, 30s, 5m or 1h; a bare number is seconds";

const DURATION = /^(\d{1,9}(?:\.\d{1,3})?)(ms|s|m|h)?$/;
const SCALE_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of "500ms", "30s", "5m", "1h" or "30" (seconds); undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SCALE_MS[(m[2] ?? "s") as keyof typeof SCALE_MS]);
}

/** A commander argument parser for a duration between `minMs` and `maxMs`; a bad one is a usage error (exit 2). */
export function durationArg(minMs: number, maxMs: number): (text: string) => number {
  return (text) => {
    const ms = parseDuration(text);
    if (ms === undefined) throw new InvalidArgumentError(`not a duration (${DURATION_FORMAT}).`);
    if (ms < minMs || ms > maxMs) throw new InvalidArgumentError(`must be between ${formatDuration(minMs)} and ${formatDuration(maxMs)}.`);
    return ms;
  };
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** "Examples:" after a command's help, one `flexlab ...` line each. */
export function withExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`);
}
