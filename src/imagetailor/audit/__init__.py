"""Auditing many images at once: a registry's catalogue or a list, each image judged by the
purpose it says it has, shared layers read once, verdicts kept between runs."""
