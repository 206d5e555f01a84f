// `flexlab image build`: the router image without a registry or a Dockerfile build. The agent
// is bundled, a root filesystem around this machine's node binary is streamed as a tar into
// the engine's import (`docker import`), and the image gets its user, entrypoint and labels
// from import "changes". images/router/Dockerfile is the equivalent for online builds.
import { createHash } from "node:crypto";
import { readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import type Docker from "dockerode";
import { AGENT_ENV, AGENT_NODE_FLAGS, freshAgentBundle } from "../agent-entry";
import { connectEngine, engineMessage } from "../runtime/docker-engine";
import { bundleAgent, sourceRoot } from "./bundle";
import { assembleRootfs, IMAGE_AGENT, IMAGE_USER } from "./rootfs";
import { IMAGE_LABELS, ROUTER_IMAGE, ROUTER_IMAGE_REPO, FLEXLAB_VERSION } from "./tag";
import { tarStream } from "./tar";
import type { Result } from "../../api/result";

export interface BuiltImage {
  readonly tag: string;
  readonly id: string;
  /** The image's size as the engine reports it (`docker images`), bytes. */
  readonly sizeBytes: number;
  readonly bundleBytes: number;
  readonly libraries: readonly string[];
  readonly elapsedMs: number;
}

export type BuildResult = Result<{ image: BuiltImage }>;

export interface BuildOptions {
  /** A short note per step, for the CLI. */
  readonly onStep?: (text: string) => void;
  /** The repository holding the agent's sources (default: this one). */
  readonly root?: string;
}

/** On the image: the sha256 of the agent bundle inside, so `ensureRouterImage` can tell an
 * image of this tree's agent from one built before a change (the tag is per version only). */
export const AGENT_HASH_LABEL = "flexlab.agent-sha256";

async function fileSha256(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

/** The Dockerfile-style instructions `docker import --change` applies to the imported filesystem. */
export function importChanges(agentSha256?: string): string[] {
  const labels = Object.entries({ ...IMAGE_LABELS, ...(agentSha256 ? { [AGENT_HASH_LABEL]: agentSha256 } : {}) })
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(" ");
  return [
    `USER ${IMAGE_USER.name}`,
    "ENV PATH=/usr/local/bin:/usr/bin:/bin",
    ...Object.entries(AGENT_ENV).map(([k, v]) => `ENV ${k}=${v}`),
    "WORKDIR /opt/flexlab",
    `ENTRYPOINT ${JSON.stringify(["node", ...AGENT_NODE_FLAGS, IMAGE_AGENT])}`,
    `LABEL ${labels}`,
  ];
}

interface ProgressMessage {
  readonly status?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/** Sends the stream to the engine's import and waits for its last progress message. */
function importImage(docker: Docker, archive: NodeJS.ReadableStream, changes: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    archive.on("error", (err: Error) => reject(new Error(`writing the root filesystem failed: ${err.message}`)));
    const tag = FLEXLAB_VERSION;
    docker.importImage(archive, { repo: ROUTER_IMAGE_REPO, tag, changes }, (err: unknown, response: NodeJS.ReadableStream | undefined) => {
      if (err || !response) return reject(new Error(engineMessage(err)));
      docker.modem.followProgress(response, (done: Error | null, output: ProgressMessage[]) => {
        if (done) return reject(done);
        const failed = output.find((m) => m.error);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error));
        resolve(output.map((m) => m.status ?? "").find((s) => s.startsWith("sha256:")) ?? "");
      });
    });
  });
}

export async function buildRouterImage(options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const step = options.onStep ?? (() => {});
  const root = options.root ?? sourceRoot();
  const connected = await connectEngine();
  if (!connected.ok) return connected;
  const { docker } = connected.engine;

  step("bundling the agent (esbuild)");
  const bundle = await bundleAgent(root);
  if (!bundle.ok) return bundle;

  step("collecting the root filesystem (node, its libraries, the packet-socket addon)");
  const nodeBinary = await realpath(process.execPath);
  const assembled = await assembleRootfs({
    nodeBinary,
    agentBundle: bundle.file,
    addonDir: join(root, "images/router/packet-socket"),
  });
  if (!assembled.ok) return assembled;

  step(`importing ${(assembled.rootfs.bytes / 1e6).toFixed(0)} MB as ${ROUTER_IMAGE}`);
  const previous = await docker
    .getImage(ROUTER_IMAGE)
    .inspect()
    .then((info) => info.Id)
    .catch(() => undefined);
  let id: string;
  try {
    id = await importImage(docker, tarStream(assembled.rootfs.entries), importChanges(await fileSha256(bundle.file)));
  } catch (err) {
    return { ok: false, message: `docker import of ${ROUTER_IMAGE} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  let sizeBytes: number;
  try {
    const info = await docker.getImage(ROUTER_IMAGE).inspect();
    sizeBytes = info.Size;
    id = info.Id;
  } catch (err) {
    return { ok: false, message: `the engine imported ${id || "the image"} but cannot show ${ROUTER_IMAGE}: ${engineMessage(err)}` };
  }
  // The tag moved to the new image: drop the old one unless a container still uses it (the
  // layer itself is shared when nothing changed, the tar being reproducible).
  if (previous && previous !== id) await docker.getImage(previous).remove().catch(() => undefined);
  return {
    ok: true,
    image: { tag: ROUTER_IMAGE, id, sizeBytes, bundleBytes: bundle.bytes, libraries: assembled.rootfs.libraries, elapsedMs: Date.now() - started },
  };
}

/**
 * The router image, built first when this engine has none (`flexlab up` on a fresh machine
 * needs no separate step). `built` says whether it had to be.
 */
export async function ensureRouterImage(options: BuildOptions = {}): Promise<Result<{ built: boolean }>> {
  const connected = await connectEngine();
  if (!connected.ok) return connected;
  const labels = await connected.engine.docker
    .getImage(ROUTER_IMAGE)
    .inspect()
    .then((info) => info.Config.Labels ?? {})
    .catch(() => undefined);
  if (labels) {
    // Same tag, older agent (a clone moved on since the image was built): rebuild it, or the
    // routers would run yesterday's code. Without esbuild there is no bundle to compare.
    const bundle = await freshAgentBundle(options.root ?? sourceRoot());
    if (!bundle || labels[AGENT_HASH_LABEL] === (await fileSha256(bundle))) return { ok: true, built: false };
    options.onStep?.("its agent differs from this tree's: rebuilding");
  }
  const result = await buildRouterImage(options);
  return result.ok ? { ok: true, built: true } : result;
}
