import { describe, expect, it } from "vitest";
import { espSaLine, formatEspSa, type EspKeyRow } from "./tables";

const gcm: EspKeyRow = {
  src: "10.0.0.2",
  dst: "10.0.0.1",
  spi: "0x00002002",
  encryption: "AES-GCM with 16 octet ICV [RFC4106]",
  encryptionKey: "0x000102030405060708090a0b0c0d0e0f10111213",
  authentication: "NULL",
  authenticationKey: "",
};

describe("Wireshark's esp_sa file", () => {
  it("writes one quoted CSV line per SA in the UAT's column order", () => {
    expect(espSaLine(gcm)).toBe('"IPv4","10.0.0.2","10.0.0.1","0x00002002","AES-GCM with 16 octet ICV [RFC4106]","0x000102030405060708090a0b0c0d0e0f10111213","NULL",""');
  });

  it("writes an SA seen twice (keys fetched before and after a capture) once", () => {
    const other = { ...gcm, src: "10.0.0.1", dst: "10.0.0.2", spi: "0x00001001" };
    expect(formatEspSa([gcm, other, gcm]).split("\n")).toEqual([espSaLine(gcm), espSaLine(other), ""]);
  });
});
