// A link's impairment as lab.yaml and `flexlab link LAB-LINK impair …` write it, in tc
// netem's words and units — `{ delay: 30ms, jitter: 5ms, loss: 1%, duplicate: 0.1%, reorder:
// 1%, rate: 10mbit }` — turned into io/impair.ts's numbers, which every runtime applies the
// same way. Rates take tc's units: bit, kbit, mbit, gbit are bits per second; bps, kbps,
// mbps, gbps are bytes per second.
import { z } from "zod";
import { impairmentProblem, type Impairment } from "../router/io/impair";

export { formatImpairment } from "../router/io/impair";

const TIME = /^(\d{1,6}(?:\.\d{1,3})?)\s*(us|ms|s)$/i;
const PERCENT = /^(\d{1,3}(?:\.\d{1,4})?)\s*%?$/;
const RATE = /^(\d{1,9}(?:\.\d{1,3})?)\s*(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)$/i;
const TIME_SCALE_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
const RATE_SCALE: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9 };

export const IMPAIR_WORDS = ["delay", "jitter", "loss", "duplicate", "reorder", "rate"] as const;
export type ImpairWord = (typeof IMPAIR_WORDS)[number];

/** One value's meaning, or why it has none. */
export function parseImpairValue(word: ImpairWord, value: string | number): { ok: true; field: keyof Impairment; value: number } | { ok: false; message: string } {
  const text = String(value).trim();
  switch (word) {
    case "delay":
    case "jitter": {
      const m = TIME.exec(text);
      if (!m) return { ok: false, message: `${word} is a time with its unit, e.g. 30ms, 1.5s or 500us` };
      return { ok: true, field: word === "delay" ? "delayMs" : "jitterMs", value: Number(m[1]) * TIME_SCALE_MS[m[2].toLowerCase()] };
    }
    case "loss":
    case "duplicate":
    case "reorder": {
      const m = PERCENT.exec(text);
      const n = m ? Number(m[1]) : NaN;
      if (!(n >= 0 && n <= 100)) return { ok: false, message: `${word} is a percentage, e.g. 1% or 0.1%` };
      return { ok: true, field: word === "loss" ? "lossPercent" : word === "duplicate" ? "duplicatePercent" : "reorderPercent", value: n };
    }
    case "rate": {
      const m = RATE.exec(text);
      if (!m) return { ok: false, message: "rate is a speed in tc's units, e.g. 10mbit or 512kbit (bps, kbps… are bytes per second)" };
      return { ok: true, field: "rateBitsPerSecond", value: Number(m[1]) * RATE_SCALE[m[2].toLowerCase()] };
    }
  }
}

/** lab.yaml's `impair:` of a link. */
export const impairSchema = z
  .object(Object.fromEntries(IMPAIR_WORDS.map((w) => [w, z.union([z.string(), z.number()]).optional()])) as Record<ImpairWord, z.ZodOptional<z.ZodUnion<[z.ZodString, z.ZodNumber]>>>)
  .strict()
  .transform((spec, ctx) => {
    const out: Record<string, number> = {};
    for (const word of IMPAIR_WORDS) {
      const v = spec[word];
      if (v === undefined) continue;
      const parsed = parseImpairValue(word, v);
      if (!parsed.ok) ctx.addIssue({ code: "custom", path: [word], message: parsed.message });
      else out[parsed.field] = parsed.value;
    }
    const problem = impairmentProblem(out);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
    return out as Impairment;
  });

/** `impair delay 30ms loss 1%` as words after the command: pairs of a word and its value. */
export function parseImpairWords(words: readonly string[]): { ok: true; impairment: Impairment } | { ok: false; message: string } {
  if (words.length === 0 || words.length % 2) return { ok: false, message: `impair takes pairs: ${IMPAIR_WORDS.map((w) => `${w} VALUE`).join(", ")}` };
  const out: Record<string, number> = {};
  for (let i = 0; i < words.length; i += 2) {
    const word = words[i].toLowerCase();
    if (!(IMPAIR_WORDS as readonly string[]).includes(word)) return { ok: false, message: `"${words[i]}" is not an impairment (${IMPAIR_WORDS.join(", ")})` };
    const parsed = parseImpairValue(word as ImpairWord, words[i + 1]);
    if (!parsed.ok) return parsed;
    out[parsed.field] = parsed.value;
  }
  const problem = impairmentProblem(out);
  return problem ? { ok: false, message: problem } : { ok: true, impairment: out };
}
