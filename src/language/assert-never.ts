// The default branch of every exhaustive `switch` over a union (IR modes and kinds): a member
// that a switch forgets is a type error at the call (its value is not `never`), so a new mode
// cannot type-check while the backends silently disagree on it; at run time (an IR whose
// value no switch knows) it is a clear error instead of a fallback to some other branch.

/** Throws "unknown WHAT: VALUE"; call it with the switched value in the `default` branch. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unknown ${what}: ${JSON.stringify(value)}`);
}
