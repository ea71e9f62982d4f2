"""Arena register pages (council office)."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("arenas", __name__, url_prefix="/arenas")


@bp.get("/")
@login_required
def index():
    return render_template("arenas/index.html")
