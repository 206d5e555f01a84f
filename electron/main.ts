// The Electron main process (bundled to dist/electron/main.mjs by bin/electron-bundle.mjs, run
// by `npm start` when an Electron binary and a display are there): opens the lab folder given
// on the command line in one window. The lab outlives the window, as after `flexlab up`.
import { app, BrowserWindow, ipcMain } from "electron";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LabWorkspace } from "../core/lab/lab-workspace";
import { repoRoot } from "../core/lab/repo-root";
import { openLabWindow } from "./main-window";

// `electron main.mjs LABDIR` from a clone; a packaged app takes LABDIR as its first argument.
// Without one it opens the seed lab.
const labArg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith("-"));
const labDir = resolve(labArg ?? join(repoRoot(), "labs/mpls-over-flexvpn"));

/** A packaged app has only the built renderer; a clone rebuilds it when a source changed. */
async function rendererDir(): Promise<string> {
  if (app.isPackaged) return join(repoRoot(), "dist/renderer");
  const { freshRenderer } = (await import(pathToFileURL(join(repoRoot(), "bin/renderer-bundle.mjs")).href)) as { freshRenderer(): Promise<string> };
  return freshRenderer();
}

await app.whenReady();
const workspace = await LabWorkspace.open(labDir);
await openLabWindow({ app, BrowserWindow, ipcMain }, { workspace, appDir: await rendererDir(), preload: join(repoRoot(), "dist/electron/preload.cjs") });
app.on("window-all-closed", () => {
  workspace.close();
  app.quit();
});
