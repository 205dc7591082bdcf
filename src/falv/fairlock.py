"""A first-come, first-served reentrant lock for the engine (issue 11: where the p99 came from).

threading.Lock/RLock are not fair: on release any waiter may win, and the releasing thread (or a
newly arrived one) usually does, because the woken waiter must still get the GIL. With the server's
40 request threads queued on the engine lock, an unlucky request waited for seconds while later ones
went first — the tail of the load test. Here the releasing thread hands the lock to the longest
waiter, so a request waits for the requests that arrived before it, and no others.
"""

from __future__ import annotations

import threading
from collections import deque


class FairLock:
    """Reentrant, FIFO hand-off. Used as a context manager, like threading.RLock."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[tuple[int, threading.Lock]] = deque()
        self._owner: int | None = None
        self._count = 0

    def acquire(self) -> bool:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._count += 1
                return True
            if self._owner is None and not self._waiters:
                self._owner, self._count = me, 1
                return True
            gate = threading.Lock()
            gate.acquire()
            self._waiters.append((me, gate))
        gate.acquire()  # released by the owner that hands the lock over to us
        return True

    def release(self) -> None:
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("FairLock released by a thread that does not hold it")
            self._count -= 1
            if self._count:
                return
            if self._waiters:
                self._owner, gate = self._waiters.popleft()
                self._count = 1
                gate.release()
            else:
                self._owner = None

    def __enter__(self) -> "FairLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
