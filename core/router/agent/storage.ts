// The node's startup-config as a file in its folder (the lab folder, or a bind mount in a
// container). `write memory` replaces it atomically: the new text goes to a temporary file in
// the same folder, is flushed, and is renamed over the old one, so a crash or a reader never
// sees half a config.
import { readFileSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ConfigStorage } from "../node/router";

export class FileStorage implements ConfigStorage {
  private writes = 0;

  constructor(readonly path: string) {}

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
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${++this.writes}.tmp`);
    const file = await open(tmp, "w");
    try {
      await file.writeFile(text, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }
}
