// The Electron main process and its preload as bundles in dist/electron/: main.mjs (ESM, from
// electron/main.ts) and preload.cjs (CommonJS: a sandboxed preload is loaded as a script).
// "electron" stays outside both: the Electron binary provides it. `npm start` builds them
// before it opens a window; nothing else needs them.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, buildErrorText } from "./cli-bundle.mjs";

export const ELECTRON_DIR = join(ROOT, "dist/electron");

/** Builds both; resolves to the main bundle's path. */
export async function buildElectron() {
  const esbuild = await import("esbuild");
  const common = { absWorkingDir: ROOT, bundle: true, platform: "node", target: "node20", logLevel: "silent", sourcemap: "linked" };
  await esbuild.build({
    ...common,
    entryPoints: [join(ROOT, "electron/main.ts")],
    outfile: join(ELECTRON_DIR, "main.mjs"),
    format: "esm",
    external: ["electron", "dockerode", "ws", "esbuild", "tsx", "@flexlab/packet-socket"],
    banner: { js: 'import { createRequire as __flexlabCreateRequire } from "node:module";\nconst require = __flexlabCreateRequire(import.meta.url);' },
  });
  await esbuild.build({ ...common, entryPoints: [join(ROOT, "electron/preload.ts")], outfile: join(ELECTRON_DIR, "preload.cjs"), format: "cjs", external: ["electron"] });
  return join(ELECTRON_DIR, "main.mjs");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await buildElectron();
  } catch (err) {
    console.error(`flexlab: building dist/electron failed:\n${buildErrorText(err)}`);
    process.exitCode = 1;
  }
}
