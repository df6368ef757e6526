"""The graph: what autograd built, as plain data, and its drawings.

Owns the graph model (`model`: nodes, edges and labels read from `grad_fn` /
`next_functions`, with no torch objects once built), tensor snapshots
(`tensor_info`), the step-through view of recorded backward steps (`step_view`),
DOT and SVG rendering (`dot_text`, `render_dot`, `render_svg`) and `draw`, the
notebook call that mirrors torchviz's `make_dot`.

May import: torch, graphviz, the standard library and `playground.sandbox` (the
tracer and the recorded backward steps). Nothing from `playground.training`, the
top-level modules or the pages.
"""
