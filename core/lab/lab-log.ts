// The lab's event log, as the app's event panel shows it: what the lab did (deploy steps, a
// router starting, stopping, crashing) and what the routers logged (their syslog lines, from
// each one's mgmt `events.watch`), in one list in arrival order. The last MAX_ENTRIES are kept,
// so a panel opened late still shows how the lab came up.
import type { LabLogEntry } from "../api/lab-api";

export const MAX_LOG_ENTRIES = 2000;

export class LabLog {
  private readonly entries: LabLogEntry[] = [];
  private nextSeq = 1;
  private readonly listeners = new Set<(entry: LabLogEntry) => void>();

  add(entry: Omit<LabLogEntry, "seq">): void {
    const full = { ...entry, seq: this.nextSeq++ };
    this.entries.push(full);
    if (this.entries.length > MAX_LOG_ENTRIES) this.entries.splice(0, this.entries.length - MAX_LOG_ENTRIES);
    for (const listener of this.listeners) listener(full);
  }

  /** What the log holds, oldest first. */
  recent(): LabLogEntry[] {
    return [...this.entries];
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  onEntry(listener: (entry: LabLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearListeners(): void {
    this.listeners.clear();
  }
}
