"""Production mode: runs advanced by `claimflow worker` processes through a procrastinate queue in Postgres.

`submit` writes a run with its job (or a decision with its resume job) in one transaction; `jobs` is what a
worker does with them, under the run's advisory lock (`lock`); `app` holds the tasks, the stalled-job reaper
among them, and `reaper` puts back the jobs of silent workers, naming each; `status` and `migrate` are the
operator's view and set-up. Importing this package imports neither procrastinate nor psycopg: the engine and
the CLI name it without paying for either.
"""

from claimflow.runtime.queue.errors import QueueSetupError
from claimflow.runtime.queue.names import MAINTENANCE_QUEUE, OFFLINE_QUEUE, queue_for, worker_queues

__all__ = ["MAINTENANCE_QUEUE", "OFFLINE_QUEUE", "QueueSetupError", "queue_for", "worker_queues"]
