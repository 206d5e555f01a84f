// Reading an IOS configuration file with bounds: a config is text of a few thousand lines,
// so a file past MAX_CONFIG_BYTES (or a device such as /dev/zero, which never ends) or a line
// past MAX_LINE_CHARS is refused with a clear message instead of filling memory.
import { open } from "node:fs/promises";

/** Far above any real config (a 20,000-line config is about 600 KB). */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** Longer than any IOS command line; a certificate's hex lines are 80 characters. */
export const MAX_LINE_CHARS = 4096;

export type ConfigFileRead =
  | { readonly ok: true; readonly text: string }
  /** `message` is "FILE: why" or "FILE:LINE:COL: why"; `reason` is the why alone. */
  | { readonly ok: false; readonly message: string; readonly reason: string; readonly line: number; readonly column: number };

function refused(file: string, reason: string, line = 1, column = 1, positioned = false): ConfigFileRead {
  return { ok: false, message: positioned ? `${file}:${line}:${column}: ${reason}` : `${file}: ${reason}`, reason, line, column };
}

/** The file's text, or why it cannot be a config: unreadable, past `maxBytes`, or a line too long. */
export async function readConfigFile(file: string, maxBytes = MAX_CONFIG_BYTES): Promise<ConfigFileRead> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refused(file, code === "ENOENT" ? "no such file" : (err as Error).message);
  }
  try {
    if ((await handle.stat()).isDirectory()) return refused(file, "is a folder, not a config file");
    // Read at most one byte more than allowed: a device or a growing file cannot run on.
    const buffer = Buffer.allocUnsafe(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return refused(file, `larger than ${maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MB` : `${maxBytes / 1024} KB`}; not a router config`);
    }
    const text = buffer.toString("utf8", 0, length);
    let lineStart = 0;
    for (let line = 1; lineStart <= text.length; line++) {
      let end = text.indexOf("\n", lineStart);
      if (end < 0) end = text.length;
      if (end - lineStart > MAX_LINE_CHARS) return refused(file, `line longer than ${MAX_LINE_CHARS} characters; not a router config`, line, MAX_LINE_CHARS + 1, true);
      lineStart = end + 1;
    }
    return { ok: true, text };
  } catch (err) {
    return refused(file, (err as Error).message);
  } finally {
    await handle.close();
  }
}
