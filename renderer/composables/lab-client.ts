// The LabClient the app was given (main.ts provides it; tests provide a fake transport's).
import { inject, type InjectionKey } from "vue";
import type { LabClient } from "../../core/api/lab-client";

export const LAB_CLIENT: InjectionKey<LabClient> = Symbol("LabClient");

export function useLabClient(): LabClient {
  const client = inject(LAB_CLIENT);
  if (!client) throw new Error("no LabClient provided (main.ts provides it)");
  return client;
}
