// Every exec command, for the shell's grammar.
import type { ExecCommand } from "../exec-command";
import { debugCommands } from "./debug";
import { pingCommands } from "./ping";
import { pkiShowCommands } from "./show-pki";
import { sessionCommands } from "./session";
import { ipShowCommands } from "./show-ip";
import { systemShowCommands } from "./show-system";

export const execCommands: readonly ExecCommand[] = [...sessionCommands, ...systemShowCommands, ...ipShowCommands, ...pingCommands, ...debugCommands, ...pkiShowCommands];
