"""Limber's benchmarks: `make bench` (or `python -m benchmarks`) measures every hot path."""
