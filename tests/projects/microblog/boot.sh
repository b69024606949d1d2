#!/bin/bash
# Container entry point (see Dockerfile): bring the schema up to date, then serve.
set -e
flask db-upgrade
exec gunicorn -b :5000 --access-logfile - --error-logfile - microblog:app
