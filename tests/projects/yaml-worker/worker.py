"""Process the jobs listed in a YAML file, then exit.

Run by the Procfile's worker process; JOBS_FILE picks the file.
"""

import os
import sys

import yaml


def run_job(job):
    kind = job["kind"]
    if kind == "sum":
        return sum(job["values"])
    if kind == "upper":
        return job["text"].upper()
    raise ValueError(f"unknown job kind: {kind}")


def main(path):
    with open(path, encoding="utf-8") as fh:
        jobs = yaml.safe_load(fh)["jobs"]
    for job in jobs:
        print(f"{job['name']}: {run_job(job)}")
    print(f"processed {len(jobs)} jobs (libyaml: {yaml.__with_libyaml__})")
    return 0


if __name__ == "__main__":
    sys.exit(main(os.environ.get("JOBS_FILE", "jobs.yaml")))
