import { type FormEvent, useState } from "react";
import { isSignedOutError, useSession } from "../api/session.js";
import { describeError } from "../components/States.js";
import { useLocation } from "../state/router.js";
import { toggleTheme } from "../state/theme.js";

/**
 * Sign in: paste the API key (it opens a session and is kept nowhere), or open the one-time link
 * `nu serve` printed. Says why when a link was used already.
 */
export function LoginPage() {
  const { signIn } = useSession();
  const { search } = useLocation();
  const [key, setKey] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(key.trim());
      setKey("");
    } catch (e) {
      const { title, hint } = describeError(e);
      setError(isSignedOutError(e) ? "That key is not one this server accepts." : `${title}: ${hint}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={submit} className="login-card" aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Nucleus</h1>
        {search.get("link") === "used" ? (
          <p className="notice" role="status">
            That login link was used already (or has expired): each link works once. Paste the API key below,
            or restart <code>nu serve</code> for a new link.
          </p>
        ) : (
          <p className="muted">
            Open the link <code>nu serve</code> printed, or paste the server's API key. The key opens a
            session and is not stored in the browser.
          </p>
        )}
        <label className="field">
          <span>API key</span>
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "login-error" : undefined}
          />
        </label>
        {error ? (
          <p id="login-error" className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || key.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="muted small">
          Where is the key? <code>nu serve</code> prints it, and keeps it in the data folder's{" "}
          <code>api-key</code> file.
        </p>
        <button type="button" className="link small" onClick={toggleTheme}>
          Switch theme
        </button>
      </form>
    </main>
  );
}
