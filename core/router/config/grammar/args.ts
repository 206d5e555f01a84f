// The arguments a matched command bound, by the `$name` its syntax gave them. Accessors
// are typed; asking for a name the syntax cannot bind, or with the wrong type, is a bug in
// the declaration and throws.

import type { Ipv4, Prefix } from "../../wire/addr";
import type { ArgValue } from "./tokens";

/** Undefined entries count as unbound, so `{ a: x, b: cond ? y : undefined }` works. */
export type ArgRecord = Readonly<Record<string, ArgValue | undefined>>;

export class Args {
  constructor(readonly values: ArgRecord) {}

  static of(values: ArgRecord = {}): Args {
    return new Args(values);
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  private need(name: string): ArgValue {
    const v = this.values[name];
    if (v === undefined) throw new Error(`argument ${name} not bound`);
    return v;
  }

  str(name: string): string {
    const v = this.need(name);
    if (typeof v !== "string") throw new Error(`argument ${name} is not text`);
    return v;
  }

  optStr(name: string): string | undefined {
    return this.has(name) ? this.str(name) : undefined;
  }

  num(name: string): number {
    const v = this.need(name);
    if (typeof v !== "number") throw new Error(`argument ${name} is not a number`);
    return v;
  }

  optNum(name: string): number | undefined {
    return this.has(name) ? this.num(name) : undefined;
  }

  ip(name: string): Ipv4 {
    return this.num(name) as Ipv4;
  }

  optIp(name: string): Ipv4 | undefined {
    return this.has(name) ? this.ip(name) : undefined;
  }

  prefix(name: string): Prefix {
    const v = this.need(name);
    if (typeof v !== "object" || Array.isArray(v)) throw new Error(`argument ${name} is not a prefix`);
    return v as Prefix;
  }

  list(name: string): readonly (string | number)[] {
    if (!this.has(name)) return [];
    const v = this.need(name);
    if (!Array.isArray(v)) throw new Error(`argument ${name} is not a list`);
    return v;
  }

  nums(name: string): number[] {
    return this.list(name).map((v) => {
      if (typeof v !== "number") throw new Error(`argument ${name} holds text`);
      return v;
    });
  }

  strs(name: string): string[] {
    return this.list(name).map((v) => String(v));
  }
}

/** For an argument the syntax binds on every path the type cannot see, e.g. the second
 * branch of `(A.B.C.D$address|INTERFACE$interface)` once the first is ruled out: a missing
 * one is a bug in the declaration. */
export function bound<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`argument ${name} not bound`);
  return value;
}
