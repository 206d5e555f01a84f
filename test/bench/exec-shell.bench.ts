// The exec shell under the heaviest input users type: a config pasted through the mgmt API's
// exec and through the console (it should cost what booting the same text costs), and an IOS
// regex that backtracking engines take exponential time on (ours is linear: the cost per
// character stays flat as the line grows a hundredfold).
import { RealClock } from "../../core/router/clock/real";
import { Router } from "../../core/router/node/router";
import { mgmtHandlers } from "../../core/router/agent/mgmt-handlers";
import { ConsoleSession } from "../../core/router/agent/console-session";
import { compileIosRegex, isRegexError } from "../../core/router/cli/regex";
import { LineEditor } from "../../core/router/cli/line-editor";
import type { Benchmark, Figure } from "./bench";

/** A paste of exactly `lines` lines: a tenth of them loopbacks with addresses, the rest static routes. */
function pasteConfig(lines: number): string {
  const out = ["hostname BIG"];
  for (let i = 1; out.length < lines / 10; i++) out.push(`interface Loopback${i}`, ` description loopback number ${i}`, ` ip address 10.${100 + (i >> 8)}.${i & 255}.1 255.255.255.255`, "!");
  for (let s = 1; out.length < lines - 1; s++) out.push(`ip route 172.${16 + (s >> 16)}.${(s >> 8) & 255}.${s & 255} 255.255.255.255 Null0 tag ${(s % 1000) + 1} name route${s}`);
  out.push("end");
  return out.join("\n");
}

function newRouter(): Router {
  const r = new Router({ clock: new RealClock() });
  r.boot("hostname R1\n");
  return r;
}

async function timeMs(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function pasteByExec(text: string): Promise<number> {
  const router = newRouter();
  const handlers = mgmtHandlers({ name: "R1", router, version: "bench", taps: new Map(), cables: new Map(), reportBug: (c, e) => console.error(c, e) });
  const peer = { push: () => {}, congested: false, watches: new Map() };
  const ms = await timeMs(async () => {
    const reply = await handlers.exec({ command: `configure terminal\n${text}`, timeoutMs: 600_000 }, peer);
    if ("error" in reply) throw new Error(reply.error.message);
  });
  router.close();
  return ms;
}

async function pasteByConsole(text: string): Promise<number> {
  const router = newRouter();
  let tail = "";
  const decoder = new TextDecoder();
  const session = new ConsoleSession(router, { write: (b) => void (tail = (tail + decoder.decode(b)).slice(-20)), end: () => {} });
  session.start();
  const encoder = new TextEncoder();
  session.receive(encoder.encode("\r\nenable\r\nterminal length 0\r\nconfigure terminal\r\n"));
  const bytes = encoder.encode(text.replaceAll("\n", "\r\n") + "\r\n");
  const ms = await timeMs(async () => {
    for (let i = 0; i < bytes.length; i += 1460) session.receive(bytes.subarray(i, i + 1460));
    while (!tail.endsWith("BIG#")) await new Promise((resolve) => setImmediate(resolve));
  });
  router.close();
  return ms;
}

const benchmarks: Benchmark[] = [
  {
    name: "cli.paste-20k-lines",
    async run() {
      const figures: Figure[] = [];
      await pasteByExec(pasteConfig(20_000)); // warm up the JIT
      for (const lines of [5000, 10_000, 20_000]) {
        const ms = Math.min(await pasteByExec(pasteConfig(lines)), await pasteByExec(pasteConfig(lines)));
        figures.push({ name: `cli.paste-${lines / 1000}k-lines.exec`, value: ms, unit: "ms" });
      }
      const text = pasteConfig(20_000);
      figures.push({ name: "cli.paste-20k-lines.console", value: Math.min(await pasteByConsole(text), await pasteByConsole(text)), unit: "ms" });
      const boot = Math.min(await timeMs(() => newRouter().boot(text)), await timeMs(() => newRouter().boot(text)));
      figures.push({ name: "cli.paste-20k-lines.boot-same-text", value: boot, unit: "ms" });
      return figures;
    },
  },
  {
    name: "cli.regex-nested-plus",
    run() {
      // `(a+)+$` against a's ending in `!`: 32 characters took a backtracking engine ~47 s.
      const re = compileIosRegex("(a+)+$");
      if (isRegexError(re)) throw new Error(re.error);
      const nsPerChar = (chars: number): number => {
        const line = "a".repeat(chars) + "!";
        const rounds = Math.max(1, Math.floor(2_000_000 / chars));
        re.test(line);
        const start = process.hrtime.bigint();
        for (let i = 0; i < rounds; i++) if (re.test(line)) throw new Error("matched");
        return Number(process.hrtime.bigint() - start) / rounds / (chars + 1);
      };
      const short = nsPerChar(32);
      const long = nsPerChar(100_000);
      return [
        { name: "cli.regex-nested-plus.32-chars", value: short, unit: "ns/char" },
        { name: "cli.regex-nested-plus.100k-chars", value: long, unit: "ns/char" },
      ];
    },
  },
  {
    name: "cli.line-editor.paste-200k-chars",
    async run() {
      // One pasted line of 200,000 characters through the console's line editor: before the
      // editor appended at the end of the line, each character re-compared the whole line
      // (an 80,000-character line held the router for 23 s).
      const line = "x".repeat(200_000) + "\r";
      const once = (): Promise<number> => timeMs(() => new LineEditor({ prompt: () => "R1#", help: () => [], complete: () => undefined }).feed(line));
      return { name: "cli.line-editor.paste-200k-chars", value: Math.min(await once(), await once(), await once()), unit: "ms" };
    },
  },
];
export default benchmarks;
