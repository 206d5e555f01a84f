// The repository root, found by walking up from this module to the package.json named
// "flexlab" rather than by counting "../": the code also runs bundled into dist/cli/, at a
// different depth than its source file.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let found: string | undefined;

/** The repository root (absolute path, ending in a separator). */
export function repoRoot(): string {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "flexlab") break;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no flexlab package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  found = join(dir, "/");
  return found;
}
