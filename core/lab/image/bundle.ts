// The router agent as one ESM file for the image: esbuild bundles core/router/agent/main.ts
// and everything it imports. The packet-socket addon stays outside (a native .node file
// cannot be bundled); the image ships it in node_modules/@flexlab/packet-socket next to the
// bundle, where packet.ts's createRequire finds it.
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

/** Bundled CommonJS packages (ws, commander) call `require` for Node built-ins; ESM has none. */
const REQUIRE_SHIM = 'import { createRequire as __flexlabCreateRequire } from "node:module";\nconst require = __flexlabCreateRequire(import.meta.url);';

export type BundleResult = Result<{ file: string; bytes: number }>;

export async function bundleAgent(root = sourceRoot()): Promise<BundleResult> {
  let esbuild: typeof Esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return { ok: false, message: "esbuild is not installed (a development dependency: run `npm install`)" };
  }
  const outfile = join(root, AGENT_BUNDLE);
  // Built in memory and written with writeFileAtomic: a lab daemon starting agents, or
  // another `up` bundling at the same moment, never runs half a file; nor does one
  // interrupted mid-write.
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [join(root, AGENT_ENTRY)],
      outfile,
      write: false,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // `ws` tries these optional speed-ups in a try/catch; the image goes without them.
      external: ["@flexlab/packet-socket", "bufferutil", "utf-8-validate"],
      banner: { js: REQUIRE_SHIM },
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
    return { ok: false, message: `bundling the agent failed:\n${lines?.join("\n") ?? failure.message ?? String(err)}` };
  }
  return { ok: true, file: outfile, bytes: (await stat(outfile)).size };
}
