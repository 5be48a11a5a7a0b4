"""Driftline's Python client: report a model's predictions and actuals over OTLP/HTTP, and
upload baselines built from training CSVs. Standard library only.

    from driftline import Monitor

    with Monitor("http://127.0.0.1:8787", token, model="credit", version="v3") as monitor:
        monitor.record_prediction({"income": 52000.0, "plan": "pro"}, label="approve", score=0.91, id="req-1")
        monitor.record_actual("req-1", "approve")
"""

from .baseline import upload_baseline
from .config import MonitorConfigError
from .http import DriftlineError
from .monitor import Monitor

__version__ = "0.1.0"
__all__ = ["DriftlineError", "Monitor", "MonitorConfigError", "__version__", "upload_baseline"]
