// The one shape for "it worked, here is what came of it; or it did not, here is why": a
// discriminated union on `ok`, errors as values at a boundary (STYLE.md). Each side keeps
// its own named fields (`{ engine }`, `{ subnets }`), so callers read `r.engine`, not
// `r.value.engine`; the failure side is `{ message }` unless a caller needs more.

export type Result<T extends object, E extends object = { readonly message: string }> =
  | ({ readonly ok: true } & Readonly<T>)
  | ({ readonly ok: false } & Readonly<E>);
