// The lab state file, `<lab>/.flexlab/state.json`: written atomically (a temp file renamed
// over it, so a reader never sees half a file), validated with zod when read, and found
// again from any folder inside the lab.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../../router/agent/storage";
import { labStateSchema, type LabState } from "./types";
import type { Result } from "../../api/result";

export const STATE_DIR = ".flexlab";
export const STATE_FILE = "state.json";

export function stateDir(labDir: string): string {
  return join(labDir, STATE_DIR);
}

export function statePath(labDir: string): string {
  return join(labDir, STATE_DIR, STATE_FILE);
}

/** A fresh per-lab secret: 32 hex digits. */
export function newToken(): string {
  return randomBytes(16).toString("hex");
}

/** Writes the state file atomically; readable by the owner only (it holds the lab token). */
export async function writeState(state: LabState): Promise<void> {
  const file = statePath(state.dir);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(labStateSchema.parse(state), null, 2) + "\n", { mode: 0o600 });
}

export async function removeState(labDir: string): Promise<void> {
  await rm(statePath(labDir), { force: true });
}

export type StateRead = Result<{ state: LabState }, { reason: "missing" | "invalid"; file: string; message: string }>;

/** Reads and validates `<labDir>/.flexlab/state.json`. */
export async function readState(labDir: string): Promise<StateRead> {
  const file = statePath(labDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { ok: false, reason: "missing", file, message: `no lab running in ${labDir}` };
    return { ok: false, reason: "invalid", file, message: `${file}: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: "invalid", file, message: `${file}: not JSON (${(err as Error).message})` };
  }
  const parsed = labStateSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, reason: "invalid", file, message: `${file}: ${first.path.join(".") || "(top)"}: ${first.message}` };
  }
  return { ok: true, state: parsed.data };
}

/** Walks up from `start` to the first folder holding `.flexlab/state.json`; undefined if none. */
export async function findLabDir(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    try {
      if ((await stat(statePath(dir))).isFile()) return dir;
    } catch {
      // not here: go up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The state file as a deploy goes: every change is written in order, one write at a time,
 * so the file never goes back to an older picture. The first failed write is kept for flush.
 */
export class StateRecord<S extends LabState> {
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(public current: S) {
    this.write();
  }

  update(change: (state: S) => S): void {
    this.current = change(this.current);
    this.write();
  }

  /** Resolves once every change so far is on disk; rejects with the first write that failed. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }

  private write(): void {
    const snapshot = this.current;
    this.writing = this.writing.then(() =>
      writeState(snapshot).catch((err: unknown) => {
        this.failure ??= err;
      }),
    );
  }
}
