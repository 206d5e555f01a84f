// `flexlab decode FILE [--verbose] [--json] [--esp-keys FILE]`: a pcap or pcapng capture, one line per packet
// with the layers FlexLab's own parsers decode. Declaration only; ../actions/decode.ts works.
import type { Command } from "commander";
import { withExamples, withJsonOption } from "../options";
import type { DecodeOptions } from "../actions/decode";

export function registerDecode(program: Command): void {
  const decode = program
    .command("decode")
    .summary("Decode a pcap or pcapng capture with FlexLab's own packet parsers")
    .description(
      "Print one line per packet of a pcap or pcapng capture (Ethernet, Linux cooked v1/v2 or raw IP) with the layers FlexLab's parsers decode; exit 1 if a layer fails to parse",
    )
    .argument("<file>", "capture file (.pcap or .pcapng)")
    .option("--verbose", "print every field of every layer")
    .option("--esp-keys <file>", "decrypt ESP with the keys of a Wireshark esp_sa file (flexlab capture --esp-keys writes one)");
  withExamples(withJsonOption(decode), ["flexlab decode R1-Ethernet0_0.pcapng", "flexlab decode --verbose tcpdump.pcap", "flexlab decode --json capture.pcapng", "flexlab decode hub.pcapng --esp-keys esp_sa"]).action(
    async (file: string, options: DecodeOptions) => (await import("../actions/decode")).decode(file, options),
  );
}
