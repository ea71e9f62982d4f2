"""Administration pages."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@login_required
def users():
    return render_template("admin/users.html")


@bp.get("/portfolios")
@login_required
def portfolios():
    return render_template("admin/portfolios.html")
