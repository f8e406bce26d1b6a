"""Benchmarks with committed results (`make bench`)."""
