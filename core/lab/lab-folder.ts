// A lab folder as the user made it: lab.yaml and the startup-configs. What a run of `up` or
// `sim` leaves in it (the lab CA in pki/, the running state in .flexlab/, both ignored by git,
// and the temporary files of an atomic write) is the lab's run, not the lab: a copy (a new lab
// from a template, a test's scratch lab) leaves it behind.
import { cpSync } from "node:fs";
import { cp } from "node:fs/promises";
import { basename, relative } from "node:path";

/** The folders .gitignore keeps out of git in a lab folder. */
const LEFT_BY_RUNS = new Set(["pki", "nvram", ".flexlab"]);

function tracked(source: string): (path: string) => boolean {
  return (path) => {
    const inside = relative(source, path);
    const top = inside.split(/[\\/]/)[0];
    return !LEFT_BY_RUNS.has(top) && !basename(path).endsWith(".tmp");
  };
}

/** Copies a lab folder to `dest` without what runs left behind. */
export async function copyLabFolder(source: string, dest: string, options: { errorOnExist?: boolean } = {}): Promise<void> {
  await cp(source, dest, { recursive: true, filter: tracked(source), ...(options.errorOnExist ? { force: false, errorOnExist: true } : {}) });
}

/** copyLabFolder, for a test suite that sets up synchronously. */
export function copyLabFolderSync(source: string, dest: string): void {
  cpSync(source, dest, { recursive: true, filter: tracked(source) });
}
