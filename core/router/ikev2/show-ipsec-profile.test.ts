import { describe, expect, it } from "vitest";
import { formatIpsecProfiles, formatTransformSets, transformText } from "./show-ipsec-profile";

const transformSets = { ipsec_transform1: { name: "ipsec_transform1", transforms: ["esp-aes", "256", "esp-sha512-hmac"], mode: "tunnel" as const } };

describe("show crypto ipsec transform-set", () => {
  it("spells AES key sizes as IOS does", () => {
    expect(transformText(["esp-aes", "256", "esp-sha512-hmac"])).toBe("esp-256-aes esp-sha512-hmac");
    expect(transformText(["esp-aes", "128", "esp-sha-hmac"])).toBe("esp-aes esp-sha-hmac");
    expect(transformText(["esp-gcm", "256"])).toBe("esp-gcm 256");
  });

  it("lists IOS's default sets, then the configured ones, each with its mode", () => {
    expect(formatTransformSets(transformSets).split("\n")).toEqual([
      "Transform set #$!default_transform_set_1: { esp-gcm 256  } ",
      "   will negotiate = { Transport,  }, ",
      "",
      "Transform set #$!default_transform_set_0: { esp-aes esp-sha-hmac  } ",
      "   will negotiate = { Transport,  }, ",
      "",
      "Transform set ipsec_transform1: { esp-256-aes esp-sha512-hmac  } ",
      "   will negotiate = { Tunnel,  }, ",
    ]);
    expect(formatTransformSets(transformSets, "ipsec_transform1").split("\n")).toHaveLength(2);
  });
});

describe("show crypto ipsec profile", () => {
  it("lists the implicit default profile and a configured one with its IKEv2 profile, lifetime, PFS and sets", () => {
    const profiles = { p2p: { name: "p2p", ikev2Profile: "ikev2_profile", transformSets: ["ipsec_transform1"], pfsGroup: "group14", lifetimeSec: 1800, responderOnly: true } };
    expect(formatIpsecProfiles({ profiles, transformSets, sa: { lifetimeKb: 1000000 } }, false).split("\n")).toEqual([
      "IPSEC profile default",
      "Security association lifetime: 1000000 kilobytes/3600 seconds",
      "Dualstack (Y/N): N",
      "Responder-Only (Y/N): N",
      "PFS (Y/N): N",
      "Mixed-mode : Disabled",
      "Transform sets={ ",
      "#$!default_transform_set_1:  { esp-gcm 256  } , ",
      "#$!default_transform_set_0:  { esp-aes esp-sha-hmac  } , ",
      "}",
      "IPSEC profile p2p",
      "IKEv2 Profile: ikev2_profile",
      "Security association lifetime: 1000000 kilobytes/1800 seconds",
      "Dualstack (Y/N): N",
      "Responder-Only (Y/N): Y",
      "PFS (Y/N): Y",
      "DH group:  group14",
      "Mixed-mode : Disabled",
      "Transform sets={ ",
      "ipsec_transform1:  { esp-256-aes esp-sha512-hmac  } , ",
      "}",
    ]);
  });

  it("gives the implicit default profile the IKEv2 profile `default` when one is configured", () => {
    expect(formatIpsecProfiles({ profiles: {}, transformSets: {} }, true).split("\n").slice(0, 2)).toEqual(["IPSEC profile default", "IKEv2 Profile: default"]);
  });

  it("shows a configured `default` profile instead of the implicit one", () => {
    const profiles = { default: { name: "default", ikev2Profile: "default", transformSets: [], responderOnly: false } };
    const out = formatIpsecProfiles({ profiles, transformSets: {} }, false).split("\n");
    expect(out.filter((l) => l.startsWith("IPSEC profile"))).toEqual(["IPSEC profile default"]);
    expect(out[1]).toBe("IKEv2 Profile: default");
  });
});
