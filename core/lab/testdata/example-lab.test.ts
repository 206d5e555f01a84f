import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExampleLab, copyExampleLabSync, copyLabFolder } from "./example-lab";

const scratch = mkdtempSync(join(tmpdir(), "flexlab-example-lab-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("copying a lab for a test", () => {
  it("copies lab.yaml and the configs, and leaves a previous run's pki/ and .flexlab/ behind", async () => {
    // A lab folder as a run of `up` leaves it (its own copy: labs/ is not touched).
    const ran = join(scratch, "ran");
    await copyExampleLab("two-routers", ran);
    const tracked = readdirSync(ran).sort();
    expect(tracked).toEqual(["R1.cfg", "R2.cfg", "README.md", "lab.yaml"]);
    mkdirSync(join(ran, "pki"));
    writeFileSync(join(ran, "pki/ca.key"), "stale");
    mkdirSync(join(ran, ".flexlab"));
    writeFileSync(join(ran, ".flexlab/state.json"), "{}");
    writeFileSync(join(ran, "R1.cfg.123.tmp"), "half-written");

    const copy = join(scratch, "copy");
    await copyLabFolder(ran, copy);
    expect(readdirSync(copy).sort()).toEqual(tracked);
    copyExampleLabSync("two-routers", join(scratch, "sync"));
    expect(existsSync(join(scratch, "sync/lab.yaml"))).toBe(true);
  });
});
