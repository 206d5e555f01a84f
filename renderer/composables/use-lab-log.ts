// The lab's event log for the event panel: the lines so far when the panel first opens, then
// each new one as the lab pushes it (`events.entry`). Watched again when another lab opens.
import { onScopeDispose, shallowRef, triggerRef, watch, type Ref, type ShallowRef } from "vue";
import type { LabLogEntry } from "../../core/api/lab-api";
import type { LabClient } from "../../core/api/lab-client";

/** As many lines as the lab keeps (lab-log.ts). */
const MAX_ENTRIES = 2000;

export interface LabLogState {
  readonly entries: ShallowRef<LabLogEntry[]>;
  readonly error: Ref<string | undefined>;
}

export function useLabLog(client: LabClient, labDir: Ref<string | undefined>): LabLogState {
  const entries = shallowRef<LabLogEntry[]>([]);
  const error = shallowRef<string>();
  let lastSeq = 0;
  const off = client.on("events.entry", (entry) => {
    if (entry.seq <= lastSeq) return; // already in the backlog
    lastSeq = entry.seq;
    entries.value.push(entry);
    if (entries.value.length > MAX_ENTRIES) entries.value.splice(0, entries.value.length - MAX_ENTRIES);
    triggerRef(entries);
  });
  const start = async (): Promise<void> => {
    entries.value = [];
    lastSeq = 0;
    const reply = await client.call("events.watch", {});
    if (!reply.ok) return void (error.value = reply.error.message);
    error.value = undefined;
    // Lines pushed while the answer travelled are in it too: keep one of each.
    const pushed = entries.value.filter((e) => !reply.result.entries.some((b) => b.seq === e.seq));
    entries.value = [...reply.result.entries, ...pushed].slice(-MAX_ENTRIES);
    lastSeq = Math.max(lastSeq, ...entries.value.map((e) => e.seq));
  };
  watch(labDir, () => void start(), { immediate: true });
  onScopeDispose(() => {
    off();
    void client.call("events.unwatch", {});
  });
  return { entries, error };
}
