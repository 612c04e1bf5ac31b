import { useEffect, useReducer } from "react";
import type { LabelStore, LabelsState } from "../api/labels.js";
import type { Source } from "../labels/shapes.js";

/**
 * The labels of an item from each source, loading those not loaded yet while the component is
 * mounted (a cell scrolled away withdraws its request).
 */
export function useItemLabels(
  store: LabelStore,
  itemId: string | undefined,
  sources: readonly Source[],
): LabelsState[] {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const key = sources.join(",");
  useEffect(() => {
    if (!itemId) return;
    const stop = store.subscribe(itemId, rerender);
    const withdraw = store.request(itemId, key ? (key.split(",") as Source[]) : []);
    return () => {
      stop();
      withdraw();
    };
  }, [store, itemId, key]);
  return itemId ? sources.map((source) => store.get(itemId, source)) : [];
}
