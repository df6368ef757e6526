"""Build the browser bundles the app serves from ./static (CodeMirror, Graphviz wasm, ...).

Each `frontend/<name>/` is an npm package whose `npm run build` writes its bundle to
`frontend/<name>/dist/`. This script installs it from its lock file (`npm ci`), builds
it, and copies `dist/*` into `static/`, prefixing `<name>.js` with a hash of the
package's sources. The built files are committed: the README's first command
(`pip install` then `streamlit run`) must give a working app without Node.js, and
nothing may be fetched from the internet at run time. `tests/test_frontend_bundles.py`
fails when a source changed and its bundle was not rebuilt.

Usage: python scripts/build_frontend.py [name ...]   (default: every package)
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "static"
HEADER = "/* built by scripts/build_frontend.py from frontend/{name}; source-sha256: {digest} */\n"


def source_files(package: Path) -> list[Path]:
    """What a bundle is built from: the package files and everything under src/."""
    files = [package / "package.json", package / "package-lock.json"]
    files += [package / n for n in ("build.mjs", "esbuild.config.mjs") if (package / n).exists()]
    files += sorted(p for p in (package / "src").rglob("*") if p.is_file())
    return files


def source_digest(package: Path) -> str:
    digest = hashlib.sha256()
    for path in source_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def header(package: Path) -> str:
    return HEADER.format(name=package.name, digest=source_digest(package))


def packages() -> list[Path]:
    return sorted(p.parent for p in FRONTEND.glob("*/package.json"))


def build(package: Path) -> None:
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=package, check=True)
    subprocess.run(["npm", "run", "build"], cwd=package, check=True)
    dist = package / "dist"
    STATIC.mkdir(exist_ok=True)
    for built in sorted(dist.iterdir()):
        target = STATIC / built.name
        if built.name == f"{package.name}.js":
            target.write_text(header(package) + built.read_text(encoding="utf-8"), "utf-8")
        else:
            shutil.copyfile(built, target)
        print(f"static/{built.name}: {target.stat().st_size:,} bytes")


def main(names: list[str]) -> None:
    chosen = [FRONTEND / n for n in names] if names else packages()
    for package in chosen:
        build(package)


if __name__ == "__main__":
    main(sys.argv[1:])
