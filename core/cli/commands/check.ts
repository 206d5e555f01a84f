// `flexlab check [--lab DIR] [--json] [--max-wait DURATION]`: grade the running lab against its exercise checks.
// Declaration only; ../actions/check.ts does the work, loaded when the command runs.
import type { Command } from "commander";
import { DURATION_FORMAT, durationArg, withExamples, withJsonOption, withLabOption, type JsonOption, type LabOption } from "../options";

export function registerCheck(program: Command): void {
  const check = withLabOption(
    program
      .command("check")
      .summary("Grade the running lab against its checks: a score card, exit 1 when any fails")
      .description("Run the lab's checks (checks: in lab.yaml, or checks.yaml beside it) against the running lab and print a score card; exit 1 when any check fails")
      .option("--max-wait <duration>", `wait at most this long for any check to converge, e.g. 0 to grade the lab as it is now (${DURATION_FORMAT}; default: each check's own wait)`, durationArg(0, 3_600_000)),
  );
  withExamples(withJsonOption(check), ["flexlab check", "flexlab check --lab labs/exercise-static-routes --json", "flexlab check --max-wait 10s", "flexlab sim labs/exercise-flexvpn-spokes --check"]).action(
    async (options: LabOption & JsonOption & { maxWait?: number }) => (await import("../actions/check")).check(options),
  );
}
