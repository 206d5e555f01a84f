// `flexlab image save FILE.tar` / `flexlab image load FILE.tar`: the router image as a file,
// to carry to a machine that cannot build it (`docker save` / `docker load` through the API).
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { connectEngine, engineMessage, statusCodeOf } from "../runtime/docker-engine";
import { ROUTER_IMAGE } from "./tag";
import type { Result } from "../../api/result";

export type ArchiveResult<T> = Result<{ value: T }>;

/** Writes the router image (or `tag`) to `file` as a docker-save tar; resolves its size in bytes. */
export async function saveImage(file: string, tag = ROUTER_IMAGE): Promise<ArchiveResult<number>> {
  const connected = await connectEngine();
  if (!connected.ok) return connected;
  const { docker } = connected.engine;
  const partial = `${file}.partial`;
  try {
    const image = docker.getImage(tag);
    await image.inspect();
    await pipeline(await image.get(), createWriteStream(partial));
    await rename(partial, file);
    return { ok: true, value: (await stat(file)).size };
  } catch (err) {
    await rm(partial, { force: true });
    if (statusCodeOf(err) === 404) return { ok: false, message: `no image ${tag} here: run \`flexlab image build\` (or \`flexlab image load\`) first` };
    return { ok: false, message: `saving ${tag} to ${file} failed: ${err instanceof Error && !("statusCode" in err) ? err.message : engineMessage(err)}` };
  }
}

interface LoadMessage {
  readonly stream?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/** Loads a docker-save tar; resolves the image names it held ("Loaded image: …"). */
export async function loadImage(file: string): Promise<ArchiveResult<string[]>> {
  try {
    await stat(file);
  } catch {
    return { ok: false, message: `no such file: ${file}` };
  }
  const connected = await connectEngine();
  if (!connected.ok) return connected;
  const { docker } = connected.engine;
  try {
    const response = await docker.loadImage(createReadStream(file), { quiet: true });
    const output = await new Promise<LoadMessage[]>((resolve, reject) =>
      docker.modem.followProgress(response, (err: Error | null, messages: LoadMessage[]) => (err ? reject(err) : resolve(messages))),
    );
    const failed = output.find((m) => m.error);
    if (failed) return { ok: false, message: `loading ${file} failed: ${failed.errorDetail?.message ?? failed.error}` };
    const loaded = output.flatMap((m) => /Loaded image(?: ID)?: (\S+)/.exec(m.stream ?? "")?.[1] ?? []);
    return { ok: true, value: loaded };
  } catch (err) {
    return { ok: false, message: `loading ${file} failed: ${engineMessage(err)}` };
  }
}
