// The score card a student reads after `flexlab check` or `flexlab sim --check`: one line
// per check (✔ or ✘, the title, the node, the points), under a failed one what was expected,
// what was seen and the hint, then the score.
import type { CheckReport } from "../../api/checks";

export function formatScoreCard(report: CheckReport): string {
  const { results } = report;
  const titleWidth = Math.min(60, Math.max(20, ...results.map((r) => r.title.length)));
  const nodeWidth = Math.max(4, ...results.map((r) => r.node.length));
  const lines = [`${report.lab}: ${results.length} check${results.length === 1 ? "" : "s"} (${report.runtime} runtime)`, ""];
  for (const r of results) {
    const title = r.title.length > titleWidth ? `${r.title.slice(0, titleWidth - 1)}…` : r.title.padEnd(titleWidth);
    lines.push(`  ${r.passed ? "✔" : "✘"} ${title}  ${r.node.padEnd(nodeWidth)}  ${`${r.earned}/${r.points}`.padStart(5)}`);
    if (r.passed) {
      lines.push(`      seen:     ${r.seen}`);
      continue;
    }
    lines.push(`      expected: ${r.expected}`);
    lines.push(`      seen:     ${r.seen}${r.attempts > 1 ? ` (still, after ${(r.elapsedMs / 1000).toFixed(0)} s)` : ""}`);
    if (r.hint) lines.push(`      hint:     ${r.hint}`);
  }
  lines.push("");
  const total = results.length;
  lines.push(`Score: ${report.earned}/${report.points} points, ${report.passed} of ${total} check${total === 1 ? "" : "s"} passed${report.failed ? "" : " — all done"}`);
  return lines.join("\n") + "\n";
}
