// What `flexlab serve` does: opens the lab folder, makes sure the app's files are built, and
// serves them with LabApi on 127.0.0.1 until Ctrl-C or SIGTERM. Stdout gets exactly one line,
// the URL with the token; everything else goes to stderr. The lab itself outlives the server,
// as after `flexlab up`: `flexlab down` (or the app's Stop lab) takes it down.
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { LabWorkspace } from "../../lab/lab-workspace";
import { repoRoot } from "../../lab/repo-root";
import type { UpRuntimeName } from "../../lab/runtime/index";
import { startWebServer } from "../../lab/web-server";
import { loadLabOrReport } from "./lab";
import { fail } from "./lab-context";

interface RendererBundle {
  freshRenderer(): Promise<string>;
  buildErrorText(err: unknown): string;
}

export async function serve(labdir: string, options: { port?: number; runtime?: UpRuntimeName }): Promise<void> {
  if (!(await loadLabOrReport(labdir))) return;
  const bundle = (await import(pathToFileURL(join(repoRoot(), "bin/renderer-bundle.mjs")).href)) as RendererBundle;
  let appDir: string;
  try {
    appDir = await bundle.freshRenderer();
  } catch (err) {
    return fail(`cannot build the app (dist/renderer/) from its sources:\n${bundle.buildErrorText(err)}`);
  }
  const workspace = await LabWorkspace.open(labdir, { service: options.runtime ? { runtime: options.runtime } : {} });
  let server;
  try {
    server = await startWebServer({ workspace, appDir, ...(options.port !== undefined ? { port: options.port } : {}) });
  } catch (err) {
    workspace.close();
    return fail(`cannot listen on 127.0.0.1:${options.port ?? 0}: ${(err as Error).message}`);
  }
  process.stdout.write(`FlexLab UI: ${server.url}\n`);
  const view = workspace.service.view();
  console.error(`${view.name}: ${view.deployed ? `running (${view.runtime} runtime)` : "not running; the app's Start deploys it"}. Ctrl-C stops the server; the lab keeps running.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  workspace.close();
  await server.close();
}
