import { describe, expect, it } from "vitest";
import { netRawFileCapability, parseLdd } from "./rootfs";

describe("router image root filesystem", () => {
  it("reads ldd's list: libraries, the loader, but not the vDSO", () => {
    const out = [
      "\tlinux-vdso.so.1 (0x00007fa7a2ebb000)",
      "\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007fa7a2ea5000)",
      "\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007fa7a2c00000)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007fa7a2ebd000)",
      "",
    ].join("\n");
    expect(parseLdd(out)).toEqual({
      paths: ["/lib/x86_64-linux-gnu/libdl.so.2", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib64/ld-linux-x86-64.so.2"],
      missing: [],
    });
  });

  it("reports libraries ldd cannot find", () => {
    expect(parseLdd("\tlibfoo.so.1 => not found\n\tlibc.so.6 => /lib/libc.so.6 (0x1)\n")).toEqual({ paths: ["/lib/libc.so.6"], missing: ["libfoo.so.1"] });
  });

  it("reads musl's ldd too", () => {
    expect(parseLdd("\t/lib/ld-musl-x86_64.so.1 (0x7f00)\n\tlibc.musl-x86_64.so.1 => /lib/ld-musl-x86_64.so.1 (0x7f00)\n").paths).toEqual([
      "/lib/ld-musl-x86_64.so.1",
    ]);
  });

  it("gives node cap_net_raw+ep exactly as setcap would write it", () => {
    // getfattr -n security.capability -e hex after `setcap cap_net_raw+ep`
    expect(Buffer.from(netRawFileCapability()).toString("hex")).toBe("0100000200200000000000000000000000000000");
  });
});
