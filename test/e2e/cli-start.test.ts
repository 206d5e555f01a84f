// `flexlab` as a user starts it: from the bundle in dist/cli/, which an edited source file
// never leaves stale, and with commander's usage errors exiting 2 like our own.
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "flexlab-start-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function flexlabIn(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(dir, "bin/flexlab.mjs"), ...args], { cwd: dir, env: { ...process.env, FLEXLAB_FROM_SOURCE: "" } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("the flexlab bundle", () => {
  // A copy of the sources, so editing one cannot disturb the other suites.
  const tree = join(scratch, "tree");
  cpSync(join(root, "core"), join(tree, "core"), { recursive: true });
  cpSync(join(root, "bin"), join(tree, "bin"), { recursive: true });
  cpSync(join(root, "package.json"), join(tree, "package.json"));
  symlinkSync(join(root, "node_modules"), join(tree, "node_modules"));

  it("is built on first use, then rebuilt whenever a source file or package.json changes", async () => {
    const first = await flexlabIn(tree, ["--version"]);
    expect(first).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n` });
    expect(existsSync(join(tree, "dist/cli/main.js"))).toBe(true);

    const manifest = join(tree, "package.json");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace(/"version": "[^"]+"/, '"version": "9.8.7"'));
    expect((await flexlabIn(tree, ["--version"])).stdout).toBe("9.8.7\n");

    // A file the entry reaches only through a lazily loaded command: still an input.
    const options = join(tree, "core/cli/options.ts");
    writeFileSync(options, readFileSync(options, "utf8").replace("500ms, 30s, 5m or 1h; a bare number is seconds", "EDITED-DURATION"));
    expect((await flexlabIn(tree, ["sim", "--help"])).stdout).toContain("EDITED-DURATION");
  });

  it("refuses to run, naming the file, when the sources do not build", async () => {
    const main = join(tree, "core/cli/commands/image.ts");
    writeFileSync(main, readFileSync(main, "utf8") + "\nexport const broken = ;\n");
    const r = await flexlabIn(tree, ["--help"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^flexlab: cannot build the command \(dist\/cli\/\) from its sources:\ncore\/cli\/commands\/image\.ts:\d+: /);
  });
});

describe("npm's prepare step", () => {
  it("builds the bundle and the app's renderer and links node_modules/.bin/flexlab, which npx then runs directly", async () => {
    const tree = join(scratch, "prepared");
    cpSync(join(root, "core"), join(tree, "core"), { recursive: true });
    cpSync(join(root, "bin"), join(tree, "bin"), { recursive: true });
    cpSync(join(root, "renderer"), join(tree, "renderer"), { recursive: true });
    cpSync(join(root, "package.json"), join(tree, "package.json"));
    // A node_modules of its own (the packages linked in), so the link lands in this tree.
    mkdirSync(join(tree, "node_modules"));
    for (const entry of readdirSync(join(root, "node_modules"))) {
      if (entry !== ".bin") symlinkSync(join(root, "node_modules", entry), join(tree, "node_modules", entry));
    }
    await run(process.execPath, [join(tree, "bin/prepare.mjs")], { cwd: tree });
    expect(readlinkSync(join(tree, "node_modules/.bin/flexlab"))).toBe("../../bin/flexlab.mjs");
    expect(existsSync(join(tree, "dist/cli/main.js"))).toBe(true);
    for (const file of ["index.html", "app.js", "app.css", "editor.worker.js"]) expect(existsSync(join(tree, "dist/renderer", file)), file).toBe(true);
    const { stdout } = await run(join(tree, "node_modules/.bin/flexlab"), ["--version"], { cwd: tree, env: { ...process.env, FLEXLAB_FROM_SOURCE: "" } });
    expect(stdout).toBe(`${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`);
  });
});

describe("flexlab usage", () => {
  it("exits 2 with commander's message for an unknown command, a missing argument or a bad option value", async () => {
    for (const args of [["frobnicate"], ["exec", "R1"], ["up", "labs/two-routers", "--runtime", "sim"], ["sim", "labs/two-routers", "--advance", "soon"], ["exec", "R1", "show clock", "--timeout", "0"]]) {
      const r = await flexlabIn(root, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^error: /);
    }
  });

  it("takes the current folder as the lab when up is given none, and says so where there is no lab.yaml", async () => {
    const r = await flexlabIn(root, ["up"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no lab file here (expected lab.yaml)");
  });

  it("lists only the runtimes up accepts, and shows examples", async () => {
    const r = await flexlabIn(root, ["up", "--help"]);
    expect(r.code).toBe(0);
    // commander wraps the choices to the terminal's width: compare them unwrapped
    const choices = /\(choices: ([^)]*)\)/.exec(r.stdout.replace(/\s+/g, " "))?.[1];
    expect(choices).toBe('"auto", "docker", "process", "kubernetes", "swarm"');
    expect(r.stdout).toContain("Examples:\n  $ flexlab up labs/mpls-over-flexvpn");
  });

  it("stops quietly, exit 0, when the reader of its output goes away (flexlab ... | head)", async () => {
    const child = spawn(process.execPath, [join(root, "bin/flexlab.mjs"), "--help"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // The first chunk read, the reader leaves, as `head -1` does.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
