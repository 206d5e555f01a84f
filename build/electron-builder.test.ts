// The packaging configuration, checked without running electron-builder (it downloads
// Electron and its tools, which these machines cannot): the four installers asked for, an
// icon electron-builder can convert for each, the entry it packs being the one our Electron
// bundle writes, and every file it takes being something the build makes or git holds.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };

const configSchema = z
  .object({
    appId: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){2,}$/),
    productName: z.literal("FlexLab"),
    directories: z.object({ output: z.string().startsWith("dist/"), buildResources: z.literal("build") }),
    extraMetadata: z.object({ main: z.string() }),
    files: z.array(z.string()).min(1),
    extraResources: z.array(z.object({ from: z.string(), to: z.string() })),
    icon: z.string(),
    linux: z.object({ target: z.array(z.string()), category: z.string(), icon: z.string() }).passthrough(),
    mac: z.object({ target: z.array(z.string()), category: z.string().startsWith("public.app-category."), icon: z.string() }).passthrough(),
    win: z.object({ target: z.array(z.string()), icon: z.string() }).passthrough(),
    nsis: z.object({ oneClick: z.boolean() }).passthrough(),
  })
  .passthrough();

const config = configSchema.parse(JSON.parse(readFileSync(join(ROOT, "build/electron-builder.json"), "utf8")));

/** Width and height from a PNG's IHDR. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(join(ROOT, file));
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  expect(bytes.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("the electron-builder configuration", () => {
  it("builds AppImage and deb, dmg, and nsis", () => {
    expect(config.linux.target).toEqual(["AppImage", "deb"]);
    expect(config.mac.target).toEqual(["dmg"]);
    expect(config.win.target).toEqual(["nsis"]);
  });

  it("has one square icon of at least 512 pixels, which electron-builder turns into icns and ico", () => {
    for (const icon of new Set([config.icon, config.linux.icon, config.mac.icon, config.win.icon])) {
      const { width, height } = pngSize(icon);
      expect(width).toBe(height);
      expect(width).toBeGreaterThanOrEqual(512);
    }
  });

  it("packs the Electron main bundle as the app's entry, and what it loads", async () => {
    const { ELECTRON_DIR } = (await import(pathToFileURL(join(ROOT, "bin/electron-bundle.mjs")).href)) as { ELECTRON_DIR: string };
    expect(join(ROOT, config.extraMetadata.main)).toBe(join(ELECTRON_DIR, "main.mjs"));
    expect(config.files).toEqual(expect.arrayContaining(["dist/electron/**", "dist/renderer/**", "dist/agent.mjs", "labs/**"]));
    expect(config.files).toContain("!**/*.map");
  });

  it("bundles the router image tarball that npm run dist saves, for offline labs", async () => {
    const { ROUTER_IMAGE_TAR, BUILDER_CONFIG } = (await import(pathToFileURL(join(ROOT, "bin/dist.mjs")).href)) as { ROUTER_IMAGE_TAR: string; BUILDER_CONFIG: string };
    expect(BUILDER_CONFIG).toBe("build/electron-builder.json");
    expect(config.extraResources).toEqual([{ from: ROUTER_IMAGE_TAR, to: "router-image.tar" }]);
  });

  it("is what npm run dist uses, and electron-builder and electron stay out of package.json (they download from outside the registry)", () => {
    expect(manifest.scripts.dist).toBe("node bin/dist.mjs");
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      expect(Object.keys(deps)).not.toContain("electron");
      expect(Object.keys(deps)).not.toContain("electron-builder");
    }
  });
});
