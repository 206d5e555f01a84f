// Where the programs the lab runs live: the router agent (one per node) and the lab daemon
// (process runtime). Until a bundle exists they run from source through tsx; this is the one
// place that knows, so a packaged build changes only this file.
import { fileURLToPath } from "node:url";

/** The repository root, from this file's place in it (core/lab/). */
const ROOT_URL = new URL("../../", import.meta.url);

export interface ProgramCommand {
  readonly command: string;
  /** Arguments before the program's own. */
  readonly args: readonly string[];
}

/** tsx's loader by absolute URL: `--import tsx` would be looked up from the child's cwd. */
function fromSource(relative: string): ProgramCommand {
  return { command: process.execPath, args: ["--import", import.meta.resolve("tsx"), fileURLToPath(new URL(relative, ROOT_URL))] };
}

/** `node --import tsx core/router/agent/main.ts`: a router node. */
export function agentCommand(): ProgramCommand {
  return fromSource("core/router/agent/main.ts");
}

/** `node --import tsx core/lab/daemon-main.ts`: the process runtime's lab daemon. */
export function daemonCommand(): ProgramCommand {
  return fromSource("core/lab/daemon-main.ts");
}

/** The repository root (absolute path, ending in a separator). */
export function repoRoot(): string {
  return fileURLToPath(ROOT_URL);
}
