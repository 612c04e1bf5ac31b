// The reference COCO workload of the metrics design notes: COCO-like image sizes, the 80 COCO
// category ids, 1-13 ground-truth objects per image (1% crowd, `area` 0.5-0.95 of the box) and
// exactly 100 detections per image (at most 12 per class), from a fixed seed. The bench writes it
// to disk; the tests evaluate a small one through every path.

/** A small fast seeded generator (mulberry32), so every run sees the same data. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COCO_IDS = Array.from({ length: 90 }, (_, i) => i + 1).filter(
  (id) => ![12, 26, 29, 30, 45, 66, 68, 69, 71, 83].includes(id),
);

/** Ground truth and detections for `images` images; `withPolygons` adds segmentations. */
export function workload(images, seed, withPolygons = false) {
  const rnd = random(seed);
  const gt = { images: [], categories: COCO_IDS.map((id) => ({ id, name: `c${id}` })), annotations: [] };
  const dt = [];
  const polygon = ([x, y, w, h]) => [[x, y, x + w, y, x + w, y + h * 0.6, x + w * 0.5, y + h, x, y + h]];
  let annId = 1;
  for (let img = 1; img <= images; img += 1) {
    const width = 480 + Math.floor(rnd() * 160);
    const height = 360 + Math.floor(rnd() * 120);
    gt.images.push({ id: img, width, height });
    const objects = [];
    const n = 1 + Math.floor(rnd() * 13);
    for (let j = 0; j < n; j += 1) {
      const w = 8 + rnd() * 200;
      const h = 8 + rnd() * 200;
      const bbox = [rnd() * (width - w), rnd() * (height - h), w, h];
      const category = COCO_IDS[Math.floor(rnd() * COCO_IDS.length)];
      const ann = {
        id: annId++,
        image_id: img,
        category_id: category,
        bbox,
        area: w * h * (0.5 + rnd() * 0.45),
        iscrowd: rnd() < 0.01 ? 1 : 0,
      };
      if (withPolygons) ann.segmentation = polygon(bbox);
      gt.annotations.push(ann);
      objects.push(ann);
    }
    const perClass = new Map();
    let made = 0;
    while (made < 100) {
      const near = objects[Math.floor(rnd() * objects.length)];
      const category = rnd() < 0.7 ? near.category_id : COCO_IDS[Math.floor(rnd() * COCO_IDS.length)];
      if ((perClass.get(category) ?? 0) >= 12) continue;
      perClass.set(category, (perClass.get(category) ?? 0) + 1);
      const [x, y, w, h] = near.bbox;
      const jitter = () => (rnd() - 0.5) * 0.3;
      const bbox =
        rnd() < 0.6
          ? [x + w * jitter(), y + h * jitter(), w * (1 + jitter()), h * (1 + jitter())]
          : [rnd() * (width - 40), rnd() * (height - 40), 10 + rnd() * 100, 10 + rnd() * 100];
      const det = { image_id: img, category_id: category, bbox, score: Math.round(rnd() * 1000) / 1000 };
      if (withPolygons) det.segmentation = polygon(bbox);
      dt.push(det);
      made += 1;
    }
  }
  return { gt, dt };
}
