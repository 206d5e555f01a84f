// The one command grammar: entries (config or exec commands) register their syntax once, and
// parsing, `?` help, Tab completion and IOS errors all come from it.
//
// IOS matching, word by word, over every command of the mode at once: a word that equals a
// keyword wins; else a typed argument (address, number, interface); else a keyword it
// abbreviates, which must be unique (two keywords → "% Ambiguous command"); else free text.
// When nothing fits, the caret goes after the longest prefix that still matches a keyword.

import { Args } from "./args";
import type { Result } from "../../../api/result";
import type { CommandError } from "./errors";
import { FirstWordIndex } from "./first-word";
import { closure, closureAfter, compile, type Nfa, type NfaState, type TokNode } from "./nfa";
import { parseSyntax, tokensIn, type SyntaxNode } from "./syntax";
import { isKeywordLike, keywordOf, matchToken, MatchClass, tokenFromSpelling, tokenLabel, type ArgValue, type Token, type TokenMatch } from "./tokens";
import { INTERFACE_TYPES } from "./interface-name";
import { byCharCode } from "../names";

export type ModeId = string;

/** What the engine needs of a command; config and exec commands extend it. */
export interface GrammarEntry {
  readonly mode: ModeId | readonly ModeId[];
  readonly syntax: string;
  /** One per token of `syntax`, in order. */
  readonly help: readonly string[];
  /** Present when a `no` form exists; its syntax defaults to the positive one. */
  readonly no?: { readonly syntax?: string };
  /** Not listed by `?` (old spellings IOS still accepts). */
  readonly hidden?: boolean;
}

export interface CompiledEntry<E extends GrammarEntry> {
  readonly entry: E;
  readonly index: number;
  readonly ast: SyntaxNode;
  readonly nfa: Nfa;
  readonly noAst?: SyntaxNode;
  readonly noNfa?: Nfa;
}

/** One word of a line with its 0-based start column. */
export interface Word {
  readonly text: string;
  readonly start: number;
}

export interface MatchSpan {
  readonly start: number;
  readonly end: number;
  readonly keyword: boolean;
}

export interface Match<E extends GrammarEntry> {
  readonly entry: E;
  readonly compiled: CompiledEntry<E>;
  readonly negated: boolean;
  readonly args: Args;
  /** Where each word was and whether it matched a keyword (for editors and tests). */
  readonly spans: readonly MatchSpan[];
}

export type MatchResult<E extends GrammarEntry> = Result<{ match: Match<E> }, { error: CommandError }>;

export interface HelpItem {
  readonly label: string;
  readonly help: string;
  readonly keyword: boolean;
}

export type HelpResult =
  /** After a space: what may come next, and whether the command may end here. */
  | { readonly kind: "list"; readonly items: readonly HelpItem[]; readonly cr: boolean }
  /** After a partial word: the keywords it may abbreviate. */
  | { readonly kind: "words"; readonly words: readonly string[] }
  | { readonly kind: "error"; readonly error: CommandError };

export const NO_HELP = "Negate a command or set its defaults";

/** One word a thread took, linked to the words before it. Stepping records only this; the
 * args and spans of a match are built from the chain for the one thread that wins. */
interface Taken {
  readonly prev: Taken | undefined;
  readonly span: MatchSpan;
  /** The token that took the word; undefined for the leading "no". */
  readonly node: TokNode | undefined;
  readonly value: ArgValue | undefined;
}

interface Thread<E extends GrammarEntry> {
  readonly c: CompiledEntry<E>;
  readonly nfa: Nfa;
  readonly state: NfaState;
  readonly negated: boolean;
  /** A rest-of-line token took the remaining words. */
  readonly done: boolean;
  readonly taken: Taken | undefined;
}

interface Frontier<E extends GrammarEntry> {
  readonly mode: ModeId;
  readonly threads: readonly Thread<E>[];
  /** At the first word of a mode with `no` forms, "no" is a candidate too. */
  readonly offerNo: boolean;
}

/** A mode's starting point, built on first use (and again after `add`), as every line of the
 * mode starts from it. */
interface ModeStart<E extends GrammarEntry> {
  readonly frontier: Frontier<E>;
  readonly firstWord: FirstWordIndex<Thread<E>>;
  /** Where a leading "no" leads: the start of every negatable command's `no` form. */
  readonly noStarts: readonly { readonly c: CompiledEntry<E>; readonly nfa: Nfa; readonly state: NfaState }[];
}

type StepResult<E extends GrammarEntry> = Result<{ frontier: Frontier<E> }, { error: CommandError }>;

export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push({ text: m[0], start: m.index });
  return words;
}

function commonPrefix(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

/** A thread (or the leading "no", with no thread) that can take the current word. */
interface Cand<E extends GrammarEntry> {
  readonly t: Thread<E> | undefined;
  readonly n: TokNode | undefined;
  readonly m: TokenMatch;
  readonly keyword: string | undefined;
  readonly hidden: boolean;
}

const NO_TOKEN: Token = { type: "keyword", word: "no" };

/** Ambiguous words rank as typed arguments (an ambiguous interface abbreviation). */
function classOf(m: TokenMatch): number {
  return m.kind === "match" ? m.cls : MatchClass.Typed;
}

/** The keywords the best candidates abbreviate. Hidden ones (old spellings IOS still accepts)
 * count only when no visible one fits, so they never make a visible abbreviation ambiguous. */
function abbreviated<E extends GrammarEntry>(cands: readonly Cand<E>[], best: number): Set<string | undefined> {
  const visible = new Set<string | undefined>();
  const all = new Set<string | undefined>();
  for (const c of cands) {
    if (classOf(c.m) !== best) continue;
    all.add(c.keyword);
    if (!c.hidden) visible.add(c.keyword);
  }
  return visible.size > 0 ? visible : all;
}

/** The bound arguments, replayed from the first word so lists grow in the order typed. */
function argsOf(last: Taken | undefined): Record<string, ArgValue> {
  const chain: Taken[] = [];
  for (let t = last; t; t = t.prev) chain.push(t);
  const args: Record<string, ArgValue> = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    const { node, value } = chain[i];
    if (node?.name === undefined || value === undefined) continue;
    if (node.list) {
      const prev = args[node.name];
      const list = Array.isArray(prev) ? prev : [];
      args[node.name] = [...list, value as string | number];
    } else args[node.name] = value;
  }
  return args;
}

function spansOf(last: Taken | undefined): MatchSpan[] {
  const spans: MatchSpan[] = [];
  for (let t = last; t; t = t.prev) spans.push(t.span);
  return spans.reverse();
}

function sameToken(spelling: string, name: string | undefined, node: Extract<SyntaxNode, { kind: "token" }>): boolean {
  return JSON.stringify(tokenFromSpelling(spelling)) === JSON.stringify(node.token) && (name === undefined || name === node.name);
}

interface CompiledSyntax {
  readonly ast: SyntaxNode;
  readonly nfa: Nfa;
  readonly noAst?: SyntaxNode;
  readonly noNfa?: Nfa;
}

/** An entry's syntax trees and NFAs depend on the entry alone, so grammars holding the same
 * entry (the config grammar, and the CLI's config + exec grammar) share one compilation. */
const compiledSyntaxes = new WeakMap<GrammarEntry, CompiledSyntax>();

function compiledSyntax(entry: GrammarEntry): CompiledSyntax {
  let c = compiledSyntaxes.get(entry);
  if (c !== undefined) return c;
  const ast = parseSyntax(entry.syntax, entry.help);
  let noAst: SyntaxNode | undefined;
  if (entry.no) {
    if (entry.no.syntax === undefined) noAst = ast;
    else {
      const known = tokensIn(ast);
      noAst = parseSyntax(entry.no.syntax, (spelling, name) => known.find((t) => sameToken(spelling, name, t))?.help ?? known.find((t) => sameToken(spelling, undefined, t))?.help ?? "");
    }
  }
  const nfa = compile(ast);
  const noNfa = noAst === undefined ? undefined : noAst === ast ? nfa : compile(noAst);
  c = { ast, nfa, noAst, noNfa };
  compiledSyntaxes.set(entry, c);
  return c;
}

export class Grammar<E extends GrammarEntry> {
  private readonly byMode = new Map<ModeId, CompiledEntry<E>[]>();
  private readonly starts = new Map<ModeId, ModeStart<E>>();
  private count = 0;

  constructor(entries: readonly E[] = []) {
    for (const e of entries) this.add(e);
  }

  add(entry: E): CompiledEntry<E> {
    const { ast, nfa, noAst, noNfa } = compiledSyntax(entry);
    const compiled: CompiledEntry<E> = { entry, index: this.count++, ast, nfa, noAst, noNfa };
    const modes = typeof entry.mode === "string" ? [entry.mode] : entry.mode;
    for (const m of modes) {
      const list = this.byMode.get(m) ?? [];
      list.push(compiled);
      this.byMode.set(m, list);
      this.starts.delete(m);
    }
    return compiled;
  }

  entries(mode: ModeId): readonly CompiledEntry<E>[] {
    return this.byMode.get(mode) ?? [];
  }

  modes(): ModeId[] {
    return [...this.byMode.keys()];
  }

  /** Parses a whole line in `mode`. */
  match(mode: ModeId, line: string): MatchResult<E> {
    const words = splitWords(line);
    if (words.length === 0) return { ok: false, error: { kind: "incomplete", column: 0 } };
    let frontier = this.start(mode);
    for (let i = 0; i < words.length; i++) {
      const r = this.step(frontier, words[i], line, i === 0);
      if (!r.ok) return r;
      frontier = r.frontier;
    }
    // Of the threads that may end here, the command declared first wins.
    let t: Thread<E> | undefined;
    for (const x of frontier.threads) if (x.nfa.nodes[x.state.node].kind === "accept" && (t === undefined || x.c.index < t.c.index)) t = x;
    if (t === undefined) return { ok: false, error: { kind: "incomplete", column: line.trimEnd().length } };
    return { ok: true, match: { entry: t.c.entry, compiled: t.c, negated: t.negated, args: new Args(argsOf(t.taken)), spans: spansOf(t.taken) } };
  }

  /** `?` help for the text typed before the question mark. */
  help(mode: ModeId, text: string): HelpResult {
    const words = splitWords(text);
    const partial = text.length > 0 && !/\s$/.test(text) ? words.pop() : undefined;
    let frontier = this.start(mode);
    for (let i = 0; i < words.length; i++) {
      const r = this.step(frontier, words[i], text, i === 0);
      if (!r.ok) return { kind: "error", error: r.error };
      frontier = r.frontier;
    }
    if (partial) {
      const matching = this.keywordCandidates(frontier).filter((k) => k.word.toLowerCase().startsWith(partial.text.toLowerCase()) && !k.hidden);
      const unique = [...new Set(matching.map((k) => k.word))].sort(compareKeywords);
      if (unique.length === 0) return { kind: "error", error: { kind: "invalid", column: partial.start + this.caretOffset(frontier, partial.text) } };
      return { kind: "words", words: unique };
    }
    const items: HelpItem[] = [];
    const seen = new Set<string>();
    for (const t of frontier.threads) {
      const n = t.nfa.nodes[t.state.node];
      if (n.kind !== "tok" || n.hidden || t.c.entry.hidden || t.done) continue;
      const label = tokenLabel(n.token);
      if (seen.has(label)) continue;
      seen.add(label);
      items.push({ label, help: n.help, keyword: isKeywordLike(n.token) });
    }
    if (frontier.offerNo && !seen.has("no")) items.push({ label: "no", help: NO_HELP, keyword: true });
    items.sort((a, b) => compareLabels(a.label, b.label));
    const cr = frontier.threads.some((t) => t.nfa.nodes[t.state.node].kind === "accept");
    return { kind: "list", items, cr };
  }

  /** Tab: the line with its last word completed, or undefined when it is not unique. */
  complete(mode: ModeId, line: string): string | undefined {
    if (line.length === 0 || /\s$/.test(line)) return undefined;
    const words = splitWords(line);
    const last = words.pop();
    if (!last) return undefined;
    let frontier = this.start(mode);
    for (let i = 0; i < words.length; i++) {
      const r = this.step(frontier, words[i], line, i === 0);
      if (!r.ok) return undefined;
      frontier = r.frontier;
    }
    const cands = this.keywordCandidates(frontier).filter((k) => k.word.toLowerCase().startsWith(last.text.toLowerCase()));
    const visible = [...new Set(cands.filter((k) => !k.hidden).map((k) => k.word))];
    const pool = visible.length > 0 ? visible : [...new Set(cands.map((k) => k.word))];
    let completed: string | undefined;
    const exact = pool.find((w) => w.toLowerCase() === last.text.toLowerCase());
    if (exact) completed = exact;
    else if (pool.length === 1) completed = pool[0];
    else if (pool.length === 0) {
      // One-word interface names complete to their canonical form, as IOS does ("e0/0" → "Ethernet0/0").
      const values = new Set<string>();
      for (const t of frontier.threads) {
        const n = t.nfa.nodes[t.state.node];
        if (n.kind !== "tok" || n.token.type !== "ifjoined") continue;
        const m = matchToken(n.token, last.text, "");
        if (m.kind === "match" && typeof m.value === "string") values.add(m.value);
      }
      if (values.size === 1) completed = [...values][0];
    }
    return completed === undefined ? undefined : line.slice(0, last.start) + completed + " ";
  }

  private start(mode: ModeId): Frontier<E> {
    return this.modeStart(mode).frontier;
  }

  private modeStart(mode: ModeId): ModeStart<E> {
    let s = this.starts.get(mode);
    if (s !== undefined) return s;
    const threads: Thread<E>[] = [];
    const noStarts: { c: CompiledEntry<E>; nfa: Nfa; state: NfaState }[] = [];
    for (const c of this.entries(mode)) {
      for (const state of closure(c.nfa, [c.nfa.start], [])) threads.push({ c, nfa: c.nfa, state, negated: false, done: false, taken: undefined });
      if (c.noNfa) for (const state of closure(c.noNfa, [c.noNfa.start], [])) noStarts.push({ c, nfa: c.noNfa, state });
    }
    const offerNo = this.entries(mode).some((c) => c.noNfa !== undefined);
    const firstWord = new FirstWordIndex(threads, (t) => {
      const n = t.nfa.nodes[t.state.node];
      return n.kind === "tok" ? keywordOf(n.token) : undefined;
    });
    s = { frontier: { mode, threads, offerNo }, firstWord, noStarts };
    this.starts.set(mode, s);
    return s;
  }

  private keywordCandidates(frontier: Frontier<E>): { word: string; hidden: boolean }[] {
    const out: { word: string; hidden: boolean }[] = [];
    for (const t of frontier.threads) {
      if (t.done) continue;
      const n = t.nfa.nodes[t.state.node];
      if (n.kind !== "tok") continue;
      const k = keywordOf(n.token);
      if (k !== undefined) out.push({ word: k, hidden: n.hidden || t.c.entry.hidden === true });
    }
    if (frontier.offerNo) out.push({ word: "no", hidden: false });
    return out;
  }

  /** How far into `word` some keyword (or interface type) still matches. */
  private caretOffset(frontier: Frontier<E>, word: string): number {
    let best = 0;
    const consider = (k: string): void => {
      best = Math.max(best, commonPrefix(word, k));
    };
    for (const k of this.keywordCandidates(frontier)) consider(k.word);
    for (const t of frontier.threads) {
      const n = t.nfa.nodes[t.state.node];
      if (n.kind === "tok" && n.token.type === "ifjoined") for (const info of INTERFACE_TYPES) consider(info.type);
    }
    return Math.min(best, word.length);
  }

  // Runs for every word of every line a config loads, so it is plain loops: no closures or
  // per-thread copies (a thread records the word it took in one `Taken`).
  private step(frontier: Frontier<E>, word: Word, line: string, first: boolean): StepResult<E> {
    const rest = line.slice(word.start);
    const cands: Cand<E>[] = [];
    let best = 0;
    // The first word only tries the commands it can start; errors still look at them all.
    const tried = first ? this.modeStart(frontier.mode).firstWord.candidates(word.text) : frontier.threads;
    for (const t of tried) {
      if (t.done) continue;
      const n = t.nfa.nodes[t.state.node];
      if (n.kind !== "tok") continue;
      const m = matchToken(n.token, word.text, rest);
      if (m.kind === "none") continue;
      cands.push({ t, n, m, keyword: keywordOf(n.token), hidden: n.hidden || t.c.entry.hidden === true });
      best = Math.max(best, classOf(m));
    }
    if (frontier.offerNo && first) {
      const m = matchToken(NO_TOKEN, word.text, rest);
      if (m.kind !== "none") {
        cands.push({ t: undefined, n: undefined, m, keyword: "no", hidden: false });
        best = Math.max(best, classOf(m));
      }
    }
    // Threads whose rest-of-line token took this word already go on unchanged.
    const threads: Thread<E>[] = [];
    if (!first) for (const t of frontier.threads) if (t.done) threads.push(t);
    if (cands.length === 0) {
      if (threads.length > 0) return { ok: true, frontier: { mode: frontier.mode, threads, offerNo: false } };
      return { ok: false, error: { kind: "invalid", column: word.start + this.caretOffset(frontier, word.text) } };
    }

    // Only the best class of match goes on; an abbreviation must name one keyword.
    for (const c of cands) if (c.m.kind === "ambiguous" && classOf(c.m) === best) return { ok: false, error: { kind: "ambiguous", column: word.start } };
    const keywords = best === MatchClass.PartialKeyword ? abbreviated(cands, best) : undefined;
    if (keywords !== undefined && keywords.size > 1) return { ok: false, error: { kind: "ambiguous", column: word.start } };

    const end = word.start + word.text.length;
    for (const c of cands) {
      const m = c.m;
      if (m.kind !== "match" || m.cls !== best || (keywords !== undefined && !keywords.has(c.keyword))) continue;
      if (!c.t || !c.n) {
        // "no": continue in every negatable command of the mode.
        const taken: Taken = { prev: undefined, span: { start: word.start, end, keyword: true }, node: undefined, value: undefined };
        for (const s of this.modeStart(frontier.mode).noStarts) threads.push({ c: s.c, nfa: s.nfa, state: s.state, negated: true, done: false, taken });
        continue;
      }
      const span: MatchSpan = { start: word.start, end: m.restOfLine ? line.trimEnd().length : end, keyword: c.keyword !== undefined };
      const taken: Taken = { prev: c.t.taken, span, node: c.n, value: m.value };
      for (const state of closureAfter(c.t.nfa, c.t.state.node, c.t.state.used)) {
        if (m.restOfLine && c.t.nfa.nodes[state.node].kind !== "accept") continue;
        threads.push({ c: c.t.c, nfa: c.t.nfa, state, negated: c.t.negated, done: m.restOfLine === true, taken });
      }
    }
    return { ok: true, frontier: { mode: frontier.mode, threads, offerNo: false } };
  }
}

/** IOS sorts `?` lists by character code: `<1-255>`, then `A.B.C.D`, `WORD`, capitalised
 * interface types, lowercase keywords, and `|` last. */
export function compareLabels(a: string, b: string): number {
  return byCharCode(a, b);
}

/** Partial-word candidates are keywords only, listed alphabetically ignoring case. */
export function compareKeywords(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
