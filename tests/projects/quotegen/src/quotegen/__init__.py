"""quotegen: print a quote from the YAML file shipped inside the package."""

import argparse
import os
import random
from importlib.resources import files

import yaml


def load_quotes():
    text = files("quotegen").joinpath("quotes.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["quotes"]


def pick(quotes, seed=None):
    return random.Random(seed).choice(quotes)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="quotegen")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("QUOTEGEN_SEED", "7")))
    args = parser.parse_args(argv)
    q = pick(load_quotes(), args.seed)
    print(f"\u201c{q['text']}\u201d \u2014 {q['author']}")
    return 0
