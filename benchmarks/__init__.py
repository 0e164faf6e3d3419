"""Benchmark scripts: they print figures; no test asserts timings."""
