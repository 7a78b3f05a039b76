# The worker's side of the work-loop protocol, for Python workers: the same as work-loop.mjs
# (first stdout line {"output": ...}; each {"type": "sample", "ms": N} on stdin is answered with
# {"ops": count, "ms": elapsed} after running the operation in batches for N ms; exits at EOF).
import json
import sys
import time


def serve_work(operation, batch=10):
    """Answers the harness's sample requests by running `operation` (returning str or bytes) in a loop."""
    _reply({"output": _text(operation())})
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "sample":
            _reply(_sample(operation, message["ms"], batch))


def _sample(operation, ms, batch):
    ops = 0
    chars = 0
    t0 = time.perf_counter()
    while True:
        for _ in range(batch):
            chars += len(operation())
        ops += batch
        elapsed = (time.perf_counter() - t0) * 1000
        if elapsed >= ms:
            return {"ops": ops, "ms": elapsed, "chars": chars}


def _text(output):
    return output.decode("utf-8") if isinstance(output, bytes) else output


def _reply(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()
