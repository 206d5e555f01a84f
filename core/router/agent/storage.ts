// Files that must never be seen half-written: the node's startup-config (`write memory`), the
// lab's state file, its PKI keys and certificates. `writeFileAtomic` is the one way to write
// them: the new bytes go to a temporary file with a unique name in the same folder, are
// flushed to disk (fsync), and the temporary file is renamed over the old one, then the
// folder is flushed so the rename itself survives a crash. A reader sees the old file or the
// new one, never a mix; a failure (a read-only folder, a full disk) leaves the old file as it
// was and no temporary file behind. core/lab may import this file (and only this one of the
// agent's), so there is one copy.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, open, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ConfigStorage } from "../node/router";
import type { NvramFiles } from "../node/options";

/** The file operations an atomic write uses: node:fs/promises, or a test's stand-in that fails on cue. */
export interface AtomicWriteFs {
  open(path: string, flags: string, mode?: number): Promise<Pick<FileHandle, "writeFile" | "chmod" | "sync" | "close">>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

const nodeFs: AtomicWriteFs = { open, rename, unlink };

export interface AtomicWriteOptions {
  /** Permission bits of the file. Without it a file that exists keeps its own (a config
   * someone made 0600 stays 0600 after write memory) and a new one gets 0o666 less the umask. */
  readonly mode?: number;
  readonly fs?: AtomicWriteFs;
}

/** A temporary name beside `file`, unique across processes and calls: hidden, pid and 48 random bits. */
function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Replaces `file` with `data` atomically (see the file comment); rejects with the fs error, the file untouched. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const temp = tempNameFor(file);
  const kept = options.mode === undefined ? await modeOf(file) : undefined;
  // "wx": create, never follow or reuse an existing name.
  const handle = await fs.open(temp, "wx", options.mode ?? kept ?? 0o666);
  try {
    try {
      // open's mode passes through the umask; the file's own bits must come back exactly.
      if (kept !== undefined) await handle.chmod(kept);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (err) {
    await fs.unlink(temp).catch(() => {});
    throw err;
  }
  await syncFolder(dirname(file));
}

/** The permission bits of `file`, or undefined when there is no such file. */
async function modeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Flushes a folder's entries (the rename) to disk; where a platform cannot, the write is still atomic. */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a folder (EINVAL, EISDIR): nothing more to do.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * The node's startup-config as a file in its folder (the lab folder, or a bind mount in a
 * container). `write memory` replaces it with writeFileAtomic; a failure rejects with the fs
 * error (its `code`: EACCES, EROFS, ENOSPC…), which the CLI words as IOS does.
 */
export class FileStorage implements ConfigStorage {
  constructor(
    readonly path: string,
    private readonly fs?: AtomicWriteFs,
    /** The node's other NVRAM files, when it keeps any (NvramFolder). */
    readonly nvram?: NvramFiles,
  ) {}

  /** The file's text, or undefined when there is none yet (a node never saved). */
  readStartup(): string | undefined {
    try {
      return readFileSync(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async writeStartup(text: string): Promise<void> {
    await writeFileAtomic(this.path, text, { fs: this.fs });
  }
}

/** A file name NVRAM may hold: one plain name, never a path. */
const NVRAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._#-]*$/;

/**
 * The node's NVRAM files besides its startup-config, in a folder of their own (the lab
 * folder's nvram/NODE, bound into a container with the rest of the lab folder). Each file is
 * replaced with writeFileAtomic, so a node killed mid-write finds the old file or the new one;
 * secret ones (private keys) are 0600.
 */
export class NvramFolder implements NvramFiles {
  constructor(
    readonly dir: string,
    private readonly fs?: AtomicWriteFs,
  ) {}

  read(name: string): Uint8Array | undefined {
    try {
      return new Uint8Array(readFileSync(this.fileOf(name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async write(name: string, data: Uint8Array, secret = false): Promise<void> {
    const file = this.fileOf(name);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, data, { fs: this.fs, ...(secret ? { mode: 0o600 } : {}) });
  }

  private fileOf(name: string): string {
    if (!NVRAM_NAME.test(name)) throw new Error(`NVRAM file name ${JSON.stringify(name)} is not a plain name`);
    return join(this.dir, name);
  }
}
