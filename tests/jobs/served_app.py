"""The app as gunicorn serves it in the live tests, on the test run's database and Redis.

    gunicorn --pythonpath tests/jobs served_app:application

`FIELDCLOCK_TEST_CONFIG` names a JSON file of app config overrides (database URL, Redis,
EXPORT_DIR, JWT secret...), the same file `worker_process.py` reads.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import create_app

application = create_app(json.loads(Path(os.environ["FIELDCLOCK_TEST_CONFIG"]).read_text()))
