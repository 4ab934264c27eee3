"""The kernel manager of the dashboard server: Jupyter's, except for kernels whose page has not connected.

A page's kernel (given to a page from the preheated pool, or started for it) is waited for by the page's browser:
once the browser has drawn the page it opens the kernel's websocket. A kernel whose page was sent completely
(server.serve calls `page_sent`) and has not connected within `unclaimed_grace` seconds of that (and of the
kernel's last activity) is shut down at the next culling round, whatever the idle timeout: a link preview, a
crawler or a script that only GETs the page never connects, and its kernel would otherwise count against the
live-kernel cap until culled. While its page is still being sent a kernel is never culled this way (its request
would wait for a dead kernel). A page that connected keeps its kernel as Jupyter's culling allows (voila.json: not
while connected; 90 idle seconds after it went away without saying so).

The grace must be longer than the slowest first connect of a real browser on a busy server (measured in
docs/load.md; the server logs each page's connect delay). Kernels waiting in the preheated pool are never culled
(Voilà's own kernel manager, built on this class, returns before calling this one for them).
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float


class FrivilligKernelManager(AsyncMappingKernelManager):
    unclaimed_grace = Float(90, config=True, help="Seconds a page's kernel waits for its browser to connect after "
                            "its page was sent before it is shut down (the slowest first connect measured under load, with a margin)")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ever_connected: set[str] = set()
        self._sending: set[str] = set()  # kernels whose page is being sent
        self._sent_at: dict[str, float] = {}  # kernel id -> when its page was sent (monotonic)

    def page_claimed(self, kernel_id: str) -> None:
        """Called by server.serve when a page request got this kernel (its page is being sent)."""
        self._sending.add(kernel_id)

    def page_sent(self, kernel_id: str) -> None:
        """Called by server.serve when the page's request ended (sent, or the client went away): the grace
        starts now."""
        self._sending.discard(kernel_id)
        self._sent_at.setdefault(kernel_id, time.monotonic())

    def notify_connect(self, kernel_id):
        # jupyter_server calls this when a websocket of the kernel opens
        if kernel_id not in self._ever_connected:
            self._ever_connected.add(kernel_id)
            sent = self._sent_at.get(kernel_id)
            if sent is not None:
                self.log.info("Frivilligdata: page of kernel %s connected %.1f s after it was sent", kernel_id,
                              time.monotonic() - sent)
        return super().notify_connect(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id in self._ever_connected:
            return await super().cull_kernel_if_idle(kernel_id)
        kernel = self.get_kernel(kernel_id) if kernel_id in self else None
        if kernel is None or getattr(kernel, "execution_state", None) == "dead":
            return await super().cull_kernel_if_idle(kernel_id)
        if kernel_id in self._sending or getattr(kernel, "execution_state", None) == "busy":
            return None  # its page is still being sent or built
        now = time.monotonic()
        waited = now - self._sent_at.setdefault(kernel_id, now)  # (a kernel no page claimed: from now on)
        last = getattr(kernel, "last_activity", None)
        if last is not None:
            waited = min(waited, (datetime.now(timezone.utc) - last).total_seconds())
        if waited < self.unclaimed_grace:
            return None
        self.log.warning("Frivilligdata: culling kernel %s: its page has not connected within %.0f s", kernel_id,
                         self.unclaimed_grace)
        await self.shutdown_kernel(kernel_id)
        return None

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._ever_connected.discard(kernel_id)
        self._sending.discard(kernel_id)
        self._sent_at.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)
