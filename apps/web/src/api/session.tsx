import { APIError, NucleusClient } from "@nucleus/core";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { apiEndpoint } from "./endpoint.js";
import { clearResources } from "./resource.js";

/** Where signing in stands. */
export type SessionStatus = "checking" | "signed-in" | "signed-out";

/** The signed-in client and how to sign in and out. */
export interface Session {
  status: SessionStatus;
  /** The client of the session; its requests ride on the HttpOnly cookie. */
  client: NucleusClient;
  /** Opens a session with a key; the key is sent once and kept nowhere. */
  signIn(apiKey: string): Promise<void>;
  signOut(): Promise<void>;
  /** Tells the app the session is gone (an API call answered 401). */
  expired(): void;
}

const SessionContext = createContext<Session | null>(null);

/** A client of the browser session (the CSRF token is read from its cookie at each request). */
function sessionClient(): NucleusClient {
  return new NucleusClient({ endpoint: apiEndpoint(), auth: { session: true }, maxRetries: 1 });
}

/** True for the error of a request that had no (live) session. */
export function isSignedOutError(error: unknown): boolean {
  return error instanceof APIError && error.status === 401;
}

/**
 * Holds the session: at start it asks the API whether the cookie (if any) still opens a session;
 * a sign-in trades the key for a new cookie.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState(sessionClient);
  const [status, setStatus] = useState<SessionStatus>("checking");

  useEffect(() => {
    // Without the CSRF cookie there is no session: no need to ask.
    if (!document.cookie.split("; ").some((c) => c.startsWith("nucleus_csrf="))) {
      setStatus("signed-out");
      return;
    }
    const controller = new AbortController();
    client.listDatasets({ signal: controller.signal }).then(
      () => setStatus("signed-in"),
      (error: unknown) => {
        if (!controller.signal.aborted) setStatus(isSignedOutError(error) ? "signed-out" : "signed-in");
      },
    );
    return () => controller.abort();
  }, [client]);

  const signIn = useCallback(async (apiKey: string) => {
    const signed = await NucleusClient.signIn({ apiKey, endpoint: apiEndpoint(), maxRetries: 1 });
    clearResources();
    setClient(signed);
    setStatus("signed-in");
  }, []);

  const signOut = useCallback(async () => {
    await client.signOut().catch(() => undefined);
    clearResources();
    setClient(sessionClient());
    setStatus("signed-out");
  }, [client]);

  const expired = useCallback(() => {
    clearResources();
    setStatus("signed-out");
  }, []);

  const value = useMemo(
    () => ({ status, client, signIn, signOut, expired }),
    [status, client, signIn, signOut, expired],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; only inside {@link SessionProvider}. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/** The session's client. */
export function useClient(): NucleusClient {
  return useSession().client;
}
