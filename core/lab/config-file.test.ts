import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES, MAX_LINE_CHARS, readConfigFile } from "./config-file";

const scratch = mkdtempSync(join(tmpdir(), "flexlab-config-file-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("reading a config file", () => {
  it("gives the text of an ordinary config", async () => {
    const file = join(scratch, "ok.cfg");
    writeFileSync(file, "hostname R1\n!\nend\n");
    expect(await readConfigFile(file)).toEqual({ ok: true, text: "hostname R1\n!\nend\n" });
  });

  it.runIf(existsSync("/dev/zero"))("refuses /dev/zero after reading one byte past the limit", async () => {
    const r = await readConfigFile("/dev/zero");
    expect(r).toMatchObject({ ok: false, message: `/dev/zero: larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB; not a router config` });
  });

  it("names the line and column where a line runs past the limit", async () => {
    const file = join(scratch, "long.cfg");
    writeFileSync(file, `hostname R1\ninterface Loopback0\n description ${"x".repeat(MAX_LINE_CHARS)}\n`);
    const r = await readConfigFile(file);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`${file}:3:${MAX_LINE_CHARS + 1}: line longer than ${MAX_LINE_CHARS} characters; not a router config`);
  });

  it("says so for a missing file and for a folder", async () => {
    expect(await readConfigFile(join(scratch, "nope.cfg"))).toMatchObject({ ok: false, message: `${join(scratch, "nope.cfg")}: no such file` });
    expect(await readConfigFile(scratch)).toMatchObject({ ok: false, message: `${scratch}: is a folder, not a config file` });
  });
});
