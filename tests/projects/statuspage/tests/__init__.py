# SPDX-FileCopyrightText: 2026-present Seed a7cb6306 maintainers <maintainers@users.noreply.r-seed-a7cb6306.example>
#
# SPDX-License-Identifier: MIT
