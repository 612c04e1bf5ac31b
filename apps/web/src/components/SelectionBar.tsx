import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import type { SliceSummary } from "../api/catalog.js";
import {
  addToSlice,
  type QueryScope,
  type Selection,
  selectionSize,
  tagSelection,
} from "../api/selection.js";
import { useClient } from "../api/session.js";
import { MoreLikeThis } from "./MoreLikeThis.js";
import { describeError } from "./States.js";

/** A modal form; Escape or Cancel closes it. */
function FormDialog({
  title,
  id,
  onClose,
  onSubmit,
  busy,
  error,
  submit,
  children,
}: {
  title: string;
  id: string;
  onClose: () => void;
  onSubmit: () => void;
  busy: boolean;
  error: unknown;
  submit: string;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const send = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <dialog ref={dialog} className="form-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={send}>
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        {error ? (
          <p className="qb-error" role="alert">
            {describeError(error).hint}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Saving…" : submit}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/**
 * What to do with the selected items: select every item of the query, put them in a new or an
 * existing slice, tag them. Says what happened when it is done.
 */
export function SelectionBar({
  selection,
  total,
  scope,
  slices,
  tags,
  onSelectAll,
  onClear,
  onChanged,
}: {
  selection: Selection;
  /** Items the query selects, when known. */
  total: number | undefined;
  scope: QueryScope;
  slices: readonly SliceSummary[];
  tags: readonly string[];
  onSelectAll: () => void;
  onClear: () => void;
  /** A slice or tags changed: what shows them reads again. */
  onChanged: (what: "slices" | "tags", notice: { text: string; sliceId?: string }) => void;
}) {
  const client = useClient();
  const [dialog, setDialog] = useState<"slice" | "tag">();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [target, setTarget] = useState<string>("new");
  const [name, setName] = useState("");
  const [dynamic, setDynamic] = useState(false);
  const [tag, setTag] = useState("");
  const [remove, setRemove] = useState(false);
  const size = selectionSize(selection, total);
  const staticSlices = slices.filter((s) => !s.dynamic);
  const open = (which: "slice" | "tag") => {
    setError(undefined);
    setDialog(which);
  };
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      setDialog(undefined);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const count = size === undefined ? "the" : size.toLocaleString();
  const noun = size === 1 ? "item" : "items";

  const saveSlice = () =>
    run(async () => {
      if (target === "new" && !name.trim()) throw new Error("Name the new slice.");
      const sliceId = await addToSlice(
        client,
        selection,
        scope,
        target === "new"
          ? { kind: "new", name: name.trim(), dynamic: dynamic && selection.kind === "query" }
          : { kind: "existing", sliceId: target },
      );
      const sliceName =
        target === "new" ? name.trim() : (slices.find((s) => s.id === target)?.name ?? target);
      onChanged("slices", {
        text:
          target === "new" && dynamic && selection.kind === "query"
            ? `Saved the query as the dynamic slice “${sliceName}”.`
            : `Added ${count} ${noun} to “${sliceName}”.`,
        sliceId,
      });
      setName("");
    });
  const saveTag = () =>
    run(async () => {
      if (!tag.trim()) throw new Error("Type a tag.");
      const changed = await tagSelection(client, selection, scope, tag.trim(), remove);
      onChanged("tags", {
        text: `${remove ? "Removed" : "Added"} the tag “${tag.trim()}” ${remove ? "from" : "to"} ${changed.toLocaleString()} ${changed === 1 ? "item" : "items"}.`,
      });
      setTag("");
    });

  const empty = selection.kind === "items" && selection.items.size === 0;
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection">
      {empty ? (
        <span className="muted small">
          Select with the check boxes, shift-click, <kbd>x</kbd> or a dragged rectangle
        </span>
      ) : (
        <strong className="selection-count">
          {selection.kind === "query" ? `All ${count} ${noun} of the query` : `${count} ${noun} selected`}
        </strong>
      )}
      {selection.kind === "items" ? (
        <button type="button" className="ghost" onClick={onSelectAll}>
          Select all {total === undefined ? "" : `${total.toLocaleString()} `}matching <kbd>A</kbd>
        </button>
      ) : null}
      {!empty ? (
        <>
          <button type="button" className="ghost" onClick={onClear}>
            Clear <kbd>Esc</kbd>
          </button>
          <span className="selection-actions">
            <button type="button" onClick={() => open("slice")}>
              Add to slice…
            </button>
            <button type="button" onClick={() => open("tag")}>
              Tag…
            </button>
            {selection.kind === "items" && selection.items.size <= 20 ? (
              <MoreLikeThis datasetId={scope.datasetId} referenceIds={[...selection.items.values()]} />
            ) : null}
          </span>
        </>
      ) : null}
      {dialog === "slice" ? (
        <FormDialog
          id="slice-dialog"
          title={`Add ${count} ${noun} to a slice`}
          onClose={() => setDialog(undefined)}
          onSubmit={() => void saveSlice()}
          busy={busy}
          error={error}
          submit={target === "new" ? "Create slice" : "Add to slice"}
        >
          <label className="field">
            <span>Slice</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="new">A new slice</option>
              {staticSlices.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          {target === "new" ? (
            <>
              <label className="field">
                <span>Name</span>
                <input type="text" value={name} onChange={(e) => setName(e.target.value)} required />
              </label>
              {selection.kind === "query" ? (
                <fieldset className="choice">
                  <legend>Keep</legend>
                  <label className="check">
                    <input
                      type="radio"
                      name="slice-kind"
                      checked={!dynamic}
                      onChange={() => setDynamic(false)}
                    />
                    the items it selects now (static)
                  </label>
                  <label className="check">
                    <input
                      type="radio"
                      name="slice-kind"
                      checked={dynamic}
                      onChange={() => setDynamic(true)}
                    />
                    the query, read again each time (dynamic)
                  </label>
                </fieldset>
              ) : null}
            </>
          ) : null}
        </FormDialog>
      ) : null}
      {dialog === "tag" ? (
        <FormDialog
          id="tag-dialog"
          title={`Tag ${count} ${noun}`}
          onClose={() => setDialog(undefined)}
          onSubmit={() => void saveTag()}
          busy={busy}
          error={error}
          submit={remove ? "Remove tag" : "Add tag"}
        >
          <label className="field">
            <span>Tag</span>
            <input
              type="text"
              list="known-tags"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
              required
            />
            <datalist id="known-tags">
              {tags.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </label>
          <label className="check">
            <input type="checkbox" checked={remove} onChange={() => setRemove(!remove)} />
            Remove it instead
          </label>
        </FormDialog>
      ) : null}
    </div>
  );
}
