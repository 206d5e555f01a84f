import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { paxRecord, tarStream, type TarEntry } from "./tar";

const work = mkdtempSync(join(tmpdir(), "flexlab-tar-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hasTar(): boolean {
  try {
    execFileSync("tar", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** security.capability for cap_net_raw+ep (vfs_cap_data revision 2), as setcap writes it. */
const NET_RAW_EP = Uint8Array.from([1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

describe("tar writer", () => {
  it("writes pax records whose length counts itself, across a digit boundary", () => {
    const text = (r: Uint8Array): string => new TextDecoder().decode(r);
    expect(text(paxRecord("path", new TextEncoder().encode("a")))).toBe("9 path=a\n");
    const long = paxRecord("path", new Uint8Array(91).fill(0x61)); // " path=" + 91 + "\n" = 98: 2 digits make 100, so 3: 101
    expect(long.length).toBe(101);
    expect(text(long).startsWith("101 path=")).toBe(true);
  });

  it.runIf(hasTar())("produces an archive GNU tar lists, with modes, symlinks, long paths and the capability", async () => {
    const onDisk = join(work, "big.bin");
    writeFileSync(onDisk, new Uint8Array(70_000).fill(7));
    const longDir = "opt/" + "d".repeat(110);
    const entries: TarEntry[] = [
      { kind: "dir", path: "tmp", mode: 0o1777 },
      { kind: "file", path: "usr/local/bin/node", mode: 0o755, content: { file: onDisk, size: statSync(onDisk).size }, xattrs: { "security.capability": NET_RAW_EP } },
      { kind: "file", path: `${longDir}/x.txt`, mode: 0o644, content: new TextEncoder().encode("hello\n") },
      { kind: "symlink", path: "lib64", target: "usr/lib" },
    ];
    const archive = join(work, "out.tar");
    writeFileSync(archive, await buffer(tarStream(entries)));
    expect(statSync(archive).size % 512).toBe(0);
    const listing = execFileSync("tar", ["-tvvf", archive, "--xattrs", "--xattrs-include=*"], { encoding: "utf8" });
    expect(listing).toMatch(/^drwxrwxrwt\s+root\/root\s+0 .* tmp\/$/m);
    expect(listing).toMatch(/^-rwxr-xr-x\*? root\/root\s+70000 .* usr\/local\/bin\/node$/m);
    expect(listing).toMatch(/x: 20 security\.capability/);
    expect(listing).toContain(`${longDir}/x.txt`);
    expect(listing).toMatch(/lib64 -> usr\/lib/);
    const content = execFileSync("tar", ["-xOf", archive, `${longDir}/x.txt`], { encoding: "utf8" });
    expect(content).toBe("hello\n");
  });
});
