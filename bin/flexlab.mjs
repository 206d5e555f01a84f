#!/usr/bin/env node
// Entry point of the `flexlab` command (also `npx flexlab` in a clone). Runs the esbuild
// bundle in dist/cli/, built at `npm install` and rebuilt here first whenever a source file it
// came from has changed (cli-bundle.mjs), so an edit is never ignored. FLEXLAB_FROM_SOURCE=1
// runs the TypeScript through tsx instead, as does a tree without esbuild.
import { pathToFileURL } from "node:url";

let entry;
if (process.env.FLEXLAB_FROM_SOURCE !== "1") {
  const { freshBundle, buildErrorText } = await import("./cli-bundle.mjs");
  try {
    entry = await freshBundle();
  } catch (err) {
    if (err.code !== "ERR_MODULE_NOT_FOUND") {
      console.error(`flexlab: cannot build the command (dist/cli/) from its sources:\n${buildErrorText(err)}`);
      process.exit(1);
    }
  }
}
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../core/cli/main.ts");
}
