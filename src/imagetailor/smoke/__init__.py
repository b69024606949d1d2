"""`tailor smoke`: run an image, probe it on a loopback port, report, always remove it."""

from imagetailor.smoke.probe import SmokeResult, parse_env, port_is_free, smoke

__all__ = ["SmokeResult", "parse_env", "port_is_free", "smoke"]
