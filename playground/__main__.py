"""`python -m playground`: see `playground.cli`."""

import json
import os
import sys

from .cli import main

if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()  # a closed pipe must fail here, inside the try
        sys.exit(status)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing more to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        error = {"message": f"internal error: {type(exc).__name__}", "line": None, "col": None}
        print(json.dumps({"ok": False, "error": error, "output": "", "tensors": {}, "graph": None}))
        sys.exit(1)
