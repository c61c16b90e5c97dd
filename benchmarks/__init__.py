"""Benchmarks: each ``bench_*.py`` module yields result rows, compared with a peer in the same run."""
