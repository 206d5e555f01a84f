import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileIosRegex, isRegexError, MAX_REGEX_DEPTH, MAX_REGEX_STATES, type IosRegex } from "./regex";

function re(source: string): IosRegex {
  const r = compileIosRegex(source);
  if (isRegexError(r)) throw new Error(`${source}: ${r.error}`);
  return r;
}

describe("IOS regular expressions", () => {
  it("matches anywhere in the line, with ^ and $ anchoring to its ends", () => {
    expect(re("route").test("ip route 0.0.0.0 0.0.0.0 Null0")).toBe(true);
    expect(re("^ip").test("ip route")).toBe(true);
    expect(re("^ip").test(" ip address")).toBe(false);
    expect(re("Null0$").test("ip route 0.0.0.0 0.0.0.0 Null0")).toBe(true);
    expect(re("^$").test("")).toBe(true);
    expect(re("^$").test(" ")).toBe(false);
  });

  it("takes . as any character, white space included", () => {
    expect(re("a.c").test("a c")).toBe(true);
    expect(re("a.c").test("ac")).toBe(false);
  });

  it("repeats with * + ? and groups with parentheses", () => {
    expect(re("10*1").test("11")).toBe(true);
    expect(re("10+1").test("11")).toBe(false);
    expect(re("10?1").test("101")).toBe(true);
    expect(re("(ab)+c").test("ababc")).toBe(true);
    expect(re("^(ab)+c").test("abbc")).toBe(false);
  });

  it("takes | as alternation, lowest in precedence", () => {
    expect(re("^ip|^ho").test("hostname R1")).toBe(true);
    expect(re("Ethernet0/(0|2)$").test("interface Ethernet0/2")).toBe(true);
    expect(re("Ethernet0/(0|2)$").test("interface Ethernet0/1")).toBe(false);
  });

  it("reads bracket classes with ranges, ^ negation and a literal ] or - first", () => {
    expect(re("[0-9]+\\.[0-9]+").test("ip address 10.1")).toBe(true);
    expect(re("^[^ !]").test("hostname")).toBe(true);
    expect(re("^[^ !]").test(" shutdown")).toBe(false);
    expect(re("[]x]").test("]")).toBe(true);
    expect(re("[-a]").test("-")).toBe(true);
    expect(re("[a-]").test("-")).toBe(true);
  });

  it("matches _ at a comma, brace, parenthesis, space, or the start or end of the line", () => {
    const as10 = re("_10_");
    for (const line of ["10", "20 10 30", "20,10", "{10}", "(10)", "10 20"]) expect(as10.test(line), line).toBe(true);
    for (const line of ["100", "210", "20-10"]) expect(as10.test(line), line).toBe(false);
  });

  it("takes the character after \\ literally, and braces as plain characters", () => {
    expect(re("a\\.b").test("a.b")).toBe(true);
    expect(re("a\\.b").test("axb")).toBe(false);
    expect(re("\\(1\\)").test("(1)")).toBe(true);
    expect(re("\\d").test("d")).toBe(true);
    expect(re("a{2}").test("a{2}")).toBe(true);
  });

  it("refuses patterns IOS cannot compile, saying where", () => {
    expect(compileIosRegex("(ab")).toEqual({ error: "unmatched (", at: 0 });
    expect(compileIosRegex("ab)")).toEqual({ error: "unmatched )", at: 2 });
    expect(compileIosRegex("[ab")).toEqual({ error: "unmatched [", at: 0 });
    expect(compileIosRegex("*a")).toEqual({ error: "* follows nothing", at: 0 });
    expect(compileIosRegex("a+*")).toEqual({ error: "nested *?+", at: 2 });
    expect(compileIosRegex("[z-a]")).toEqual({ error: "invalid [] range", at: 2 });
    expect(compileIosRegex("a\\")).toEqual({ error: "trailing \\", at: 1 });
  });

  it("refuses a pattern nested or sized past what it can match in bounded time and stack", () => {
    const deep = "(".repeat(20_000) + "a" + ")".repeat(20_000);
    expect(compileIosRegex(deep)).toEqual({ error: "too many ()", at: MAX_REGEX_DEPTH });
    expect(isRegexError(compileIosRegex("(".repeat(MAX_REGEX_DEPTH) + "a" + ")".repeat(MAX_REGEX_DEPTH)))).toBe(false);
    expect(compileIosRegex("a".repeat(MAX_REGEX_STATES))).toEqual({ error: "regexp too big", at: 0 });
    expect(isRegexError(compileIosRegex("a".repeat(MAX_REGEX_STATES - 1)))).toBe(false);
  });

  it("answers (a+)+$ on 32 a's and a ! at once, where a backtracking engine takes a minute", () => {
    expect(re("(a+)+$").test("a".repeat(32) + "!")).toBe(false);
    expect(re("(a*)*b").test("a".repeat(10_000))).toBe(false);
    expect(re("(a|aa)+$").test("a".repeat(10_000) + "!")).toBe(false);
    expect(re("(a+)+$").test("a".repeat(10_000))).toBe(true);
  });

  // Patterns in the subset where IOS and JavaScript agree, paired with their JS spelling.
  const char = fc.constantFrom("a", "b", "c", " ", ",");
  const atom: fc.Arbitrary<[string, string]> = fc.oneof(
    char.map((c): [string, string] => [c, c]),
    fc.constant<[string, string]>([".", "."]),
    fc.constantFrom<[string, string]>(["[ab]", "[ab]"], ["[^a ]", "[^a ]"], ["[a-c]", "[a-c]"], ["\\.", "\\."], ["\\(", "\\("]),
    fc.constant<[string, string]>(["_", "(?:^|$|[\\t ,{}()])"]),
  );
  const { pattern } = fc.letrec<{ pattern: [string, string]; term: [string, string]; piece: [string, string] }>((tie) => ({
    piece: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      atom,
      fc.tuple(tie("pattern"), fc.constantFrom("", "*", "+", "?")).map(([[i, j], q]): [string, string] => [`(${i})${q}`, `(?:${j})${q}`]),
      fc.tuple(atom, fc.constantFrom("*", "+", "?")).map(([[i, j], q]): [string, string] => [i === "_" ? `(_)${q}` : `${i}${q}`, `(?:${j})${q}`]),
    ),
    term: fc
      .tuple(fc.boolean(), fc.array(tie("piece"), { maxLength: 4 }), fc.boolean())
      .map(([bol, pieces, eol]): [string, string] => [
        (bol ? "^" : "") + pieces.map((p) => p[0]).join("") + (eol ? "$" : ""),
        (bol ? "^" : "") + pieces.map((p) => p[1]).join("") + (eol ? "$" : ""),
      ]),
    pattern: fc.array(tie("term"), { minLength: 1, maxLength: 3 }).map((terms): [string, string] => [terms.map((t) => t[0]).join("|"), terms.map((t) => t[1]).join("|")]),
  }));
  const line = fc.string({ unit: fc.constantFrom("a", "b", "c", " ", ",", "(", ".", "x"), maxLength: 12 });

  it("agrees with JavaScript's RegExp on the dialect they share", () => {
    fc.assert(
      fc.property(pattern, fc.array(line, { minLength: 1, maxLength: 8 }), ([ios, js], lines) => {
        const ours = re(ios);
        const theirs = new RegExp(js);
        for (const l of lines) expect(ours.test(l), `${ios} on ${JSON.stringify(l)}`).toBe(theirs.test(l));
      }),
      { numRuns: 400 },
    );
  });

  it("visits each state at most once per character read, whatever the pattern", () => {
    fc.assert(
      fc.property(pattern, fc.integer({ min: 1, max: 2000 }), fc.constantFrom("a", "ab", "a ", "a,b"), ([ios], n, unit) => {
        const r = re(ios);
        const text = unit.repeat(n).slice(0, n);
        const before = r.steps;
        r.test(text);
        r.test(text + "!");
        expect(r.steps - before).toBeLessThanOrEqual(2 * (n + 2) * r.size);
      }),
      { numRuns: 200 },
    );
  });
});
