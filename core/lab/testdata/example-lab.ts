// Tests and benchmarks start from a copy of an example lab in labs/, as git has it: lab.yaml
// and the startup-configs. What a run of `up` or `sim` left in the folder (the lab CA in
// pki/, the running state in .flexlab/, both ignored by git) stays behind, so a test never
// depends on whether someone ran the lab in this tree before.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { copyLabFolder, copyLabFolderSync } from "../lab-folder";

export { copyLabFolder };

const LABS = join(dirname(fileURLToPath(import.meta.url)), "../../../labs");

/** The path of labs/NAME in this repository. */
export function exampleLabDir(name: string): string {
  return join(LABS, name);
}

/** Copies labs/NAME to `dest` without what runs left behind. */
export async function copyExampleLab(name: string, dest: string): Promise<void> {
  await copyLabFolder(exampleLabDir(name), dest);
}

/** copyExampleLab, for a suite that sets up synchronously. */
export function copyExampleLabSync(name: string, dest: string): void {
  copyLabFolderSync(exampleLabDir(name), dest);
}
