// The desktop app's way into a lab, for e2e tests: a LabClient talking to the lab folder's
// LabApi session over an in-process transport (the app uses Electron IPC or a WebSocket; the
// messages and both ends' schemas are the same).
import { LabClient } from "../../core/api/lab-client";
import { LabApiSession } from "../../core/lab/lab-api-server";
import { LabService } from "../../core/lab/lab-service";
import { LabWorkspace } from "../../core/lab/lab-workspace";

export async function openLabApi(dir: string): Promise<{ client: LabClient; close(): void }> {
  const service = await LabService.open(dir);
  let toClient: (text: string) => void = () => {};
  const session = new LabApiSession(new LabWorkspace(service), (text) => toClient(text));
  const client = new LabClient({
    send: (text) => session.receive(text),
    close: () => session.close(),
    onMessage: (handler) => (toClient = handler),
    onClose: () => {},
  });
  return {
    client,
    close: () => {
      client.close();
      service.close();
    },
  };
}
