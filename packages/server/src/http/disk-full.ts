import { HttpError } from "./errors.js";

/** Error codes that mean the disk (or the user's quota) is full, from Node and from SQLite. */
const FULL = new Set(["ENOSPC", "EDQUOT", "SQLITE_FULL"]);

/** True when an error (or its cause) says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && FULL.has(code)) return true;
  }
  return false;
}

/** The 507 a request that met a full disk gets: nothing of it was kept. */
export function diskFullError(): HttpError {
  return new HttpError(
    507,
    "The server's disk is full: nothing of this request was kept. Free space on the server, then retry",
  );
}
