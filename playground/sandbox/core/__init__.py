"""What every part of the sandbox shares: one run's state and the rules it keeps.

Owns the run's context (`context`: budgets in force, the alive-memory meter, the stop
cell, the private generator), the budgets and their checks (`budgets`, `limits`),
the errors a learner sees and their explanations (`errors`, `explain`, `text`), the
protocol every sandbox object follows (`values`) and the trace of operations
(`trace`).

May import: torch, numpy and the standard library. Nothing else of the sandbox.
"""
