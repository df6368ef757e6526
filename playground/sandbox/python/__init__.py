"""The Python a program may use besides torch: built-ins, methods, classes, stdlib.

Owns the built-in functions (`pybuiltins`), methods of str/list/dict/set/tuple
(`pymethods`), lazy iteration (`pyiter`), exceptions a program raises and catches
(`pyexceptions`), `%`/`.format` with bounded widths (`formatting`), the cost checks
of containers (`container_cost`), user classes (`classes`) and the allowed standard
library modules, `math` and a private `random` (`stdlib`).

May import: torch, numpy, the standard library, `playground.sandbox.core` and
`playground.sandbox.tensors` (built-ins such as `sum` and `max` apply tensor operators).
"""
