"""Each ecosystem's version order, with the traps that a plain string or number sort gets wrong."""

from __future__ import annotations

import pytest

from imagetailor.vulns import apkversion
from imagetailor.vulns.severity import cvss2_score, cvss3_score, rating
from imagetailor.vulns.versions import composer, dpkg, maven, nuget, pep440, rubygems, semver

# (compare, older, newer): compare(older, newer) must be -1 and the reverse 1.
ORDERED = [
    (dpkg, "5.2.15-2+b7", "5.2.15-2+b10"),  # binNMU numbers are numbers
    (dpkg, "9.0", "1:1.0"),  # an epoch outranks everything after it
    (dpkg, "2.36-9", "2.36-9+deb12u3"),
    (dpkg, "1.0~rc1", "1.0"),  # ~ sorts before nothing
    (apkversion.compare, "1.2.3_rc1", "1.2.3"),  # pre-release suffixes are older
    (apkversion.compare, "1.2.3_alpha2", "1.2.3_beta1"),
    (apkversion.compare, "1.2.3-r9", "1.2.3-r10"),
    (apkversion.compare, "1.2.3", "1.2.3-r0"),
    (apkversion.compare, "1.2.3-r5", "1.2.3_p1"),  # a post-release suffix beats a revision
    (apkversion.compare, "1.2.3", "1.2.3a"),  # a letter is newer
    (apkversion.compare, "1.2.3a", "1.2.4"),
    (apkversion.compare, "1.2.9", "1.2.10"),
    (apkversion.compare, "1.01", "1.1"),  # leading zero: a fraction
    (apkversion.compare, "3.1.4-r5", "3.1.4-r6"),
    (pep440, "1.0rc1", "1.0"),
    (pep440, "1.0", "1.0.post1"),
    (pep440, "1.0.dev1", "1.0a1"),
    (pep440, "2.9", "2.10"),
    (semver, "1.0.0-alpha", "1.0.0-alpha.1"),
    (semver, "1.0.0-alpha.1", "1.0.0-alpha.beta"),
    (semver, "1.0.0-beta.2", "1.0.0-beta.11"),
    (semver, "1.0.0-rc.1", "1.0.0"),
    (semver, "v0.0.0-20200101000000-abcdef123456", "v0.1.0"),  # a Go pseudo-version
    (semver, "v1.9.0", "v1.10.0"),
    (nuget, "1.0.0-Beta", "1.0.0"),
    (nuget, "1.2.3", "1.2.3.1"),
    (rubygems, "1.0.a", "1.0"),
    (rubygems, "1.0.0.rc1", "1.0.0"),
    (rubygems, "1.2.9", "1.2.10"),
    (maven, "1.0-alpha-1", "1.0"),
    (maven, "1.0-rc1", "1.0"),
    (maven, "1.0", "1.0-sp1"),
    (maven, "1.0-sp1", "1.0.1"),
    (maven, "2.14.1", "2.15.0"),
    (composer, "1.0.0-beta2", "1.0.0"),
    (composer, "2.0.9", "v2.1"),
    (composer, "1.0.0", "1.0.0-p1"),
]


@pytest.mark.parametrize(("compare", "older", "newer"), ORDERED)
def test_order(compare, older, newer):
    assert compare(older, newer) == -1
    assert compare(newer, older) == 1
    assert compare(older, older) == 0


@pytest.mark.parametrize(
    ("compare", "a", "b"),
    [(dpkg, "1.0", "1.0-0"), (pep440, "1.0", "1.0.0"), (maven, "1.0.0", "1"),
     (maven, "1.0-ga", "1.0"), (rubygems, "1.0.0", "1"), (semver, "v1.2.3", "1.2.3"),
     (nuget, "1.0.0-BETA", "1.0.0-beta")],
)  # fmt: skip
def test_equal(compare, a, b):
    assert compare(a, b) == 0


@pytest.mark.parametrize(
    ("compare", "text"),
    [(apkversion.compare, "1.2.3_foo"), (apkversion.compare, "x" * 200), (pep440, "not a ver"),
     (semver, "latest"), (composer, "dev-main"), (dpkg, "1.0 bad")],
)  # fmt: skip
def test_not_a_version_is_none(compare, text):
    assert compare(text, "1.0") is None


@pytest.mark.parametrize(
    ("vector", "score", "level"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "critical"),  # Log4Shell
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical"),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "high"),  # CVE-2023-4911
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, "medium"),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, "low"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "unknown"),
    ],
)
def test_cvss3_base_scores(vector, score, level):
    assert cvss3_score(vector) == score
    assert rating(score, 3) == level


def test_cvss2_and_bad_vectors():
    assert cvss2_score("AV:N/AC:L/Au:N/C:P/I:P/A:P") == 7.5
    assert cvss2_score("AV:N/AC:M/Au:N/C:N/I:P/A:N") == 4.3
    assert cvss3_score("CVSS:3.1/AV:X/AC:L") is None
