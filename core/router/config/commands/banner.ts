// Delimited banner text, as IOS reads it: `banner ^C text ^C` on one line or over several.

/** `banner ^C text ^C`: the first character (or the two characters "^C" IOS prints for
 * Ctrl-C) is the delimiter; the text runs to its next occurrence. */
export function parseBanner(raw: string): { text: string; closed: boolean; delimiter: string } {
  const delimiter = raw.startsWith("^C") ? "^C" : raw[0];
  const body = raw.slice(delimiter.length);
  const end = body.indexOf(delimiter);
  return end < 0 ? { text: body, closed: false, delimiter } : { text: body.slice(0, end), closed: true, delimiter };
}
