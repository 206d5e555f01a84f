// One live table of one node: watches it through LabApi while the node runs, watches again
// when it comes back after a restart, and marks rows that are new since the last update so
// the view can highlight them for a moment.
import { onScopeDispose, ref, watch, type Ref } from "vue";
import type { LabClient } from "../../core/api/lab-client";
import { parseTableRows, type TableName } from "../../core/api/tables";

export interface TableState {
  readonly rows: Ref<readonly Record<string, unknown>[]>;
  /** JSON of rows that appeared or changed in the last update. */
  readonly fresh: Ref<ReadonlySet<string>>;
  readonly error: Ref<string | undefined>;
  /** performance.now() of the last update: for the table-latency benchmark. */
  readonly updatedAt: Ref<number>;
}

/** How long a changed row stays highlighted. */
export const FRESH_MS = 1500;
/** How soon a watch the lab refused is asked for again. */
const RETRY_MS = 1000;

export function useNodeTable(client: LabClient, node: Ref<string>, table: Ref<TableName>, running: Ref<boolean>): TableState {
  const rows = ref<readonly Record<string, unknown>[]>([]);
  const fresh = ref<ReadonlySet<string>>(new Set());
  const error = ref<string>();
  const updatedAt = ref(0);
  let streamId: number | undefined;
  let generation = 0;
  let freshTimer: ReturnType<typeof setTimeout> | undefined;

  const offRows = client.on("tables.rows", (ev) => {
    if (ev.streamId !== streamId) return;
    const parsed = parseTableRows(ev.table, ev.rows);
    if (!parsed.ok) return void (error.value = parsed.message);
    const next = parsed.rows as unknown as Record<string, unknown>[];
    const before = new Set(rows.value.map((r) => JSON.stringify(r)));
    const changed = new Set(next.map((r) => JSON.stringify(r)).filter((k) => !before.has(k)));
    // The first rows of a watch are not news.
    fresh.value = rows.value.length ? changed : new Set();
    rows.value = next;
    updatedAt.value = performance.now();
    clearTimeout(freshTimer);
    freshTimer = setTimeout(() => (fresh.value = new Set()), FRESH_MS);
  });
  const offClosed = client.on("tables.closed", (ev) => {
    if (ev.streamId === streamId) streamId = undefined;
  });

  const stop = (): void => {
    if (streamId !== undefined) void client.call("tables.unwatch", { streamId });
    streamId = undefined;
  };

  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const start = async (): Promise<void> => {
    stop();
    clearTimeout(retryTimer);
    const mine = ++generation;
    rows.value = [];
    error.value = undefined;
    if (!running.value) return;
    const reply = await client.call("tables.watch", { node: node.value, table: table.value });
    if (mine !== generation) {
      if (reply.ok) void client.call("tables.unwatch", { streamId: reply.result.streamId });
      return;
    }
    if (reply.ok) return void (streamId = reply.result.streamId);
    // A node just up may not answer yet: say why, and try again while it runs.
    error.value = reply.error.message;
    retryTimer = setTimeout(() => mine === generation && void start(), RETRY_MS);
  };
  watch([node, table, running], start, { immediate: true });

  onScopeDispose(() => {
    generation++;
    clearTimeout(retryTimer);
    stop();
    offRows();
    offClosed();
    clearTimeout(freshTimer);
  });
  return { rows, fresh, error, updatedAt };
}
