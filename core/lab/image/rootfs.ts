// The router image's root filesystem, as a list of tar entries: this machine's own `node`
// binary with the shared libraries `ldd` lists for it (and for the packet-socket addon), the
// dynamic loader, a passwd/group with the non-root user `flexlab`, and the agent bundle with
// the addon beside it where createRequire finds it. Nothing is downloaded: no registry, no
// base image (machine-facts.md: images come from local files).
import { execFile } from "node:child_process";
import { realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TarEntry } from "./tar";
import type { Result } from "../../api/result";

/** Where things live inside the image. */
export const IMAGE_NODE = "/usr/local/bin/node";
export const IMAGE_APP_DIR = "/opt/flexlab";
export const IMAGE_AGENT = `${IMAGE_APP_DIR}/agent.mjs`;
export const IMAGE_ADDON_DIR = `${IMAGE_APP_DIR}/node_modules/@flexlab/packet-socket`;
/** Mount point for the lab folder (the docker runtime binds it here). */
export const IMAGE_LAB_DIR = "/lab";
export const IMAGE_USER = { name: "flexlab", uid: 1000, gid: 1000 } as const;

/** CAP_NET_RAW, the one capability the router needs: packet sockets on its links. */
const CAP_NET_RAW = 13;

/**
 * `security.capability` for cap_net_raw+ep: struct vfs_cap_data, revision 2 (little endian
 * magic 0x02000000 | VFS_CAP_FLAGS_EFFECTIVE, then permitted/inheritable for caps 0-31 and
 * 32-63). It lets the non-root user open packet sockets when the container's bounding set
 * holds NET_RAW. Exactly NET_RAW: a file capability the bounding set cannot grant makes
 * execve fail with EPERM.
 */
export function netRawFileCapability(): Uint8Array {
  const data = new DataView(new ArrayBuffer(20));
  data.setUint32(0, 0x02000001, true);
  data.setUint32(4, 1 << CAP_NET_RAW, true);
  return new Uint8Array(data.buffer);
}

export interface LddResult {
  /** Absolute paths of the libraries and the loader, in ldd's order. */
  readonly paths: readonly string[];
  /** Libraries ldd could not find. */
  readonly missing: readonly string[];
}

/** Reads ldd's output: "libc.so.6 => /lib/.../libc.so.6 (0x…)", "/lib64/ld-linux-x86-64.so.2 (0x…)". */
export function parseLdd(text: string): LddResult {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const arrow = /^(\S+)\s+=>\s+(.*?)\s*(?:\(0x[0-9a-f]+\))?$/.exec(line);
    if (arrow) {
      if (arrow[2] === "not found") missing.push(arrow[1]);
      else if (arrow[2].startsWith("/")) paths.push(arrow[2]);
      continue; // "=> (0x…)" with no path: the vDSO
    }
    const bare = /^(\/\S+)\s+\(0x[0-9a-f]+\)$/.exec(line);
    if (bare) paths.push(bare[1]);
  }
  return { paths: [...new Set(paths)], missing };
}

export interface RootfsInputs {
  /** The node binary to ship (this process's own, normally). */
  readonly nodeBinary: string;
  /** The bundled agent, one ESM file. */
  readonly agentBundle: string;
  /** The packet-socket package folder (index.cjs, package.json, build/Release/packet_socket.node). */
  readonly addonDir: string;
}

export interface Rootfs {
  readonly entries: readonly TarEntry[];
  /** Sum of the file sizes, bytes. */
  readonly bytes: number;
  readonly libraries: readonly string[];
}

export type RootfsResult = Result<{ rootfs: Rootfs }>;

async function ldd(file: string): Promise<LddResult | string> {
  try {
    const { stdout } = await promisify(execFile)("ldd", [file], { encoding: "utf8" });
    return parseLdd(stdout);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string };
    if (e.code === "ENOENT") return "ldd is not installed (glibc's ldd lists the libraries node needs)";
    if (e.stdout && /not a dynamic executable|statically linked/.test(e.stdout + String(e.message))) return { paths: [], missing: [] };
    return `ldd ${file} failed: ${e.message.split("\n")[0]}`;
  }
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Every parent folder of `paths`, outermost first, as dir entries. */
function parents(paths: readonly string[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return [...dirs].sort().map((path) => ({ kind: "dir", path, mode: 0o755 }));
}

/** Collects the root filesystem; a missing input or library is a message, not an exception. */
export async function assembleRootfs(inputs: RootfsInputs): Promise<RootfsResult> {
  const addonFiles = ["package.json", "index.cjs", "build/Release/packet_socket.node"];
  const sources = [inputs.nodeBinary, inputs.agentBundle, ...addonFiles.map((f) => join(inputs.addonDir, f))];
  for (const file of sources) {
    try {
      await stat(file);
    } catch {
      const hint = file.endsWith(".node") ? " (build it: npm run build:packet-socket)" : "";
      return { ok: false, message: `missing ${file}${hint}` };
    }
  }
  const libraries: string[] = [];
  for (const binary of [inputs.nodeBinary, join(inputs.addonDir, "build/Release/packet_socket.node")]) {
    const found = await ldd(binary);
    if (typeof found === "string") return { ok: false, message: found };
    if (found.missing.length) return { ok: false, message: `${binary} needs libraries ldd cannot find: ${found.missing.join(", ")}` };
    for (const p of found.paths) if (!libraries.includes(p)) libraries.push(p);
  }

  const files: TarEntry[] = [];
  let bytes = 0;
  const addFile = async (path: string, source: string, mode: number, xattrs?: Record<string, Uint8Array>): Promise<void> => {
    const real = await realpath(source);
    const size = (await stat(real)).size;
    bytes += size;
    files.push({ kind: "file", path: path.replace(/^\//, ""), mode, content: { file: real, size }, ...(xattrs ? { xattrs } : {}) });
  };
  const addText = (path: string, body: string, mode = 0o644): void => {
    const content = text(body);
    bytes += content.length;
    files.push({ kind: "file", path: path.replace(/^\//, ""), mode, content });
  };

  await addFile(IMAGE_NODE, inputs.nodeBinary, 0o755, { "security.capability": netRawFileCapability() });
  // Libraries keep the path ldd found them at: the loader searches the same default folders
  // here (no ld.so.cache), and LD_LIBRARY_PATH would be ignored anyway for a binary with file
  // capabilities (secure-execution mode).
  for (const lib of libraries) await addFile(lib, lib, 0o755);
  await addFile(IMAGE_AGENT, inputs.agentBundle, 0o644);
  for (const f of addonFiles) await addFile(`${IMAGE_ADDON_DIR}/${f}`, join(inputs.addonDir, f), f.endsWith(".node") ? 0o755 : 0o644);
  const u = IMAGE_USER;
  addText("/etc/passwd", `root:x:0:0:root:/root:/sbin/nologin\n${u.name}:x:${u.uid}:${u.gid}:FlexLab router:${IMAGE_APP_DIR}:/sbin/nologin\n`);
  addText("/etc/group", `root:x:0:\n${u.name}:x:${u.gid}:\n`);

  const dirs: TarEntry[] = [
    { kind: "dir", path: "tmp", mode: 0o1777 },
    { kind: "dir", path: IMAGE_LAB_DIR.slice(1), mode: 0o755 },
  ];
  const all = [...parents(files.map((f) => f.path)), ...dirs, ...files];
  return { ok: true, rootfs: { entries: all, bytes, libraries } };
}
