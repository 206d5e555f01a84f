// The app's renderer (renderer/, Vue) as static files in dist/renderer/ (ignored by git):
// app.js and app.css from renderer/main.ts, Monaco's editor worker, its font, and index.html.
// Built by `npm install` (prepare.mjs) and, like the CLI bundle, checked before each use:
// `flexlab serve` and the tests that load the page rebuild it first when any source it came
// from has changed (cli-bundle.mjs's inputs.json), so a stale UI never loads.
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, bundleIsFresh, buildErrorText, recordInputs, writeAtomically } from "./cli-bundle.mjs";

export const RENDERER_DIR = join(ROOT, "dist/renderer");
const INDEX = "renderer/index.html";

/** Builds dist/renderer/ from renderer/main.ts; throws with esbuild's messages on failure. */
export async function buildRenderer() {
  const esbuild = await import("esbuild");
  const startedMs = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: {
      app: join(ROOT, "renderer/main.ts"),
      "editor.worker": join(ROOT, "node_modules/monaco-editor/esm/vs/editor/editor.worker.js"),
    },
    outdir: RENDERER_DIR,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    // Vue's h() as the JSX factory (every .tsx imports h and Fragment from vue), as tsconfig says.
    jsx: "transform",
    jsxFactory: "h",
    jsxFragment: "Fragment",
    loader: { ".ttf": "file" },
    assetNames: "[name]-[hash]",
    define: {
      "process.env.NODE_ENV": '"production"',
      __VUE_OPTIONS_API__: "true",
      __VUE_PROD_DEVTOOLS__: "false",
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
    },
    minify: true,
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  mkdirSync(RENDERER_DIR, { recursive: true });
  for (const f of result.outputFiles) writeAtomically(f.path, f.contents);
  copyFileSync(join(ROOT, INDEX), join(RENDERER_DIR, "index.html"));
  const outputs = [...result.outputFiles.map((f) => basename(f.path)), "index.html"];
  recordInputs(RENDERER_DIR, result.metafile, outputs, startedMs, [INDEX, "bin/renderer-bundle.mjs"]);
  return RENDERER_DIR;
}

/** dist/renderer/, rebuilt first when any of its sources changed since it was built. */
export async function freshRenderer() {
  return bundleIsFresh(RENDERER_DIR, join(RENDERER_DIR, "index.html")) ? RENDERER_DIR : buildRenderer();
}

// `node bin/renderer-bundle.mjs`: build it now.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await buildRenderer();
  } catch (err) {
    console.error(`flexlab: building dist/renderer failed:\n${buildErrorText(err)}`);
    process.exitCode = 1;
  }
}
