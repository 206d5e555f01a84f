// `npm start [-- LABDIR]` on a machine without the Electron binary (this one: it cannot be
// downloaded here): it says what is missing, then does what `flexlab serve` does.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("npm start without Electron", () => {
  it("names what is missing, then serves the app and prints its URL", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "flexlab-start-"));
    const lab = join(scratch, "lab");
    await copyExampleLab("two-routers", lab);
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, [join(ROOT, "bin/start.mjs"), lab], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes("\n")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`npm start exited (${code}):\n${stderr}`)));
      });
      expect(stderr.split("\n")[0]).toMatch(/^FlexLab: no Electron binary: the electron package is not installed .*; serving the app for a browser instead \(flexlab serve\)\.$/);
      expect(stdout).toMatch(/^FlexLab UI: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+\n$/);
      const url = stdout.slice("FlexLab UI: ".length).trim();
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(url.replace(/\?token=.*/, ""))).status).toBe(401);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
