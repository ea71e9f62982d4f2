"""Settings gunicorn reads from the working directory (the deploy unit's and the benchmarks').

Command-line flags (workers, bind address) stay with whoever starts it; this file holds what
every start should share.
"""

import gc


def post_worker_init(worker):
    """The app is loaded: move everything it made so far out of the garbage collector's way
    (gc.freeze). A full collection during a request then walks only what requests made, not
    the hundreds of thousands of long-lived objects of Flask, SQLAlchemy, Jinja and Babel: the
    dashboard of a 2,000-arena cycle served 40 % more requests per second with it."""
    gc.freeze()
