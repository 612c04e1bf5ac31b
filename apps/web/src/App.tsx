import { lazy, Suspense, useEffect } from "react";
import { SessionProvider, useSession } from "./api/session.js";
import { Link } from "./components/Link.js";
import { Shell } from "./components/Shell.js";
import { ShortcutsDialog } from "./components/ShortcutsDialog.js";
import { Empty, Loading } from "./components/States.js";
import { DatasetPage } from "./pages/DatasetPage.js";
import { DatasetsPage } from "./pages/DatasetsPage.js";
import { ItemPage } from "./pages/ItemPage.js";
import { LoginPage } from "./pages/LoginPage.js";
import { navigate, type Route, useLocation, useRoute } from "./state/router.js";
import { useShortcut } from "./state/shortcuts.js";
import { toggleTheme } from "./state/theme.js";

// The run pages carry the charts: they load when first opened.
const RunPage = lazy(() => import("./pages/RunPage.js").then((m) => ({ default: m.RunPage })));
const SlicesPage = lazy(() => import("./pages/SlicesPage.js").then((m) => ({ default: m.SlicesPage })));
const ObjectsPage = lazy(() => import("./pages/ObjectsPage.js").then((m) => ({ default: m.ObjectsPage })));
const ScenesPage = lazy(() => import("./pages/ScenesPage.js").then((m) => ({ default: m.ScenesPage })));
const ScenePage = lazy(() => import("./pages/ScenePage.js").then((m) => ({ default: m.ScenePage })));
const SimilarPage = lazy(() => import("./pages/SimilarPage.js").then((m) => ({ default: m.SimilarPage })));
const AutotagPage = lazy(() => import("./pages/AutotagPage.js").then((m) => ({ default: m.AutotagPage })));
const DuplicatesPage = lazy(() =>
  import("./pages/DuplicatesPage.js").then((m) => ({ default: m.DuplicatesPage })),
);
const MapPage = lazy(() => import("./pages/MapPage.js").then((m) => ({ default: m.MapPage })));
const ExamplesPage = lazy(() => import("./pages/ExamplesPage.js").then((m) => ({ default: m.ExamplesPage })));

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "datasets":
    case "login":
      return <DatasetsPage />;
    case "dataset":
      return <DatasetPage key={route.datasetId} datasetId={route.datasetId} />;
    case "slices":
      return <SlicesPage datasetId={route.datasetId} />;
    case "objects":
      return <ObjectsPage key={route.datasetId} datasetId={route.datasetId} />;
    case "item":
      return <ItemPage datasetId={route.datasetId} itemId={route.itemId} />;
    case "scenes":
      return <ScenesPage key={route.datasetId} datasetId={route.datasetId} />;
    case "scene":
      return <ScenePage key={route.sceneId} datasetId={route.datasetId} sceneId={route.sceneId} />;
    case "similar":
      return <SimilarPage key={route.datasetId} datasetId={route.datasetId} />;
    case "autotag":
      return <AutotagPage key={route.autotagId} datasetId={route.datasetId} autotagId={route.autotagId} />;
    case "duplicates":
      return <DuplicatesPage key={route.datasetId} datasetId={route.datasetId} />;
    case "map":
      return <MapPage key={route.datasetId} datasetId={route.datasetId} />;
    case "run":
      return <RunPage key={route.runId} runId={route.runId} />;
    case "examples":
      return <ExamplesPage runId={route.runId} />;
    case "not-found":
      return (
        <Shell crumbs={[{ label: "Not found" }]}>
          <Empty title="There is no page here">
            <p>
              <Link href="/">Go to the datasets</Link>.
            </p>
          </Empty>
        </Shell>
      );
  }
}

const TITLES: Record<Route["page"], string> = {
  datasets: "Datasets",
  login: "Sign in",
  dataset: "Grid",
  slices: "Slices",
  objects: "Objects",
  item: "Item",
  scenes: "Scenes",
  scene: "Scene",
  similar: "More like this",
  autotag: "Autotag",
  duplicates: "Near-duplicates",
  map: "Embedding map",
  run: "Model run",
  examples: "Examples",
  "not-found": "Not found",
};

function Routed() {
  const { status } = useSession();
  const route = useRoute();
  const { pathname } = useLocation();
  useShortcut(["t"], "Switch between light and dark", "Everywhere", toggleTheme);
  useEffect(() => {
    document.title = `${TITLES[route.page]} · Nucleus`;
  }, [route.page]);
  // Signed in on the login page: on to the datasets.
  useEffect(() => {
    if (status === "signed-in" && pathname === "/login") navigate("/", { replace: true });
  }, [status, pathname]);

  if (status === "checking") return <Loading what="your session" />;
  if (status === "signed-out") return <LoginPage />;
  return (
    <Suspense fallback={<Loading what="the page" />}>
      <Page route={route} />
    </Suspense>
  );
}

/** The app: the session, the page of the address bar, and the shortcuts dialog. */
export function App() {
  return (
    <SessionProvider>
      <Routed />
      <ShortcutsDialog />
    </SessionProvider>
  );
}
