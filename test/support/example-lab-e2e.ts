// An example lab in labs/ run as an engineer runs it, for the e2e tests of one lab each
// (two-pe, site-to-site-vti): the `flexlab` command from source, scratch copies of the lab
// under their own lab name, taken down and removed after the file, and polling a running lab
// until a command's output says it has converged.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

/** The repository: `flexlab sim labs/NAME` runs from here. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/flexlab.mjs");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `flexlab ARGS` in `cwd`, from this tree's source. */
export function flexlab(cwd: string, args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: timeoutMs, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Copies of labs/`lab` for one test file; each is taken down (if a lab runs there) and
 * removed after the file. */
export function exampleLabCopies(lab: string): (name: string) => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) {
      if (await stat(join(dir, ".flexlab/state.json")).catch(() => undefined)) await flexlab(dir, ["down"]);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
  return async (name) => {
    const dir = await mkdtemp(join(tmpdir(), `flexlab-${lab}-`));
    made.push(dir);
    await chmod(dir, 0o755);
    await copyExampleLab(lab, dir);
    const yaml = await readFile(join(dir, "lab.yaml"), "utf8");
    await writeFile(join(dir, "lab.yaml"), yaml.replace(/^name: .*$/m, `name: ${name}`));
    return dir;
  };
}

/** Runs `flexlab exec NODE COMMAND` once a second until its output matches `converged` (at
 * most a minute: real time, so ARP, timers and handshakes); returns the last output. */
export async function execUntil(dir: string, node: string, command: string, converged: RegExp): Promise<string> {
  let last = "";
  for (let i = 0; i < 60; i++) {
    last = (await flexlab(dir, ["exec", node, command])).stdout;
    if (converged.test(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last;
}
