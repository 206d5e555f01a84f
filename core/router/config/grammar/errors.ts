// IOS's command errors as values. The column is 0-based within the typed line, so a CLI puts
// the caret at prompt length + column and an editor at column + 1.

export type CommandError =
  /** No command fits; the caret goes under `column`. */
  | { readonly kind: "invalid"; readonly column: number }
  /** The line could go on but stopped; column is the line's end. */
  | { readonly kind: "incomplete"; readonly column: number }
  /** A word abbreviates more than one keyword; column is that word's start. */
  | { readonly kind: "ambiguous"; readonly column: number }
  /** The command parsed but the router refused it (`% VRF x not configured`). */
  | { readonly kind: "rejected"; readonly column: number; readonly message: string };

export const INVALID_INPUT = "% Invalid input detected at '^' marker.";
export const INCOMPLETE = "% Incomplete command.";

/** The IOS message for an error on `line` (as typed). IOS quotes an ambiguous line whole,
 * after two spaces: `% Ambiguous command:  "sh i"`. */
export function errorMessage(error: CommandError, line: string): string {
  switch (error.kind) {
    case "invalid":
      return INVALID_INPUT;
    case "incomplete":
      return INCOMPLETE;
    case "ambiguous":
      return `% Ambiguous command:  "${line.trim()}"`;
    case "rejected":
      return error.message;
  }
}

/** The lines IOS prints for an error, the caret line first when there is one. */
export function errorLines(error: CommandError, line: string, promptLength: number): string[] {
  if (error.kind === "invalid") return [" ".repeat(promptLength + error.column) + "^", INVALID_INPUT];
  return [errorMessage(error, line)];
}
