"""Comparing two images: files, packages, tools, config and sizes (`tailor diff`, compare.py),
the result's model (model.py). `check --compare` judges a diff with policy/compare.py."""
