"""Distributed engines for `plans run --engine`: each runs the extraction elsewhere and leaves the store the one writer."""
