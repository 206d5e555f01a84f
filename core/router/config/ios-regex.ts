// IOS regular expressions, as `ip as-path access-list` and `ip community-list expanded` use
// them: `.` `*` `+` `?` `[a-z]` `[^…]` `(…)` `|` `\x`, the anchors `^` and `$`, and `_`, which
// matches a comma, a brace, a parenthesis, a space, or the start or end of the input
// (Cisco's "Regular Expressions" appendix). A pattern matches if it matches somewhere in the
// input, as IOS searches.
//
// Matching runs on a Thompson NFA simulated one input character at a time over the set of
// live states (Pike's VM without captures): time is O(input × pattern), whatever the pattern,
// so `(.*)*x` on a long AS path costs no more than `x` — the router has one thread, and a
// backtracking engine (JavaScript's RegExp) can be made to run for minutes by one config line.

/** Longest pattern accepted (IOS takes a line; this is far above any real one). */
export const IOS_REGEX_MAX_CHARS = 1024;
/** Inputs whose answer a pattern remembers. */
const MEMO_ENTRIES = 4096;

const enum Op {
  /** Consume one character in a class. */
  Class,
  /** Consume any one character. */
  Any,
  Split,
  Jmp,
  /** `^`: only at the start of the input. */
  Start,
  /** `$`: only at its end. */
  End,
  /** `_` without a character: at the start or the end. */
  Edge,
  Match,
}

interface Inst {
  op: Op;
  /** Class: sorted inclusive ranges [lo, hi, lo, hi…]. */
  ranges?: number[];
  negate?: boolean;
  x?: number;
  y?: number;
}

type Node =
  | { k: "class"; ranges: number[]; negate: boolean }
  | { k: "any" }
  | { k: "start" }
  | { k: "end" }
  | { k: "underscore" }
  | { k: "cat"; parts: Node[] }
  | { k: "alt"; left: Node; right: Node }
  | { k: "repeat"; node: Node; min: 0 | 1; max: 1 | undefined };

/** The characters `_` consumes: `,{}() ` (IOS also lists `^` and `$` meaning the ends). */
const DELIMITERS = [32, 32, 40, 41, 44, 44, 123, 123, 125, 125];

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const n = this.alt();
    if (this.i < this.s.length) throw new Error(`unexpected '${this.s[this.i]}' at ${this.i + 1}`);
    return n;
  }

  private alt(): Node {
    let left = this.cat();
    while (this.s[this.i] === "|") {
      this.i++;
      left = { k: "alt", left, right: this.cat() };
    }
    return left;
  }

  private cat(): Node {
    const parts: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== "|" && this.s[this.i] !== ")") parts.push(this.repeat());
    return { k: "cat", parts };
  }

  private repeat(): Node {
    let node = this.atom();
    for (;;) {
      const c = this.s[this.i];
      if (c === "*") node = { k: "repeat", node, min: 0, max: undefined };
      else if (c === "+") node = { k: "repeat", node, min: 1, max: undefined };
      else if (c === "?") node = { k: "repeat", node, min: 0, max: 1 };
      else return node;
      this.i++;
    }
  }

  private atom(): Node {
    const c = this.s[this.i++];
    switch (c) {
      case ".":
        return { k: "any" };
      case "^":
        return { k: "start" };
      case "$":
        return { k: "end" };
      case "_":
        return { k: "underscore" };
      case "(": {
        const n = this.alt();
        if (this.s[this.i] !== ")") throw new Error("missing ')'");
        this.i++;
        return n;
      }
      case "[":
        return this.bracket();
      case "*":
      case "+":
      case "?":
        throw new Error(`nothing to repeat before '${c}' at ${this.i}`);
      case "\\": {
        if (this.i >= this.s.length) throw new Error("trailing '\\'");
        const e = this.s.charCodeAt(this.i++);
        return { k: "class", ranges: [e, e], negate: false };
      }
      default: {
        const code = c.charCodeAt(0);
        return { k: "class", ranges: [code, code], negate: false };
      }
    }
  }

  private bracket(): Node {
    let negate = false;
    if (this.s[this.i] === "^") {
      negate = true;
      this.i++;
    }
    const ranges: number[] = [];
    let first = true;
    while (this.i < this.s.length && (this.s[this.i] !== "]" || first)) {
      first = false;
      let lo = this.s.charCodeAt(this.i++);
      if (lo === 92 /* \ */ && this.i < this.s.length) lo = this.s.charCodeAt(this.i++);
      let hi = lo;
      if (this.s[this.i] === "-" && this.i + 1 < this.s.length && this.s[this.i + 1] !== "]") {
        this.i++;
        hi = this.s.charCodeAt(this.i++);
        if (hi === 92 && this.i < this.s.length) hi = this.s.charCodeAt(this.i++);
        if (hi < lo) throw new Error("bad range in '[]'");
      }
      ranges.push(lo, hi);
    }
    if (this.s[this.i] !== "]") throw new Error("missing ']'");
    this.i++;
    return { k: "class", ranges, negate };
  }
}

function compile(n: Node, prog: Inst[]): void {
  switch (n.k) {
    case "class":
      prog.push({ op: Op.Class, ranges: n.ranges, negate: n.negate });
      return;
    case "any":
      prog.push({ op: Op.Any });
      return;
    case "start":
      prog.push({ op: Op.Start });
      return;
    case "end":
      prog.push({ op: Op.End });
      return;
    case "underscore": {
      // A delimiter character, or the edge of the input without one.
      const split: Inst = { op: Op.Split, x: prog.length + 1 };
      prog.push(split);
      prog.push({ op: Op.Class, ranges: DELIMITERS, negate: false });
      const jmp: Inst = { op: Op.Jmp };
      prog.push(jmp);
      split.y = prog.length;
      prog.push({ op: Op.Edge });
      jmp.x = prog.length;
      return;
    }
    case "cat":
      for (const p of n.parts) compile(p, prog);
      return;
    case "alt": {
      const split: Inst = { op: Op.Split, x: prog.length + 1 };
      prog.push(split);
      compile(n.left, prog);
      const jmp: Inst = { op: Op.Jmp };
      prog.push(jmp);
      split.y = prog.length;
      compile(n.right, prog);
      jmp.x = prog.length;
      return;
    }
    case "repeat": {
      if (n.max === 1) {
        // x?
        const split: Inst = { op: Op.Split, x: prog.length + 1 };
        prog.push(split);
        compile(n.node, prog);
        split.y = prog.length;
        return;
      }
      if (n.min === 1) {
        // x+: x, then back to it or on.
        const start = prog.length;
        compile(n.node, prog);
        prog.push({ op: Op.Split, x: start, y: prog.length + 1 });
        return;
      }
      // x*
      const at = prog.length;
      const split: Inst = { op: Op.Split, x: at + 1 };
      prog.push(split);
      compile(n.node, prog);
      prog.push({ op: Op.Jmp, x: at });
      split.y = prog.length;
      return;
    }
  }
}

function inClass(inst: Inst, c: number): boolean {
  const r = inst.ranges!;
  let hit = false;
  for (let i = 0; i < r.length; i += 2) {
    if (c >= r[i] && c <= r[i + 1]) {
      hit = true;
      break;
    }
  }
  return hit !== inst.negate;
}

/** A compiled IOS regular expression. */
export class IosRegex {
  // The program as flat arrays: op, its two targets, and per Class a 256-entry table (a
  // character above 255 is outside every class).
  private readonly op: Uint8Array;
  private readonly x: Int32Array;
  private readonly y: Int32Array;
  private readonly classes: (Uint8Array | undefined)[];
  /** Per-run scratch: the generation each state was last added in. */
  private readonly seen: Int32Array;
  private generation = 0;
  private readonly stack: Int32Array;
  /** The states live at the current position, and those reached by the next character. */
  private readonly list: Int32Array;
  private readonly next: Int32Array;
  private readonly memo = new Map<string, boolean>();

  private constructor(
    readonly source: string,
    prog: Inst[],
  ) {
    const m = prog.length;
    this.op = new Uint8Array(m);
    this.x = new Int32Array(m);
    this.y = new Int32Array(m);
    this.classes = [];
    for (let i = 0; i < m; i++) {
      const inst = prog[i];
      this.op[i] = inst.op;
      this.x[i] = inst.x ?? -1;
      this.y[i] = inst.y ?? -1;
      if (inst.op === Op.Class) {
        const table = new Uint8Array(256);
        for (let c = 0; c < 256; c++) table[c] = inClass(inst, c) ? 1 : 0;
        this.classes[i] = table;
      }
    }
    this.seen = new Int32Array(m);
    this.stack = new Int32Array(m * 2 + 2);
    this.list = new Int32Array(m);
    this.next = new Int32Array(m);
  }

  /** The compiled pattern, or the reason it is not one. */
  static compile(pattern: string): IosRegex | { error: string } {
    if (pattern.length > IOS_REGEX_MAX_CHARS) return { error: `longer than ${IOS_REGEX_MAX_CHARS} characters` };
    let ast: Node;
    try {
      ast = new Parser(pattern).parse();
    } catch (e) {
      return { error: (e as Error).message };
    }
    const prog: Inst[] = [];
    compile(ast, prog);
    prog.push({ op: Op.Match });
    return new IosRegex(pattern, prog);
  }

  /** Whether the pattern matches anywhere in `input`. A table holds many routes with the
   * same AS path or communities, so answers are remembered (a bounded memo, emptied when
   * full). */
  test(input: string): boolean {
    const known = this.memo.get(input);
    if (known !== undefined) return known;
    const answer = this.run(input);
    if (this.memo.size >= MEMO_ENTRIES) this.memo.clear();
    this.memo.set(input, answer);
    return answer;
  }

  private run(input: string): boolean {
    const op = this.op;
    const classes = this.classes;
    const n = input.length;
    let nextCount = 0;
    for (let pos = 0; pos <= n; pos++) {
      const gen = ++this.generation;
      // The states the last character led to, then a new attempt from here (the search is
      // unanchored); each with what its epsilon moves reach.
      let count = 0;
      const list = this.list;
      const from = this.next;
      for (let i = 0; i < nextCount; i++) {
        const r = this.closure(from[i], pos, n, gen, list, count);
        if (r < 0) return true;
        count = r;
      }
      const r0 = this.closure(0, pos, n, gen, list, count);
      if (r0 < 0) return true;
      count = r0;
      if (pos === n) break;
      const c = input.charCodeAt(pos);
      nextCount = 0;
      for (let i = 0; i < count; i++) {
        const pc = list[i];
        const o = op[pc];
        if (o === Op.Any || (o === Op.Class && c < 256 && classes[pc]![c] === 1)) from[nextCount++] = pc + 1;
      }
      if (nextCount === 0 && op[0] === Op.Start) return false; // anchored and nothing alive
    }
    return false;
  }

  /** Adds `pc` and every state its epsilon moves reach at `pos` to `list` from `count` on;
   * the new count, or -1 when Match is reached. */
  private closure(pc: number, pos: number, n: number, gen: number, list: Int32Array, count: number): number {
    const seen = this.seen;
    if (seen[pc] === gen) return count;
    const stack = this.stack;
    const op = this.op;
    let top = 0;
    seen[pc] = gen;
    stack[top++] = pc;
    while (top > 0) {
      const at = stack[--top];
      list[count++] = at;
      let a = -1;
      let b = -1;
      switch (op[at]) {
        case Op.Match:
          return -1;
        case Op.Jmp:
          a = this.x[at];
          break;
        case Op.Split:
          a = this.x[at];
          b = this.y[at];
          break;
        case Op.Start:
          if (pos === 0) a = at + 1;
          break;
        case Op.End:
          if (pos === n) a = at + 1;
          break;
        case Op.Edge:
          if (pos === 0 || pos === n) a = at + 1;
          break;
        default:
          break; // consumes a character: waits for the next step
      }
      if (b >= 0 && seen[b] !== gen) {
        seen[b] = gen;
        stack[top++] = b;
      }
      if (a >= 0 && seen[a] !== gen) {
        seen[a] = gen;
        stack[top++] = a;
      }
    }
    return count;
  }
}
