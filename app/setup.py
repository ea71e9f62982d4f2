"""Wiring: extensions, database tuning, blueprints, error pages, headers, CLI."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.database import _read_only, configure_sqlite, is_sqlite
from app.extensions import babel, csrf, db, login_manager, migrate
from app.observability import init_observability

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def select_locale() -> str:
    """Norwegian unless the person chose English (session) or set it on their profile."""
    if not has_request_context():  # CLI and scheduler jobs speak Norwegian
        return "nb"
    if request.path.startswith("/api/"):  # the API: the request's language, never the session
        return request.accept_languages.best_match(("nb", "en")) or "nb"
    chosen = session.get("locale")
    if chosen in ("nb", "en"):
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in ("nb", "en"):
        return current_user.locale
    return "nb"


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(app.root_path) / "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logg inn for å se denne siden.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        from app.models import User

        user_id, _, epoch = session_id.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        if user is None or not user.is_active or epoch != str(user.session_epoch):
            return None  # unknown, deactivated, or a session ended by logging out
        return user

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        if is_sqlite(db.engine):
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def init_request_hooks(app: Flask) -> None:
    @app.before_request
    def mark_read_only():
        # GET pages only read: their SQLite transactions need no write lock (see database.py)
        g._read_only_token = _read_only.set(request.method in SAFE_METHODS)

    @app.teardown_request
    def unmark_read_only(_exc):
        token = g.pop("_read_only_token", None)
        if token is not None:
            _read_only.reset(token)

    from app.auth.oidc import form_action_sources

    form_action = form_action_sources(app.config)  # sign-out may go on to the provider

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"font-src 'self' data:; frame-ancestors 'none'; form-action {form_action}; "
            "base-uri 'self'; object-src 'none'",
        )
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("IS_PRODUCTION"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.errorhandler(SecurityError)  # a Host not in TRUSTED_HOSTS: no URL adapter, no template
    def untrusted_host(_error):
        return Response("400 Bad Request: untrusted host", 400, mimetype="text/plain")

    icon = (Path(app.static_folder) / "favicon.ico").read_bytes()

    @app.get("/favicon.ico")  # browsers ask for it on every page, link or no link
    def favicon():
        return Response(icon, mimetype="image/x-icon", headers={"Cache-Control": "max-age=86400"})

    init_observability(app)  # request ids and one JSON log line per request
    from app.input_guard import register_input_guard

    register_input_guard(app)  # a NUL in a form or query: 400, not a database error
    if hops := app.config.get("FORWARDED_PROXIES"):  # the client's address, not the proxy's
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_blueprints(app: Flask) -> None:
    from app.about import bp as about_bp
    from app.admin import bp as admin_bp
    from app.arenas import bp as arenas_bp
    from app.assessments import bp as assessments_bp
    from app.auth import bp as auth_bp
    from app.calendar import bp as calendar_bp
    from app.council import bp as council_bp
    from app.cycles import bp as cycles_bp
    from app.documents import bp as documents_bp
    from app.main import bp as main_bp
    from app.notifications import bp as notifications_bp
    from app.profile import bp as profile_bp

    for blueprint in (main_bp, auth_bp, assessments_bp, cycles_bp, arenas_bp, admin_bp,
                      calendar_bp, profile_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(council_bp)
    from app.statistics import bp as statistics_bp

    app.register_blueprint(statistics_bp)
    from app.api import bp as api_bp
    from app.api.token_pages import bp as api_tokens_bp

    app.register_blueprint(csrf.exempt(api_bp))  # Bearer tokens only, no cookies: no CSRF
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(about_bp)


def register_cli(app: Flask) -> None:
    from app.arenas.cli import arenas_cli
    from app.backup.cli import backup_cli
    from app.cli import users_cli
    from app.council.cli import council_cli
    from app.cycles.cli import cycles_cli
    from app.demo.cli import demo_cli
    from app.documents.cli import review_cli
    from app.scheduler.cli import scheduler_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(cycles_cli)
    app.cli.add_command(arenas_cli)
    app.cli.add_command(review_cli)
    app.cli.add_command(council_cli)
    from app.api.cli import token_command

    users_cli.add_command(token_command)
    app.cli.add_command(backup_cli)


def init_app(app: Flask) -> None:
    """Everything `create_app` needs beyond configuration."""
    from app.errorpages import register_error_handlers
    from app.templating import register_template_helpers

    init_extensions(app)
    init_request_hooks(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_blueprints(app)
    register_cli(app)
