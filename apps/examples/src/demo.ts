/**
 * The main job: builds an upload from camelCase objects, validates it, and prints the exact
 * wire payload the server receives; then shows what a bad batch reports.
 */
import {
  AnnotateRequest,
  Annotation,
  AppendItemsRequest,
  validateBatch,
  withDefaultAnnotationId,
} from "@nucleus/schemas";

const items = AppendItemsRequest.encode({
  update: false,
  items: [
    {
      imageUrl: "s3://demo-bucket/street/0001.jpg",
      referenceId: "street_0001",
      metadata: { weather: "rain" },
    },
    {
      imageUrl: "s3://demo-bucket/street/0002.jpg",
      referenceId: "street_0002",
      metadata: { weather: "sun" },
    },
  ],
});

const annotations = AnnotateRequest.encode({
  update: false,
  annotations: [
    {
      type: "box",
      label: "car",
      referenceId: "street_0001",
      geometry: { x: 12, y: 40, width: 96, height: 54 },
    },
    { type: "category", label: "daytime", referenceId: "street_0001", taxonomyName: "time_of_day" },
  ],
});
annotations.annotations = annotations.annotations?.map(withDefaultAnnotationId);

console.log("POST dataset/{id}/append");
console.log(JSON.stringify(items, null, 2));
console.log("\nPOST dataset/{id}/annotate");
console.log(JSON.stringify(annotations, null, 2));

const bad = [
  { type: "box", label: "car", reference_id: "street_0002", geometry: { x: 0, y: 0, width: -2, height: 5 } },
  { type: "polygon", label: "road", reference_id: "street_0002", geometry: { vertices: [{ x: 0, y: 0 }] } },
  { type: "boxx", label: "bus", reference_id: "street_0003" },
];
const { issues } = validateBatch(Annotation, bad, "annotations");
console.log(`\nA bad batch of ${bad.length} reports ${issues.length} problems:`);
for (const issue of issues) console.log(`  ${issue.text}`);
