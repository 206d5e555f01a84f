#!/usr/bin/env python3
"""bgp_flexlab_receiver.py - FlexLab's router as a receiver for the shared VPNv4 benchmark kit.

The kit (../shared/tools/bgp/ from the repository root, path given with --kit) measures FRR
and BIRD with bench.py: two namespaces bgpb-rx / bgpb-tx joined by a veth pair, a fresh
receiver per run in bgpb-rx, bgpgen.py in bgpb-tx streaming N VPNv4 /24s (one RD/RT, 268
NLRIs per UPDATE) over iBGP, polls of the receiver until all N are received and selected.
This file adds a third receiver beside its FrrReceiver and BirdReceiver, with the same three
methods (start, poll, stop; verify and extra for the record), and runs bench.run_receiver
with it, so our figures come from the same generator, clock (time.monotonic against the
generator's first_update event), poll loop and RSS reading as the peers'. The kit is
imported, not copied or changed.

Our router runs as test/support/netns-router-main.ts inside bgpb-rx, its Ethernet0/0 a packet
socket on bgpbrx0, driven over stdin/stdout (JSON lines); --program names its esbuild bundle
(bgp-vpnv4.bench.ts builds it, as a deployed agent runs from one), else it runs through tsx. It holds 198.18.0.1 itself, so the
kernel's copy of that address comes off bgpbrx0 for the run (and back after); checksum
offload goes off on bgpbtx0 so the generator's kernel TCP sends finished checksums.

"selected" is stricter than the kit's FRR and BIRD figures (best path in the VPN table): it
counts prefixes best-path selected, imported into VRF V1 (RD 65000:101, importing RT
65000:1) and installed there as B routes with the received label to push. With --vpn-only
there is no VRF: selected is the kit's FRR measure (every prefix accepted, and the last one
sent has a best path), the like-for-like comparison.

Usage (root): bgp_flexlab_receiver.py --kit ../shared/tools/bgp [--program dist/netns-router.mjs] [-n 100000] [--runs 1] [--out F]
Prints one JSON line per run and a SUMMARY line, as bench.py does.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAIN = os.path.join(REPO, "test", "support", "netns-router-main.ts")

# ETHTOOL_STXCSUM through SIOCETHTOOL, as `ethtool -K IF tx on|off`.
TX_CHECKSUM = """
import array, fcntl, socket, struct, sys
value = array.array("B", struct.pack("II", 0x17, int(sys.argv[2])))
request = struct.pack("16sP", sys.argv[1].encode(), value.buffer_info()[0]).ljust(40, b"\\0")
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
fcntl.ioctl(sock.fileno(), 0x8946, request)
"""

VRF_CONFIG = """vrf definition V1
 rd 65000:101
 route-target import 65000:1
 address-family ipv4
 exit-address-family
!
"""

CONFIG = """hostname bgpb-rx
{vrf}interface Ethernet0/0
 ip address {rx_ip} 255.255.255.0
 no shutdown
!
router bgp 65000
 bgp router-id {rx_ip}
 neighbor {tx_ip} remote-as 65000
 neighbor {tx_ip} transport connection-mode passive
 address-family vpnv4
  neighbor {tx_ip} activate
  neighbor {tx_ip} send-community extended
 exit-address-family
{vrf_af}!
end
"""


def make_receiver(bench):
    class FlexlabReceiver:
        name = "flexlab"

        def __init__(self, args, run):
            self.args = args
            self.dir = "%s/flexlab-run%d" % (bench.WORK, run)
            self.next_id = 1
            self.proc = None
            self.err = None

        def start(self):
            bench.rmtree(self.dir)
            os.makedirs(self.dir)
            bench.sh("ip", "-n", bench.NS_RX, "addr", "flush", "dev", bench.IF_RX)
            bench.sh("ip", "netns", "exec", bench.NS_TX, sys.executable, "-c", TX_CHECKSUM, bench.IF_TX, "0")
            config = os.path.join(self.dir, "startup-config")
            with open(config, "w") as f:
                vpn_only = self.args.vpn_only
                f.write(CONFIG.format(rx_ip=bench.RX_IP, tx_ip=bench.TX_IP, vrf="" if vpn_only else VRF_CONFIG,
                                      vrf_af="" if vpn_only else " address-family ipv4 vrf V1\n exit-address-family\n"))
            self.err = open(os.path.join(self.dir, "router.err"), "w")
            self.proc = subprocess.Popen(
                ["ip", "netns", "exec", bench.NS_RX, self.args.node] + self.args.node_flag +
                ([self.args.program] if self.args.program else ["--import", "tsx", MAIN]) +
                ["--config", config, "--port", "Ethernet0/0=packet:" + bench.IF_RX],
                cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True)
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    raise RuntimeError("router did not start: " + open(self.err.name).read())
                if json.loads(line).get("ready"):
                    break
            time.sleep(1.0)  # as the kit gives FRR and BIRD: the interface comes up, ARP is quiet
            self.pid = self.proc.pid
            self.aux = {}
            self.last_prefix, _ = bench.last_prefix(self.args)

        def call(self, **body):
            rid = self.next_id
            self.next_id += 1
            self.proc.stdin.write(json.dumps(dict(id=rid, **body)) + "\n")
            self.proc.stdin.flush()
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    raise EOFError("router exited: " + open(self.err.name).read())
                reply = json.loads(line)
                if reply.get("id") == rid:
                    if "error" in reply:
                        raise RuntimeError(reply["error"])
                    return reply

        def poll(self):
            # `show ip bgp neighbors X` is the cheap poll (about a millisecond at 100,000
            # prefixes); the summary walks the tables for its memory lines (tens of ms), which
            # polled every 50 ms would slow the very thing measured.
            out = self.call(exec="show ip bgp neighbors %s" % bench.TX_IP)["output"]
            m = re.search(r"BGP state = (\w+)", out)
            state = m.group(1) if m else None
            m = re.search(r"For address family: VPNv4 Unicast\n(?:.*\n)*?\s+(\d+) accepted prefixes", out)
            rcvd = int(m.group(1)) if m else 0
            selected = 0
            if rcvd >= self.args.prefixes and self.args.vpn_only:
                out = self.call(exec="show ip bgp vpnv4 all %s" % self.last_prefix)["output"]
                selected = rcvd if re.search(r"valid, \w+, best", out) else 0
            elif rcvd >= self.args.prefixes:
                selected = self.call(count="V1")["labelled"]
            return dict(state=state, rcvd=rcvd, selected=selected)

        def verify(self, last_prefix, rd):
            prefix = last_prefix.split("/")[0]
            return dict(
                vpnv4=self.call(exec="show ip bgp vpnv4 all %s" % last_prefix)["output"][:800],
                route="" if self.args.vpn_only else self.call(exec="show ip route vrf V1 %s" % prefix)["output"][:400])

        def extra(self):
            return dict(summary=self.call(exec="show ip bgp vpnv4 all summary")["output"][:1200],
                        memory=self.call(memory=True)["memory"])

        def stop(self):
            if self.proc is not None and self.proc.poll() is None:
                self.proc.stdin.close()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            if self.err is not None:
                self.err.close()
            bench.sh("ip", "-n", bench.NS_RX, "addr", "add", bench.RX_IP + "/24", "dev", bench.IF_RX, check=False)
            bench.sh("ip", "netns", "exec", bench.NS_TX, sys.executable, "-c", TX_CHECKSUM, bench.IF_TX, "1", check=False)

    return FlexlabReceiver


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kit", required=True, help="the shared kit's folder (bench.py, bgpgen.py)")
    ap.add_argument("--node", default="node", help="the Node.js binary")
    ap.add_argument("--node-flag", action="append", default=[], help="a flag for node before the program (the agent's, AGENT_NODE_FLAGS)")
    ap.add_argument("--program", help="netns-router-main's bundle (default: the source through tsx)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--vpn-only", action="store_true", help="no VRF importing the routes: the kit's FRR measure")
    ap.add_argument("-n", "--prefixes", type=int, default=100000)
    ap.add_argument("--vrfs", type=int, default=1)
    ap.add_argument("--poll-ms", type=float, default=100)
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--no-wait-quiet", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.kit))
    import bench  # noqa: E402  the kit's harness

    os.makedirs(bench.WORK, exist_ok=True)
    bench.setup_netns()
    receiver = make_receiver(bench)
    try:
        for run in range(1, args.runs + 1):
            r = bench.run_receiver(args, receiver, run)
            r["wallclock"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            print(json.dumps({k: v for k, v in r.items() if k not in ("samples", "extra")}), flush=True)
            with open(args.out, "a") as f:
                f.write(json.dumps(r) + "\n")
    finally:
        bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
