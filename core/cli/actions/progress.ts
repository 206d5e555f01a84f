// Per-node progress while `flexlab up` deploys: on a terminal one line per node, redrawn in
// place; otherwise (CI, a pipe) one plain line per change.
import type { DeployStep } from "../../lab/runtime/types";

export interface Progress {
  update(node: string, step: DeployStep, detail?: string): void;
  /** Leaves the final picture on screen. */
  done(): void;
}

const MARK: Record<DeployStep, string> = {
  pending: "·",
  network: "·",
  starting: "…",
  booting: "…",
  ready: "✔",
  failed: "✖",
};

export function createProgress(nodes: readonly string[], out: NodeJS.WriteStream = process.stderr): Progress {
  const steps = new Map<string, { step: DeployStep; detail?: string }>(nodes.map((n) => [n, { step: "pending" }]));
  const width = Math.max(...nodes.map((n) => n.length), 4);
  const started = Date.now();
  const lineOf = (node: string): string => {
    const s = steps.get(node) ?? { step: "pending" };
    const detail = s.detail ? `  ${s.detail.split("\n")[0]}` : "";
    return `${MARK[s.step]} ${node.padEnd(width)}  ${s.step}${detail}`;
  };
  if (!out.isTTY) {
    return {
      update(node, step, detail) {
        const before = steps.get(node)?.step;
        steps.set(node, { step, detail });
        if (before !== step) out.write(`${lineOf(node)}  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      },
      done() {},
    };
  }
  // Only the last screenful is redrawn; a 50-node lab shows a summary line for the rest.
  const shown = (): string[] => {
    const rows = Math.max(5, (out.rows || 24) - 4);
    if (nodes.length <= rows) return nodes.map(lineOf);
    const ready = nodes.filter((n) => steps.get(n)?.step === "ready").length;
    const busy = nodes.filter((n) => steps.get(n)?.step !== "ready" && steps.get(n)?.step !== "pending");
    return [`${ready}/${nodes.length} nodes ready`, ...busy.slice(0, rows - 1).map(lineOf)];
  };
  let drawn = 0;
  const draw = (): void => {
    const lines = shown();
    let text = drawn ? `\x1b[${drawn}A` : "";
    // A line wider than the terminal would wrap and throw the cursor arithmetic off.
    const columns = Math.max(20, (out.columns || 80) - 1);
    for (const l of lines) text += `\x1b[2K${l.length > columns ? l.slice(0, columns - 1) + "…" : l}\n`;
    for (let extra = lines.length; extra < drawn; extra++) text += "\x1b[2K\n";
    if (drawn > lines.length) text += `\x1b[${drawn - lines.length}A`;
    out.write(text);
    drawn = lines.length;
  };
  draw();
  return {
    update(node, step, detail) {
      steps.set(node, { step, detail });
      draw();
    },
    done() {
      draw();
    },
  };
}
