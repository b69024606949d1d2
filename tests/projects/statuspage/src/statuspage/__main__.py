# SPDX-License-Identifier: MIT
import os

from aiohttp import web

from . import create_app


def main() -> None:
    port = int(os.environ.get("PORT", "8080"))
    web.run_app(create_app(os.environ.get("SERVICE_NAME", "statuspage")), host="0.0.0.0", port=port)


if __name__ == "__main__":
    main()
