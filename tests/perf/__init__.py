"""Query counts at two sizes (bench/generate.py makes the data)."""
