"""Purpose policies: settings per purpose, the built-in rules, and the verdict they give.

``policy.settings.resolve(purpose, tables, overrides=...)`` gives a purpose's
``PolicySettings`` (defaults, then the [policy] tables of tailor.toml, then flags);
``policy.evaluate.evaluate(analysis, settings)`` gives the ``CheckReport`` (policy.findings:
fit, findings, rules evaluated, summary).

Nothing is imported here: every ``imagetailor.policy.X`` import runs this file first, and the
rules and analysis model behind ``evaluate`` cost 0.1 s that a reader of ``policy.settings``
alone (a warm `tailor audit`) does not need. Import from the modules themselves.
"""
