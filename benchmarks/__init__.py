"""Benchmarks: each module is a script, run from the repository root as a module.

    python -m benchmarks.NAME [--quick] [...]

so the modules import each other (`benchmarks.local_server`, `benchmarks.st_protocol`)
and `playground` (the working tree, or the installed package) with no path
edits. The measured numbers and the exact commands are in `benchmarks/RESULTS.md`.
"""
