"""Where a request's time goes: pyinstrument over N in-process requests to one address, on the
benchmark's database and Redis (load it first with `make bench` or benchmarks/dataset.py).

    .venv/bin/python benchmarks/profile.py /menu [N]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from pyinstrument import Profiler

    os.environ.update(STOREFRONT_ENV="production", RATELIMIT_ENABLED="false", SECRET_KEY="profile-only-" + "x" * 32,
                      DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench"),
                      REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    from storefront import create_app

    path, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200
    client = create_app().test_client()
    client.get(path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(count):
        client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
