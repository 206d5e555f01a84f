// Tests and benchmarks start from a copy of an example lab in labs/, as git has it: lab.yaml
// and the startup-configs. What a run of `up` or `sim` left in the folder (the lab CA in
// pki/, the running state in .flexlab/, both ignored by git) stays behind, so a test never
// depends on whether someone ran the lab in this tree before.
import { cpSync } from "node:fs";
import { cp } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The folders .gitignore keeps out of git in a lab folder. */
const LEFT_BY_RUNS = new Set(["pki", ".flexlab"]);

const LABS = join(dirname(fileURLToPath(import.meta.url)), "../../../labs");

function tracked(source: string): (path: string) => boolean {
  return (path) => {
    const inside = relative(source, path);
    const top = inside.split(/[\\/]/)[0];
    return !LEFT_BY_RUNS.has(top) && !basename(path).endsWith(".tmp");
  };
}

/** The path of labs/NAME in this repository. */
export function exampleLabDir(name: string): string {
  return join(LABS, name);
}

/** Copies a lab folder to `dest` without what runs left behind. */
export async function copyLabFolder(source: string, dest: string): Promise<void> {
  await cp(source, dest, { recursive: true, filter: tracked(source) });
}

/** Copies labs/NAME to `dest` without what runs left behind. */
export async function copyExampleLab(name: string, dest: string): Promise<void> {
  await copyLabFolder(exampleLabDir(name), dest);
}

/** copyExampleLab, for a suite that sets up synchronously. */
export function copyExampleLabSync(name: string, dest: string): void {
  const source = exampleLabDir(name);
  cpSync(source, dest, { recursive: true, filter: tracked(source) });
}
