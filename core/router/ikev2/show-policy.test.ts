import { describe, expect, it } from "vitest";
import { ipv4 } from "../wire/addr";
import { formatIkev2Policies, formatIkev2Proposals, ikev2ProposalRows } from "./show-policy";

describe("show crypto ikev2 proposal", () => {
  const configured = [{ name: "ikev2_proposal", encryption: ["aes-cbc-128"], integrity: ["sha1"], prf: [], groups: [14] }];

  it("lists IOS's default proposal, then the configured ones, PRF from the integrity when not set", () => {
    expect(formatIkev2Proposals(ikev2ProposalRows(configured)).split("\n")).toEqual([
      " IKEv2 proposal: default ",
      "     Encryption : AES-CBC-256",
      "     Integrity  : SHA512 SHA384",
      "     PRF        : SHA512 SHA384",
      "     DH Group   : DH_GROUP_256_ECP/Group 19 DH_GROUP_2048_MODP/Group 14 DH_GROUP_521_ECP/Group 21 DH_GROUP_1536_MODP/Group 5",
      " IKEv2 proposal: ikev2_proposal ",
      "     Encryption : AES-CBC-128",
      "     Integrity  : SHA96",
      "     PRF        : SHA1",
      "     DH Group   : DH_GROUP_2048_MODP/Group 14",
    ]);
  });

  it("lists a configured proposal named default in place of the built-in one, which the router then no longer offers", () => {
    const rows = ikev2ProposalRows([{ name: "default", encryption: ["aes-cbc-128"], integrity: ["sha256"], prf: [], groups: [14] }]);
    expect(rows.map((r) => r.name)).toEqual(["default"]);
    expect(formatIkev2Proposals(rows).split("\n")[1]).toBe("     Encryption : AES-CBC-128");
  });

  it("shows one proposal by name, and nothing for a name not configured", () => {
    expect(formatIkev2Proposals(ikev2ProposalRows(configured, "ikev2_proposal")).split("\n")[0]).toBe(" IKEv2 proposal: ikev2_proposal ");
    expect(formatIkev2Proposals(ikev2ProposalRows(configured, "nope"))).toBe("");
  });
});

describe("show crypto ikev2 policy", () => {
  it("lists the default policy, then each configured one with its front-door VRF and local addresses", () => {
    const policies = [
      { name: "ikev2_policy", proposals: ["ikev2_proposal"], matchAddressLocal: [] },
      { name: "inet", proposals: ["a", "b"], matchFvrf: "INET", matchAddressLocal: [ipv4(172, 16, 0, 1)] },
    ];
    expect(formatIkev2Policies(policies).split("\n")).toEqual([
      " IKEv2 policy : default",
      "      Match fvrf : any",
      "      Match address local : any ",
      "      Proposal    : default ",
      " IKEv2 policy : ikev2_policy",
      "      Match fvrf  : global",
      "      Match address local : any ",
      "      Proposal    : ikev2_proposal ",
      " IKEv2 policy : inet",
      "      Match fvrf  : INET",
      "      Match address local : 172.16.0.1 ",
      "      Proposal    : a ",
      "      Proposal    : b ",
    ]);
    expect(formatIkev2Policies(policies, "default").split("\n")).toHaveLength(4);
  });
});
