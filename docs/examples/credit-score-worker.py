#!/usr/bin/env python3
"""An external task worker for Baton, in plain Python (standard library only).

It long-polls the topic 'credit-score' (test/fixtures/camunda7/credit-check.bpmn), scores the
customer and completes the task; an unknown customer is a BPMN error the diagram catches, a
failing scoring service a failure with retries (none left: an incident an admin retries).

    BATON_URL=http://localhost:3000 BATON_TOKEN=<bearer token of a process-owner> python3 credit-score-worker.py
"""
import json
import os
import urllib.error
import urllib.request

BASE = os.environ.get("BATON_URL", "http://localhost:3000")
TOKEN = os.environ["BATON_TOKEN"]
WORKER = os.environ.get("WORKER_ID", "credit-score-worker-1")


def call(path, body):
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "authorization": "Bearer " + TOKEN},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=90) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


def score(customer):
    if customer.startswith("X"):
        raise LookupError(customer)
    return 700 if customer.endswith("2") else 500


while True:
    # Waits up to 60 s for a task; an empty list means "nothing yet, ask again".
    tasks = call("/api/external-tasks/fetch-and-lock", {
        "workerId": WORKER,
        "maxTasks": 5,
        "asyncResponseTimeout": 60000,
        "topics": [{"topicName": "credit-score", "lockDuration": 60000}],
    })
    for task in tasks:
        base = "/api/external-tasks/" + task["id"]
        try:
            result = score(str(task["variables"]["customer"]))
            call(base + "/complete", {"workerId": WORKER, "variables": {"score": result}})
        except LookupError as unknown:
            call(base + "/bpmn-error", {"workerId": WORKER, "errorCode": "UNKNOWN_CUSTOMER", "errorMessage": str(unknown)})
        except (OSError, urllib.error.URLError) as down:
            retries = task["retries"] if task["retries"] is not None else 3
            call(base + "/failure", {"workerId": WORKER, "errorMessage": str(down), "retries": retries - 1, "retryTimeout": 30000})
