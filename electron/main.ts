// The Electron main process (bundled to dist/electron/main.mjs by bin/electron-bundle.mjs, run
// by `npm start` when an Electron binary and a display are there): opens the lab folder given
// on the command line in one window. The lab outlives the window, as after `flexlab up`.
import { app, BrowserWindow, ipcMain } from "electron";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LabService } from "../core/lab/lab-service";
import { repoRoot } from "../core/lab/repo-root";
import { openLabWindow } from "./main-window";

const labDir = resolve(process.argv[process.argv.length - 1]);

await app.whenReady();
const { freshRenderer } = (await import(pathToFileURL(join(repoRoot(), "bin/renderer-bundle.mjs")).href)) as { freshRenderer(): Promise<string> };
const service = await LabService.open(labDir);
await openLabWindow({ app, BrowserWindow, ipcMain }, { service, appDir: await freshRenderer(), preload: join(repoRoot(), "dist/electron/preload.cjs") });
app.on("window-all-closed", () => {
  service.close();
  app.quit();
});
