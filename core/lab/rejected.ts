// Telling from an exec command's output whether the router took it: what `flexlab exec`,
// `flexlab sim --exec` and the exercise checks all need to know.

/** IOS's answers to a command it did not take: the shell prints them and carries on. A lone
 * unknown word is taken for a host to telnet to, hence "Unknown command or computer name"; a
 * bare `show` gets `% Type "show ?" for a list of subcommands`. */
const REJECTED = /^% (?:Invalid input detected|Incomplete command|Ambiguous command|Unrecognized command|Unknown command or computer name|Type "[a-z]+ \?" for a list of subcommands)/m;

/** The first line where the router rejected a command, or undefined when it took them all. */
export function rejectedCommand(output: string): string | undefined {
  const m = REJECTED.exec(output);
  if (!m) return undefined;
  const end = output.indexOf("\n", m.index);
  return output.slice(m.index, end < 0 ? undefined : end);
}
