// A node's live tables (the rows behind its show commands) from tables.watch: pick a table
// (every table the router serves, protocols' tables included as they land),
// filter its rows by any text, copy it as text. Rows new since the last update glow briefly.
import { computed, defineComponent, h, ref, toRef } from "vue";
import { TABLE_NAMES, type TableName } from "../../core/api/tables";
import { useLabClient } from "../composables/lab-client";
import { useNodeTable } from "../composables/use-node-table";

const TABLE_TITLES: Partial<Record<TableName, string>> = {
  interfaces: "Interfaces",
  routes: "Routes",
  arp: "ARP",
  vrf: "VRFs",
  "mpls-forwarding": "MPLS forwarding",
};

/** A cell as text: lists joined, nested objects as key=value. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(cellText).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${cellText(v)}`)
      .join(" ");
  }
  return String(value);
}

/** "ipAddress" → "IP address": a row field as a column title. */
export function columnTitle(field: string): string {
  const words = field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return (words[0].toUpperCase() + words.slice(1)).replace(/\b(?:ip|mac|vrf|mpls|mru)\b/gi, (w) => w.toUpperCase());
}

export function tableColumns(rows: readonly Record<string, unknown>[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

export const TablesView = defineComponent({
  props: { node: { type: String, required: true }, running: { type: Boolean, required: true } },
  setup(props) {
    const client = useLabClient();
    const table = ref<TableName>("interfaces");
    const filter = ref("");
    const state = useNodeTable(client, toRef(props, "node"), table, toRef(props, "running"));
    const columns = computed(() => tableColumns(state.rows.value));
    const shown = computed(() => {
      const needle = filter.value.trim().toLowerCase();
      return state.rows.value.filter((r) => !needle || columns.value.some((c) => cellText(r[c]).toLowerCase().includes(needle)));
    });
    const copy = (): void => {
      const text = [columns.value.join("\t"), ...shown.value.map((r) => columns.value.map((c) => cellText(r[c])).join("\t"))].join("\n");
      void navigator.clipboard?.writeText(text).catch(() => {});
    };
    return () => (
      <div class="tables-view">
        <div class="tables-bar">
          <select class="table-pick" value={table.value} onChange={(e: Event) => (table.value = (e.target as HTMLSelectElement).value as TableName)}>
            {TABLE_NAMES.map((name) => (
              <option value={name} selected={table.value === name}>
                {TABLE_TITLES[name] ?? columnTitle(name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()))}
              </option>
            ))}
          </select>
          <input class="filter" placeholder="Filter rows" value={filter.value} onInput={(e: Event) => (filter.value = (e.target as HTMLInputElement).value)} />
          <button class="ghost" onClick={copy} title="Copy the shown rows as tab-separated text">
            Copy
          </button>
        </div>
        {!props.running ? (
          <div class="empty">Start the node to see its tables.</div>
        ) : state.error.value ? (
          <div class="empty error">{state.error.value}</div>
        ) : (
          <div class="table-scroll">
            <table class="data-table" data-rows={shown.value.length}>
              <thead>
                <tr>
                  {columns.value.map((c) => (
                    <th>{columnTitle(c)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.value.map((r) => (
                  <tr class={{ fresh: state.fresh.value.has(JSON.stringify(r)) }}>
                    {columns.value.map((c) => (
                      <td>{cellText(r[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {shown.value.length === 0 ? <div class="empty">{state.rows.value.length ? "No row matches the filter." : "No rows."}</div> : null}
          </div>
        )}
      </div>
    );
  },
});
