"""Demo data built from the facts of Bergen kommune's 2021 review."""
