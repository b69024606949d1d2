"""Purpose-aware Dockerfile lint (`tailor lint`): BuildKit's parser, a stage model, TL rules.

Other parts call ``lint_path``/``lint_text`` and get ``Finding`` objects; ``render`` turns them
into text, json, sarif or junit.
"""

from imagetailor.lint.config import LintConfig, load_config
from imagetailor.lint.engine import Finding, exceeds, lint_path, lint_text
from imagetailor.lint.formats import render

__all__ = ["Finding", "LintConfig", "exceeds", "lint_path", "lint_text", "load_config", "render"]
