"""dashboards.kernels: a kernel whose page never connected is spared from culling for the grace period only."""
from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from dashboards.kernels import FrivilligKernelManager


def test_unclaimed_kernels_are_spared_then_culled(monkeypatch, tmp_path):
    culled = []

    async def parent_cull(self, kernel_id):
        culled.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "cull_kernel_if_idle", parent_cull)
    km = FrivilligKernelManager(root_dir=str(tmp_path), unclaimed_grace=60)
    now = time.monotonic()
    km._kernels.update({k: SimpleNamespace(execution_state="idle") for k in ("new", "old", "seen")})
    km._kernels["dead"] = SimpleNamespace(execution_state="dead")
    km._started_at.update({"new": now, "old": now - 61, "seen": now, "dead": now})
    km._kernel_connections["seen"] = 1  # its page is connected: culling follows Jupyter's rules

    async def run():
        for k in ("new", "old", "seen", "dead"):
            await km.cull_kernel_if_idle(k)

    asyncio.run(run())
    assert culled == ["old", "seen", "dead"]
