import sys

import markupsafe

from . import escape_text


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    text = " ".join(args) if args else '<b>"fish" & chips</b>'
    print(escape_text(text))
    speedups = getattr(markupsafe, "_escape_inner", None)
    compiled = type(speedups).__name__ == "builtin_function_or_method"
    print(f"markupsafe speedups: {'yes' if compiled else 'no'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
