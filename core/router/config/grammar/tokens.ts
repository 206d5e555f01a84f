// The token types a command syntax is made of, how each one matches a typed word, what it
// shows in `?` help, and how a bound value prints back. The spelling in syntax strings
// follows FRR/IOS: `WORD`, `LINE`, `<1-255>`, `A.B.C.D`, `A.B.C.D/M`, `NETMASK`, `INTERFACE`,
// `ASN`, `RD`, `AA:NN` (a BGP community), `HEX`, `HEXDATA`, `H.H.H`; anything else in lower/mixed case is a keyword.

import { formatIpv4, formatMacIos, formatPrefix, maskLength, parseIpv4, parseMac, parsePrefix, type Prefix } from "../../wire/addr";
import {
  formatInterfaceName,
  INTERFACE_TYPES,
  interfaceTypeInfo,
  parseInterfaceNumber,
  parseInterfaceWord,
  type InterfaceType,
} from "./interface-name";
import { formatRouteDistinguisher, isHex, parseAsn, parseRouteDistinguisher } from "./values";

/** A value bound by a matched token: strings, numbers (also IPv4 addresses), prefixes, or
 * lists for repeated tokens. Plain data so parsed arguments can be stored in the model. */
export type ArgValue = string | number | Prefix | readonly (string | number)[];

export type Token =
  | { readonly type: "keyword"; readonly word: string }
  | { readonly type: "word"; readonly label: string }
  | { readonly type: "line" }
  | { readonly type: "range"; readonly lo: number; readonly hi: number }
  | { readonly type: "ipv4" }
  | { readonly type: "netmask" }
  | { readonly type: "prefix" }
  | { readonly type: "interface" }
  | { readonly type: "asn" }
  | { readonly type: "rd" }
  | { readonly type: "community" }
  | { readonly type: "hex" }
  | { readonly type: "hexdata" }
  | { readonly type: "mac" }
  // The interface token is expanded into these when a syntax is compiled: one word
  // ("Ethernet0/1"), or a type keyword followed by its number ("Ethernet 0/1").
  | { readonly type: "ifjoined" }
  | { readonly type: "iftype"; readonly ifType: InterfaceType }
  | { readonly type: "ifnumber"; readonly ifType: InterfaceType };

/** How well a word fits a token. IOS prefers, at each word: an exact keyword, then a typed
 * argument (address, number, interface), then a keyword abbreviation, then free text. */
export const MatchClass = { Generic: 1, PartialKeyword: 2, Typed: 3, ExactKeyword: 4 } as const;
export type MatchClass = (typeof MatchClass)[keyof typeof MatchClass];

export type TokenMatch =
  | { readonly kind: "none" }
  | { readonly kind: "ambiguous" }
  | { readonly kind: "match"; readonly cls: MatchClass; readonly value?: ArgValue; readonly restOfLine?: boolean };

const NONE: TokenMatch = { kind: "none" };

/** Classifies one word of a syntax string. */
export function tokenFromSpelling(spelling: string): Token {
  const range = /^<(-?\d+)-(-?\d+)>$/.exec(spelling);
  if (range) return { type: "range", lo: Number(range[1]), hi: Number(range[2]) };
  switch (spelling) {
    case "A.B.C.D": return { type: "ipv4" };
    case "A.B.C.D/M": return { type: "prefix" };
    case "NETMASK": return { type: "netmask" };
    case "INTERFACE": return { type: "interface" };
    case "LINE": return { type: "line" };
    case "ASN": return { type: "asn" };
    case "RD": case "RT": return { type: "rd" };
    case "AA:NN": return { type: "community" };
    case "HEX": return { type: "hex" };
    case "HEXDATA": return { type: "hexdata" };
    case "H.H.H": return { type: "mac" };
  }
  if (/^[A-Z][A-Z0-9_]*$/.test(spelling)) return { type: "word", label: spelling };
  return { type: "keyword", word: spelling };
}

export function isKeywordLike(t: Token): t is Extract<Token, { type: "keyword" | "iftype" }> {
  return t.type === "keyword" || t.type === "iftype";
}

export function keywordOf(t: Token): string | undefined {
  return t.type === "keyword" ? t.word : t.type === "iftype" ? t.ifType : undefined;
}

function matchKeyword(word: string, keyword: string): TokenMatch {
  const w = word.toLowerCase();
  const k = keyword.toLowerCase();
  if (w === k) return { kind: "match", cls: MatchClass.ExactKeyword, value: keyword };
  if (k.startsWith(w)) return { kind: "match", cls: MatchClass.PartialKeyword, value: keyword };
  return NONE;
}

/** C0 controls and DEL: no IOS name or text holds them (a terminal cannot type a NUL), so a
 * free-text token refuses a word that carries one. Tab separates words, so LINE may hold it. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return true;
  }
  return false;
}

function startsWithDigit(word: string): boolean {
  const c = word.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function typed(value: ArgValue | undefined): TokenMatch {
  return value === undefined ? NONE : { kind: "match", cls: MatchClass.Typed, value };
}

/** Matches `word` against one token. `rest` is the raw text from the word to the line end,
 * for the rest-of-line tokens. */
export function matchToken(t: Token, word: string, rest: string): TokenMatch {
  switch (t.type) {
    case "keyword":
      return matchKeyword(word, t.word);
    case "iftype":
      return matchKeyword(word, t.ifType);
    case "word":
      return hasControlCharacter(word) ? NONE : { kind: "match", cls: MatchClass.Generic, value: word };
    case "line":
      return hasControlCharacter(rest) ? NONE : { kind: "match", cls: MatchClass.Generic, value: rest.trimEnd(), restOfLine: true };
    case "hexdata": {
      const groups = rest.trim().split(/\s+/);
      return groups.every(isHex) ? { kind: "match", cls: MatchClass.Typed, value: groups.join(" ").toUpperCase(), restOfLine: true } : NONE;
    }
    case "range": {
      if (!/^-?\d{1,10}$/.test(word)) return NONE;
      const n = Number(word);
      return n >= t.lo && n <= t.hi ? typed(n) : NONE;
    }
    case "ipv4":
      // Most words tried as an address are keywords or names: skip parsing those.
      return startsWithDigit(word) ? typed(parseIpv4(word)) : NONE;
    case "netmask": {
      const m = parseIpv4(word);
      return m !== undefined && maskLength(m) !== undefined ? typed(m) : NONE;
    }
    case "prefix":
      return typed(parsePrefix(word));
    case "asn":
      return typed(parseAsn(word));
    case "rd": {
      const rd = parseRouteDistinguisher(word);
      return typed(rd && formatRouteDistinguisher(rd));
    }
    case "community": {
      // RFC 1997 community in IOS's new format: 16-bit AS, colon, 16-bit value; bound as the
      // 32-bit number.
      const m = /^(\d{1,5}):(\d{1,5})$/.exec(word);
      const hi = m ? Number(m[1]) : -1;
      const lo = m ? Number(m[2]) : -1;
      return m && hi <= 0xffff && lo <= 0xffff ? typed(hi * 65536 + lo) : NONE;
    }
    case "hex":
      return isHex(word) ? { kind: "match", cls: MatchClass.Generic, value: word.toUpperCase() } : NONE;
    case "mac":
      return typed(parseMac(word));
    case "ifjoined": {
      const p = parseInterfaceWord(word);
      if (p.kind === "ambiguous") return { kind: "ambiguous" };
      return p.kind === "ok" ? typed(formatInterfaceName(p.name)) : NONE;
    }
    case "ifnumber": {
      const n = parseInterfaceNumber(interfaceTypeInfo(t.ifType), word);
      return typed(n && formatInterfaceName(n));
    }
    case "interface":
      throw new Error("INTERFACE tokens are expanded when a syntax is compiled");
  }
}

/** What `?` shows for the token, e.g. "A.B.C.D", "<1-255>", "WORD". */
export function tokenLabel(t: Token): string {
  switch (t.type) {
    case "keyword": return t.word;
    case "iftype": return t.ifType;
    case "word": return "WORD";
    case "line": return "LINE";
    case "hexdata": return "LINE";
    case "range": return `<${t.lo}-${t.hi}>`;
    case "ipv4": case "netmask": return "A.B.C.D";
    case "prefix": return "A.B.C.D/nn";
    case "asn": return "<1-4294967295>";
    case "rd": return "ASN:nn or IP-address:nn";
    case "community": return "aa:nn";
    case "hex": return "WORD";
    case "mac": return "H.H.H";
    case "ifjoined": case "interface": return "INTERFACE";
    case "ifnumber": return interfaceTypeInfo(t.ifType).numberLabel;
  }
}

/** Prints a bound value back the way IOS shows it. */
export function formatValue(t: Token, value: ArgValue): string {
  if (Array.isArray(value)) return value.map((v) => formatValue(t, v)).join(" ");
  switch (t.type) {
    case "ipv4":
    case "netmask":
      return formatIpv4(value as number);
    case "prefix":
      return formatPrefix(value as Prefix);
    case "mac":
      return formatMacIos(value as number);
    case "community":
      return typeof value === "number" ? `${Math.floor(value / 65536)}:${value % 65536}` : String(value);
    default:
      return String(value);
  }
}

export const INTERFACE_TYPE_TOKENS: readonly Token[] = INTERFACE_TYPES.map((i) => ({ type: "iftype", ifType: i.type }));
