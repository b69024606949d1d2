"""Bundler's files read without Ruby: the Gemfile (gems by group, the ruby line, gemspec), its
lock (resolved gems, RUBY VERSION), and RubyGems requirements on Ruby as version constraints.
A Gemfile is Ruby code; these readers understand the declarations Bundler documents and skip
the rest (a line they cannot read changes nothing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from imagetailor.languages.facts import Constraint

_GEM = re.compile(r"""^\s*gem\s+["']([A-Za-z0-9_.-]+)["'](.*)$""")
_GROUP = re.compile(r"^\s*group\s+(.+?)\s+do\b")
_OPENS = re.compile(r"(?:\bdo\s*(?:\|[^|]*\|)?\s*$)|^\s*(?:if|unless|case|begin)\b")
_END = re.compile(r"^\s*end\b")
_SYMBOL = re.compile(r""":(\w+)|["'](\w+)["']""")
_RUBY = re.compile(
    r"""^\s*ruby\s+(?:["']([^"']+)["'](?:\s*,\s*["']([^"']+)["'])?|file:\s*["']([^"']+)["'])"""
)
_LOCK_SPEC = re.compile(r"^    ([A-Za-z0-9_.-]+) \(([^)]+)\)\s*$")
_LOCK_RUBY = re.compile(r"^\s+ruby (\d+\.\d+(?:\.\d+)?)")
VERSION = re.compile(r"^(?:ruby-)?(\d+)\.(\d+)(?:\.(\d+))?")
_TWIDDLE = re.compile(r"^~>\s*(\d+)\.(\d+)(?:\.(\d+))?$")


@dataclass
class Gemfile:
    gems: dict[str, set[str]] = field(default_factory=dict)  # gem -> its groups
    ruby: str = ""  # the ruby line's requirement ("3.3.6", "~> 3.3", ">= 3.1, < 4")
    ruby_file: str = ""  # ruby file: ".ruby-version"
    gemspec: bool = False

    def has(self, *names: str) -> bool:
        return any(n in self.gems for n in names)

    def runtime(self, name: str) -> bool:
        groups = self.gems.get(name)
        return groups is not None and not groups <= {"development", "test"}


def read_gemfile(text: str) -> Gemfile:
    """The Gemfile's gems with their groups (blocks and ``group:`` options), its ruby line."""
    gemfile = Gemfile()
    stack: list[set[str]] = []  # one entry per open block; groups for `group ... do`
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if "#{" not in raw else raw.rstrip()
        if not line.strip():
            continue
        group = _GROUP.match(line)
        if group:
            stack.append({a or b for a, b in _SYMBOL.findall(group.group(1))})
            continue
        gem = _GEM.match(line)
        if gem:
            groups = set().union(*stack) if stack else set()
            option = re.search(r"\bgroups?:\s*(\[[^\]]*\]|:\w+|[\"']\w+[\"'])", gem.group(2))
            if option:
                groups |= {a or b for a, b in _SYMBOL.findall(option.group(1))}
            gemfile.gems[gem.group(1)] = groups or {"default"}
            continue
        ruby = _RUBY.match(line)
        if ruby:
            gemfile.ruby = ", ".join(p for p in ruby.group(1, 2) if p)
            gemfile.ruby_file = ruby.group(3) or ""
        elif re.match(r"^\s*gemspec\b", line):
            gemfile.gemspec = True
        elif _END.match(line) and stack:
            stack.pop()
        elif _OPENS.search(line):
            stack.append(set())
    return gemfile


def read_lock(lines: list[str]) -> tuple[dict[str, str], str]:
    """Gemfile.lock's resolved gems (name -> version) and its RUBY VERSION."""
    gems: dict[str, str] = {}
    ruby, section = "", ""
    for line in lines:
        if line and not line.startswith(" "):
            section = line.strip()
            continue
        spec = _LOCK_SPEC.match(line)
        if spec and section in ("GEM", "PATH", "GIT"):
            gems.setdefault(spec.group(1), spec.group(2).split("-", 1)[0])
        found = _LOCK_RUBY.match(line)
        if found and section == "RUBY VERSION":
            ruby = found.group(1)
    return gems, ruby


def constraint(requirement: str, source: str) -> Constraint | None:
    """A RubyGems requirement on Ruby as a version constraint: an exact version means its line
    (3.3.6: ruby:3.3), ``~> 3.3`` is >=3.3 <4, ``~> 3.3.1`` is >=3.3.1 <3.4."""
    parts: list[str] = []
    for part in (p.strip() for p in requirement.split(",")):
        twiddle = _TWIDDLE.match(part)
        exact = VERSION.match(part)
        if twiddle:
            major, minor, patch = twiddle.groups()
            if patch is None:
                parts.append(f">={major}.{minor}.0 <{int(major) + 1}.0.0")
            else:
                parts.append(f">={major}.{minor}.{patch} <{major}.{int(minor) + 1}.0")
        elif exact:
            return Constraint("pep440", f"=={exact.group(1)}.{exact.group(2)}.*", source)
        elif re.match(r"^(>=|>|<=|<|=)\s*\d+(\.\d+)*$", part):
            parts.append(part.replace(" ", "").lstrip("="))
        else:
            return None
    return Constraint("npm", " ".join(parts), source) if parts else None
