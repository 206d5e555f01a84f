// A minimal tar writer (POSIX ustar with pax extended headers) for the router image's root
// filesystem, streamed straight into `docker import`. Why not the `tar` command: the node
// binary needs its file capability (security.capability) in the archive, and putting it on a
// file on disk takes setcap and CAP_SETFCAP, which a developer in the docker group does not
// have. Here the capability is just a pax record (SCHILY.xattr.*, as GNU tar writes it), so
// building the image needs no privilege, no temporary root filesystem and no host tools.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";

const BLOCK = 512;

export type TarEntry =
  | { readonly kind: "dir"; readonly path: string; readonly mode: number }
  | {
      readonly kind: "file";
      readonly path: string;
      readonly mode: number;
      /** The file's bytes, or a file on disk to stream (with its size, known beforehand). */
      readonly content: Uint8Array | { readonly file: string; readonly size: number };
      /** Extended attributes, e.g. "security.capability". */
      readonly xattrs?: Readonly<Record<string, Uint8Array>>;
    }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string };

const encoder = new TextEncoder();

function writeString(block: Uint8Array, offset: number, length: number, text: string): void {
  block.set(encoder.encode(text).subarray(0, length), offset);
}

/** Numeric fields are zero-padded octal followed by a NUL. */
function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

function entrySize(entry: TarEntry): number {
  if (entry.kind !== "file") return 0;
  return entry.content instanceof Uint8Array ? entry.content.length : entry.content.size;
}

function header(name: string, typeflag: string, mode: number, size: number, linkname = ""): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, mode);
  writeOctal(block, 108, 8, 0); // uid: root
  writeOctal(block, 116, 8, 0); // gid: root
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 0); // mtime: fixed, so the same inputs give the same archive
  block.fill(0x20, 148, 156); // checksum counted as spaces
  writeString(block, 156, 1, typeflag);
  writeString(block, 157, 100, linkname);
  writeString(block, 257, 8, "ustar\x0000");
  writeString(block, 265, 32, "root");
  writeString(block, 297, 32, "root");
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/** One pax record, "LEN key=value\n", where LEN counts the whole record including itself. */
export function paxRecord(key: string, value: Uint8Array): Uint8Array {
  const body = encoder.encode(` ${key}=`);
  const rest = body.length + value.length + 1;
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  const record = new Uint8Array(length);
  const prefix = encoder.encode(String(length));
  record.set(prefix, 0);
  record.set(body, prefix.length);
  record.set(value, prefix.length + body.length);
  record[length - 1] = 0x0a;
  return record;
}

function padding(size: number): Uint8Array {
  const rest = size % BLOCK;
  return new Uint8Array(rest === 0 ? 0 : BLOCK - rest);
}

/** The header blocks of one entry: a pax header first when the path is long or there are xattrs. */
export function headerBlocks(entry: TarEntry): Uint8Array[] {
  const path = entry.kind === "dir" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path;
  const records: Uint8Array[] = [];
  if (encoder.encode(path).length > 100) records.push(paxRecord("path", encoder.encode(path)));
  if (entry.kind === "symlink" && encoder.encode(entry.target).length > 100) records.push(paxRecord("linkpath", encoder.encode(entry.target)));
  if (entry.kind === "file") {
    for (const [key, value] of Object.entries(entry.xattrs ?? {})) records.push(paxRecord(`SCHILY.xattr.${key}`, value));
  }
  const blocks: Uint8Array[] = [];
  if (records.length) {
    const paxSize = records.reduce((n, r) => n + r.length, 0);
    blocks.push(header(`PaxHeaders/${path}`.slice(0, 100), "x", 0o644, paxSize), ...records, padding(paxSize));
  }
  switch (entry.kind) {
    case "dir":
      blocks.push(header(path, "5", entry.mode, 0));
      break;
    case "file":
      blocks.push(header(path, "0", entry.mode, entrySize(entry)));
      break;
    case "symlink":
      blocks.push(header(path, "2", 0o777, 0, entry.target));
      break;
  }
  return blocks;
}

async function* chunks(entries: readonly TarEntry[]): AsyncGenerator<Uint8Array> {
  for (const entry of entries) {
    yield* headerBlocks(entry);
    if (entry.kind !== "file") continue;
    if (entry.content instanceof Uint8Array) {
      yield entry.content;
    } else {
      let streamed = 0;
      for await (const chunk of createReadStream(entry.content.file)) {
        streamed += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (streamed !== entry.content.size) throw new Error(`${entry.content.file} changed size while being archived`);
    }
    yield padding(entrySize(entry));
  }
  yield new Uint8Array(BLOCK * 2); // end of archive
}

/** The archive as a byte stream; files on disk are read as it is consumed. */
export function tarStream(entries: readonly TarEntry[]): Readable {
  return Readable.from(chunks(entries), { objectMode: false });
}
