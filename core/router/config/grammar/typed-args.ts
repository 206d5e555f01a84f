// The arguments a syntax string binds, as a type: FRR's DEFPY, where the handler's parameters
// come from the command string, done with TypeScript template-literal types. For
// `"pre-shared-key [(local|remote)$side] LINE$key"` this is
// `{ readonly key: string; readonly side?: "local" | "remote" }`, so a handler that reads an
// argument its syntax lacks, or treats an address as text, does not compile.
//
// Types only: the runtime parser (syntax.ts, nfa.ts, engine.ts) is what binds the values, and
// this mirrors what it binds:
//   A.B.C.D, NETMASK → Ipv4      <lo-hi>, ASN → number      A.B.C.D/M → Prefix     H.H.H → Mac
//   WORD, LINE, INTERFACE, RD, RT, HEX, HEXDATA, any other upper-case label → string
//   keyword$name → the keyword      (a|b)$name → "a" | "b"      X... → a list of X
// A name is required only where every match binds it: outside every bracket, or in every
// branch of an alternation that is; anything in `[…]`, `{…}` or some branches of `(…|…)` may
// be absent.

import type { Ipv4, Mac, Prefix } from "../../wire/addr";
import type { ArgRecord } from "./args";

type Special = "(" | ")" | "[" | "]" | "{" | "}" | "|";

/** The syntax split into words, each bracket and bar a word of its own. Tail-recursive, one
 * character a step, so a long syntax stays within the compiler's limits. */
type Lex<S extends string, Cur extends string = "", Out extends string[] = []> = S extends `${infer C}${infer R}`
  ? C extends " "
    ? Lex<R, "", Cur extends "" ? Out : [...Out, Cur]>
    : C extends Special
      ? Lex<R, "", Cur extends "" ? [...Out, C] : [...Out, Cur, C]>
      : Lex<R, `${Cur}${C}`, Out>
  : Cur extends ""
    ? Out
    : [...Out, Cur];

/** The value a token binds (a keyword binds itself). */
export type TokenValue<T extends string> = T extends "A.B.C.D" | "NETMASK"
  ? Ipv4
  : T extends "A.B.C.D/M"
    ? Prefix
    : T extends "H.H.H"
      ? Mac
      : T extends "ASN" | "AA:NN" | `<${string}-${string}>`
        ? number
        : T extends Uppercase<T>
          ? T extends Lowercase<T>
            ? T // digits and punctuation only: a keyword
            : string // WORD, LINE, INTERFACE, RD, HEX…
          : T;

interface Binding {
  readonly name: string;
  readonly value: unknown;
  readonly optional: boolean;
}

type Strip<T extends string> = T extends `${infer U}...` ? U : T;
type Repeats<T extends string> = T extends `${string}...` ? true : false;
type Bind<N extends string, V, Optional extends boolean> = { name: Strip<N>; value: Repeats<N> extends true ? readonly V[] : V; optional: Optional };
/** One open bracket: its kind and, for `(…|…)`, the names bound on every path through the
 * branch being read (`seen`) and through every branch before it (`all`). */
type Frame = [kind: "(" | "[" | "{", seen: string, all: string, first: boolean];
type Top<S extends Frame[]> = S extends [...Frame[], infer T extends Frame] ? T : never;
type Below<S extends Frame[]> = S extends [...infer R extends Frame[], Frame] ? R : [];
/** The names bound on every path through an alternation, once its current branch ends. */
type EveryBranch<F extends Frame> = F[3] extends true ? F[1] : Extract<F[2], F[1]>;
/** Names bound on every path through the current level count for the enclosing branch. */
type Mark<S extends Frame[], Names extends string> = [Names] extends [never]
  ? S
  : S extends []
    ? S
    : Top<S> extends ["(", infer Seen extends string, infer All extends string, infer First extends boolean]
      ? [...Below<S>, ["(", Seen | Names, All, First]]
      : S;
/** At the top level, such names are bound by every match: required. */
type Required<S extends Frame[], Names extends string> = S extends [] ? ([Names] extends [never] ? never : { name: Names; value: never; optional: false }) : never;
type Nested<S extends Frame[]> = S extends [] ? false : true;

/** Walks the words with the open brackets (`S`) and the values the innermost group's options
 * bind (`G`, for a named group), collecting one binding per `$name`. A name bound in every
 * branch of an alternation (`(ipv4$afi …|vpnv4$afi …)`) is as required as the alternation. */
type Walk<W extends string[], S extends Frame[] = [], G = never, Acc extends Binding = never> = W extends [infer H extends string, ...infer R extends string[]]
  ? H extends "(" | "[" | "{"
    ? Walk<R, [...S, [H, never, never, true]], never, Acc>
    : H extends ")"
      ? R extends [`$${infer N}`, ...infer R2 extends string[]]
        ? Walk<R2, Mark<Below<S>, Strip<N>>, never, Acc | Bind<N, G, Nested<Below<S>>>>
        : Walk<R, Mark<Below<S>, EveryBranch<Top<S>>>, never, Acc | Required<Below<S>, EveryBranch<Top<S>>>>
      : H extends "]" | "}"
        ? Walk<R, Below<S>, never, Acc>
        : H extends "|"
          ? S extends [...Frame[], ["(", string, string, boolean]]
            ? Walk<R, [...Below<S>, ["(", never, EveryBranch<Top<S>>, false]], G, Acc>
            : Walk<R, S, G, Acc>
          : H extends `${infer T}$${infer N}`
            ? Walk<R, Mark<S, Strip<N>>, G | TokenValue<Strip<T>>, Acc | Bind<N, TokenValue<Strip<T>>, Nested<S>>>
            : Walk<R, S, G | TokenValue<Strip<H>>, Acc>
  : Acc;

type RequiredNames<B extends Binding> = B extends { optional: false } ? B["name"] : never;
type ValueOf<B extends Binding, K> = B extends { name: K } ? B["value"] : never;

type Collect<B extends Binding> = {
  readonly [K in RequiredNames<B>]: ValueOf<B, K>;
} & {
  readonly [K in Exclude<B["name"], RequiredNames<B>>]?: ValueOf<B, K> | undefined;
};

/** One object type, spelled out where the compiler reports it (`{ readonly bytes: number }`). */
type Flatten<T> = T extends infer O ? { readonly [K in keyof O]: O[K] } : never;

/** Whether S is one known string: not `string`, nor a pattern like `set ${string}$value`. */
type IsLiteral<S extends string> = Record<never, never> extends Record<S, 1> ? false : true;

/** The arguments a syntax binds. A syntax not known exactly at compile time (built at run
 * time from parts) gives the untyped record, whose values the handler must narrow itself. */
export type ArgsOf<S extends string> = IsLiteral<S> extends true ? Flatten<Collect<Walk<Lex<S>>>> : ArgRecord;
