"""The kernel manager of the dashboard server: Jupyter's, except that a page that has not yet connected keeps its
kernel for a grace period (`unclaimed_grace`, seconds) before culling may take it. A page counts as connected once a
culling round has seen its websocket open (a page that connects and is dropped between two rounds is culled only
after the grace period).

Culling (voila.json: 90 idle seconds) is for pages that went away without saying so. But a kernel is idle from the
moment its notebook has run until the browser, having received and drawn the page, opens the page's websocket;
on a busy server that took longer than the cull time, and the page then found its kernel gone and never drew.
"""
from __future__ import annotations

import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float


class FrivilligKernelManager(AsyncMappingKernelManager):
    unclaimed_grace = Float(600, config=True, help="Seconds a kernel whose page has never connected is safe from "
                            "culling (pages on a busy server connect late)")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ever_connected: set[str] = set()
        self._started_at: dict[str, float] = {}

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await super().start_kernel(*args, **kwargs)
        self._started_at[kernel_id] = time.monotonic()
        return kernel_id

    async def cull_kernel_if_idle(self, kernel_id):
        if self._kernel_connections.get(kernel_id, 0) > 0:  # seen at a culling round (every cull_interval)
            self._ever_connected.add(kernel_id)
        started = self._started_at.get(kernel_id)
        if (kernel_id not in self._ever_connected and started is not None
                and time.monotonic() - started < self.unclaimed_grace):
            kernel = self._kernels.get(kernel_id)
            if kernel is not None and getattr(kernel, "execution_state", None) != "dead":
                return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._ever_connected.discard(kernel_id)
        self._started_at.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)
