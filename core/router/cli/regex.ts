// IOS regular expressions for output filters (`| include`, `| section` …), matched in time
// linear in the input: the pattern compiles to a Thompson NFA, and matching follows every
// state at once (a Pike VM without captures), so no pattern can backtrack. `(a+)+$` on a long
// line costs what `a` does, times the program's size.
//
// The dialect is IOS's: literals, `.` (any character, white space included), `*` `+` `?`,
// `[...]` with ranges and `^` negation, `^` and `$` anchors, `|`, `( )`, `\` to take the next
// character literally, and `_`, which matches a comma, a brace, a parenthesis, a space, or the
// start or end of the string. Braces are plain characters (IOS has no `{n,m}`), `\d` is a
// `d`, and parentheses only group: IOS's recall (`\1`) needs backtracking, so `\1` is a `1`.
// A pattern IOS would refuse (an unbalanced parenthesis, an unclosed `[`, a repeat of nothing)
// is a RegexError rather than a pattern, and so is one too big to match a line in bounded time
// (more than MAX_REGEX_STATES states) or nested deeper than MAX_REGEX_DEPTH parentheses, which
// the parser and the compiler, both recursive, could not follow without overflowing the stack.

export interface RegexError {
  readonly error: string;
  /** 0-based position in the pattern where it went wrong. */
  readonly at: number;
}

/** A compiled pattern; `test` says whether it matches anywhere in a line. */
export interface IosRegex {
  readonly source: string;
  /** NFA states: matching a line costs at most about `size × line length` steps. */
  readonly size: number;
  /** NFA states visited by every `test` so far: the work done, for callers that pace it. */
  readonly steps: number;
  test(line: string): boolean;
}

/** The most NFA states a pattern may compile to: Spencer's "regexp too big" limit, in states. */
export const MAX_REGEX_STATES = 4096;
/** The deepest nesting of parentheses a pattern may have. */
export const MAX_REGEX_DEPTH = 100;

/** The message IOS prints for a pattern it cannot compile. */
export const INVALID_REGEX = "% Invalid regular expression";

// --- Syntax -----------------------------------------------------------------------------

/** Inclusive UTF-16 code unit ranges, sorted; `negated` flips the set. */
interface CharSet {
  readonly ranges: readonly (readonly [number, number])[];
  readonly negated: boolean;
}

type Node =
  | { readonly kind: "empty" }
  | { readonly kind: "char"; readonly set: CharSet }
  | { readonly kind: "any" }
  | { readonly kind: "bol" }
  | { readonly kind: "eol" }
  | { readonly kind: "delimiter" }
  | { readonly kind: "concat"; readonly parts: readonly Node[] }
  | { readonly kind: "alt"; readonly options: readonly Node[] }
  | { readonly kind: "repeat"; readonly min: 0 | 1; readonly max: 1 | typeof Infinity; readonly body: Node };

/** `_`'s characters (IOS's list, with tab as the space it stands for in output). */
const DELIMITERS: CharSet = {
  ranges: [
    [9, 9],
    [32, 32],
    [40, 41],
    [44, 44],
    [123, 123],
    [125, 125],
  ],
  negated: false,
};

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  parse(): Node | RegexError {
    try {
      const node = this.alternation();
      if (this.pos < this.text.length) return { error: "unmatched )", at: this.pos };
      return node;
    } catch (err) {
      if (err instanceof SyntaxFault) return { error: err.message, at: err.at };
      throw err;
    }
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === "|") {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: "alt", options };
  }

  private sequence(): Node {
    const parts: Node[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === undefined || ch === "|" || ch === ")") break;
      let atom = this.atom();
      const q = this.peek();
      if (q === "*" || q === "+" || q === "?") {
        this.pos++;
        atom = { kind: "repeat", min: q === "+" ? 1 : 0, max: q === "?" ? 1 : Infinity, body: atom };
        const again = this.peek();
        // Spencer's regexp, as IOS has it, refuses a repeat of a repeat ("nested *?+").
        if (again === "*" || again === "+" || again === "?") throw new SyntaxFault("nested *?+", this.pos);
      }
      parts.push(atom);
    }
    if (parts.length === 0) return { kind: "empty" };
    return parts.length === 1 ? parts[0] : { kind: "concat", parts };
  }

  private atom(): Node {
    const at = this.pos;
    const ch = this.text[this.pos++];
    switch (ch) {
      case "(": {
        if (++this.depth > MAX_REGEX_DEPTH) throw new SyntaxFault("too many ()", at);
        const inner = this.alternation();
        if (this.peek() !== ")") throw new SyntaxFault("unmatched (", at);
        this.pos++;
        this.depth--;
        return inner;
      }
      case "*":
      case "+":
      case "?":
        throw new SyntaxFault(`${ch} follows nothing`, at);
      case ".":
        return { kind: "any" };
      case "^":
        return { kind: "bol" };
      case "$":
        return { kind: "eol" };
      case "_":
        return { kind: "delimiter" };
      case "[":
        return { kind: "char", set: this.bracket(at) };
      case "\\": {
        if (this.pos >= this.text.length) throw new SyntaxFault("trailing \\", at);
        return literal(this.text.charCodeAt(this.pos++));
      }
      default:
        return literal(ch.charCodeAt(0));
    }
  }

  /** `[...]` after the `[`: a `]` or `-` first is literal, as in POSIX; `\` escapes. */
  private bracket(open: number): CharSet {
    const negated = this.peek() === "^";
    if (negated) this.pos++;
    const ranges: [number, number][] = [];
    let first = true;
    for (;;) {
      if (this.pos >= this.text.length) throw new SyntaxFault("unmatched [", open);
      if (this.text[this.pos] === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      const lo = this.classChar();
      if (this.text[this.pos] === "-" && this.pos + 1 < this.text.length && this.text[this.pos + 1] !== "]") {
        const dash = this.pos++;
        const hi = this.classChar();
        if (hi < lo) throw new SyntaxFault("invalid [] range", dash);
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    return { ranges, negated };
  }

  private classChar(): number {
    if (this.text[this.pos] === "\\" && this.pos + 1 < this.text.length) this.pos++;
    return this.text.charCodeAt(this.pos++);
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }
}

class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

function literal(code: number): Node {
  return { kind: "char", set: { ranges: [[code, code]], negated: false } };
}

// --- Program ----------------------------------------------------------------------------

const Op = { Char: 0, Any: 1, Split: 2, Jump: 3, Bol: 4, Eol: 5, Match: 6 } as const;
type Op = (typeof Op)[keyof typeof Op];

interface Inst {
  op: Op;
  set?: CharSet;
  /** Jump target, or Split's first choice. */
  x: number;
  /** Split's second choice. */
  y: number;
}

/** Thompson's construction: each node appends its instructions; holes are patched after. */
class Compiler {
  readonly prog: Inst[] = [];

  emit(node: Node): void {
    const p = this.prog;
    switch (node.kind) {
      case "empty":
        return;
      case "char":
        p.push({ op: Op.Char, set: node.set, x: 0, y: 0 });
        return;
      case "any":
        p.push({ op: Op.Any, x: 0, y: 0 });
        return;
      case "bol":
        p.push({ op: Op.Bol, x: 0, y: 0 });
        return;
      case "eol":
        p.push({ op: Op.Eol, x: 0, y: 0 });
        return;
      case "delimiter":
        this.emit({ kind: "alt", options: [{ kind: "bol" }, { kind: "eol" }, { kind: "char", set: DELIMITERS }] });
        return;
      case "concat":
        for (const part of node.parts) this.emit(part);
        return;
      case "alt": {
        // split L1, next; L1: option; jmp end; next: split …
        const jumps: Inst[] = [];
        for (let i = 0; i < node.options.length; i++) {
          const last = i === node.options.length - 1;
          const split: Inst | undefined = last ? undefined : { op: Op.Split, x: 0, y: 0 };
          if (split) {
            p.push(split);
            split.x = p.length;
          }
          this.emit(node.options[i]);
          if (split) {
            const jump: Inst = { op: Op.Jump, x: 0, y: 0 };
            p.push(jump);
            jumps.push(jump);
            split.y = p.length;
          }
        }
        for (const jump of jumps) jump.x = p.length;
        return;
      }
      case "repeat": {
        if (node.min === 1) {
          // body; split body, next
          const start = p.length;
          this.emit(node.body);
          p.push({ op: Op.Split, x: start, y: p.length + 1 });
          return;
        }
        // split body, next; body; [jmp split]
        const at = p.length;
        const split: Inst = { op: Op.Split, x: at + 1, y: 0 };
        p.push(split);
        this.emit(node.body);
        if (node.max === Infinity) p.push({ op: Op.Jump, x: at, y: 0 });
        split.y = p.length;
        return;
      }
    }
  }
}

function inSet(set: CharSet, code: number): boolean {
  let found = false;
  for (const [lo, hi] of set.ranges) {
    if (code < lo) break;
    if (code <= hi) {
      found = true;
      break;
    }
  }
  return found !== set.negated;
}

/** Compiles an IOS pattern, or says why IOS would refuse it. */
export function compileIosRegex(source: string): IosRegex | RegexError {
  const ast = new Parser(source).parse();
  if ("error" in ast) return ast;
  const compiler = new Compiler();
  compiler.emit(ast);
  compiler.prog.push({ op: Op.Match, x: 0, y: 0 });
  if (compiler.prog.length > MAX_REGEX_STATES) return { error: "regexp too big", at: 0 };
  return new PikeVm(source, compiler.prog);
}

export function isRegexError(r: IosRegex | RegexError): r is RegexError {
  return "error" in r;
}

/**
 * Runs the program over a line keeping every live state in one list (a sparse set, so each
 * state is in it at most once per position): O(line length × program size), whatever the
 * pattern. A match anywhere ends the run early.
 */
class PikeVm implements IosRegex {
  private readonly prog: readonly Inst[];
  private readonly clist: Int32Array;
  private readonly nlist: Int32Array;
  /** Position (+1) at which each state was last added: the sparse set's membership test. */
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  steps = 0;

  constructor(
    readonly source: string,
    prog: Inst[],
  ) {
    this.prog = prog;
    const n = prog.length;
    this.clist = new Int32Array(n);
    this.nlist = new Int32Array(n);
    this.mark = new Int32Array(n);
    this.stack = new Int32Array(n * 2 + 2);
  }

  get size(): number {
    return this.prog.length;
  }

  test(line: string): boolean {
    const prog = this.prog;
    const len = line.length;
    this.mark.fill(0);
    let ccount = 0;
    let clist = this.clist;
    let nlist = this.nlist;
    for (let pos = 0; pos <= len; pos++) {
      // The search is unanchored: a thread may start at every position.
      const added = this.follow(clist, ccount, 0, pos, len, pos + 1);
      if (added < 0) return true;
      ccount = added;
      if (pos === len) break;
      const code = line.charCodeAt(pos);
      let ncount = 0;
      const stamp = pos + 2;
      for (let i = 0; i < ccount; i++) {
        const inst = prog[clist[i]];
        const passes = inst.op === Op.Any || (inst.op === Op.Char && inSet(inst.set!, code));
        if (!passes) continue;
        ncount = this.follow(nlist, ncount, clist[i] + 1, pos + 1, len, stamp);
        if (ncount < 0) return true;
      }
      const swap = clist;
      clist = nlist;
      nlist = swap;
      ccount = ncount;
    }
    return false;
  }

  /**
   * Adds `pc` and every state reachable from it without reading a character to `list`,
   * keeping only the ones that read one. Returns the new count, or -1 on reaching Match.
   * `stamp` marks states added for this position, so none is added twice.
   */
  private follow(list: Int32Array, count: number, pc: number, pos: number, len: number, stamp: number): number {
    const prog = this.prog;
    const mark = this.mark;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = pc;
    while (sp > 0) {
      const at = stack[--sp];
      if (mark[at] === stamp) continue;
      mark[at] = stamp;
      this.steps++;
      const inst = prog[at];
      switch (inst.op) {
        case Op.Match:
          return -1;
        case Op.Jump:
          stack[sp++] = inst.x;
          break;
        case Op.Split:
          // Order does not matter: only whether some thread matches, not which.
          stack[sp++] = inst.y;
          stack[sp++] = inst.x;
          break;
        case Op.Bol:
          if (pos === 0) stack[sp++] = at + 1;
          break;
        case Op.Eol:
          if (pos === len) stack[sp++] = at + 1;
          break;
        default:
          list[count++] = at;
      }
    }
    return count;
  }
}
