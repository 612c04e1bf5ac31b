import { APIConnectionError, APIError } from "@nucleus/core";
import { type ReactNode, useEffect } from "react";
import { isSignedOutError, useSession } from "../api/session.js";

/** A quiet loading line; `detail` says what is being read. */
export function Loading({ what, detail }: { what: string; detail?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>
        Loading {what}…{detail ? <span className="muted"> {detail}</span> : null}
      </span>
    </div>
  );
}

/** What went wrong, in words a user can act on. */
export function describeError(error: unknown): { title: string; hint: string } {
  if (error instanceof APIError) {
    if (error.status === 401) return { title: "Signed out", hint: "The session ended. Sign in again." };
    if (error.status === 403) return { title: "Not allowed", hint: error.message };
    if (error.status === 404)
      return {
        title: "Not found",
        hint: `${error.message}. It may have been deleted; go back to the datasets.`,
      };
    if (error.status >= 500)
      return { title: "The server failed", hint: `${error.message}. Its log says more; try again.` };
    return { title: `The server refused (${error.status})`, hint: error.message };
  }
  if (error instanceof APIConnectionError)
    return {
      title: "Cannot reach the server",
      hint: "Is `nu serve` still running? Start it again, then retry.",
    };
  return { title: "Something went wrong", hint: error instanceof Error ? error.message : String(error) };
}

/** An error with what to do about it, and a retry button when there is something to retry. */
export function ErrorState({ error, retry, what }: { error: unknown; retry?: () => void; what?: string }) {
  const { title, hint } = describeError(error);
  const { expired } = useSession();
  // A request without a live session: back to signing in.
  useEffect(() => {
    if (isSignedOutError(error)) expired();
  }, [error, expired]);
  return (
    <div className="state state-error" role="alert">
      <strong>
        {title}
        {what ? ` while loading ${what}` : ""}
      </strong>
      <p>{hint}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** Nothing to show yet, and how to get something. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}
