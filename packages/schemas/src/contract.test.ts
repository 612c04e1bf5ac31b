import { describe, expect, it } from "vitest";
import { isIdempotent } from "./contract.js";
import { ENDPOINTS, matchEndpoint, routes } from "./routes.js";

describe("the route table", () => {
  it("names each route after its key", () => {
    for (const [key, route] of Object.entries(routes)) expect(route.name).toBe(key);
  });

  it("declares each method, path and async form once", () => {
    const seen = ENDPOINTS.map((r) => `${r.method} ${r.path}${r.async ? "?async=1" : ""}`);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("matches every route from its own template", () => {
    for (const route of ENDPOINTS) {
      const concrete = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => `${name}_1`);
      const match = matchEndpoint(route.method, concrete, { async: route.async ?? false });
      expect(match?.endpoint.name, `${route.method} ${route.path}`).toBe(route.name);
    }
  });

  it("writes paths relative to the base URL, with named parameters", () => {
    for (const route of ENDPOINTS) {
      expect(route.path).not.toMatch(/^\//);
      // A few official routes start with the dataset id (`{dataset_id}/list_autotags`).
      expect(route.path).toMatch(/^([A-Za-z0-9_]+|:[A-Za-z]+)(\/(:[A-Za-z]+|[A-Za-z0-9_]+))*\/?$/);
    }
  });

  it("says which requests are safe to repeat", () => {
    expect(isIdempotent(routes.datasetInfo)).toBe(true);
    expect(isIdempotent(routes.deleteDataset)).toBe(true);
    expect(isIdempotent(routes.appendItems)).toBe(true);
    expect(isIdempotent(routes.appendItemsAsync)).toBe(false);
    expect(isIdempotent(routes.createDataset)).toBe(false);
  });

  it("encodes camelCase bodies into the wire form the server validates", () => {
    expect(
      routes.createEvaluation.body.encode({
        name: "nightly",
        allowedLabelMatches: [{ groundTruthLabel: "car", modelPredictionLabel: "truck" }],
      }),
    ).toEqual({
      name: "nightly",
      allowed_label_matches: [{ ground_truth_label: "car", model_prediction_label: "truck" }],
    });
    // Official clients may send the pairs in camelCase: accepted as they are.
    expect(
      routes.createEvaluation.body.parse({
        allowed_label_matches: [{ groundTruthLabel: "car", modelPredictionLabel: "truck" }],
      }).allowed_label_matches,
    ).toHaveLength(1);
    expect(
      routes.createEvaluation.body.check({ allowed_label_matches: [{ groundTruthLabel: "car" }] }).ok,
    ).toBe(false);
    expect(routes.evaluationCharts.query.decode({ iouThreshold: "0.75" })).toEqual({ iouThreshold: 0.75 });
  });
});
