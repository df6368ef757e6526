"""Torch as a program sees it: functions, tensor methods and operators.

Owns the declarative catalogue of torch functions and tensor methods (`catalogue`),
result sizes predicted before anything is allocated (`shapes`), the callers of the
catalogue (`torch_api`, `tensor_api`), torch values that are not tensors
(`torch_values`), Python operators on tensors (`operators`), the cost checks of
comparisons and backward passes (`compare_cost`, `backward_cost`) and the engine's
backward steps recorded with hooks while the program runs (`backward_steps`).

May import: torch, numpy, the standard library and `playground.sandbox.core`.
"""
