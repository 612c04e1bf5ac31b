// Finds or builds pycocotools for the bench: PYCOCO (a PYTHONPATH holding a built pycocotools),
// else the build script of ../shared/tools/pycocotools beside the repository, when that folder
// exists. Never a constant in its place: without pycocotools the bench says so.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const SHARED = resolve(here, "../../../../shared/tools/pycocotools");
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

// The same phases as ../shared/tools/pycocotools/pycoco_bench.py, for when only PYCOCO is given.
const TIMER = `
import contextlib, io, json, sys, time
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
gt_path, dt_path, iou_type = sys.argv[1], sys.argv[2], sys.argv[3]
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(gt_path)
    t0 = time.perf_counter(); dt = gt.loadRes(dt_path); t1 = time.perf_counter()
    ev = COCOeval(gt, dt, iou_type); ev.evaluate(); t2 = time.perf_counter()
    ev.accumulate(); t3 = time.perf_counter(); ev.summarize(); t4 = time.perf_counter()
print(json.dumps({"timed_total_s": t4 - t0, "load_s": t1 - t0, "evaluate_s": t2 - t1,
                  "accumulate_s": t3 - t2, "stats": [float(s) for s in ev.stats]}))
`;

// Runs the timer, then reports the process's peak RSS on a second line.
const WRAPPER = `
import json, runpy, sys
script = sys.argv[1]
sys.argv = sys.argv[1:]
if script == "-":
    exec(compile(sys.stdin.read(), "timer", "exec"), {"__name__": "__main__"})
else:
    runpy.run_path(script, run_name="__main__")
try:
    with open("/proc/self/status") as f:
        kb = int(next(l for l in f if l.startswith("VmHWM:")).split()[1])
except OSError:
    import resource
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_rss_kb": kb}))
`;

const imports = (pythonPath) =>
  spawnSync(
    PYTHON,
    ["-c", "from pycocotools.cocoeval import COCOeval; import pycocotools; print(pycocotools.__file__)"],
    {
      env: { ...process.env, PYTHONPATH: pythonPath },
      encoding: "utf8",
    },
  ).status === 0;

/** `{ run(gt, dt, iouType) }`, or `{ missing: why }`. */
export function findPycocotools() {
  let pythonPath = process.env.PYCOCO;
  if (pythonPath) {
    if (!imports(pythonPath))
      return { missing: `PYCOCO=${pythonPath} does not import pycocotools with ${PYTHON}` };
  } else if (existsSync(SHARED)) {
    const built = build();
    if (typeof built !== "string") return built;
    pythonPath = built;
  } else {
    return { missing: `set PYCOCO to a built pycocotools, or provide ${SHARED}` };
  }
  const timer = join(SHARED, "pycoco_bench.py");
  const useShared = existsSync(timer);
  return {
    pythonPath,
    run(gtPath, dtPath, iouType) {
      const args = ["-c", WRAPPER, useShared ? timer : "-", gtPath, dtPath, iouType];
      return spawnSync(PYTHON, args, {
        env: { ...process.env, PYTHONPATH: pythonPath },
        input: useShared ? undefined : TIMER,
        encoding: "utf8",
        maxBuffer: 1 << 24,
      });
    },
  };
}

/** Builds into a temp folder once (reused by later runs); the PYTHONPATH, or `{ missing }`. */
function build() {
  const out = join(tmpdir(), "nucleus-bench-pycocotools");
  const pythonPath = join(out, "PythonAPI");
  if (imports(pythonPath)) return pythonPath;
  console.log(`building pycocotools from ${SHARED} into ${out} ...`);
  const script = spawnSync("bash", [join(SHARED, "build.sh"), out], { encoding: "utf8" });
  if (script.status === 0 && imports(pythonPath)) return pythonPath;
  // A checkout without symbolic links stores PythonAPI/common (a link to ../common) as a small
  // text file naming its target, and the C sources are then not found: restore the link, build again.
  const link = join(pythonPath, "common");
  if (existsSync(link) && lstatSync(link).isFile()) {
    const target = readFileSync(link, "utf8").trim();
    if (target.length < 100 && existsSync(resolve(pythonPath, target))) {
      rmSync(link);
      symlinkSync(target, link);
      const again = spawnSync(PYTHON, ["setup.py", "build_ext", "--inplace"], {
        cwd: pythonPath,
        encoding: "utf8",
      });
      if (again.status === 0 && imports(pythonPath)) return pythonPath;
    }
  }
  const why = (script.stderr || script.stdout || "").trim().split("\n").slice(-3).join(" / ");
  return { missing: `building pycocotools with ${join(SHARED, "build.sh")} failed: ${why}` };
}
