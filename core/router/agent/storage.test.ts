import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Simulation } from "../sim/harness";
import { FileStorage, NvramFolder, writeFileAtomic, type AtomicWriteFs } from "./storage";

const CONFIG = "hostname R1\n!\nend\n";

let dir: string;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
function freshDir(): string {
  dir = mkdtempSync(join(tmpdir(), "flexlab-storage-"));
  return dir;
}

/** A file system error as Node makes them: a code, the syscall, a message. */
function fsError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall });
}

/** Real file operations, except that writing the temporary file writes half and then fails with ENOSPC. */
const diskFillsMidWrite: AtomicWriteFs = {
  async open(path, flags, mode) {
    const handle = await open(path, flags, mode);
    return {
      writeFile: async (data: string | Uint8Array) => {
        const text = typeof data === "string" ? data : new TextDecoder().decode(data);
        await handle.writeFile(text.slice(0, text.length >> 1));
        throw fsError("ENOSPC", "write");
      },
      chmod: (mode: number) => handle.chmod(mode),
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename,
  unlink,
};

/** A folder the process may not create files in, as a read-only mount answers. */
const readOnlyFolder: AtomicWriteFs = {
  open: async () => {
    throw fsError("EROFS", "open");
  },
  rename,
  unlink,
};

/** Runs `write memory` on a one-router simulation whose startup-config lives in `storage`. */
async function writeMemory(storage: FileStorage): Promise<string> {
  const sim = new Simulation({ nodes: { R1: CONFIG }, links: [], storage: () => storage, yieldToHost: () => new Promise((r) => setImmediate(r)) });
  try {
    return await sim.exec("R1", "write memory");
  } finally {
    sim.close();
  }
}

describe("writeFileAtomic", () => {
  it("replaces the file and leaves nothing else in the folder", async () => {
    const file = join(freshDir(), "R1.cfg");
    writeFileSync(file, "old\n");
    await writeFileAtomic(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(readdirSync(dir)).toEqual(["R1.cfg"]);
  });

  it("gives concurrent writers their own temporary files, so one whole version wins", async () => {
    const file = join(freshDir(), "state.json");
    const versions = Array.from({ length: 16 }, (_, i) => `version ${i}\n`.repeat(200));
    await Promise.all(versions.map((v) => writeFileAtomic(file, v)));
    expect(versions).toContain(readFileSync(file, "utf8"));
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("keeps the old file and removes the partial temporary file when the disk fills mid-write", async () => {
    const file = join(freshDir(), "R1.cfg");
    writeFileSync(file, "old\n");
    await expect(writeFileAtomic(file, "x".repeat(10_000), { fs: diskFillsMidWrite })).rejects.toMatchObject({ code: "ENOSPC" });
    expect(readFileSync(file, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["R1.cfg"]);
  });

  it("keeps the mode of the file it replaces, whatever the umask", async () => {
    const file = join(freshDir(), "R1.cfg");
    writeFileSync(file, "old\n");
    chmodSync(file, 0o600);
    await writeFileAtomic(file, "new\n");
    expect(statSync(file).mode & 0o7777).toBe(0o600);
    chmodSync(file, 0o664); // group-writable: more than a 022 umask would give a new file
    await new FileStorage(file).writeStartup("newer\n");
    expect(statSync(file).mode & 0o7777).toBe(0o664);
    expect(readFileSync(file, "utf8")).toBe("newer\n");
  });

  it("creates files with the mode asked for", async () => {
    const file = join(freshDir(), "ca.key");
    await writeFileAtomic(file, "secret", { mode: 0o600 });
    expect(readFileSync(file, "utf8")).toBe("secret");
    expect(execFileSync("stat", ["-c", "%a", file]).toString().trim()).toBe("600");
  });
});

describe("NvramFolder", () => {
  it("makes its folder on the first write, replaces files whole, and keeps secret ones to their owner", async () => {
    const nvram = new NvramFolder(join(freshDir(), "nvram", "INET"));
    expect(nvram.read("CA.ser")).toBeUndefined();
    await nvram.write("CA.ser", new TextEncoder().encode("one"));
    await nvram.write("CA.ser", new TextEncoder().encode("two"));
    await nvram.write("private-config", new TextEncoder().encode("keys"), true);
    expect(new TextDecoder().decode(nvram.read("CA.ser"))).toBe("two");
    expect(statSync(join(nvram.dir, "private-config")).mode & 0o777).toBe(0o600);
    expect(readdirSync(nvram.dir).sort()).toEqual(["CA.ser", "private-config"]);
  });

  it("keeps the old file when the disk fills mid-write", async () => {
    const nvram = new NvramFolder(join(freshDir(), "nvram"));
    await nvram.write("CA.ser", new TextEncoder().encode("old"));
    await expect(new NvramFolder(nvram.dir, diskFillsMidWrite).write("CA.ser", new TextEncoder().encode("new"))).rejects.toMatchObject({ code: "ENOSPC" });
    expect(new TextDecoder().decode(nvram.read("CA.ser"))).toBe("old");
    expect(readdirSync(nvram.dir)).toEqual(["CA.ser"]);
  });

  it("takes plain file names only, never a path", async () => {
    const nvram = new NvramFolder(join(freshDir(), "nvram"));
    await expect(nvram.write("../R1.cfg", new Uint8Array(1))).rejects.toThrow(/not a plain name/);
    expect(() => nvram.read("/etc/passwd")).toThrow(/not a plain name/);
  });
});

describe("write memory when the startup-config cannot be written", () => {
  it("says %Error opening when the folder is read-only, and writes nothing", async () => {
    const file = join(freshDir(), "R1.cfg");
    const out = await writeMemory(new FileStorage(file, readOnlyFolder));
    expect(out).toContain("Building configuration...\n%Error opening nvram:/startup-config (Read-only file system)");
    expect(out).not.toContain("[OK]");
    expect(out).not.toContain("Internal error");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("says %Error opening when the folder is not a folder (its parent is a file)", async () => {
    const parent = join(freshDir(), "not-a-folder");
    writeFileSync(parent, "");
    const out = await writeMemory(new FileStorage(join(parent, "R1.cfg")));
    expect(out).toContain("%Error opening nvram:/startup-config (Not a directory)");
    expect(readdirSync(dir)).toEqual(["not-a-folder"]);
  });

  it("says % Not enough space when the disk fills, keeping the old config and no temporary file", async () => {
    const file = join(freshDir(), "R1.cfg");
    writeFileSync(file, "old\n");
    const out = await writeMemory(new FileStorage(file, diskFillsMidWrite));
    expect(out).toContain("Building configuration...\n% Not enough space on device (nvram:/startup-config)");
    expect(readFileSync(file, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["R1.cfg"]);
  });

  it("says [OK] and saves the running-config when it can", async () => {
    const file = join(freshDir(), "R1.cfg");
    const out = await writeMemory(new FileStorage(file));
    expect(out).toContain("Building configuration...\n[OK]");
    expect(readFileSync(file, "utf8")).toContain("hostname R1");
  });
});

/** Whether this process may mount a small tmpfs (root, or CAP_SYS_ADMIN), and why not. */
function tmpfsUnavailable(): string | undefined {
  if (process.platform !== "linux") return "tmpfs mounts are Linux only";
  if (process.getuid?.() !== 0) return "mounting a tmpfs needs root";
  const probe = mkdtempSync(join(tmpdir(), "flexlab-tmpfs-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return undefined;
  } catch {
    return "mount -t tmpfs is refused here (no CAP_SYS_ADMIN)";
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const tmpfsSkip = tmpfsUnavailable();

describe.skipIf(tmpfsSkip !== undefined)(`write memory on a real 16 KiB tmpfs${tmpfsSkip ? ` (skipped: ${tmpfsSkip})` : ""}`, () => {
  let mountPoint: string;
  beforeAll(() => {
    mountPoint = mkdtempSync(join(tmpdir(), "flexlab-tmpfs-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", mountPoint]);
  });
  afterAll(() => {
    execFileSync("umount", [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it("says % Not enough space when the disk is full, and leaves no partial temporary file", async () => {
    const folder = join(mountPoint, "full");
    mkdirSync(folder);
    const file = join(folder, "R1.cfg");
    writeFileSync(file, "old\n");
    // Fill what is left of the 16 KiB.
    try {
      writeFileSync(join(folder, "filler"), Buffer.alloc(32 * 1024));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
    }
    const out = await writeMemory(new FileStorage(file));
    expect(out).toContain("Building configuration...\n% Not enough space on device (nvram:/startup-config)");
    expect(readFileSync(file, "utf8")).toBe("old\n");
    expect(readdirSync(folder).sort()).toEqual(["R1.cfg", "filler"]);
  });

  it("says %Error opening on a read-only mount, even to root", async () => {
    const ro = join(mountPoint, "ro");
    mkdirSync(ro);
    execFileSync("mount", ["--bind", ro, ro]);
    try {
      execFileSync("mount", ["-o", "remount,bind,ro", ro]);
      const out = await writeMemory(new FileStorage(join(ro, "R1.cfg")));
      expect(out).toContain("%Error opening nvram:/startup-config (Read-only file system)");
      expect(readdirSync(ro)).toEqual([]);
    } finally {
      execFileSync("umount", [ro]);
    }
  });
});
