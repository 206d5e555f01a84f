// The programs the lab runs, each as one ESM file esbuild bundles from its entry and
// everything it imports: the router agent (for the image and the process runtime) and the
// process runtime's lab daemon. Node loads a bundle in a fraction of the time (and memory)
// tsx needs to compile the TypeScript on every start. The packet-socket addon stays outside
// (a native .node file cannot be bundled); the image ships it in
// node_modules/@flexlab/packet-socket next to the bundle, where packet.ts's createRequire
// finds it.
import { mkdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type * as Esbuild from "esbuild";
import type { Result } from "../../api/result";
import { writeFileAtomic } from "../../router/agent/storage";
import { repoRoot } from "../repo-root";

/** The repository holding the agent's sources. */
export function sourceRoot(): string {
  return repoRoot();
}

export const AGENT_ENTRY = "core/router/agent/main.ts";
export const AGENT_BUNDLE = "dist/agent.mjs";
export const DAEMON_ENTRY = "core/lab/daemon-main.ts";
/** Named after its entry: `down` recognises a lab daemon by "daemon-main" in its command line. */
export const DAEMON_BUNDLE = "dist/daemon-main.mjs";

/** Bundled CommonJS packages (ws, commander) call `require` for Node built-ins; ESM has none. */
const REQUIRE_SHIM = 'import { createRequire as __flexlabCreateRequire } from "node:module";\nconst require = __flexlabCreateRequire(import.meta.url);';

export type BundleResult = Result<{ file: string; bytes: number }>;

/** zod's `locales` namespace holds its error messages in some 40 languages (a fifth of the
 * agent's bundle, parsed at every start); zod itself speaks English, and so does FlexLab, so
 * the bundles carry only that one. */
const ZOD_ENGLISH_ONLY: Esbuild.Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";', loader: "js" }));
  },
};

export function bundleAgent(root = sourceRoot()): Promise<BundleResult> {
  return bundleProgram(root, AGENT_ENTRY, AGENT_BUNDLE, "the agent");
}

export function bundleDaemon(root = sourceRoot()): Promise<BundleResult> {
  return bundleProgram(root, DAEMON_ENTRY, DAEMON_BUNDLE, "the lab daemon");
}

async function bundleProgram(root: string, entry: string, bundle: string, what: string): Promise<BundleResult> {
  let esbuild: typeof Esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return { ok: false, message: "esbuild is not installed (a development dependency: run `npm install`)" };
  }
  const outfile = join(root, bundle);
  // Built in memory and written with writeFileAtomic: a lab daemon starting agents, or
  // another `up` bundling at the same moment, never runs half a file; nor does one
  // interrupted mid-write.
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [join(root, entry)],
      outfile,
      write: false,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // `ws` tries these optional speed-ups in a try/catch; the image goes without them. The
      // daemon rebuilds the agent's bundle with esbuild, which stays a package of its own.
      external: ["@flexlab/packet-socket", "bufferutil", "utf-8-validate", "esbuild"],
      banner: { js: REQUIRE_SHIM },
      plugins: [ZOD_ENGLISH_ONLY],
      // Whitespace and syntax only: names stay, so a bug's stack trace still reads.
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: "none",
      logLevel: "silent",
    });
    if (result.errors.length) return { ok: false, message: result.errors.map((e) => e.text).join("\n") };
    await mkdir(dirname(outfile), { recursive: true });
    await writeFileAtomic(outfile, result.outputFiles[0].contents);
  } catch (err) {
    const failure = err as { errors?: { text: string; location?: { file: string; line: number } | null }[]; message?: string };
    const lines = failure.errors?.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text));
    return { ok: false, message: `bundling ${what} failed:\n${lines?.join("\n") ?? failure.message ?? String(err)}` };
  }
  return { ok: true, file: outfile, bytes: (await stat(outfile)).size };
}
