"""Long-running commands stopped by SIGTERM or SIGINT, without locks in the signal handler.

Python runs a signal handler on the main thread between two bytecodes — possibly inside
`Event.wait`, which holds the event's lock across several Python calls. A handler calling
`stop.set()` there waits for a lock its own thread holds, for ever, and only SIGKILL ends the
process (cpython#126434; seen on a standby worker, which spends its life in `stop.wait`). So the
work runs on a thread of its own, the handler only notes the signal, and the main thread —
which never touches the event otherwise — sets it.
"""

import signal
import threading
from collections.abc import Callable

STOPPING = (signal.SIGTERM, signal.SIGINT)
_POLL_SECONDS = 0.2


def run_until_signalled(work: Callable[[threading.Event], None]) -> None:
    """Runs `work(stop)` on a thread until it returns; SIGTERM or SIGINT sets `stop`. What the
    work raised is raised here."""
    stop = threading.Event()
    received: list[int] = []  # appended by the handler: no lock taken
    failure: list[BaseException] = []

    def guarded() -> None:
        try:
            work(stop)
        except BaseException as error:  # handed to the main thread
            failure.append(error)

    previous = {
        signum: signal.signal(signum, lambda n, _: received.append(n)) for signum in STOPPING
    }
    worker = threading.Thread(target=guarded, name="parcours-work")
    try:
        worker.start()
        while worker.is_alive():
            worker.join(_POLL_SECONDS)
            if received:
                stop.set()
    finally:
        stop.set()
        worker.join()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if failure:
        raise failure[0]
