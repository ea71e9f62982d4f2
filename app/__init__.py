"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config import CONFIGS, Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | str | None = None, **overrides) -> Flask:
    """Build a configured app. `config` is a Config class or a name from config.CONFIGS."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("APP_CONFIG", "development")]
    app.config.from_object(config)
    app.config.update(overrides)
    if app.config.get("IS_PRODUCTION"):
        config.check(app.config)  # refuses a default or short SECRET_KEY

    from app.setup import init_app

    init_app(app)
    return app
