"""server.kernels: a page's kernel whose page never connected is shut down once the grace after its page was
sent has passed; a page being sent, a busy kernel and a connected page are left to Jupyter's rules."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from server.kernels import FrivilligKernelManager


def test_unconnected_kernels_are_spared_for_the_grace_then_shut_down(monkeypatch, tmp_path):
    culled, shut = [], []

    async def parent_cull(self, kernel_id):
        culled.append(kernel_id)

    async def parent_shutdown(self, kernel_id, *args, **kwargs):
        shut.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "cull_kernel_if_idle", parent_cull)
    monkeypatch.setattr(AsyncMappingKernelManager, "shutdown_kernel", parent_shutdown)
    monkeypatch.setattr(AsyncMappingKernelManager, "notify_connect", lambda self, k: None)
    km = FrivilligKernelManager(root_dir=str(tmp_path), unclaimed_grace=60)
    now, long_ago = time.monotonic(), datetime.now(timezone.utc) - timedelta(seconds=120)
    names = ("sending", "new", "old", "busy", "seen", "dead")
    km._kernels.update({k: SimpleNamespace(execution_state="idle", last_activity=long_ago) for k in names})
    km._kernels["busy"].execution_state = "busy"
    km._kernels["dead"].execution_state = "dead"
    for k in names:
        km.page_claimed(k)
    for k in ("new", "old", "busy", "seen", "dead"):
        km.page_sent(k)
    for k in ("old", "busy", "seen", "dead"):
        km._sent_at[k] = now - 61
    km.notify_connect("seen")  # its page connected: culling follows Jupyter's rules

    async def run():
        for k in names:
            await km.cull_kernel_if_idle(k)

    asyncio.run(run())
    assert shut == ["old"]
    assert culled == ["seen", "dead"]
