import { checkQuery, END, QueryError, type Scope } from "@nucleus/query";
import { type KeyboardEvent, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { DatasetVocabulary } from "../api/curation.js";
import { type Completion, complete } from "../query/complete.js";
import { highlight } from "../query/highlight.js";
import { useShortcut } from "../state/shortcuts.js";

/** Where a query goes wrong: 0-based start and end of the stretch to mark, and the message. */
interface Problem {
  start: number;
  end: number;
  message: string;
  position: number;
}

/** The first problem of a query for a scope, checked in the browser as the server would. */
export function problemOf(
  text: string,
  scope: Scope,
  vocab: DatasetVocabulary | undefined,
): Problem | undefined {
  try {
    checkQuery(text, scope, vocab ? { metadata: vocab.types } : {});
    return undefined;
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    const start = Math.min(text.length, error.position - 1);
    const length = error.found === END ? 0 : error.found.length;
    return { start, end: start + length, message: error.expected, position: error.position };
  }
}

const IDLE_MS = 700;

/**
 * The query bar: a text field coloured as the language reads it, suggestions of fields, metadata
 * keys, labels and values (arrow keys, Enter or Tab), and the first error marked where it is. A
 * query is applied with Enter (or the Apply button) once it checks; `/` focuses the bar.
 */
export function QueryBar({
  value,
  onApply,
  vocab,
  scope = "item",
  serverError,
  placeholder,
  onFocus,
}: {
  /** The applied query. */
  value: string;
  onApply: (query: string) => void;
  vocab: DatasetVocabulary | undefined;
  scope?: Scope;
  /** A refusal of the applied query by the server, shown under the bar. */
  serverError?: string | undefined;
  placeholder?: string;
  /** Called when the field takes the focus (a page may load the vocabulary only then). */
  onFocus?: () => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const [draft, setDraft] = useState(value);
  const [caret, setCaret] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [idle, setIdle] = useState(true);
  const [tried, setTried] = useState(false);
  // Where the caret goes once an accepted suggestion is in the field. Set as soon as the field
  // shows it, before the next key is handled: a later frame could move the caret back over keys
  // typed meanwhile.
  const caretAfterAccept = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = caretAfterAccept.current;
    if (at === null) return;
    caretAfterAccept.current = null;
    input.current?.setSelectionRange(at, at);
  });
  // A new applied query (the back button, a facet click) replaces the draft.
  useEffect(() => {
    setDraft(value);
    setTried(false);
  }, [value]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each change of the draft restarts the wait.
  useEffect(() => {
    setIdle(false);
    const timer = setTimeout(() => setIdle(true), IDLE_MS);
    return () => clearTimeout(timer);
  }, [draft]);
  useShortcut(["/"], "Focus the query bar", "Grid", () => input.current?.focus());

  const problem = useMemo(() => problemOf(draft, scope, vocab), [draft, scope, vocab]);
  const shown = problem && (tried || idle) && draft.trim() !== "" ? problem : undefined;
  const completion: Completion = useMemo(
    () => (vocab && open ? complete(draft, caret, vocab, scope) : { from: caret, to: caret, options: [] }),
    [draft, caret, vocab, scope, open],
  );
  const options = completion.options;
  const listed = open && options.length > 0;

  const apply = () => {
    setTried(true);
    setOpen(false);
    if (!problem) onApply(draft.trim());
  };
  const accept = (index: number) => {
    const option = options[index];
    if (!option) return;
    const after = draft.slice(completion.to);
    const space = after.startsWith(" ") || option.detail === "keyword" ? "" : " ";
    const next = `${draft.slice(0, completion.from)}${option.insert}${space}${after}`;
    const at = completion.from + option.insert.length + space.length;
    caretAfterAccept.current = at;
    setDraft(next);
    setCaret(at);
    setActive(-1);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (listed && event.key === "ArrowDown") {
      event.preventDefault();
      setActive((a) => (a + 1) % options.length);
    } else if (listed && event.key === "ArrowUp") {
      event.preventDefault();
      setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
    } else if (listed && (event.key === "Tab" || (event.key === "Enter" && active >= 0))) {
      event.preventDefault();
      accept(Math.max(0, active));
    } else if (event.key === "Enter") {
      event.preventDefault();
      apply();
    } else if (event.key === "Escape") {
      // Escape closes the suggestions first; a second one leaves the bar.
      event.preventDefault();
      event.nativeEvent.stopImmediatePropagation();
      if (listed) setOpen(false);
      else input.current?.blur();
    }
  };
  const sync = () => {
    const el = input.current;
    if (!el) return;
    setCaret(el.selectionStart ?? el.value.length);
    if (layer.current) layer.current.scrollLeft = el.scrollLeft;
  };

  const spans = highlight(draft).map((token) => {
    const text = draft.slice(token.start, token.end);
    const bad = shown && token.start < Math.max(shown.end, shown.start + 1) && token.end > shown.start;
    return (
      <span key={token.start} className={`qt-${token.cls}${bad ? " qt-error" : ""}`}>
        {text}
      </span>
    );
  });
  const listId = `${id}-list`;
  const errorId = `${id}-error`;
  return (
    <div className="querybar">
      <div className={`qb-row${shown ? " qb-invalid" : ""}`}>
        <label htmlFor={`${id}-input`} className="qb-label">
          Query <kbd>/</kbd>
        </label>
        <div className="qb-field">
          <div className="qb-highlight" ref={layer} aria-hidden="true">
            {spans}
            {shown && shown.start >= draft.length ? <span className="qt-error qt-end"> </span> : null}
          </div>
          <input
            ref={input}
            id={`${id}-input`}
            type="text"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={listed}
            aria-controls={listId}
            aria-activedescendant={listed && active >= 0 ? `${listId}-${active}` : undefined}
            aria-invalid={shown ? true : undefined}
            aria-describedby={shown || serverError ? errorId : undefined}
            spellCheck={false}
            autoComplete="off"
            placeholder={placeholder ?? 'e.g. metadata.weather = "foggy" AND annotations.car >= 2'}
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setCaret(e.target.selectionStart ?? e.target.value.length);
              setOpen(true);
              setActive(-1);
              setTried(false);
            }}
            onKeyDown={onKeyDown}
            onKeyUp={sync}
            onClick={sync}
            onScroll={sync}
            onSelect={sync}
            onFocus={() => {
              setOpen(true);
              onFocus?.();
            }}
            onBlur={() => setOpen(false)}
          />
          {listed ? (
            <div className="qb-list" id={listId} role="listbox" aria-label="Suggestions">
              {options.map((option, i) => (
                <div
                  key={option.insert}
                  tabIndex={-1}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? "active" : ""}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    accept(i);
                  }}
                >
                  <code>{option.insert}</code>
                  <span className="muted small">{option.detail}</span>
                </div>
              ))}
            </div>
          ) : null}
        </div>
        <button type="button" className="primary" onClick={apply} disabled={draft.trim() === value}>
          Apply
        </button>
        {value ? (
          <button type="button" className="ghost" onClick={() => onApply("")}>
            Clear
          </button>
        ) : null}
      </div>
      {shown ? (
        <p className="qb-error" id={errorId} role="alert">
          <span className="qb-at">at {shown.position}</span>
          {shown.start < draft.length ? (
            <>
              {" "}
              <code>{draft.slice(shown.start, Math.max(shown.end, shown.start + 1))}</code>
            </>
          ) : (
            " (end of query)"
          )}
          : {shown.message}
        </p>
      ) : serverError ? (
        <p className="qb-error" id={errorId} role="alert">
          {serverError}
        </p>
      ) : null}
    </div>
  );
}
