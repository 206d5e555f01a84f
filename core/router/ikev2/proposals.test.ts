import { describe, expect, it } from "vitest";
import { DhGroup, EncrId, IkeProtocolId, IntegId, PrfId, TransformType } from "../wire/ikev2-registry";
import { transform } from "../wire/ikev2-sa";
import { parseConfig } from "../config/parse";
import { chooseEspProposal, chooseIkeProposal, childSuiteOf, espProposalFromTransformSet, ikeOffer, ikeProposalFromConfig, IOS_DEFAULT_IKE_PROPOSAL, localIkeProposals } from "./proposals";

describe("IKE proposals", () => {
  it("turns `crypto ikev2 proposal` into transforms, the PRF following integrity unless given", () => {
    const p = ikeProposalFromConfig({ name: "P", encryption: ["aes-cbc-128", "3des"], integrity: ["sha256"], prf: [], groups: [14, 19, 24] });
    expect(p).toEqual([
      transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, 128),
      transform(TransformType.PRF, PrfId.PRF_HMAC_SHA2_256),
      transform(TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_256_128),
      transform(TransformType.DH, DhGroup.MODP_2048),
      transform(TransformType.DH, DhGroup.ECP_256),
    ]);
    const gcm = ikeProposalFromConfig({ name: "G", encryption: ["aes-gcm-256"], integrity: ["sha256"], prf: ["sha384"], groups: [20] });
    expect(gcm.some((t) => t.type === TransformType.INTEG)).toBe(false);
  });

  it("picks one transform of each type from the first acceptable offered proposal, preferring the KE's group", () => {
    const offer = ikeOffer([[transform(TransformType.ENCR, EncrId.ENCR_AES_CBC, 192)], IOS_DEFAULT_IKE_PROPOSAL]);
    const choice = chooseIkeProposal(offer, [IOS_DEFAULT_IKE_PROPOSAL], DhGroup.MODP_2048)!;
    expect(choice.proposal.number).toBe(2);
    expect(choice.proposal.transforms.map((t) => [t.type, t.id])).toEqual([
      [TransformType.ENCR, EncrId.ENCR_AES_CBC],
      [TransformType.PRF, PrfId.PRF_HMAC_SHA2_512],
      [TransformType.INTEG, IntegId.AUTH_HMAC_SHA2_512_256],
      [TransformType.DH, DhGroup.MODP_2048],
    ]);
    expect(choice.suite.dhGroup).toBe(14);
    expect(chooseIkeProposal(offer, [IOS_DEFAULT_IKE_PROPOSAL], DhGroup.ECP_384)!.suite.dhGroup).toBe(19);
    expect(chooseIkeProposal(ikeOffer([[transform(TransformType.ENCR, EncrId.ENCR_3DES)]]), [IOS_DEFAULT_IKE_PROPOSAL])).toBeUndefined();
  });
});

describe("the proposals a router uses", () => {
  const config = (text: string) => {
    const r = parseConfig(text);
    expect(r.diagnostics).toEqual([]);
    return r.model;
  };
  const groups = (p: ReturnType<typeof localIkeProposals>) => p.map((t) => t.filter((x) => x.type === TransformType.DH).map((x) => x.id));

  it("are the smart defaults with nothing configured", () => {
    expect(localIkeProposals(config("hostname R\n"), undefined, undefined)).toEqual([IOS_DEFAULT_IKE_PROPOSAL]);
  });

  it("are a configured proposal named default in place of the built-in one, as on IOS", () => {
    const c = config("crypto ikev2 proposal default\n encryption aes-cbc-128\n integrity sha256\n group 14\n");
    expect(groups(localIkeProposals(c, undefined, undefined))).toEqual([[DhGroup.MODP_2048]]);
  });

  it("try the configured policies first and the default policy (configured or built-in) last", () => {
    const c = config(
      [
        "crypto ikev2 proposal P20",
        " encryption aes-cbc-256",
        " integrity sha384",
        " group 20",
        "crypto ikev2 proposal P21",
        " encryption aes-cbc-256",
        " integrity sha512",
        " group 21",
        "crypto ikev2 policy default",
        " proposal P21",
        "crypto ikev2 policy ONLY-10",
        " match address local 10.0.0.1",
        " proposal P20",
        "",
      ].join("\n"),
    );
    expect(groups(localIkeProposals(c, undefined, 0x0a000001 as never))).toEqual([[DhGroup.ECP_384]]);
    expect(groups(localIkeProposals(c, undefined, 0x0a000002 as never))).toEqual([[DhGroup.ECP_521]]);
  });
});

describe("ESP proposals", () => {
  it("reads transform sets as IOS spells them and refuses what our ESP lacks", () => {
    expect(childSuiteOf({ number: 1, protocolId: IkeProtocolId.ESP, spi: new Uint8Array(4), transforms: espProposalFromTransformSet({ name: "T", transforms: ["esp-aes", "256", "esp-sha256-hmac"], mode: "tunnel" })! })).toMatchObject({
      cipher: "aes-cbc-256",
      integ: "sha256-128",
      encKeyLength: 32,
      integKeyLength: 32,
      iosText: "esp-aes 256 esp-sha256-hmac",
    });
    expect(childSuiteOf({ number: 1, protocolId: IkeProtocolId.ESP, spi: new Uint8Array(4), transforms: espProposalFromTransformSet({ name: "G", transforms: ["esp-gcm", "256"], mode: "tunnel" })! })).toMatchObject({
      cipher: "aes-gcm-256",
      integ: "none",
      encKeyLength: 36,
    });
    expect(espProposalFromTransformSet({ name: "D", transforms: ["esp-3des", "esp-sha-hmac"], mode: "tunnel" })).toBeUndefined();
  });

  it("accepts an offered ESP proposal matching one of ours, with the peer's SPI", () => {
    const ours = [espProposalFromTransformSet({ name: "T", transforms: ["esp-aes", "esp-sha-hmac"], mode: "tunnel" })!];
    const spi = Uint8Array.of(1, 2, 3, 4);
    const offer = [
      { number: 1, protocolId: IkeProtocolId.ESP, spi, transforms: espProposalFromTransformSet({ name: "G", transforms: ["esp-gcm", "256"], mode: "tunnel" })! },
      { number: 2, protocolId: IkeProtocolId.ESP, spi, transforms: ours[0] },
    ];
    const choice = chooseEspProposal(offer, ours)!;
    expect(choice.proposal.number).toBe(2);
    expect(choice.suite.iosText).toBe("esp-aes esp-sha-hmac");
    expect(chooseEspProposal([offer[0]], ours)).toBeUndefined();
  });
});
