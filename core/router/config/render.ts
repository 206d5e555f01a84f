// running-config, rendered from the model through the command declarations (never echoed
// from input): each command says which lines it contributes to a block, and its syntax
// prints them. Layout as IOS: `!` between top-level sections and after each top-level block,
// one space of indent per nesting level, ` !` before and ` exit-address-family` after an
// address-family block.

import { isConfigCommand, type ConfigCommand, type ModeCtx, type RenderItem } from "./command";
import { configGrammar } from "./commands/index";
import { compareSortKeys, sectionOf } from "./commands/order";
import type { CompiledEntry, Grammar, ModeId } from "./grammar/engine";
import { renderSyntax } from "./grammar/render-syntax";
import type { RouterConfig } from "./model/router";
import { modeDef } from "./modes";

interface Line {
  readonly c: CompiledEntry<ConfigCommand>;
  readonly item: RenderItem<ModeCtx>;
  readonly k: number;
}

function indent(depth: number): string {
  return " ".repeat(depth);
}

export class ConfigRenderer {
  constructor(private readonly grammar: Grammar<ConfigCommand> = configGrammar()) {}

  /** The lines of a mode's block for `ctx`, in IOS's order. */
  lines(m: RouterConfig, mode: ModeId, ctx: ModeCtx, depth: number): string[] {
    const all: Line[] = [];
    for (const c of this.grammar.entries(mode)) {
      if (!isConfigCommand(c.entry) || !c.entry.render) continue;
      c.entry.render(m, ctx).forEach((item, k) => all.push({ c, item, k }));
    }
    all.sort((x, y) => (x.c.entry.order ?? 0) - (y.c.entry.order ?? 0) || compareSortKeys(x.item.sort, y.item.sort) || x.c.index - y.c.index || x.k - y.k);
    const out: string[] = [];
    let section: number | undefined;
    for (const line of all) {
      const s = sectionOf(line.c.entry.order ?? 0);
      if (depth === 0 && section !== undefined && s !== section && out[out.length - 1] !== "!") out.push("!");
      section = s;
      this.emit(out, m, line.c, line.item, depth);
    }
    return out;
  }

  /** One command line, and its block when it opens one. */
  emit(out: string[], m: RouterConfig, c: CompiledEntry<ConfigCommand>, item: RenderItem<ModeCtx>, depth: number): void {
    const ast = item.no ? c.noAst : c.ast;
    const text = ast && renderSyntax(ast, item.args);
    if (text === undefined) throw new Error(`cannot render ${c.entry.id} from ${JSON.stringify(item.args)}`);
    const line = indent(depth) + (item.no ? "no " : "") + text;
    const enters = c.entry.enters;
    if (!enters || !item.child) {
      out.push(line);
      return;
    }
    const mode = typeof enters === "string" ? enters : enters(item.args);
    const def = modeDef(mode);
    if (depth > 0 && def.nestedOpen) out.push(indent(depth) + def.nestedOpen);
    if (depth === 0 && !def.unseparated && out.length > 0 && out[out.length - 1] !== "!") out.push("!");
    out.push(line);
    out.push(...this.lines(m, mode, item.child, depth + 1));
    for (const raw of item.raw ?? []) out.push(indent(depth + 1) + raw);
    if (depth > 0 && def.nestedClose) out.push(indent(depth) + def.nestedClose);
    if (depth === 0 && !def.unseparated) out.push("!");
  }
}

/** running-config from `version`/`hostname` to `end`, newline-terminated. The CLI adds the
 * "Building configuration..." / "Current configuration : N bytes" header. */
export function renderRunningConfig(m: RouterConfig, renderer = new ConfigRenderer()): string {
  const out = renderer.lines(m, "config", {}, 0);
  if (out[out.length - 1] !== "!") out.push("!");
  out.push("end");
  return out.join("\n") + "\n";
}

/** One interface's block, for `show running-config interface X`; undefined when the
 * interface is not configured. */
export function renderInterface(m: RouterConfig, name: string, grammar: Grammar<ConfigCommand> = configGrammar()): string | undefined {
  const c = grammar.entries("config").find((e): e is CompiledEntry<ConfigCommand> => isConfigCommand(e.entry) && e.entry.id === "interface");
  const item = c?.entry.render?.(m, {}).find((i) => i.child !== undefined && "interface" in i.child && i.child.interface === name);
  if (!c || !item) return undefined;
  const out: string[] = [];
  new ConfigRenderer(grammar).emit(out, m, c, item, 0);
  if (out[out.length - 1] === "!") out.pop();
  return out.join("\n") + "\n";
}
