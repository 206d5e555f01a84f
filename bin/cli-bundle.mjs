// The `flexlab` command as an esbuild bundle in dist/cli/ (ignored by git): Node loads it in a
// fraction of the time tsx takes to compile the TypeScript on every run. Built by `npm install`
// (the "prepare" script runs this file) and checked on every run: inputs.json records the size
// and modification time of every source file the bundle was built from (esbuild's metafile),
// and any difference, a missing file included, rebuilds it first. A stale bundle never runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUTDIR = join(ROOT, "dist/cli");
const ENTRY = join(OUTDIR, "main.js");
const SOURCE = "core/cli/main.ts";
/** How long an earlier build's chunks stay for runs that started before a rebuild. */
const CHUNK_GRACE_MS = 24 * 3600 * 1000;

/** Bundled CommonJS packages (commander, yaml) call `require` for Node built-ins; ESM has none. */
const REQUIRE_SHIM = 'import { createRequire as __flexlabCreateRequire } from "node:module";\nconst require = __flexlabCreateRequire(import.meta.url);';

/** True when the bundle exists and every file it was built from is as it was then. */
export function bundleIsFresh(outdir = OUTDIR, entry = ENTRY) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(join(outdir, "inputs.json"), "utf8"));
  } catch {
    return false;
  }
  if (recorded.node !== process.versions.node || !existsSync(entry)) return false;
  for (const [file, was] of Object.entries(recorded.inputs)) {
    let now;
    try {
      now = statSync(join(ROOT, file));
    } catch {
      return false;
    }
    if (now.mtimeMs !== was.mtimeMs || now.size !== was.size) return false;
  }
  for (const file of recorded.outputs) if (!existsSync(join(outdir, file))) return false;
  return true;
}

/** Records what a build read (esbuild's metafile inputs, plus `extra` files) in
 * OUTDIR/inputs.json for bundleIsFresh. A source saved while esbuild read it may or may not be
 * in the bundle: then nothing is recorded, so the next run builds again rather than trust it. */
export function recordInputs(outdir, metafile, outputs, startedMs, extra = []) {
  const inputs = {};
  let editedMeanwhile = false;
  for (const file of [...Object.keys(metafile.inputs), ...extra]) {
    const s = statSync(join(ROOT, file));
    inputs[relative(ROOT, join(ROOT, file))] = { mtimeMs: s.mtimeMs, size: s.size };
    if (s.mtimeMs >= startedMs) editedMeanwhile = true;
  }
  const file = join(outdir, "inputs.json");
  if (editedMeanwhile) rmSync(file, { force: true });
  else writeAtomically(file, JSON.stringify({ node: process.versions.node, inputs, outputs }, null, 1) + "\n");
}

/** esbuild's messages (FILE:LINE: text), one a line, or the error's own message. */
export function buildErrorText(err) {
  return (err.errors?.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)) ?? [err.message]).join("\n");
}

/** Writes a file under a temporary name, then renames it: a concurrent run sees old or new. */
export function writeAtomically(path, contents) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** Bundles core/cli/main.ts into dist/cli/; dynamic imports become chunks, so `--help` loads
 * only what it needs. Throws with esbuild's messages when the sources do not build. */
export async function buildBundle() {
  const esbuild = await import("esbuild");
  const startedMs = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: join(ROOT, SOURCE) },
    outdir: OUTDIR,
    bundle: true,
    splitting: true,
    chunkNames: "chunk-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    // Pure-JS packages are bundled (their files are inputs too, so an upgrade rebuilds);
    // these stay in node_modules: native add-ons and optional native speed-ups, build tools.
    external: ["dockerode", "ws", "esbuild", "tsx", "tsx/*", "@flexlab/packet-socket"],
    banner: { js: REQUIRE_SHIM },
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  mkdirSync(OUTDIR, { recursive: true });
  const outputs = result.outputFiles.map((f) => basename(f.path));
  for (const f of result.outputFiles) writeAtomically(f.path, f.contents);
  // Chunks of earlier builds go once no run can still be loading them: a `flexlab` started
  // before an edit may import one of its chunks minutes later (a command loads on use).
  const staleBeforeMs = startedMs - CHUNK_GRACE_MS;
  for (const name of readdirSync(OUTDIR)) {
    if (!name.startsWith("chunk-") || outputs.includes(name)) continue;
    const path = join(OUTDIR, name);
    if (statSync(path, { throwIfNoEntry: false })?.mtimeMs < staleBeforeMs) rmSync(path, { force: true });
  }
  recordInputs(OUTDIR, result.metafile, outputs, startedMs);
  return ENTRY;
}

/** The bundle's entry, rebuilt first when any source changed since it was built. */
export async function freshBundle() {
  return bundleIsFresh() ? ENTRY : buildBundle();
}

// `node bin/cli-bundle.mjs` (npm's "prepare" at install): build it now.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await buildBundle();
  } catch (err) {
    console.error(`flexlab: building dist/cli failed:\n${buildErrorText(err)}`);
    process.exitCode = 1;
  }
}
