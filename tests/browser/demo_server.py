"""``python -m tests.browser.demo_server WORKSPACE PORT``: the app ``skillgap serve`` runs,
under uvicorn, with the demo issuers' profiles given to the verifier from memory (as the
in-process tests do), so the demo's signed badges verify without a network."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from skillgap.config import load_settings
from skillgap.demo.credentials import demo_credentials
from skillgap.formats.bundle import read_bundle
from skillgap.server import create_app
from skillgap.services.bundles import demo_folder


def main(workspace: str, port: str) -> None:
    fetcher = demo_credentials(read_bundle(demo_folder())).fetcher()
    app = create_app(load_settings({}, workspace=Path(workspace)), fetcher=fetcher)
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")


if __name__ == "__main__":
    main(*sys.argv[1:3])
