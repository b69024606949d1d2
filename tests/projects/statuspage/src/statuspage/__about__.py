# SPDX-License-Identifier: MIT
__version__ = "0.7.1"
