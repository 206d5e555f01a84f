// IOS's limits on the names and free text a configuration holds, so a hostname cannot carry
// a NUL or 100 kB of text into prompts, running-config and every show command. Each check
// returns IOS's refusal, or undefined when the text is acceptable.

/** RFC 1123 host name label, as IOS enforces it for `hostname`. */
export const HOSTNAME_MAX_CHARS = 63;
/** The limit IOS's own help gives: "Up to 240 characters describing this interface". */
export const DESCRIPTION_MAX_CHARS = 240;
/** A VRF's description: "Up to 244 characters describing this VRF". */
export const VRF_DESCRIPTION_MAX_CHARS = 244;
/** "Up to 80 characters describing this neighbor". */
export const BGP_NEIGHBOR_DESCRIPTION_MAX_CHARS = 80;
/** "Comment up to 100 characters". */
export const ROUTE_MAP_DESCRIPTION_MAX_CHARS = 100;
/** IOS VRF names are at most 32 characters. */
export const VRF_NAME_MAX_CHARS = 32;

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `hostname`: starts with a letter, ends with a letter or digit, letters, digits and hyphens
 * in between, at most 63 characters. */
export function hostnameProblem(name: string): string | undefined {
  if (name.length > HOSTNAME_MAX_CHARS) return `% Hostname is longer than ${HOSTNAME_MAX_CHARS} characters.`;
  const last = name.charCodeAt(name.length - 1);
  let ok = isLetter(name.charCodeAt(0)) && (isLetter(last) || isDigit(last));
  for (let i = 1; ok && i < name.length - 1; i++) {
    const c = name.charCodeAt(i);
    ok = isLetter(c) || isDigit(c) || c === 45;
  }
  return ok ? undefined : "% Hostname contains one or more illegal characters.";
}

/** `description` of an interface (or, with its own limit, a VRF). */
export function descriptionProblem(text: string, maxChars = DESCRIPTION_MAX_CHARS): string | undefined {
  return text.length > maxChars ? `% Description is longer than ${maxChars} characters.` : undefined;
}

/** `vrf definition NAME`, `ip vrf NAME`. */
export function vrfNameProblem(name: string): string | undefined {
  return name.length > VRF_NAME_MAX_CHARS ? `% VRF name is longer than ${VRF_NAME_MAX_CHARS} characters.` : undefined;
}

/** The order IOS lists names in (VRFs, trustpoints, key labels): by character code, as
 * strcmp and the `?` lists order them. Never String#localeCompare in a router: its first call
 * loads ICU's collation data, ~4 MB more RSS in every router a table poll or a `show` reaches. */
export function byCharCode(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
