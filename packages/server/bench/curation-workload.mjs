// The curation workload the query and backends benches share: a seeded generator of items (5
// metadata keys), ground-truth boxes over 20 labels and one model run's predictions, and the
// query set measured on it (a metadata + per-label count query's first page, its count, its
// facets, a false-positive object query).

/** The 20 labels boxes are drawn from. */
export const LABELS = Array.from({ length: 20 }, (_, i) => `label_${i}`);
const WEATHER = ["clear", "foggy", "rainy", "snowy", "cloudy"];
const TIME = ["day", "dusk", "night"];

/** The item query the query set is built on: a metadata condition and a per-label count. */
export const QUERY = 'metadata.weather = "foggy" AND annotations.label_3 >= 2';

// Each item's boxes come from four of the 20 labels (picked by a hash of the item), so labels
// repeat within an item as they would in a street scene; over the dataset they are uniform.
const hash = (n) => {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};
const labelOf = (i, b) => LABELS[(hash(i) + (hash(i * 16 + b) % 4) * 5) % 20];
const boxOf = (i, b) => {
  const size = 20 + ((i * 31 + b * 17) % 180);
  return {
    x: (b % 5) * 200 + ((i * 7) % 50),
    y: Math.floor(b / 5) * 250 + ((i * 13) % 40),
    width: size,
    height: size * 0.8,
  };
};

/**
 * A generator of `items` items with `boxes` ground-truth boxes and as many predictions each. It
 * is seeded: two workloads made alike produce the same data when their makers are called in
 * the same order.
 */
export function createWorkload({ items, boxes }) {
  let seed = 20_260_101;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pick = (list) => list[Math.floor(random() * list.length)];

  /** Items `from` to `to`: two text metadata keys and three numbers. */
  const makeItems = (from, to) => {
    const made = [];
    for (let i = from; i < to; i += 1) {
      made.push({
        reference_id: `f${i}`,
        image_url: `s3://bench/f${i}.jpg`,
        metadata: {
          weather: pick(WEATHER),
          time_of_day: pick(TIME),
          speed: Math.round(random() * 1200) / 10,
          frame: i % 5_000,
          brightness: Math.round(random() * 255),
        },
      });
    }
    return made;
  };

  /** The ground-truth boxes of items `from` to `to`. */
  const makeGroundTruth = (from, to) => {
    const annotations = [];
    for (let i = from; i < to; i += 1)
      for (let b = 0; b < boxes; b += 1)
        annotations.push({
          type: "box",
          label: labelOf(i, b),
          reference_id: `f${i}`,
          annotation_id: `g${b}`,
          geometry: boxOf(i, b),
        });
    return annotations;
  };

  /** Predictions on items `from` to `to`: most boxes found (jittered, 1 in 10 called another label), some missed, two on background. */
  const makePredictions = (from, to) => {
    const predictions = [];
    for (let i = from; i < to; i += 1) {
      let found = 0;
      for (let b = 0; b < boxes && found < boxes - 2; b += 1) {
        if (random() < 0.2) continue;
        found += 1;
        const g = boxOf(i, b);
        const jitter = () => (random() - 0.5) * g.width * 0.3;
        predictions.push({
          type: "box",
          label: random() < 0.1 ? pick(LABELS) : labelOf(i, b),
          reference_id: `f${i}`,
          annotation_id: `p${b}`,
          geometry: {
            x: g.x + jitter(),
            y: g.y + jitter(),
            width: g.width + jitter(),
            height: g.height + jitter(),
          },
          confidence: Math.round(random() * 1000) / 1000,
        });
      }
      for (let extra = found; extra < boxes; extra += 1)
        predictions.push({
          type: "box",
          label: pick(LABELS),
          reference_id: `f${i}`,
          annotation_id: `bg${extra}`,
          geometry: {
            x: 1100 + random() * 100,
            y: 600 + random() * 100,
            width: 30 + random() * 40,
            height: 30 + random() * 40,
          },
          confidence: Math.round(random() * 500) / 1000,
        });
    }
    return predictions;
  };

  /** Batches of `size` made lazily from item indices, so a million items never sit in memory. */
  function* batches(size, make, count = items) {
    for (let from = 0; from < count; from += size) yield () => make(from, Math.min(count, from + size));
  }

  return { makeItems, makeGroundTruth, makePredictions, batches };
}

/**
 * The query set on a generated dataset and its run, through `call(method, route, body)`: each
 * entry has a name, the latency target at a million items and a request. `seen` receives the
 * count of the query's matches and the false positives on the object query's first page.
 */
export function curationQueries(call, datasetId, runId, seen = {}) {
  return [
    {
      name: "first page (100) of metadata + per-label count query",
      target: 300,
      request: async () => {
        const page = await call("POST", `dataset/${datasetId}/queryItemsPage`, {
          pageToken: null,
          pageSize: 100,
          query: QUERY,
        });
        // A small run may have fewer matches than a page; none at all means the data went wrong.
        if (page.items.length === 0) throw new Error("the query matched no item");
      },
    },
    {
      name: "count of every match",
      target: 500,
      request: async () => {
        seen.matched = (await call("POST", `ext/datasets/${datasetId}/count`, { query: QUERY })).count;
      },
    },
    {
      name: "facets: label counts + 3 metadata histograms",
      target: 500,
      request: async () => {
        await call("POST", `ext/datasets/${datasetId}/facets`, {
          query: QUERY,
          metadata_keys: ["speed", "frame", "brightness"],
          bins: 20,
        });
      },
    },
    {
      name: 'false positives, first page (100): label = "label_3" AND iou < 0.1',
      target: 300,
      request: async () => {
        const page = await call("POST", `dataset/${datasetId}/queryObjectsPage`, {
          pageToken: null,
          pageSize: 100,
          query: 'label = "label_3" AND iou < 0.1',
          patch_mode: "false_positive",
          model_run_id: runId,
        });
        seen.falsePositives = page.items.length;
      },
    },
  ];
}

/** The `p`th percentile of ascending `sorted` values. */
export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
