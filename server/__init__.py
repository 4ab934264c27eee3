"""The dashboard server: Voilà with the Frivilligdata handlers (serve), several workers behind nginx (cluster), the
kernel manager (kernels), the preheated kernel's side of the request protocol (preheat), the views built ahead
(prebuild), the Voilà template (share/) and the nginx recipe (deploy/). Every use of another package's private
internals is in `internals`. Kernels import `server.preheat`: keep this file free of imports."""
