from markupsafe import escape


def escape_text(text):
    return str(escape(text))
