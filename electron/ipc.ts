// The one IPC channel between the window and the main process: LabApi's text messages, the
// same ones web mode sends over its WebSocket. Each argument is checked at both ends.
import { z } from "zod";

export const LAB_CHANNEL = "flexlab:lab";

/** Anything crossing the channel: one LabApi message as JSON text, of bounded size. */
export const ipcMessageSchema = z.string().min(2).max(4 * 1024 * 1024);
