import { describe, expect, it } from "vitest";
import { DhGroup, EncrId, IntegId, IkeExchangeType, IkePayloadType, PrfId } from "../wire/ikev2-registry";
import { buildIkeMessage, buildSkPlaintext, ikeEncryptedParts, parseIkeMessage, parseSkPlaintext, IKE_HEADER_LENGTH, IKE_GENERIC_PAYLOAD_HEADER_LENGTH } from "../wire/ikev2";
import { isWireError } from "../wire/errors";
import {
  deriveChildKeys,
  deriveIkeKeys,
  dhGenerate,
  encrById,
  integById,
  openSk,
  prf,
  prfById,
  prfPlus,
  pskAuth,
  rekeyedSkeyseed,
  sealSk,
  skDataLength,
  skeyseed,
  type IkeSuite,
} from "./crypto";

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

const sha1 = prfById(PrfId.PRF_HMAC_SHA1)!;

describe("IKEv2 key derivation", () => {
  // The IKEv2 KDF vector (SHA-1, 132-byte DKM) printed in libreswan's CAVS test driver
  // (NIST SP 800-135 IKEv2 KDF): SKEYSEED, prf+ for the IKE SA, child KEYMAT without and
  // with PFS, and the rekeyed SKEYSEED.
  const gir = hex("4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52");
  const girNew = hex("863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330");
  const ni = hex("32b50d5f4a3763f3");
  const nr = hex("9206a04b26564cb1");
  const spiI = 0x34c9e7c188868785n;
  const spiR = 0x3ff77d760d2b2199n;
  const dkm = hex(
    "a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062768b76606f9fa5e992204fc5a670bde3f10d6b027113936a5c55b648a194ae587b0088d52204b702c979fa280870d2ed41efa9c549fd11198af1670b143d384bd275c5f594cf266b05ebadca855e4249520a441a81157435a7a56cc4",
  );

  it("computes SKEYSEED = prf(Ni | Nr, g^ir) and its prf+ keying material", () => {
    const seed = skeyseed(sha1, ni, nr, gir);
    expect(toHex(seed)).toBe("a9a7b222b59f8f48645f28a1db5b5f5d7479cba7");
    const spis = hex("34c9e7c188868785" + "3ff77d760d2b2199");
    expect(toHex(prfPlus(sha1, seed, new Uint8Array([...ni, ...nr, ...spis]), 132))).toBe(toHex(dkm));
  });

  it("cuts the IKE SA keys out of prf+ in RFC 7296 §2.14 order", () => {
    const suite: IkeSuite = { encr: encrById(EncrId.ENCR_AES_CBC, 128)!, prf: sha1, integ: integById(IntegId.AUTH_HMAC_SHA1_96), dhGroup: 14 };
    const keys = deriveIkeKeys(suite, skeyseed(sha1, ni, nr, gir), ni, nr, spiI, spiR);
    // 20 + 20 + 20 + 16 + 16 + 20 + 20 = 132 bytes
    const all = new Uint8Array([...keys.skD, ...keys.skAi, ...keys.skAr, ...keys.skEi, ...keys.skEr, ...keys.skPi, ...keys.skPr]);
    expect(toHex(all)).toBe(toHex(dkm));
    expect(keys.skEi.length).toBe(16);
  });

  it("derives child SA KEYMAT from SK_d without and with PFS, and the rekeyed SKEYSEED", () => {
    const skD = dkm.subarray(0, 20);
    const child = deriveChildKeys(sha1, skD, ni, nr, 33, 33);
    const all = new Uint8Array([...child.encI2R, ...child.integI2R, ...child.encR2I, ...child.integR2I]);
    expect(toHex(all)).toBe(
      "8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1cdabd9560b2d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee71814ca6dbc8bb51b6309f5b9545c7eb35cf5580b1e521a8fe20754a2d883ba0c2cf285f524aea6545b33106bc03e614296d319d41d4b50b3f510b1c0a22f3e664994d234cb4",
    );
    const pfs = deriveChildKeys(sha1, skD, ni, nr, 66, 0, girNew);
    expect(toHex(new Uint8Array([...pfs.encI2R, ...pfs.encR2I]))).toBe(
      "bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c66232eab4b3ab14c400a5197dd3730ed4820a8a10394d51e1c0400052f63ebd36b0e7ef53aaed31eba4a5080d7d4b5666023a8bbb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1fc863ab49fa901227cffc06e27899c7054d56fd74c",
    );
    expect(toHex(rekeyedSkeyseed(sha1, skD, girNew, ni, nr))).toBe("63e81194946ebd05df7df5ebf5d8750056bf1f1d");
  });

  it("computes a shared-key AUTH as prf(prf(secret, \"Key Pad for IKEv2\"), octets)", () => {
    const p = prfById(PrfId.PRF_HMAC_SHA2_256)!;
    const secret = new TextEncoder().encode("cisco123");
    const octets = hex("0102030405");
    const inner = prf(p, secret, new TextEncoder().encode("Key Pad for IKEv2"));
    expect(toHex(pskAuth(p, secret, octets))).toBe(toHex(prf(p, inner, octets)));
    expect(pskAuth(p, secret, octets).length).toBe(32);
  });
});

describe("Diffie-Hellman", () => {
  it("matches RFC 5903's 256-bit random ECP group test vector (§8.1)", () => {
    const i = dhGenerate(DhGroup.ECP_256, hex("C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433"));
    expect(toHex(i.publicValue).toUpperCase()).toBe(
      "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C37725811805271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
    );
    const r = dhGenerate(DhGroup.ECP_256, hex("C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53"));
    expect(toHex(r.publicValue).toUpperCase()).toBe(
      "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF6356FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
    );
    expect(toHex(i.computeSecret(r.publicValue)!).toUpperCase()).toBe("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
  });

  it.each([DhGroup.MODP_1024, DhGroup.MODP_1536, DhGroup.MODP_2048, DhGroup.ECP_256, DhGroup.ECP_384, DhGroup.ECP_521])(
    "agrees on g^ir in group %i with padded public values, and refuses bad ones",
    (group) => {
      const a = dhGenerate(group);
      const b = dhGenerate(group);
      const expectedLength = { 2: 128, 5: 192, 14: 256, 19: 64, 20: 96, 21: 132 }[group]!;
      expect(a.publicValue.length).toBe(expectedLength);
      const s1 = a.computeSecret(b.publicValue)!;
      const s2 = b.computeSecret(a.publicValue)!;
      expect(toHex(s1)).toBe(toHex(s2));
      expect(s1.length).toBe(group >= 19 ? expectedLength / 2 : expectedLength);
      expect(a.computeSecret(b.publicValue.subarray(1))).toBeUndefined();
      const one = new Uint8Array(expectedLength);
      one[expectedLength - 1] = 1;
      expect(a.computeSecret(one)).toBeUndefined();
    },
  );
});

describe("the SK payload", () => {
  const suites: [string, IkeSuite][] = [
    ["AES-CBC-128 + HMAC-SHA1-96", { encr: encrById(EncrId.ENCR_AES_CBC, 128)!, prf: sha1, integ: integById(IntegId.AUTH_HMAC_SHA1_96), dhGroup: 14 }],
    ["AES-CBC-256 + HMAC-SHA2-512-256", { encr: encrById(EncrId.ENCR_AES_CBC, 256)!, prf: prfById(PrfId.PRF_HMAC_SHA2_512)!, integ: integById(IntegId.AUTH_HMAC_SHA2_512_256), dhGroup: 19 }],
    ["AES-GCM-128 (16-byte ICV)", { encr: encrById(EncrId.ENCR_AES_GCM_16, 128)!, prf: prfById(PrfId.PRF_HMAC_SHA2_256)!, integ: undefined, dhGroup: 19 }],
    ["AES-GCM-256 (16-byte ICV)", { encr: encrById(EncrId.ENCR_AES_GCM_16, 256)!, prf: prfById(PrfId.PRF_HMAC_SHA2_384)!, integ: undefined, dhGroup: 20 }],
  ];

  it.each(suites)("%s: seals a payload chain that opens on the other side, and detects tampering", (_name, suite) => {
    const keys = deriveIkeKeys(suite, new Uint8Array(32).fill(7), new Uint8Array(16).fill(1), new Uint8Array(16).fill(2), 1n, 2n);
    const inner = [{ kind: "nonce" as const, data: new Uint8Array(32).fill(9) }];
    const plain = buildSkPlaintext(inner, suite.encr.blockSize);
    const data = new Uint8Array(skDataLength(suite, plain.length));
    const message = buildIkeMessage({
      initiatorSpi: 1n,
      responderSpi: 2n,
      exchangeType: IkeExchangeType.INFORMATIONAL,
      initiator: true,
      response: false,
      messageId: 5,
      payloads: [{ kind: "sk", innerNextPayload: IkePayloadType.Nonce, data }],
    });
    sealSk(suite, { encKey: keys.skEi, integKey: keys.skAi }, message, IKE_HEADER_LENGTH + IKE_GENERIC_PAYLOAD_HEADER_LENGTH, plain);
    const open = (bytes: Uint8Array, encKey = keys.skEi, integKey = keys.skAi): Uint8Array | undefined => {
      const parsed = parseIkeMessage(bytes);
      if (isWireError(parsed)) throw parsed;
      const parts = ikeEncryptedParts(parsed, suite.encr.ivLength, suite.encr.aeadIcvLength ?? suite.integ!.icvLength);
      if (isWireError(parts)) throw parts;
      return openSk(suite, { encKey, integKey }, parts);
    };
    const opened = open(message)!;
    const payloads = parseSkPlaintext(opened, IkePayloadType.Nonce);
    expect(isWireError(payloads)).toBe(false);
    expect(payloads).toMatchObject([{ kind: "nonce" }]);
    for (const at of [20, message.length - 1, IKE_HEADER_LENGTH + 10]) {
      const bad = message.slice();
      bad[at] ^= 1;
      expect(open(bad)).toBeUndefined();
    }
    expect(open(message, keys.skEr, keys.skAr)).toBeUndefined();
  });
});
