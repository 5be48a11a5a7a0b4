"""The Python example model server: FastAPI, a model trained at start on seeded synthetic data,
and every prediction and actual reported to Driftline through the ``driftline`` package.

    PYTHONPATH=python DRIFTLINE_ENDPOINT=http://127.0.0.1:8787 DRIFTLINE_TOKEN=<ingest token> \\
        python3 -m uvicorn --app-dir examples/python server:app --port 8000

    curl -s localhost:8000/predict -H 'content-type: application/json' \\
        -d '{"id": "a1", "features": {"income": 52000, "age": 41, "debt_to_income": 0.3,
             "late_payments": 0, "employment": "salaried", "has_mortgage": true}}'
    curl -s localhost:8000/actual -H 'content-type: application/json' -d '{"id": "a1", "label": "repaid"}'

Environment: DRIFTLINE_ENDPOINT and DRIFTLINE_TOKEN (read by driftline.Monitor), MODEL_ID
(default "loans-py"), MODEL_VERSION (default "v1"), TRAINING_SEED (default 7).
"""

import os
import time
from typing import Any, Dict, Optional

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

import driftline
from data import FEATURES, training_set
from model import Model

app = FastAPI(title="loans-py")
state: Dict[str, Any] = {}


class Application(BaseModel):
    features: Dict[str, Any]
    id: Optional[str] = None


class Actual(BaseModel):
    id: str
    label: str


@app.on_event("startup")
def start():
    rows, labels = training_set(int(os.environ.get("TRAINING_SEED", "7")), 2000)
    state["model"] = Model.train(rows, labels)
    state["monitor"] = driftline.Monitor(model=os.environ.get("MODEL_ID", "loans-py"), version=os.environ.get("MODEL_VERSION", "v1"))


@app.on_event("shutdown")
def stop():
    # Sends what is queued before the process exits (bounded by close_timeout_seconds).
    state["monitor"].close()


@app.post("/predict")
def predict(application: Application):
    missing = [name for name in FEATURES if name not in application.features]
    if missing:
        raise HTTPException(422, f"missing features: {', '.join(missing)}")
    started = time.perf_counter()
    label, score = state["model"].predict(application.features)
    state["monitor"].record_prediction(application.features, label=label, score=score, latency_seconds=time.perf_counter() - started, id=application.id)
    return {"id": application.id, "label": label, "score": score}


@app.post("/actual")
def actual(actual: Actual):
    state["monitor"].record_actual(actual.id, actual.label)
    return {"id": actual.id}


@app.get("/stats")
def stats():
    """The monitor's counters: what it recorded, delivered and lost."""
    return state["monitor"].stats()


@app.post("/flush")
def flush():
    """Waits (at most 10 s) until everything recorded so far is delivered; for tests and demos."""
    return {"delivered": state["monitor"].flush(10), "stats": state["monitor"].stats()}
