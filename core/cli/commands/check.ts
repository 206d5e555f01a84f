// `flexlab check [--lab DIR] [--json]`: grade the running lab against its exercise checks.
// Declaration only; ../actions/check.ts does the work, loaded when the command runs.
import type { Command } from "commander";
import { withExamples, withJsonOption, withLabOption, type JsonOption, type LabOption } from "../options";

export function registerCheck(program: Command): void {
  const check = withLabOption(
    program
      .command("check")
      .summary("Grade the running lab against its checks: a score card, exit 1 when any fails")
      .description("Run the lab's checks (checks: in lab.yaml, or checks.yaml beside it) against the running lab and print a score card; exit 1 when any check fails"),
  );
  withExamples(withJsonOption(check), ["flexlab check", "flexlab check --lab labs/exercise-static-routes --json", "flexlab sim labs/exercise-flexvpn-spokes --check"]).action(
    async (options: LabOption & JsonOption) => (await import("../actions/check")).check(options),
  );
}
