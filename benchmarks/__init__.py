"""Benchmarks: `make bench` times import and validate of the seed and of a generated table 100× larger."""
