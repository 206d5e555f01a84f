// Interop with FRR's bgpd (Debian `frr`): our router runs as its own process in one network
// namespace, its Ethernet0/0 a packet socket on a veth end there; bgpd runs in a second
// namespace on the other end. Addresses are from 198.18.0.0/15 and stay inside the pair.
// Needs root, iproute2, python3, the packet-socket addon and FRR (`.ci/run` installs it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bgpd, frrSkipReason } from "../support/frr";
import { VethLink, netnsSkipReason } from "../support/netns";
import { NetnsRouter } from "../support/netns-router";

const skip = netnsSkipReason() ?? frrSkipReason();
const tag = String(process.pid % 10000);

const OUR_CONFIG = `hostname FLX
interface Ethernet0/0
 ip address 198.18.1.1 255.255.255.0
 no shutdown
`;

const FRR_CONFIG = `frr defaults traditional
hostname frr
router bgp 65001
 bgp router-id 198.18.1.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
`;

describe.skipIf(skip !== undefined)(`BGP with FRR's bgpd over a veth pair${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let link: VethLink;
  let router: NetnsRouter;
  let bgpd: Bgpd;

  beforeAll(async () => {
    link = VethLink.create({ ns: `flx-bgp-us-${tag}`, ifname: `flxbgpu${tag}` }, { ns: `flx-bgp-frr-${tag}`, ifname: `flxbgpf${tag}`, address: "198.18.1.2/24" });
    try {
      router = await NetnsRouter.start({ ns: link.a.ns, ports: { "Ethernet0/0": link.a.ifname }, config: OUR_CONFIG });
      bgpd = await Bgpd.start(link.b.ns, FRR_CONFIG);
    } catch (err) {
      await router?.close();
      link.close();
      throw err;
    }
  }, 90_000);

  afterAll(async () => {
    await bgpd?.stop();
    await router?.close();
    link?.close();
  });

  it("reaches FRR's namespace from its own over the veth on the packet backend", async () => {
    const out = await router.exec("ping 198.18.1.2 repeat 3");
    expect(out).toContain("Success rate is 100 percent (3/3)");
    expect(bgpd.vtysh("show running-config")).toContain("bgp router-id 198.18.1.2");
  });
});
