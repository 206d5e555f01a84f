// Every exec command, for the shell's grammar: the CLI's own, then the subsystems'.
import { subsystemExecCommands } from "../../node/subsystems";
import type { ExecCommand } from "../exec-command";
import { debugCommands } from "./debug";
import { pingCommands } from "./ping";
import { aclShowCommands } from "./show-acl";
import { sessionCommands } from "./session";
import { ipShowCommands } from "./show-ip";
import { systemShowCommands } from "./show-system";

export const execCommands: readonly ExecCommand[] = [...sessionCommands, ...systemShowCommands, ...ipShowCommands, ...aclShowCommands, ...pingCommands, ...debugCommands(), ...subsystemExecCommands()];
