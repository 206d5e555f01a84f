import { describe, expect, it } from "vitest";
import { renderRunningConfig } from "../render";
import { ConfigSession } from "../session";

function session(lines: readonly string[]): ConfigSession {
  const s = new ConfigSession();
  for (const line of lines) expect(s.execute(line).error, line).toBeUndefined();
  return s;
}

describe("crypto ipsec security-association", () => {
  it("sets the global lifetime and replay window, renders them before the transform sets, and no removes each", () => {
    const s = session([
      "crypto ipsec security-association lifetime seconds 1800",
      "crypto ipsec security-association lifetime kilobytes 102400",
      "crypto ipsec security-association replay window-size 1024",
      "crypto ipsec transform-set TS esp-gcm 256",
    ]);
    expect(s.model.crypto.ipsec.sa).toEqual({ lifetimeSec: 1800, lifetimeKb: 102400, replayWindow: 1024 });
    const text = renderRunningConfig(s.model);
    expect(text).toContain(
      "crypto ipsec security-association lifetime seconds 1800\ncrypto ipsec security-association lifetime kilobytes 102400\ncrypto ipsec security-association replay window-size 1024\n!\ncrypto ipsec transform-set TS esp-gcm 256\n",
    );
    s.execute("crypto ipsec security-association replay disable");
    expect(renderRunningConfig(s.model)).toContain("crypto ipsec security-association replay disable\n");
    for (const line of ["no crypto ipsec security-association lifetime seconds", "no crypto ipsec security-association lifetime kilobytes 102400", "no crypto ipsec security-association replay window-size", "no crypto ipsec security-association replay disable"]) {
      expect(s.execute(line).error, line).toBeUndefined();
    }
    expect(renderRunningConfig(s.model)).not.toContain("security-association");
  });

  it("keeps no line for the default window of 64 and refuses a size IOS does not offer", () => {
    const s = session(["crypto ipsec security-association replay window-size 64"]);
    expect(renderRunningConfig(s.model)).not.toContain("replay");
    expect(s.execute("crypto ipsec security-association replay window-size 100").error).toBeDefined();
    expect(s.execute("crypto ipsec security-association lifetime seconds 60").error).toBeDefined();
  });

  it("sets a profile's own lifetime and PFS group", () => {
    const s = session(["crypto ipsec profile IP", "set security-association lifetime seconds 900", "set pfs group14", "set ikev2-profile P"]);
    expect(s.model.crypto.ipsec.profiles.IP).toMatchObject({ lifetimeSec: 900, pfsGroup: "group14" });
    expect(renderRunningConfig(s.model)).toContain("crypto ipsec profile IP\n set security-association lifetime seconds 900\n set pfs group14\n set ikev2-profile P\n");
  });
});
