// Aligned text tables for the terminal: the summary after `flexlab up`, `flexlab status`
// and `flexlab tables` without --json. Columns are left-aligned, two spaces apart.

export function formatTextTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n") + "\n";
}

/** One cell from a row value: "-" for absent, lists joined by ",", nested records as "key value". */
export function cellText(value: unknown): string {
  if (value === undefined || value === null || value === "") return "-";
  if (Array.isArray(value)) return value.length ? value.map(cellText).join(value.some((v) => typeof v === "object") ? "; " : ",") : "-";
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => `${k} ${cellText(v)}`)
      .join(" ");
  }
  return String(value);
}

/** Rows of records as a table; columns in `columns` order, or the keys as first seen. */
export function formatRecords(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const keys = columns ? [...columns] : [];
  if (!columns) for (const row of rows) for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
  return formatTextTable(
    keys,
    rows.map((row) => keys.map((k) => cellText(row[k]))),
  );
}
