"""Settings gunicorn reads from its working directory (the deploy unit's and the benchmarks').

Command-line flags (workers, bind address) stay with whoever starts it; this file holds what
every start shares.
"""

import gc

# Collect the youngest generation after 20,000 new container objects, not 700. One dashboard
# request of a 2,000-arena cycle makes tens of thousands of short-lived rows and tuples; at 700
# the collector ran dozens of times a request and took a fifth of its time. Reference counting
# still frees almost everything at once; the collector is only for cycles.
GC_THRESHOLD = (20_000, 10, 10)


def post_worker_init(worker):
    """The app is loaded: move everything it made so far out of the collector's way
    (gc.freeze), so a collection walks only what requests made, not the hundreds of thousands
    of long-lived objects of Flask, SQLAlchemy, Jinja and Babel; then set the threshold."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
