// What the browser tests and the UI benchmarks share: `flexlab serve` on a copy of an example
// lab (process runtime), Debian's chromium driven by playwright-core with the flags
// machine-facts.md gives, a 1280×800 page, reading an xterm console's screen, and taking the
// lab down afterwards whatever happened.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/flexlab.mjs");
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `Debian's chromium is not installed (${CHROMIUM}); .ci/run installs it`;
}

export interface Served {
  readonly labDir: string;
  readonly url: string;
  /** Everything `flexlab serve` printed on stdout. */
  stdout(): string;
  /** Stops the server, takes the lab down (`flexlab down`), removes the folder. */
  close(): Promise<void>;
}

/** `flexlab serve COPY --runtime process` on a copy of labs/NAME; resolves once it printed its URL. */
export async function serveExampleLab(name: string): Promise<Served> {
  const scratch = await mkdtemp(join(tmpdir(), "flexlab-ui-"));
  const labDir = join(scratch, name);
  await copyExampleLab(name, labDir);
  return serveLab(labDir, scratch);
}

/** `flexlab serve LABDIR --runtime process`; closing it also removes `scratch`, which holds the lab. */
export async function serveLab(labDir: string, scratch: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [BIN, "serve", labDir, "--runtime", "process"], { cwd: scratch, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = /^FlexLab UI: (\S+)\n/.exec(stdout);
      if (line) resolve(line[1]);
    });
    child.once("exit", (code) => reject(new Error(`flexlab serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
  return {
    labDir,
    url,
    stdout: () => stdout,
    close: async () => {
      child.kill("SIGTERM");
      await new Promise<void>((resolve) => execFile(process.execPath, [BIN, "down", "--lab", labDir], { timeout: 60_000 }, () => resolve()));
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A 1280×800 page on the app, its errors collected. */
export async function openApp(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Playwright waits 30 s for an action by default, longer than a test's own timeout: a step
  // that cannot happen (a button that stays disabled) would end the test as a bare timeout.
  // 10 s fails that step itself, naming the selector and what it waited for.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(url);
  return { page, errors };
}

/** The visible text of a node's console (xterm's DOM renderer), lines joined by "\n". */
export function consoleText(page: Page, node: string): Promise<string> {
  return page.locator(`[data-console="${node}"] .xterm-rows`).innerText();
}
