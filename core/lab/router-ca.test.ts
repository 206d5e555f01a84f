import { describe, expect, it } from "vitest";
import { parseConfig } from "../router/config/parse";
import { enrolsWithRouterCa, routerCaAddresses } from "./router-ca";

const CA = "hostname INET\ninterface Ethernet0/0\n ip address 172.16.0.2 255.255.255.252\ninterface Ethernet0/1\n ip address 172.16.1.1 255.255.255.0\ncrypto pki server CA\n grant auto\nip http server\n";
const tp = (url: string) => parseConfig(`crypto pki trustpoint CA\n enrollment url ${url}\n`).model.crypto.pki.trustpoints.CA;

describe("trustpoints a lab router's CA enrols", () => {
  it("are those whose URL names an address of a router with an enabled server and ip http server", () => {
    const cas = routerCaAddresses([parseConfig(CA).model]);
    expect([...cas].sort()).toEqual(["172.16.0.2", "172.16.1.1"]);
    expect(enrolsWithRouterCa(tp("http://172.16.0.2:80"), cas)).toBe(true);
    expect(enrolsWithRouterCa(tp("http://10.9.9.9:80"), cas)).toBe(false);
  });

  it("leave out a shut server and one without ip http server", () => {
    expect(routerCaAddresses([parseConfig(CA.replace(" grant auto\n", " shutdown\n")).model]).size).toBe(0);
    expect(routerCaAddresses([parseConfig(CA.replace("ip http server\n", "")).model]).size).toBe(0);
  });
});
