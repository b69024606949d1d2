"""JUnit XML for any rule-based result: one test case per rule evaluated, CI systems show the
failures beside the pipeline's own tests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Characters XML 1.0 cannot carry at all, even escaped; image paths and excerpts may hold them.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class JUnitFailure:
    message: str
    type: str  # the rule id or severity; CI systems show it as the failure kind
    text: str = ""


@dataclass(frozen=True)
class JUnitCase:
    name: str
    classname: str
    failures: Sequence[JUnitFailure] = ()
    output: str = ""  # findings that do not fail, shown as the case's system-out


@dataclass(frozen=True)
class JUnitSuite:
    name: str
    cases: Sequence[JUnitCase]
    properties: Mapping[str, str] = field(default_factory=dict)


def junit_xml(suites: Sequence[JUnitSuite], name: str = "imagetailor") -> str:
    """The XML document; a case with several failures gets one <failure> holding all of them,
    since the common JUnit schemas allow one per test case."""
    root = ET.Element("testsuites", name=name)
    total_tests = total_failures = 0
    for suite in suites:
        failures = sum(1 for case in suite.cases if case.failures)
        element = ET.SubElement(
            root,
            "testsuite",
            name=_xml_text(suite.name),
            tests=str(len(suite.cases)),
            failures=str(failures),
            errors="0",
            skipped="0",
            time="0",
        )
        if suite.properties:
            properties = ET.SubElement(element, "properties")
            for key, value in suite.properties.items():
                ET.SubElement(properties, "property", name=_xml_text(key), value=_xml_text(value))
        for case in suite.cases:
            case_element = ET.SubElement(
                element,
                "testcase",
                name=_xml_text(case.name),
                classname=_xml_text(case.classname),
                time="0",
            )
            if case.failures:
                first = case.failures[0]
                message = (
                    first.message
                    if len(case.failures) == 1
                    else f"{len(case.failures)} findings; first: {first.message}"
                )
                failure = ET.SubElement(
                    case_element, "failure", message=_xml_text(message), type=_xml_text(first.type)
                )
                failure.text = _xml_text("\n\n".join(f.text or f.message for f in case.failures))
            if case.output:
                ET.SubElement(case_element, "system-out").text = _xml_text(case.output)
        total_tests += len(suite.cases)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
