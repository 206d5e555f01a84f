import { createCipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ipv4 } from "../router/wire/addr";
import { decodePacket, summarizePacket } from "../router/wire/decode";
import { buildEsp, buildEspPlaintext } from "../router/wire/esp";
import { GreProtocol, buildGre } from "../router/wire/gre";
import { IpProtocol, buildIpv4 } from "../router/wire/ipv4";
import { LinkType } from "../router/wire/pcap";
import { espDecryptingDissectors, parseEspSaFile } from "./esp-decrypt";

const SRC = ipv4(172, 16, 1, 103);
const DST = ipv4(172, 16, 1, 104);
const INNER = buildIpv4(
  { dscp: 0, ecn: 0, identification: 7, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol: IpProtocol.Udp, src: ipv4(10, 1, 1, 1), dst: ipv4(10, 1, 1, 2), payloadLength: 8 },
  Uint8Array.of(0x30, 0x39, 0x30, 0x39, 0, 8, 0, 0),
);
const GRE = buildGre({ protocol: GreProtocol.Ipv4, checksum: false }, INNER);

/** ESP of `payload` (next header GRE) encrypted here with node:crypto, independently of ipsec/. */
function esp(spi: number, cipher: "gcm" | "cbc" | "null", encKey: Buffer, hmac?: { hash: string; key: Buffer; icvBytes: number }): Uint8Array {
  const header = buildEsp({ spi, sequence: 9 }, new Uint8Array(0));
  const plain = buildEspPlaintext(GRE, IpProtocol.Gre, cipher === "cbc" ? 16 : 1);
  let body: Buffer;
  if (cipher === "gcm") {
    const iv = Buffer.from("0102030405060708", "hex");
    const c = createCipheriv("aes-256-gcm", encKey.subarray(0, 32), Buffer.concat([encKey.subarray(32), iv]), { authTagLength: 16 });
    c.setAAD(header);
    body = Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
    return Buffer.concat([header, body]);
  }
  if (cipher === "cbc") {
    const iv = Buffer.alloc(16, 0xab);
    const c = createCipheriv("aes-128-cbc", encKey, iv).setAutoPadding(false);
    body = Buffer.concat([iv, c.update(plain), c.final()]);
  } else {
    body = Buffer.from(plain);
  }
  const signed = Buffer.concat([header, body]);
  const icv = hmac === undefined ? Buffer.alloc(0) : createHmac(hmac.hash, hmac.key).update(signed).digest().subarray(0, hmac.icvBytes);
  return Buffer.concat([signed, icv]);
}

function packet(espBytes: Uint8Array): Uint8Array {
  return buildIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 255, protocol: IpProtocol.Esp, src: SRC, dst: DST, payloadLength: espBytes.length }, espBytes);
}

const GCM_KEY = Buffer.alloc(36, 0x11);
const CBC_KEY = Buffer.alloc(16, 0x22);
const SHA256_KEY = Buffer.alloc(32, 0x33);
const FILE = [
  `"IPv4","172.16.1.103","172.16.1.104","0x00001001","AES-GCM with 16 octet ICV [RFC4106]","0x${GCM_KEY.toString("hex")}","NULL",""`,
  `"IPv4","*","172.16.1.104","0x00002002","AES-CBC [RFC3602]","0x${CBC_KEY.toString("hex")}","HMAC-SHA-256-128 [RFC4868]","0x${SHA256_KEY.toString("hex")}"`,
  `"IPv4","172.16.1.103","*","0x00003003","NULL","","HMAC-SHA-1-96 [RFC2404]","0x${"44".repeat(20)}"`,
  "",
].join("\n");

describe("ESP in a capture decrypted with Wireshark's esp_sa keys", () => {
  const parsed = parseEspSaFile(FILE);
  if (!parsed.ok) throw new Error(parsed.message);
  const registry = espDecryptingDissectors(parsed.sas);
  const decode = (espBytes: Uint8Array) => decodePacket(packet(espBytes), LinkType.Raw, registry);

  it("opens AES-GCM, AES-CBC with HMAC-SHA-256 and NULL with HMAC-SHA-1 (wildcard addresses too) and decodes what is inside", () => {
    for (const bytes of [esp(0x1001, "gcm", GCM_KEY), esp(0x2002, "cbc", CBC_KEY, { hash: "sha256", key: SHA256_KEY, icvBytes: 16 }), esp(0x3003, "null", Buffer.alloc(0), { hash: "sha1", key: Buffer.alloc(20, 0x44), icvBytes: 12 })]) {
      const p = decode(bytes);
      expect(p.error).toBeUndefined();
      expect(summarizePacket(p)).toMatch(/^Raw IP \/ IPv4 \/ ESP spi 0x0000[123]00[123] seq 9 \/ GRE \/ IPv4 \/ UDP 12345$/);
      expect(p.layers[2].fields).toMatchObject({ decrypted: true, nextHeader: IpProtocol.Gre });
    }
  });

  it("leaves ESP of an SA the file lacks opaque, as without keys (another SPI, or the right SPI the other way)", () => {
    const other = decode(esp(0x4004, "gcm", GCM_KEY));
    expect(summarizePacket(other)).toBe("Raw IP / IPv4 / ESP spi 0x00004004 seq 9");
    const reversed = decodePacket(
      buildIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0, ttl: 255, protocol: IpProtocol.Esp, src: DST, dst: SRC, payloadLength: 0 }, esp(0x1001, "gcm", GCM_KEY)),
      LinkType.Raw,
      registry,
    );
    expect(summarizePacket(reversed)).toBe("Raw IP / IPv4 / ESP spi 0x00001001 seq 9");
    expect(reversed.error).toBeUndefined();
  });

  it("fails the ESP layer, naming the ICV, when the keys do not verify the packet", () => {
    const bytes = esp(0x2002, "cbc", CBC_KEY, { hash: "sha256", key: SHA256_KEY, icvBytes: 16 });
    bytes[20] ^= 1;
    expect(decode(bytes).error?.toString()).toMatch(/^esp: ICV at offset \d+: does not verify with the esp_sa file's key$/);
    const gcm = esp(0x1001, "gcm", GCM_KEY);
    gcm[gcm.length - 1] ^= 1;
    expect(decode(gcm).error?.field).toBe("ICV");
  });

  it("refuses a file line it cannot use, naming the line", () => {
    expect(parseEspSaFile('"IPv4","1.2.3.4","*","0x1","3DES-CBC [RFC2451]","0x00","NULL",""')).toEqual({ ok: false, message: 'esp_sa line 1: encryption "3DES-CBC [RFC2451]" is not one FlexLab negotiates' });
    expect(parseEspSaFile('\n"IPv6","::1","*","0x1","NULL","","NULL",""')).toEqual({ ok: false, message: "esp_sa line 2: protocol IPv6: only IPv4 SAs" });
    expect(parseEspSaFile('"IPv4","1.2.3","*","0x1","NULL","","NULL",""')).toMatchObject({ ok: false, message: "esp_sa line 1: address 1.2.3 is not a dotted quad or *" });
    expect(parseEspSaFile('"IPv4","1.2.3.4","*","0x1","AES-GCM with 16 octet ICV [RFC4106]","0x0011","NULL",""')).toMatchObject({ ok: false, message: "esp_sa line 1: an AES-GCM key with its salt is 20 or 36 bytes, not 2" });
    expect(parseEspSaFile("IPv4,1.2.3.4")).toMatchObject({ ok: false, message: "esp_sa line 1: not 8 quoted, comma-separated fields" });
  });
});
