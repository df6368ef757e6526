"""`python -m playground`: see `playground.cli`."""

import json
import sys

from .cli import main

if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        error = {"message": f"internal error: {type(exc).__name__}", "line": None, "col": None}
        print(json.dumps({"ok": False, "error": error, "output": "", "tensors": {}, "graph": None}))
        sys.exit(1)
