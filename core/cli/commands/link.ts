// `flexlab link LINK impair WORD VALUE… | clear | down | up`: misbehaving links on a running
// lab. Declaration only; ../actions/link.ts does the work, loaded when the command runs.
import type { Command } from "commander";
import { withExamples, withLabOption, type LabOption } from "../options";

export function registerLink(program: Command): void {
  const link = withLabOption(
    program
      .command("link")
      .summary("Impair a link of the running lab (delay, jitter, loss, …), clear it, or pull its cable (down|up)")
      .description(
        "Change a link of the running lab. LINK is its position in lab.yaml's links (0 is the first) or one of its endpoints (R1:Ethernet0/0).\n" +
          "  impair delay 30ms jitter 5ms loss 1% duplicate 0.1% reorder 1% rate 10mbit   (any of them, tc netem's meaning and units)\n" +
          "  clear    no impairment\n" +
          "  down     pull the cable: every router on the link loses carrier\n" +
          "  up       plug it back\n" +
          "An impairment applies to the frames each router on the link receives, on every runtime.",
      )
      .argument("<link>", "0, 1, … or an endpoint such as R1:Ethernet0/0")
      .argument("<action>", "impair, clear, down or up")
      .argument("[values...]", "for impair: WORD VALUE pairs"),
  );
  withExamples(link, ["flexlab link 0 impair delay 200ms loss 30%", "flexlab link R4-Spoke:e0/0 down", "flexlab link R4-Spoke:e0/0 up", "flexlab link 0 clear"]).action(
    async (target: string, action: string, values: string[], options: LabOption) => (await import("../actions/link")).link(target, action, values, options),
  );
}
